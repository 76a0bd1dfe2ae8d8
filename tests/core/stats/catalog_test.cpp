// The statistics the API answers are the ones BigQuery users get as views (packaging/bigquery).
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "kubecensus/stats/catalog.h"
#include "support/temp_dir.h"

using namespace kubecensus::stats;

using kctest::readFile;

TEST_CASE("every statistic has a BigQuery view of the same name, created by create-views", "[stats]") {
  const std::string dir = std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/bigquery/";
  const std::string script = readFile(dir + "create-views");
  REQUIRE_FALSE(script.empty());
  for (const StatSpec& spec : statCatalog()) {
    const std::string name(spec.name);
    INFO(name);
    std::string view = "stats_" + name;
    std::replace(view.begin(), view.end(), '-', '_');
    CHECK_THAT(readFile(dir + "views/" + name + ".sql"),
               Catch::Contains("CREATE OR REPLACE VIEW `${DATASET}." + view + "`"));
    CHECK_THAT(script, Catch::Contains(name));
  }
}

TEST_CASE("statistic names are unique and findable, buckets are listed in order", "[stats]") {
  std::set<std::string_view> names;
  for (const StatSpec& spec : statCatalog()) {
    CHECK(names.insert(spec.name).second);
    CHECK(findStat(spec.name) == &spec);
  }
  CHECK(findStat("nope") == nullptr);
  CHECK(clusterSizeBuckets().front() == "1");
  CHECK(lifetimeBuckets().back() == ">365 days");
}

TEST_CASE("the BigQuery views bucket as the collector does", "[stats]") {
  const std::string buckets =
      readFile(std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/bigquery/views/stats_buckets.sql");
  for (const StatSpec& spec : statCatalog()) {
    if (!spec.buckets) continue;
    int position = 0;
    for (const std::string& label : *spec.buckets) {
      INFO(spec.name << " " << label);
      CHECK_THAT(buckets, Catch::Contains("STRUCT('" + std::string(spec.name) + "' AS stat, " +
                                          std::to_string(++position) + " AS position"));
      CHECK_THAT(buckets, Catch::Contains("'" + label + "' AS label"));
    }
  }
}
