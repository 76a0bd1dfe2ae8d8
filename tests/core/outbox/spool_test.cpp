#include "kubecensus/outbox/spool.h"

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace kubecensus;

TEST_CASE("the spool keeps each report once, and tells exported from not", "[spool]") {
  kctest::TempDir dir;
  const std::string path = dir.file("nested/spool.db");
  {
    Spool spool(path);
    CHECK(spool.add("r1", R"({"n":1})", 1));
    CHECK(spool.add("r2", R"({"n":22})", 2));
    CHECK_FALSE(spool.add("r1", R"({"n":1})", 3));
    spool.markExported({"r1"}, 4);
  }
  Spool spool(path);  // kept across opening again
  SpoolStats stats = spool.stats();
  CHECK(stats.reports == 2);
  CHECK(stats.exported == 1);
  CHECK(stats.bytes == 15);
  std::vector<std::string> unexported, all;
  spool.forEach(true, [&](const std::string& id, const std::string&) { unexported.push_back(id); });
  spool.forEach(false, [&](const std::string& id, const std::string&) { all.push_back(id); });
  CHECK(unexported == std::vector<std::string>{"r2"});
  CHECK(all == std::vector<std::string>{"r1", "r2"});
  CHECK(spool.purge(true) == 1);
  CHECK(spool.stats().reports == 1);
  CHECK(spool.purge(false) == 1);
  CHECK(spool.stats().reports == 0);
}
