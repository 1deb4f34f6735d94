// Docstring formats. Data-driven: tests/fixtures/docstring_format/parse/NAME.py holds docstrings
// whose parsed structure is dumped to NAME.expected (a first line `# style: numpy` forces the
// style, else it is detected); tests/fixtures/docstring_format/generate/NAME.py holds
// definitions whose generated docstrings are in NAME.<style>.expected, with and without types.
// Set DOCENT_UPDATE_FIXTURES=1 to rewrite the expected files, then review the difference.
#include "analysis/docstring_format.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

using namespace docent::analysis;

namespace {

void compare_or_update(const std::filesystem::path& expected, const std::string& actual) {
  INFO(expected.filename().string());
  CHECK(actual == docent::testing::expected_text(expected, actual));
}

std::string escaped(std::string_view text) {
  std::string out = "\"";
  for (char c : text)
    out += c == '\n'   ? std::string("\\n")
           : c == '\t' ? std::string("\\t")
           : c == '\r' ? std::string("\\r")
                       : std::string(1, c);
  return out + "\"";
}

std::string at(ByteRange range) {
  return "@" + std::to_string(range.start) + "-" + std::to_string(range.end);
}

std::string_view text_of(std::string_view body, ByteRange range) {
  REQUIRE(range.start <= range.end);
  REQUIRE(range.end <= body.size());
  return body.substr(range.start, range.end - range.start);
}

std::string without(std::string_view text, char drop) {
  std::string out;
  for (char c : text)
    if (c != drop)
      out += c;
  return out;
}

// The literal's text between the quotes.
std::string_view body_of(const Docstring& docstring) {
  const size_t open = docstring.prefix.size() + docstring.quote.size();
  return std::string_view(docstring.raw)
      .substr(open, docstring.raw.size() - open - docstring.quote.size());
}

// Dumps the parse and checks that every range holds what it claims.
std::string dump_parse(std::string_view body, const ParsedDocstring& parsed) {
  std::ostringstream out;
  out << "style " << to_string(parsed.style) << '\n';
  if (!parsed.summary.empty()) {
    out << "summary " << escaped(parsed.summary) << ' ' << at(parsed.summary_range) << '\n';
    CHECK(text_of(body, parsed.summary_range).substr(0, 1) == parsed.summary.substr(0, 1));
  }
  if (!parsed.description.empty())
    out << "description " << escaped(parsed.description) << ' ' << at(parsed.description_range)
        << '\n';
  for (const DocstringSection& section : parsed.sections) {
    out << "section " << to_string(section.kind) << ' ' << escaped(section.title) << ' '
        << at(section.range) << '\n';
    CHECK(text_of(body, section.range).find(section.title) != std::string_view::npos);
    for (const DocstringEntry& entry : section.entries) {
      out << "  entry";
      if (!entry.name.empty()) {
        out << " name " << escaped(entry.name) << ' ' << at(entry.name_range);
        CHECK(without(text_of(body, entry.name_range), '\\') == entry.name);
      }
      if (!entry.type.empty()) {
        out << " type " << escaped(entry.type) << ' ' << at(entry.type_range);
        CHECK(text_of(body, entry.type_range).substr(0, 1) == entry.type.substr(0, 1));
      }
      if (entry.type_field.end != 0)
        out << " type-field " << at(entry.type_field);
      out << " whole " << at(entry.range) << '\n';
      if (!entry.description.empty()) {
        out << "    " << escaped(entry.description) << ' ' << at(entry.description_range) << '\n';
        CHECK(text_of(body, entry.description_range).substr(0, 1) ==
              entry.description.substr(0, 1));
      }
    }
    if (!is_list_section(section.kind) || section.entries.empty())
      out << "  text " << escaped(section.text) << '\n';
  }
  return out.str();
}

std::string parse_fixture(const std::string& source) {
  std::optional<DocstringStyle> style;
  if (source.rfind("# style: ", 0) == 0)
    style = docstring_style_from_string(source.substr(9, source.find('\n') - 9));
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  std::string out;
  auto add = [&](const std::string& what, const Docstring& docstring) {
    const std::string_view body = body_of(docstring);
    out += "== " + what + "\n" + dump_parse(body, parse_docstring(body, style));
  };
  if (model.docstring)
    add("module", *model.docstring);
  for (const Definition& d : model.definitions)
    if (d.docstring)
      add(d.qualname, *d.docstring);
  return out;
}

// The indentation of the body's first statement (one level deeper than the `def` when the body
// sits on the signature's line).
std::string body_indent(std::string_view source, const Definition& d) {
  auto indentation_at = [&](uint32_t offset) {
    size_t line_start = source.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    size_t end = line_start;
    while (end < source.size() && (source[end] == ' ' || source[end] == '\t'))
      ++end;
    return std::pair<std::string, bool>(std::string(source.substr(line_start, end - line_start)),
                                        end == offset);
  };
  auto [indent, own_line] = indentation_at(d.body.start);
  if (own_line)
    return indent;
  return indentation_at(d.definition.start).first + "    ";
}

// What a parse of a generated docstring must show, whatever the style: the list-like sections
// and each entry's name and type.
std::string structure(const ParsedDocstring& parsed) {
  std::string out;
  for (const DocstringSection& section : parsed.sections) {
    if (!is_list_section(section.kind))
      continue;
    out += std::string(to_string(section.kind)) + ":";
    for (const DocstringEntry& entry : section.entries)
      out += " " + entry.name + (entry.type.empty() ? "" : "(" + entry.type + ")");
    out += "\n";
  }
  return out;
}

const std::vector<DocstringStyle> kStyles{DocstringStyle::Google, DocstringStyle::Numpy,
                                          DocstringStyle::Sphinx, DocstringStyle::Epytext,
                                          DocstringStyle::Pep257};

std::string generate_fixture(const std::string& source, const std::string& module_name,
                             DocstringStyle style, std::map<std::string, std::string>& structures) {
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  std::string out;
  for (bool types : {true, false}) {
    out += types ? "#### with types\n" : "#### without types\n";
    GenerateOptions options;
    options.style = style;
    options.types = types;
    options.module_name = module_name;
    auto check_round_trip = [&](const std::string& key, const std::string& literal) {
      const std::string_view body = std::string_view(literal).substr(
          options.quote.size(), literal.size() - 2 * options.quote.size());
      const ParsedDocstring parsed = parse_docstring(body);
      // Detection finds the style that was written (a docstring with no section is Pep257).
      if (!parsed.sections.empty())
        CHECK(parsed.style == style);
      if (style == DocstringStyle::Pep257)
        CHECK(parsed.sections.empty());
      // Every structured style parses back to the same sections, names and types.
      const std::string shape = structure(parse_docstring(body, style));
      if (style != DocstringStyle::Pep257 && !structures.emplace(key, shape).second) {
        INFO(key << " in " << to_string(style) << ":\n" << literal);
        CHECK(structures[key] == shape);
      }
    };
    const std::string module = generate_module_docstring(model, options);
    out += "# module\n" + module + "\n";
    check_round_trip(std::string(types ? "t " : "n ") + "module", module);
    for (size_t i = 0; i < model.definitions.size(); ++i) {
      const Definition& d = model.definitions[i];
      options.indent = body_indent(source, d);
      const std::string literal = generate_docstring(d, model, options);
      out += "# " + d.qualname + "\n" + options.indent + literal + "\n";
      check_round_trip(std::string(types ? "t " : "n ") + std::to_string(i) + " " + d.qualname,
                       literal);
    }
  }
  return out;
}

} // namespace

TEST_CASE("docstring parse fixtures") {
  const auto fixtures = docent::testing::python_fixtures("docstring_format/parse");
  REQUIRE(!fixtures.empty());
  for (const auto& fixture : fixtures) {
    INFO(fixture.filename().string());
    compare_or_update(docent::testing::expected_path(fixture),
                      parse_fixture(docent::testing::read_file(fixture)));
  }
}

TEST_CASE("docstring generation fixtures, and generate then parse gives the same structure") {
  const auto fixtures = docent::testing::python_fixtures("docstring_format/generate");
  REQUIRE(!fixtures.empty());
  for (const auto& fixture : fixtures) {
    INFO(fixture.filename().string());
    std::map<std::string, std::string> structures;
    for (DocstringStyle style : kStyles) {
      auto expected = fixture;
      expected.replace_extension(std::string(".") + to_string(style) + ".expected");
      compare_or_update(expected, generate_fixture(docent::testing::read_file(fixture),
                                                   fixture.stem().string(), style, structures));
    }
  }
}

TEST_CASE("styles are detected from headers and field markers") {
  CHECK(detect_style("") == DocstringStyle::Pep257);
  CHECK(detect_style("Summary.\n\nMore text: with a colon.\n") == DocstringStyle::Pep257);
  CHECK(detect_style("Sum.\n\n    Args:\n        x: y\n    ") == DocstringStyle::Google);
  CHECK(detect_style("Sum.\n\nReturns:\n    int\n") == DocstringStyle::Google);
  CHECK(detect_style("Sum.\n\nParameters\n----------\nx : int\n") == DocstringStyle::Numpy);
  CHECK(detect_style("Sum.\n\n:param x: y\n:rtype: int\n") == DocstringStyle::Sphinx);
  CHECK(detect_style("Sum.\n\n@param x: y\n@return: z\n") == DocstringStyle::Epytext);
  // The most markers win: a Google docstring quoting one Sphinx field in its prose.
  CHECK(detect_style("Sum.\n\nArgs:\n    x: as :param x: says\n\nReturns:\n    y\n") ==
        DocstringStyle::Google);
}

TEST_CASE("a forced style parses the body its way") {
  const ParsedDocstring parsed =
      parse_docstring("Sum.\n\nArgs:\n    x: y\n", DocstringStyle::Pep257);
  CHECK(parsed.sections.empty());
  CHECK(parsed.description == "Args:\n    x: y");
}

TEST_CASE("types are guessed from default values") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"1", "int"},         {"-3", "int"},      {"0x1F", "int"},     {"1_000", "int"},
      {"1.5", "float"},     {"1e3", "float"},   {".5", "float"},     {"2j", ""},
      {"'a'", "str"},       {"\"\"", "str"},    {"r'\\d'", "str"},   {"f'{x}'", "str"},
      {"b'x'", "bytes"},    {"Rb'x'", "bytes"}, {"True", "bool"},    {"False", "bool"},
      {"None", "optional"}, {"[]", "list"},     {"[1, 2]", "list"},  {"()", "tuple"},
      {"(1,)", "tuple"},    {"(1)", "int"},     {"{}", "dict"},      {"{'a': 1}", "dict"},
      {"{1, 2}", "set"},    {"dict()", "dict"}, {"list(x)", "list"}, {"x", ""},
      {"f(1)", ""},         {"[1] + [2]", ""},  {"os.sep", ""},      {"-x", ""},
  };
  for (const auto& [value, type] : cases) {
    INFO(value);
    CHECK(type_from_default(value) == type);
  }
}

TEST_CASE("summaries are written from names") {
  const std::string source = "def get_user_by_id(user_id): return 1\n"
                             "def is_valid(): pass\n"
                             "def has_items(): pass\n"
                             "def to_json(): pass\n"
                             "def on_click(event): pass\n"
                             "def user_count(): return 3\n"
                             "def main(): pass\n"
                             "def _parse_HTTPHeader(): pass\n"
                             "class HTTPServer: pass\n"
                             "class UserAccount: pass\n"
                             "class Item:\n"
                             "    def __init__(self): pass\n"
                             "    def __repr__(self): pass\n"
                             "    def __weird__(self): pass\n"
                             "    @property\n"
                             "    def full_name(self): return ''\n"
                             "    @property\n"
                             "    def is_empty(self): return True\n"
                             "    @full_name.setter\n"
                             "    def full_name(self, value): pass\n";
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  std::vector<std::string> summaries;
  for (const Definition& d : model.definitions)
    summaries.push_back(summary_from_name(d, model));
  CHECK(summaries == std::vector<std::string>{
                         "Get user by id.",
                         "Check whether valid.",
                         "Check whether it has items.",
                         "Convert to json.",
                         "Handle click.",
                         "Return the user count.",
                         "Run main.",
                         "Parse HTTP header.",
                         "An HTTP server.",
                         "A user account.",
                         "An item.",
                         "Initialize the Item.",
                         "Return the representation of the Item.",
                         "Implement __weird__.",
                         "The full name.",
                         "Whether empty.",
                         "Set the full name.",
                     });
}

TEST_CASE("generated docstrings wrap to the line width and follow the quote option") {
  const std::string source =
      "def compute_the_total_price_of_all_items_in_the_basket(alpha, beta=None, *gamma):\n"
      "    return alpha\n";
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  for (DocstringStyle style : kStyles) {
    GenerateOptions options;
    options.style = style;
    options.indent = "    ";
    options.line_width = 40;
    options.quote = "'''";
    const std::string literal = generate_docstring(model.definitions[0], model, options);
    INFO(literal);
    CHECK(literal.substr(0, 3) == "'''");
    CHECK(literal.substr(literal.size() - 3) == "'''");
    std::istringstream lines(options.indent + literal);
    for (std::string line; std::getline(lines, line);)
      CHECK(line.size() <= 40);
  }
}

TEST_CASE("__init__ parameters can be documented in the class docstring") {
  const std::string source = "class Foo:\n"
                             "    def __init__(self, size: int = 1):\n"
                             "        self.size = size\n";
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  GenerateOptions options;
  options.indent = "    ";
  options.init_parameters_in_class = true;
  CHECK(generate_docstring(model.definitions[0], model, options) ==
        "\"\"\"A foo.\n\n"
        "    Args:\n"
        "        size (int): TODO: describe size. Defaults to 1.\n\n"
        "    Attributes:\n"
        "        size (int): TODO: describe size.\n"
        "    \"\"\"");
  options.indent = "        ";
  CHECK(generate_docstring(model.definitions[1], model, options) ==
        "\"\"\"Initialize the Foo.\"\"\"");
}
