#include "kubecensus/plugin/options.h"

#include <catch2/catch.hpp>

using namespace kubecensus;
using namespace std::chrono_literals;

TEST_CASE("Options getters parse validated values", "[options]") {
  Options options({{"name", "web"},
                   {"count", "-3"},
                   {"flag", "yes"},
                   {"period", "1h30m"},
                   {"buffer", "64KiB"},
                   {"tags", "a, b,,c"}});
  CHECK(options.has("name"));
  CHECK_FALSE(options.has("missing"));
  CHECK(options.getString("name") == "web");
  CHECK(options.getString("missing", "fallback") == "fallback");
  CHECK(options.getString("name", "fallback") == "web");
  CHECK(options.getInt("count") == -3);
  CHECK(options.getBool("flag"));
  CHECK(options.getDuration("period") == std::chrono::milliseconds(90min));
  CHECK(options.getSize("buffer") == 64u * 1024);
  CHECK(options.getList("tags") == std::vector<std::string>{"a", "b", "c"});
  options.set("count", "7");
  CHECK(options.getInt("count") == 7);
}

TEST_CASE("Options getters name a missing option", "[options]") {
  Options options;
  CHECK_THROWS_WITH(options.getString("url"), Catch::Contains("'url'"));
  CHECK_THROWS_AS(options.getString("url"), std::out_of_range);
  CHECK_THROWS_AS(options.getInt("retries"), std::out_of_range);
  CHECK_THROWS_WITH(options.getDuration("period"), Catch::Contains("'period'"));
  CHECK_THROWS_AS(options.getBool("flag"), std::out_of_range);
  CHECK_THROWS_AS(options.getSize("size"), std::out_of_range);
  // An unset list is an empty list.
  CHECK(options.getList("tags").empty());
}

TEST_CASE("Options getters name the option whose value has the wrong type", "[options]") {
  Options options({{"count", "many"}, {"flag", "maybe"}, {"period", "soon"}, {"buffer", "big"}});
  CHECK_THROWS_WITH(options.getInt("count"), Catch::Contains("'count'") && Catch::Contains("integer"));
  CHECK_THROWS_WITH(options.getBool("flag"), Catch::Contains("'flag'") && Catch::Contains("boolean"));
  CHECK_THROWS_WITH(options.getDuration("period"), Catch::Contains("'period'") && Catch::Contains("duration"));
  CHECK_THROWS_WITH(options.getSize("buffer"), Catch::Contains("'buffer'") && Catch::Contains("size"));
}
