#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "kubecensus/report/formats.h"
#include "support/temp_dir.h"

using kubecensus::parseJson;
using kubecensus::ReportError;

namespace {

// Parses and returns the error; fails the test when parsing succeeds.
ReportError parseFailure(const std::string& text, bool allowTrailingCommas = false) {
  try {
    parseJson(text, allowTrailingCommas);
  } catch (const ReportError& error) {
    return error;
  }
  FAIL("parsed without error: " << text);
  return ReportError("", "unreachable");
}

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

}  // namespace

TEST_CASE("parseJson parses what nlohmann parses", "[report][json]") {
  const std::string text =
      R"({"a": [1, -2, 3.5, "two", {"three": null, "four": [[], {}]}], "b": true, "c": false, "d": "\u00e9"})";
  CHECK(parseJson(text) == nlohmann::json::parse(text));
  CHECK(parseJson(" [ ] ") == nlohmann::json::array());
  CHECK(parseJson("\"scalar\"") == "scalar");
  const std::string seed = kctest::fixture("seeds/spartakus-v1.json");
  CHECK(parseJson(seed) == nlohmann::json::parse(seed));
}

TEST_CASE("strict parsing of the verbatim tectonic seed points at its trailing comma", "[report][json]") {
  const std::string seed = kctest::fixture("seeds/tectonic.json");
  ReportError error = parseFailure(seed);
  CHECK(error.isSyntaxError());
  CHECK(error.field().empty());
  // `"generated_at": "1437174715",` — the comma is the 33rd byte of line 5.
  CHECK(seed[error.position() - 1] == ',');
  CHECK(error.position() == seed.find("\"1437174715\",") + 13);
  CHECK_THAT(error.what(), Catch::Contains("line 5, column 33"));
  CHECK_THAT(error.what(), Catch::Contains("trailing comma"));
}

TEST_CASE("allowTrailingCommas accepts the tectonic seed and nothing looser", "[report][json]") {
  auto json = parseJson(kctest::fixture("seeds/tectonic.json"), true);
  CHECK(json["metadata"] == nlohmann::json{{"generated_at", "1437174715"}});

  CHECK(parseJson("[1, 2,]", true) == nlohmann::json{1, 2});
  CHECK(parseJson("{\"a\": {\"b\": 1,\n\t},\r\n}", true) == nlohmann::json{{"a", {{"b", 1}}}});
  CHECK(parseJson(R"(["a,]", "b\",]",])", true) == nlohmann::json{"a,]", "b\",]"});  // commas in strings kept
  CHECK(parseJson(R"(["\\",])", true) == nlohmann::json{"\\"});  // escaped backslash ends the string

  // Only a comma after a value and before a closing bracket is tolerated.
  CHECK(parseFailure("[,]", true).isSyntaxError());
  CHECK(parseFailure("{,}", true).isSyntaxError());
  CHECK(parseFailure("[1,,]", true).isSyntaxError());
  CHECK(parseFailure("[1,,2]", true).isSyntaxError());
  CHECK(parseFailure(",", true).isSyntaxError());
  CHECK(parseFailure("[1] // comment", true).isSyntaxError());
  // Without the option the same texts fail.
  CHECK(parseFailure("[1, 2,]").isSyntaxError());
}

TEST_CASE("parse errors give line, column and a 1-based byte position", "[report][json]") {
  SECTION("unexpected token") {
    ReportError error = parseFailure("{\n  \"a\": tru\n}");
    CHECK(error.isSyntaxError());
    CHECK(error.field().empty());
    CHECK_THAT(error.what(), Catch::StartsWith("invalid JSON at line "));
    CHECK_THAT(error.what(), Catch::Contains("invalid literal"));
    CHECK_THAT(error.what(), !Catch::Contains("json.exception"));  // not nlohmann's raw text
  }
  SECTION("empty input") {
    ReportError error = parseFailure("");
    CHECK(error.position() == 1);
    CHECK_THAT(error.what(), Catch::Contains("line 1, column 1 (byte 1)"));
    CHECK_THAT(error.what(), Catch::Contains("end of input"));
  }
  SECTION("truncated input points one past the end") {
    ReportError error = parseFailure("[1,\n2");
    CHECK(error.position() == 6);
    CHECK_THAT(error.what(), Catch::Contains("line 2, column 2 (byte 6)"));
  }
  SECTION("trailing garbage") {
    ReportError error = parseFailure("{} x");
    CHECK(error.position() == 4);
  }
  SECTION("trailing comma before ]") {
    ReportError error = parseFailure("[1, 2 , ]");
    CHECK(error.position() == 7);
    CHECK_THAT(error.what(), Catch::Contains("trailing comma before ']'"));
  }
  SECTION("invalid UTF-8 is reported with printable text only") {
    ReportError error = parseFailure("[\"\xff\"]");
    CHECK(error.position() == 3);
    const std::string message = error.what();
    CHECK(std::all_of(message.begin(), message.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
    }));
    CHECK_THAT(message, Catch::Contains("\\xff"));
  }
  SECTION("a number too large for a double is a positioned error, not an escaping exception") {
    ReportError error = parseFailure("{\"a\": [1e999]}");
    CHECK(error.isSyntaxError());
    CHECK_THAT(error.what(), Catch::Contains("number overflow"));
    CHECK(error.position() >= 8);
    CHECK(error.position() <= 13);
    CHECK(parseJson("[123456789012345678901234567890]")[0].is_number_float());  // large but finite
  }
  SECTION("comments, single quotes and NaN are not JSON") {
    CHECK(parseFailure("[1] /* c */").isSyntaxError());
    CHECK(parseFailure("{'a': 1}").isSyntaxError());
    CHECK(parseFailure("[NaN]").isSyntaxError());
  }
}

TEST_CASE("parseJson rejects nesting deeper than 64 levels", "[report][json]") {
  CHECK(parseJson(nested(64)).is_array());
  CHECK(parseJson(std::string(63, '[') + "{\"a\":1}" + std::string(63, ']')).is_array());

  ReportError error = parseFailure(nested(65));
  CHECK(error.isSyntaxError());
  CHECK(error.position() == 65);  // the 65th '['
  CHECK_THAT(error.what(), Catch::Contains("nested deeper than 64 levels"));

  // Hostile input: a megabyte of brackets fails fast, in either mode.
  CHECK_THAT(parseFailure(std::string(1 << 20, '{')).what(), Catch::Contains("deeper than 64"));
  CHECK_THAT(parseFailure(std::string(1 << 20, '['), true).what(), Catch::Contains("deeper than 64"));
  // Brackets inside strings do not count.
  CHECK(parseJson("[\"" + std::string(100, '[') + "\"]").is_array());
}

TEST_CASE("parseJson refuses more than kMaxJsonValues values, building no more than that", "[report][json]") {
  std::string atLimit = "[";
  for (std::size_t i = 0; i + 2 < kubecensus::kMaxJsonValues; ++i) atLimit += "0,";
  atLimit += "0]";  // the array and kMaxJsonValues - 1 numbers
  CHECK(parseJson(atLimit).size() == kubecensus::kMaxJsonValues - 1);
  const std::string over = atLimit.substr(0, atLimit.size() - 1) + ",{}]";
  try {
    parseJson(over);
    FAIL("accepted more than kMaxJsonValues values");
  } catch (const kubecensus::JsonTooLargeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("more than 1000000 JSON values"));
  }
  // A syntax error is still a syntax error, not a size problem.
  CHECK_THROWS_AS(parseJson("[0,0,"), ReportError);
}

TEST_CASE("a name twice in one object is refused, naming where", "[report][json]") {
  using kubecensus::parseJson;
  using kubecensus::ReportError;
  auto failure = [](const std::string& text) -> ReportError {
    try {
      parseJson(text);
    } catch (const ReportError& e) {
      return e;
    }
    FAIL("parsed: " << text);
    return ReportError("", "");
  };
  CHECK(failure(R"({"reportID":"a","reportID":"b"})").field() == "reportID");
  CHECK(failure(R"({"nodes":[{"id":"x"},{"id":"y","id":"z"}]})").field() == "nodes[1].id");
  CHECK(failure(R"({"a":{"b":{"c":1,"c":2}}})").field() == "a.b.c");
  CHECK_FALSE(failure(R"({"a":1,"a":2})").isSyntaxError());
  // The same name in different objects is fine.
  CHECK(parseJson(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]})")["c"][1]["x"] == 4);
}
