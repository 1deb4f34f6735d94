// Data-driven: the Python model of each fixture in tests/fixtures/model, dumped as text and
// compared with a reviewed `.expected` file. Set DOCENT_UPDATE_FIXTURES=1 to rewrite them.
#include "analysis/python_model.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace docent::analysis;

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text)
    out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string(1, c);
  return out + "\"";
}

void dump_flow(std::ostringstream& out, const char* label, const std::vector<FlowStatement>& flow) {
  if (flow.empty())
    return;
  out << "  " << label << ":";
  for (const FlowStatement& statement : flow)
    out << " [" << statement.value << (statement.is_yield_from ? " (from)" : "")
        << (statement.caught.empty() ? "" : " caught " + statement.caught) << "]";
  out << '\n';
}

void dump_definition(std::ostringstream& out, const Definition& d) {
  out << to_string(d.kind) << ' ' << d.qualname << " line " << d.line << '-' << d.end_line
      << (d.is_async ? " async" : "") << (d.touches_error ? " touches-error" : "") << '\n';
  for (const std::string& decorator : d.decorators)
    out << "  @" << decorator << '\n';
  for (const Parameter& p : d.parameters)
    out << "  param " << p.name << ' ' << to_string(p.kind)
        << (p.annotation.empty() ? "" : " : " + p.annotation)
        << (p.default_value.empty() ? "" : " = " + p.default_value) << '\n';
  if (!d.return_annotation.empty())
    out << "  returns-annotation " << d.return_annotation << '\n';
  for (const std::string& base : d.bases)
    out << "  base " << base << '\n';
  if (d.docstring)
    out << "  docstring " << d.docstring->quote << " prefix=" << d.docstring->prefix << ' '
        << quoted(d.docstring->cooked) << '\n';
  if (d.leading_string && !d.docstring)
    out << "  leading string (pydocstyle's docstring)\n";
  dump_flow(out, "raises", d.raises);
  dump_flow(out, "returns", d.returns);
  dump_flow(out, "yields", d.yields);
  for (const ClassAttribute& a : d.attributes)
    out << "  attribute " << a.name << (a.from_init ? " (init)" : "")
        << (a.annotation.empty() ? "" : " : " + a.annotation)
        << (a.value.empty() ? "" : " = " + a.value) << '\n';
}

std::string dump_model(const std::string& source) {
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  std::ostringstream out;
  if (model.docstring)
    out << "module docstring " << quoted(model.docstring->cooked) << '\n';
  if (model.all) {
    out << "__all__";
    for (const std::string& name : *model.all)
      out << ' ' << name;
    out << '\n';
  }
  for (const SyntaxProblem& error : model.errors)
    out << "syntax error at line " << snapshot->lines().line_of(error.range.start) + 1
        << (error.missing ? " missing " + error.what : "") << '\n';
  for (const Definition& d : model.definitions)
    dump_definition(out, d);
  return out.str();
}

} // namespace

TEST_CASE("python model fixtures") {
  const bool update = std::getenv("DOCENT_UPDATE_FIXTURES") != nullptr;
  for (const auto& fixture : docent::testing::python_fixtures("model")) {
    INFO(fixture.filename().string());
    const std::string actual = dump_model(docent::testing::read_file(fixture));
    if (update)
      std::ofstream(docent::testing::expected_path(fixture), std::ios::binary) << actual;
    CHECK(actual == docent::testing::read_file(docent::testing::expected_path(fixture)));
  }
}
