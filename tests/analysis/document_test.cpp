// Document: positions in every encoding, clamping, incremental edits and bad input.
#include "analysis/document.h"

#include <catch2/catch.hpp>

#include <random>

using namespace docent::analysis;

namespace {
TextChange change(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2, std::string text) {
  return TextChange{Range{{l1, c1}, {l2, c2}}, std::move(text)};
}
std::string fresh_sexp(std::string_view text) {
  return Document(std::string(text)).sexp();
}
} // namespace

TEST_CASE("positions count code units of each encoding") {
  const std::string text = "a = '\xC3\xA9\xF0\x9F\x98\x80x'\n"; // é (2 bytes), 😀 (4 bytes)
  LineIndex lines(text);
  const size_t x = text.find('x');
  CHECK(lines.position_of(text, x, PositionEncoding::Utf8).character == 11);
  CHECK(lines.position_of(text, x, PositionEncoding::Utf16).character == 8);
  CHECK(lines.position_of(text, x, PositionEncoding::Utf32).character == 7);
  CHECK(lines.offset_of(text, {0, 8}, PositionEncoding::Utf16) == x);
  CHECK(lines.offset_of(text, {0, 7}, PositionEncoding::Utf32) == x);
  // Inside the surrogate pair: the start of the emoji.
  CHECK(lines.offset_of(text, {0, 7}, PositionEncoding::Utf16) == x - 4);
}

TEST_CASE("out-of-range positions clamp to line end and text end") {
  const std::string text = "ab\r\ncd\ref\n";
  LineIndex lines(text);
  REQUIRE(lines.line_count() == 4);
  CHECK(lines.offset_of(text, {0, 99}, PositionEncoding::Utf16) == 2);
  CHECK(lines.offset_of(text, {1, 99}, PositionEncoding::Utf16) == 6);
  CHECK(lines.offset_of(text, {2, 1}, PositionEncoding::Utf16) == 8);
  CHECK(lines.offset_of(text, {99, 0}, PositionEncoding::Utf16) == text.size());
  CHECK(lines.position_of(text, 3, PositionEncoding::Utf16) == Position{0, 2}); // inside CRLF
}

TEST_CASE("invalid UTF-8 counts one unit per bad byte") {
  const std::string text = "x = '\xFF\xC3'\ny";
  LineIndex lines(text);
  CHECK_FALSE(is_valid_utf8(text));
  CHECK(lines.position_of(text, 7, PositionEncoding::Utf16).character == 7);
  Document doc(text);
  CHECK(doc.root().id != nullptr);
}

TEST_CASE("incremental edits equal a fresh parse") {
  Document doc("def f(x):\n    return x\n");
  doc.apply(change(1, 11, 1, 12, "x + 1"), PositionEncoding::Utf16);
  CHECK(doc.text() == "def f(x):\n    return x + 1\n");
  CHECK(doc.sexp() == fresh_sexp(doc.text()));
  doc.apply(change(0, 0, 0, 0, "@dec\n"), PositionEncoding::Utf16);
  CHECK(doc.sexp() == fresh_sexp(doc.text()));
  doc.apply(TextChange{std::nullopt, "class A:\n    pass\n"}, PositionEncoding::Utf16);
  CHECK(doc.sexp() == fresh_sexp(doc.text()));
}

TEST_CASE("lone CR ends a line for the parser too") {
  Document doc("def f():\r    return 1\rdef g():\r    return 2\r");
  Document lf("def f():\n    return 1\ndef g():\n    return 2\n");
  CHECK(doc.sexp() == lf.sexp());
  // Turning the first lone CR into CRLF changes how the parser sees the preceding byte.
  doc.apply(change(1, 0, 1, 0, "\n"), PositionEncoding::Utf16);
  CHECK(doc.sexp() == fresh_sexp(doc.text()));
}

TEST_CASE("NUL bytes and an unterminated string do not crash") {
  Document doc(std::string("x = 1\0\ny = '\n", 13));
  CHECK(doc.root().id != nullptr);
  CHECK(doc.sexp() == fresh_sexp(doc.text()));
}

TEST_CASE("the line index updated in place equals one built afresh") {
  std::mt19937 rng(11);
  const char* const pieces[] = {"a", "\n", "\r", "\r\n", "", "xy\nz", "\r\r\n", "é"};
  std::string text = "one\ntwo\r\nthree\rfour\n\nsix";
  LineIndex lines(text);
  for (int step = 0; step < 5000; ++step) {
    std::uniform_int_distribution<size_t> at(0, text.size());
    size_t start = at(rng), end = at(rng);
    if (end < start)
      std::swap(start, end);
    end = std::min(end, start + 3);
    const std::string piece = pieces[rng() % std::size(pieces)];
    text.replace(start, end - start, piece);
    lines.update(text, start, end, start + piece.size());
    INFO("step " << step);
    REQUIRE(lines == LineIndex(text));
  }
}

TEST_CASE("a provisional tree settles to the fresh parse") {
  Document doc("def f(a):\n    return a\n\n\ndef g(b):\n    return b\n");
  const ParseResult result =
      doc.apply(change(0, 4, 0, 4, "(("), PositionEncoding::Utf16, /*settle=*/false);
  REQUIRE(result != ParseResult::TimedOut);
  if (result == ParseResult::Provisional)
    CHECK_FALSE(doc.complete());
  CHECK(doc.reparse() == ParseResult::Complete);
  CHECK(doc.complete());
  CHECK(doc.sexp() == fresh_sexp(doc.text()));
}

TEST_CASE("a snapshot tells where its text may differ from the one handed out before it") {
  std::mt19937 rng(5);
  const char* const pieces[] = {"a", "\n", "\r", "", "xy\nz", "é"};
  Document doc("def f(x):\n    return x\r\n\nclass A:\n    pass\n");
  std::shared_ptr<const Snapshot> before = doc.snapshot();
  CHECK(before->id() != 0);
  for (int step = 0; step < 300; ++step) {
    const int edits = static_cast<int>(rng() % 3); // None, one or two before the snapshot.
    for (int e = 0; e < edits; ++e) {
      const uint32_t line = rng() % static_cast<uint32_t>(doc.lines().line_count());
      const Position at{line, static_cast<uint32_t>(rng() % 6)};
      doc.edit(
          TextChange{Range{at, Position{at.line, static_cast<uint32_t>(at.character + rng() % 3)}},
                     pieces[rng() % std::size(pieces)]},
          PositionEncoding::Utf8);
    }
    if (rng() % 5 == 0)
      doc.edit(TextChange{std::nullopt, std::string(doc.text()) + "x"}, PositionEncoding::Utf8);
    const std::shared_ptr<const Snapshot> now = doc.snapshot();
    INFO("step " << step);
    REQUIRE(now->id() != before->id());
    REQUIRE(now->edited().has_value());
    const Snapshot::EditedSpan& span = *now->edited();
    REQUIRE(span.from == before->id());
    const std::string_view a = before->text(), b = now->text();
    REQUIRE(span.prefix + span.suffix <= std::min(a.size(), b.size()));
    CHECK(a.substr(0, span.prefix) == b.substr(0, span.prefix));
    CHECK(a.substr(a.size() - span.suffix) == b.substr(b.size() - span.suffix));
    if (edits == 0 && span.prefix + span.suffix < a.size())
      CHECK(a != b); // Without an edit (or only a whole new text), nothing is marked needlessly.
    before = now;
  }
}
