#include "kubecensus/util/value_parse.h"

#include <catch2/catch.hpp>

using namespace kubecensus;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST_CASE("parseDuration accepts units, combinations and bare seconds", "[value_parse]") {
  CHECK(parseDuration("90s") == milliseconds(90s));
  CHECK(parseDuration("30m") == milliseconds(30min));
  CHECK(parseDuration("24h") == milliseconds(24h));
  CHECK(parseDuration("1h30m") == milliseconds(90min));
  CHECK(parseDuration("500ms") == 500ms);
  CHECK(parseDuration("2d") == milliseconds(48h));
  CHECK(parseDuration("1d2h3m4s5ms") == milliseconds(26h + 3min + 4s + 5ms));
  CHECK(parseDuration("60") == milliseconds(60s));
  CHECK(parseDuration("0") == 0ms);
  CHECK(parseDuration("0s") == 0ms);
  CHECK(parseDuration(" 5m ") == milliseconds(5min));
}

TEST_CASE("parseDuration rejects negatives, garbage, disorder and overflow", "[value_parse]") {
  for (const char* bad : {"", " ", "-5s", "-1", "+5s", "s", "5x", "1.5h", "1h 30m", "ten", "30m1h", "1h1h",
                          "5ms3s", "h5", "5sm", "0x10", "9223372036854775807", "106751991167301d",
                          "99999999999999999999s"}) {
    INFO(bad);
    CHECK_FALSE(parseDuration(bad).has_value());
  }
  // The largest representable value still parses.
  CHECK(parseDuration("9223372036854775807ms") == milliseconds(INT64_MAX));
  CHECK_FALSE(parseDuration("9223372036854775808ms").has_value());
  CHECK_FALSE(parseDuration("9223372036854775s1000ms").has_value());
}

TEST_CASE("formatDuration prints the shortest form", "[value_parse]") {
  CHECK(formatDuration(0ms) == "0s");
  CHECK(formatDuration(milliseconds(60s)) == "1m");
  CHECK(formatDuration(milliseconds(24h)) == "24h");
  CHECK(formatDuration(milliseconds(48h)) == "48h");
  CHECK(formatDuration(milliseconds(90min)) == "1h30m");
  CHECK(formatDuration(500ms) == "500ms");
  CHECK(formatDuration(1500ms) == "1s500ms");
  CHECK(formatDuration(milliseconds(90s)) == "1m30s");
  CHECK(formatDuration(-1500ms) == "-1s500ms");
  // Round trip for values people write.
  for (const char* text : {"90s", "30m", "24h", "1h30m", "500ms", "1h0m1s"}) {
    INFO(text);
    auto parsed = parseDuration(text);
    REQUIRE(parsed);
    CHECK(parseDuration(formatDuration(*parsed)) == parsed);
  }
}

TEST_CASE("parseSize handles binary, decimal and short units", "[value_parse]") {
  CHECK(parseSize("0") == 0u);
  CHECK(parseSize("512") == 512u);
  CHECK(parseSize("512B") == 512u);
  CHECK(parseSize("64KiB") == 64u * 1024);
  CHECK(parseSize("64KB") == 64u * 1000);
  CHECK(parseSize("64K") == 64u * 1024);
  CHECK(parseSize("1MiB") == 1024u * 1024);
  CHECK(parseSize("1MB") == 1000u * 1000);
  CHECK(parseSize("1M") == 1024u * 1024);
  CHECK(parseSize("1GiB") == 1024ull * 1024 * 1024);
  CHECK(parseSize("2GB") == 2'000'000'000ull);
  CHECK(parseSize("1G") == 1024ull * 1024 * 1024);
  CHECK(parseSize("10 MiB") == 10ull * 1024 * 1024);
  CHECK(parseSize("1kib") == 1024u);
  CHECK(parseSize("18446744073709551615") == UINT64_MAX);
}

TEST_CASE("parseSize rejects garbage and overflow", "[value_parse]") {
  for (const char* bad : {"", "KiB", "-1", "-1KiB", "1.5MiB", "1X", "1 K B", "1KiBs", "ten",
                          "18446744073709551616", "17179869184GiB", "99999999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parseSize(bad).has_value());
  }
}

TEST_CASE("parseBool accepts the usual spellings in any case", "[value_parse]") {
  for (const char* yes : {"true", "TRUE", "True", "yes", "Yes", "on", "ON", "1"}) {
    INFO(yes);
    CHECK(parseBool(yes) == true);
  }
  for (const char* no : {"false", "FALSE", "no", "No", "off", "OFF", "0"}) {
    INFO(no);
    CHECK(parseBool(no) == false);
  }
  for (const char* bad : {"", "y", "n", "2", "maybe", "truee", "enabled"}) {
    INFO(bad);
    CHECK_FALSE(parseBool(bad).has_value());
  }
}

TEST_CASE("parseInteger takes an optional sign and checks the range", "[value_parse]") {
  CHECK(parseInteger("0") == 0);
  CHECK(parseInteger("42") == 42);
  CHECK(parseInteger("+42") == 42);
  CHECK(parseInteger("-42") == -42);
  CHECK(parseInteger("9223372036854775807") == INT64_MAX);
  CHECK(parseInteger("-9223372036854775808") == INT64_MIN);
  for (const char* bad : {"", "+", "-", "+-1", "--1", "1.0", "1e3", "0x10", "12abc", " 1", "1 ", "abc",
                          "9223372036854775808", "-9223372036854775809"}) {
    INFO(bad);
    CHECK_FALSE(parseInteger(bad).has_value());
  }
}

TEST_CASE("splitList trims items and drops empty ones", "[value_parse]") {
  CHECK(splitList("") == std::vector<std::string>{});
  CHECK(splitList("a") == std::vector<std::string>{"a"});
  CHECK(splitList(" a , b,c ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(splitList("a,,b,") == std::vector<std::string>{"a", "b"});
  CHECK(splitList(" , ") == std::vector<std::string>{});
}
