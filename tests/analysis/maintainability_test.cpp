// Data-driven: radon's maintainability index, its rank and radon's module total complexity for
// each fixture in tests/fixtures/mi (expectations written by regen.py from radon).
#include "analysis/analyzer.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

using namespace docent::analysis;

TEST_CASE("maintainability index fixtures match radon mi") {
  const auto fixtures = docent::testing::python_fixtures("mi");
  REQUIRE(!fixtures.empty());
  for (const auto& fixture : fixtures) {
    INFO(fixture.filename().string());
    std::istringstream expected(
        docent::testing::read_file(docent::testing::expected_path(fixture)));
    double mi = 0;
    char rank = 0;
    int total = 0;
    expected >> mi >> rank >> total;
    const FileAnalysis analysis = analyze(parse_snapshot(docent::testing::read_file(fixture)));
    REQUIRE(analysis.module.mi);
    CHECK(*analysis.module.mi == Approx(mi).margin(1e-9));
    CHECK(analysis.module.mi_rank == rank);
    CHECK(analysis.module.cyclomatic_total == total);
  }
}

TEST_CASE("maintainability index formula and ranks") {
  CHECK(maintainability_index(0, 5, 10, 0) == 100.0);  // No volume: radon returns 100.
  CHECK(maintainability_index(100, 5, 0, 0) == 100.0); // No logical lines either.
  CHECK(maintainability_rank(19.01) == 'A');
  CHECK(maintainability_rank(19.0) == 'B');
  CHECK(maintainability_rank(9.01) == 'B');
  CHECK(maintainability_rank(9.0) == 'C');
  CHECK(maintainability_rank(0.0) == 'C');
}
