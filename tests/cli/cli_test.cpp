// End-to-end tests of the `docent` command line: the real binary, its output and exit status,
// on good and bad input.
#include "../common/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

using test_support::Run;

// Runs docent with `arguments` (shell words), stdout captured, stderr merged in if asked.
Run docent(const std::string& arguments, bool merge_stderr = false) {
  return test_support::run_command(std::string(DOCENT_BINARY) + " " + arguments +
                                   (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

fs::path project(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("docent-cli-" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    lines.push_back(nlohmann::json::parse(text.substr(begin, end - begin)));
    begin = end + 1;
  }
  return lines;
}

const char* const kNested = "def deep(a, b, c, d, e):\n"
                            "    if a:\n        if b:\n            if c:\n"
                            "                if d:\n                    if e:\n"
                            "                        return 1\n";

} // namespace

TEST_CASE("check: clean project exits 0 and prints nothing") {
  const fs::path root = project("clean");
  write(root / "ok.py",
        "\"\"\"Module.\"\"\"\n\n\ndef f(x):\n    \"\"\"Return x.\"\"\"\n    return x\n");
  const Run run = docent("check " + root.string());
  CHECK(run.status == 0);
  CHECK(run.out.empty());
}

TEST_CASE("check: findings in the flake8 format, exit 1") {
  const fs::path root = project("findings");
  write(root / "deep.py", kNested);
  const Run run = docent("check --ignore D1 " + root.string());
  CHECK(run.status == 1);
  CHECK(run.out.find((root / "deep.py").string() +
                     ":1:5: DCT201 'deep' nests control flow 5 deep > 4\n") != std::string::npos);
  CHECK(run.out.find("Found 1 finding in 1 file.") != std::string::npos);
}

TEST_CASE("check: flags override pyproject.toml, which overrides defaults") {
  const fs::path root = project("config");
  write(root / "pyproject.toml", "[tool.docent]\nmax-nesting-depth = 5\nmax-parameters = 2\n");
  write(root / "src" / "deep.py", kNested);
  Run run = docent("check " + root.string());
  CHECK(run.out.find("DCT201") == std::string::npos);
  CHECK(run.out.find("DCT203 'deep' has 5 parameters > 2") != std::string::npos);
  run = docent("check --max-parameters 9 --max-complexity 2 " + root.string());
  CHECK(run.out.find("DCT203") == std::string::npos);
  CHECK(run.out.find("C901 'deep' is too complex (6 > 2)") != std::string::npos);
  run = docent("check --no-config " + root.string());
  CHECK(run.out.find("DCT201") != std::string::npos);
}

TEST_CASE("check: an invalid setting is reported by key and the default used") {
  const fs::path root = project("invalid-setting");
  write(root / "pyproject.toml", "[tool.docent]\nmax-nesting-depth = \"deep\"\n");
  write(root / "deep.py", kNested);
  const Run run = docent("check " + root.string(), true);
  CHECK(run.out.find("tool.docent.max-nesting-depth") != std::string::npos);
  CHECK(run.out.find("DCT201 'deep' nests control flow 5 deep > 4") != std::string::npos);
  CHECK(run.status == 1);
}

TEST_CASE("check: --select, --ignore and --format json") {
  const fs::path root = project("select");
  write(root / "deep.py", kNested);
  CHECK(docent("check --ignore DCT,D1 " + root.string()).status == 0);
  CHECK(docent("check --select C901 --max-complexity 1 " + root.string()).status == 1);
  const Run run = docent("check --ignore D1 --format json " + root.string());
  CHECK(run.status == 1);
  const auto findings = nlohmann::json::parse(run.out);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["code"] == "DCT201");
  CHECK(findings[0]["location"]["row"] == 1);
  CHECK(findings[0]["location"]["column"] == 5);
  CHECK(findings[0]["severity"] == "warning");
}

TEST_CASE("check: missing docstrings as pydocstyle reports them") {
  const fs::path root = project("docstrings");
  write(root / "pkg" / "__init__.py", "");
  write(root / "pkg" / "_private.py", "def helper():\n    pass\n");
  write(root / "pkg" / "api.py",
        "\"\"\"Public API.\"\"\"\n__all__ = [\"run\"]\n\n\ndef run():\n    pass\n\n\n"
        "def internal():  # not in __all__\n    pass\n\n\nclass Shape:\n"
        "    def area(self):  # noqa: D102\n        pass\n");
  const Run run = docent("check --select D1 " + root.string());
  CHECK(run.status == 1);
  CHECK(run.out.find((root / "pkg" / "__init__.py").string() +
                     ":1:1: D104 Missing docstring in public package") != std::string::npos);
  CHECK(run.out.find((root / "pkg" / "api.py").string() +
                     ":5:5: D103 Missing docstring in public function") != std::string::npos);
  CHECK(run.out.find("_private.py:1:5: D103") != std::string::npos); // Functions count anyway.
  CHECK(run.out.find("D100") == std::string::npos);      // _private.py is a private module.
  CHECK(run.out.find("api.py:9:") == std::string::npos); // `internal` is not in __all__.
  CHECK(run.out.find("D101") == std::string::npos);      // Shape is not in __all__ either.
  CHECK(run.out.find("D102") == std::string::npos);
}

TEST_CASE("check: docstring/signature mismatches with pydoclint's codes") {
  const fs::path root = project("mismatch");
  write(root / "shapes.py", "\"\"\"Shapes.\"\"\"\n\n\n"
                            "def resize(shape, factor):\n"
                            "    \"\"\"Resize.\n\n    Args:\n        shape: The shape.\n"
                            "        scale: Gone.\n    \"\"\"\n"
                            "    if factor < 0:\n        raise ValueError(factor)\n"
                            "    return shape\n\n\n"
                            "def quiet(a):  # noqa: DOC101\n"
                            "    \"\"\"Quiet.\n\n    Returns:\n        int: One.\n    \"\"\"\n"
                            "    return 1\n\n\n"
                            "def summary(a):\n    \"\"\"Only a summary: not checked.\"\"\"\n"
                            "    return a\n");
  const std::string file = (root / "shapes.py").string();
  Run run = docent("check --no-config --select DOC " + root.string());
  CHECK(run.status == 1);
  CHECK(run.out.find(file + ":4:5: DOC101 'resize': parameter 'factor' is not documented") !=
        std::string::npos);
  CHECK(run.out.find(file + ":4:5: DOC102 'resize': documented parameter 'scale' is not in "
                            "the signature") != std::string::npos);
  CHECK(run.out.find(file + ":4:5: DOC201 'resize': returns a value, but the docstring has no "
                            "Returns section") != std::string::npos);
  CHECK(run.out.find(file + ":4:5: DOC501 'resize': raises 'ValueError', but the docstring has "
                            "no Raises section") != std::string::npos);
  CHECK(run.out.find("'quiet'") == std::string::npos);   // Silenced by its noqa.
  CHECK(run.out.find("'summary'") == std::string::npos); // A summary-only docstring.
  // On by default; `--ignore DOC` turns them all off, a prefix selects a family.
  CHECK(docent("check --no-config " + root.string()).out.find("DOC501") != std::string::npos);
  CHECK(docent("check --no-config --ignore DOC " + root.string()).status == 0);
  run = docent("check --no-config --select DOC5 --format json " + root.string());
  const auto findings = nlohmann::json::parse(run.out);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["code"] == "DOC501");
  CHECK(findings[0]["location"]["row"] == 4);
}

TEST_CASE("check: usage and I/O errors exit 2") {
  CHECK(docent("check").status == 2);
  CHECK(docent("check --format xml .").status == 2);
  CHECK(docent("nonsense").status == 2);
  const Run missing = docent("check /no/such/path", true);
  CHECK(missing.status == 2);
  CHECK(missing.out.find("/no/such/path") != std::string::npos);
}

TEST_CASE("walker: skips hidden, virtualenv and build folders, honours excludes") {
  const fs::path root = project("walk");
  write(root / "a.py", "x = 1\n");
  write(root / "pkg" / "b.py", "y = 2\n");
  write(root / ".hidden" / "c.py", "z = 3\n");
  write(root / "venv" / "pyvenv.cfg", "home = /usr\n");
  write(root / "venv" / "lib" / "d.py", "w = 4\n");
  write(root / "build" / "e.py", "v = 5\n");
  write(root / "pkg" / "generated_f.py", "u = 6\n");
  write(root / "notes.txt", "not python\n");
  const Run run = docent("metrics --exclude 'generated_*' " + root.string());
  std::vector<std::string> modules;
  for (const auto& line : json_lines(run.out))
    if (line["kind"] == "module")
      modules.push_back(fs::path(line["path"].get<std::string>()).filename().string());
  CHECK(modules == std::vector<std::string>{"a.py", "b.py"});
}

TEST_CASE("metrics: one object per definition and per module") {
  const fs::path root = project("metrics");
  write(root / "m.py",
        "class A:\n    def m(self, x):\n        return x or 1\n\n\nasync def f():\n    pass\n");
  const Run run = docent("metrics " + (root / "m.py").string());
  CHECK(run.status == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["kind"] == "class");
  CHECK(lines[1]["qualname"] == "A.m");
  CHECK(lines[1]["kind"] == "method");
  CHECK(lines[1]["cyclomatic"] == 2);
  CHECK(lines[1]["params"] == 1);
  CHECK(lines[2]["is_async"] == true);
  CHECK(lines[3]["kind"] == "module");
  for (const char* key : {"loc", "lloc", "sloc", "comments", "multi", "blank", "single_comments",
                          "mi", "mi_rank", "halstead"})
    CHECK(lines[3].contains(key));
  for (const char* key :
       {"path", "qualname", "name", "kind", "line", "end_line", "cyclomatic", "rank", "mccabe",
        "cognitive", "max_nesting", "params", "sloc", "halstead", "is_async"})
    CHECK(lines[1].contains(key));
}

TEST_CASE("metrics: bad input gives error lines and the run goes on") {
  const fs::path root = project("bad-input");
  write(root / "a_syntax.py", "def good():\n    return 1\n\ndef bad(:\n    pass\n");
  write(root / "b_latin1.py", "# -*- coding: latin-1 -*-\ndef caf\xE9():\n    return '\xE9'\n");
  write(root / "c_invalid_utf8.py", "def f():\n    return '\xFF\xFE'\n");
  write(root / "d_nul.py", std::string("def f():\n    return 1\0\n", 23));
  write(root / "e_crlf_bom.py", "\xEF\xBB\xBF"
                                "def f(a):\r\n    if a:\r\n        return 1\r\n");
  write(root / "f_cr.py", "def f(a):\r    if a:\r        return 1\r");
  write(root / "g_unknown_coding.py", "# coding: klingon\nx = 1\n");
  write(root / "h_empty.py", "");
  const Run run = docent("metrics " + root.string());
  CHECK(run.status == 2); // The file with an unknown coding cannot be read.
  std::map<std::string, std::vector<nlohmann::json>> by_file;
  for (auto& line : json_lines(run.out))
    by_file[fs::path(line["path"].get<std::string>()).filename().string()].push_back(line);
  REQUIRE(by_file.size() == 8);
  CHECK(by_file["a_syntax.py"][0]["kind"] == "error");
  CHECK(by_file["a_syntax.py"][1]["qualname"] == "good");
  CHECK(by_file["a_syntax.py"][1]["cyclomatic"] == 1);
  CHECK(by_file["b_latin1.py"][0]["qualname"] == "caf\xC3\xA9");
  CHECK(by_file["c_invalid_utf8.py"][0]["kind"] == "error");
  CHECK(by_file["c_invalid_utf8.py"][1]["qualname"] == "f");
  CHECK(by_file["d_nul.py"].back()["kind"] == "module");
  for (const char* name : {"e_crlf_bom.py", "f_cr.py"}) {
    INFO(name);
    CHECK(by_file[name][0]["qualname"] == "f");
    CHECK(by_file[name][0]["line"] == 1);
    CHECK(by_file[name][0]["end_line"] == 3);
    CHECK(by_file[name][0]["cyclomatic"] == 2);
  }
  CHECK(by_file["g_unknown_coding.py"][0]["kind"] == "error");
  CHECK(by_file["g_unknown_coding.py"][0]["reason"].get<std::string>().find("klingon") !=
        std::string::npos);
  CHECK(by_file["h_empty.py"][0]["kind"] == "module");
}

TEST_CASE("docstrings: lists files to change (exit 1), --write inserts and updates, then clean") {
  const fs::path folder = project("docstrings");
  write(folder / "shapes.py", "\"\"\"Shapes.\"\"\"\n\n\n"
                              "def area(width, height):\n    return width * height\n\n\n"
                              "def scale(x, factor):\n    \"\"\"Scale x.\n\n    Args:\n"
                              "        x: The value, kept as written.\n    \"\"\"\n"
                              "    return x * factor\n");
  write(folder / "done.py", "\"\"\"Done.\"\"\"\n");
  write(folder / "latin.py", "# -*- coding: latin-1 -*-\ndef f():\n    return '\xE9'\n");

  const Run listed = docent("docstrings " + (folder / "shapes.py").string());
  CHECK(listed.status == 1);
  CHECK(listed.out == (folder / "shapes.py").string() + ": 1 docstring to insert, 1 to update\n");

  const Run written = docent("docstrings --write --docstring-style numpy " +
                             (folder / "shapes.py").string() + " " + (folder / "done.py").string());
  CHECK(written.status == 0);
  CHECK(written.out == (folder / "shapes.py").string() + ": inserted 1, updated 1\n");
  std::ifstream in(folder / "shapes.py");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("def area(width, height):\n    \"\"\"Return the area.\n\n    Parameters\n") !=
        std::string::npos);
  CHECK(text.find("        x: The value, kept as written.\n        factor: ") != std::string::npos);
  CHECK(docent("docstrings " + (folder / "shapes.py").string()).status == 0);
  CHECK(docent("check --select D1,DOC " + (folder / "shapes.py").string()).status == 0);

  // A file in another encoding is reported, not rewritten.
  const Run latin = docent("docstrings --write " + (folder / "latin.py").string(), true);
  CHECK(latin.status == 2);
  CHECK(latin.out.find("only valid UTF-8 files are") != std::string::npos);
}

TEST_CASE("docstrings: --convert rewrites docstrings in another style to the configured one") {
  const fs::path folder = project("docstrings-convert");
  const fs::path file = folder / "ranges.py";
  write(file, "\"\"\"Ranges.\"\"\"\n\n\ndef merge(ranges, gap=0):\n    \"\"\"Merge ranges.\n\n"
              "    Parameters\n    ----------\n    ranges : list\n        The ranges.\n"
              "    gap : int, optional\n        The largest gap.\n\n"
              "    Returns\n    -------\n    list\n        The merged ranges.\n    \"\"\"\n"
              "    return sorted(ranges)\n");
  const Run listed = docent("docstrings --convert " + file.string());
  CHECK(listed.status == 1);
  CHECK(listed.out == file.string() + ": 0 docstrings to insert, 0 to update, 1 to convert\n");
  CHECK(docent("docstrings " + file.string()).status == 0); // Up to date in its own style.
  const Run written = docent("docstrings --write --convert " + file.string());
  CHECK(written.out == file.string() + ": inserted 0, updated 0, converted 1\n");
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("    Args:\n        ranges (list): The ranges.\n") != std::string::npos);
  CHECK(docent("docstrings --convert " + file.string()).status == 0);
}
