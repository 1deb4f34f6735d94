// Raw metrics: every fixture of tests/fixtures/raw against radon's recorded output, plus the
// tokenizer details and the linear-time guarantee the fixtures cannot show.
//
// Each NAME.py has a NAME.expected written by `tests/agreement/raw_check.py --write-expected`:
// "loc lloc sloc comments multi blank single_comments", or "error" where radon raises.
#include "analysis/python_tokenizer.h"
#include "analysis/raw_metrics.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace docent::analysis;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string describe(const std::optional<RawMetrics>& m) {
  if (!m)
    return "error";
  std::ostringstream out;
  out << m->loc << ' ' << m->lloc << ' ' << m->sloc << ' ' << m->comments << ' ' << m->multi << ' '
      << m->blank << ' ' << m->single_comments;
  return out.str();
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::vector<std::filesystem::path> raw_fixtures() {
  std::vector<std::filesystem::path> sources;
  for (const auto& entry : std::filesystem::directory_iterator(DOCENT_FIXTURES_DIR "/raw"))
    if (entry.path().extension() == ".py")
      sources.push_back(entry.path());
  std::sort(sources.begin(), sources.end());
  return sources;
}

// Tokenizes `source` the way radon's _generate does: one readline() per "\n"-terminated line.
// The tokens view `source`, which must outlive them.
std::vector<Token> tokenize(std::string_view source, TokenizeStatus& status) {
  std::vector<Token> tokens;
  PythonTokenizer tokenizer;
  status = TokenizeStatus::Ok;
  for (size_t start = 0; start < source.size() && status == TokenizeStatus::Ok;) {
    const size_t newline = source.find('\n', start);
    const size_t end = newline == std::string_view::npos ? source.size() : newline + 1;
    status = tokenizer.feed_line(source.substr(start, end - start), tokens);
    start = end;
  }
  if (status == TokenizeStatus::Ok)
    status = tokenizer.finish(tokens);
  return tokens;
}

std::vector<TokenType> types_of(const std::vector<Token>& tokens) {
  std::vector<TokenType> types;
  for (const Token& t : tokens)
    types.push_back(t.type);
  return types;
}

} // namespace

TEST_CASE("raw metrics equal radon's on every fixture") {
  const std::vector<std::filesystem::path> sources = raw_fixtures();
  REQUIRE(sources.size() >= 20);
  for (const auto& source : sources) {
    auto expected_path = source;
    expected_path.replace_extension(".expected");
    INFO(source.filename().string());
    REQUIRE(std::filesystem::exists(expected_path));
    CHECK(describe(compute_raw_metrics(read_file(source))) == first_line(read_file(expected_path)));
  }
}

TEST_CASE("line ends do not change raw metrics") {
  const std::string lf = "def f():\n    \"\"\"Doc\n\n    end.\"\"\"\n    return 1  # c\n";
  std::string crlf, cr;
  for (char c : lf) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    cr += c == '\n' ? '\r' : c;
  }
  const auto expected = compute_raw_metrics(lf);
  REQUIRE(expected);
  CHECK(compute_raw_metrics(crlf) == expected);
  CHECK(compute_raw_metrics(cr) == expected);
}

TEST_CASE("invalid UTF-8 is an error, as radon cannot read it") {
  CHECK_FALSE(compute_raw_metrics("x = '\xFF'\n"));
}

TEST_CASE("a long multi-line string takes linear time") {
  // radon re-tokenizes the growing buffer per line; 200000 lines would take hours that way.
  std::string source = "x = '''\n";
  for (int i = 0; i < 200000; ++i)
    source += "some text line\n";
  source += "'''\n";
  const auto m = compute_raw_metrics(source);
  REQUIRE(m);
  CHECK(m->sloc == 200002);
  CHECK(m->lloc == 1);
}

TEST_CASE("tokenizer follows tokenize.py's pattern quirks") {
  TokenizeStatus status;
  SECTION("a non-identifier word run is an OP; an unmatched character and the whitespace "
          "before it are ERRORTOKENs") {
    const auto tokens = tokenize("x = \xD9\xA3 $", status); // U+0663 ARABIC-INDIC DIGIT THREE
    REQUIRE(status == TokenizeStatus::Ok);
    CHECK(types_of(tokens) == std::vector<TokenType>{TokenType::Name, TokenType::Op, TokenType::Op,
                                                     TokenType::ErrorToken, TokenType::ErrorToken,
                                                     TokenType::Newline, TokenType::EndMarker});
    CHECK(tokens[3].text == " ");
    CHECK(tokens[4].text == "$");
  }
  SECTION("numbers take the first alternative that matches, not the longest") {
    const auto tokens = tokenize("0777 1if 1_000j .5e-3", status);
    std::vector<std::string_view> texts;
    for (const Token& t : tokens)
      texts.push_back(t.text);
    CHECK(texts == std::vector<std::string_view>{"0", "777", "1", "if", "1_000j", ".5e-3", "", ""});
  }
  SECTION("a string spanning lines is one token viewing all of them") {
    const auto tokens = tokenize("s = '''a\nb''' + \\\n1\n", status);
    REQUIRE(status == TokenizeStatus::Ok);
    REQUIRE(tokens.size() >= 3);
    CHECK(tokens[2].type == TokenType::String);
    CHECK(tokens[2].text == "'''a\nb'''");
    CHECK(tokens[2].start_row == 1);
    CHECK(tokens[2].end_row == 2);
  }
  SECTION("end of input inside a string or bracket is a TokenError") {
    tokenize("s = '''a\n", status);
    CHECK(status == TokenizeStatus::TokenError);
    tokenize("f(1,\n", status);
    CHECK(status == TokenizeStatus::TokenError);
  }
  SECTION("a backslash must be followed by a newline") {
    const auto tokens = tokenize("x \\", status);
    REQUIRE(tokens.size() == 5);
    CHECK(tokens[2].type == TokenType::ErrorToken);
    CHECK(tokens[2].text == "\\");
  }
  SECTION("a last line that is a comment gets no implicit NEWLINE") {
    CHECK(types_of(tokenize("# c", status)) ==
          std::vector<TokenType>{TokenType::Comment, TokenType::NL, TokenType::EndMarker});
  }
}
