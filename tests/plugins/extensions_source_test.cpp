// The `extensions` source plugin (plugins/sources/extensions): Spartakus' --extensions files.
#include <catch2/catch.hpp>
#include <string>

#include "plugins_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;

namespace {

Report collectFrom(const std::string& path) {
  auto source = kctest::makePlugin<Source>("extensions", {{"path", path}});
  Report report;
  ReportBuilder builder(report, "source.extensions");
  kctest::TestCollectContext context;
  source->collect(context, builder);
  return report;
}

bool hasError(const Report& report, const std::string& text) {
  for (const auto& e : report.errors)
    if (e.source == "source.extensions" && e.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("extensions are read from one JSON file", "[plugins][extensions]") {
  kctest::TempDir dir;
  std::string file = dir.write("ext.json", R"({"nodePools": "3", "example.com/gpu-model": "a100"})");
  Report report = collectFrom(file);
  REQUIRE(report.errors.empty());
  REQUIRE(report.extensions.size() == 2);
  CHECK(report.extensions[0] == Extension{"example.com/gpu-model", "a100"});
  CHECK(report.extensions[1] == Extension{"nodePools", "3"});
}

TEST_CASE("a directory's JSON files are read in name order, other files ignored", "[plugins][extensions]") {
  kctest::TempDir dir;
  dir.write("d/b.json", R"({"second": "2"})");
  dir.write("d/a.json", R"({"first": "1"})");
  dir.write("d/notes.txt", "not json");
  Report report = collectFrom(dir.file("d"));
  REQUIRE(report.extensions.size() == 2);
  CHECK(report.extensions[0].name == "first");
  CHECK(report.extensions[1].name == "second");
  CHECK(report.errors.empty());
}

TEST_CASE("invalid files and entries are left out and named in the report's errors", "[plugins][extensions]") {
  kctest::TempDir dir;
  dir.write("d/a.json", R"({"good": "yes", "Bad Key": "x", "n": 5, "Example.com/x": "y", "a/b/c": "z",
                            "-dash": "v", "long": ")" + std::string(1025, 'v') + R"("})");
  dir.write("d/b.json", "{broken");
  dir.write("d/c.json", R"(["not", "an", "object"])");
  dir.write("d/d.json", R"({"good": "again"})");
  Report report = collectFrom(dir.file("d"));
  REQUIRE(report.extensions.size() == 1);
  CHECK(report.extensions[0] == Extension{"good", "yes"});
  CHECK(hasError(report, "\"Bad Key\": invalid key"));
  CHECK(hasError(report, "\"n\": the value must be a string"));
  CHECK(hasError(report, "\"Example.com/x\": invalid key: the prefix must be a lower-case DNS subdomain"));
  CHECK(hasError(report, "\"a/b/c\": invalid key: a key may hold at most one '/'"));
  CHECK(hasError(report, "\"-dash\": invalid key: the name part must start and end"));
  CHECK(hasError(report, "\"long\": the value is longer than 1024 bytes"));
  CHECK(hasError(report, "b.json: invalid JSON at line 1"));
  CHECK(hasError(report, "c.json: expected a JSON object"));
  CHECK(hasError(report, "d.json: \"good\": given more than once"));
  CHECK(report.errors.size() == 9);
}

TEST_CASE("a key's name part is at most 63 characters", "[plugins][extensions]") {
  kctest::TempDir dir;
  std::string ok(63, 'a'), tooLong(64, 'a');
  Report report = collectFrom(dir.write("e.json", "{\"" + ok + "\": \"1\", \"" + tooLong + "\": \"2\"}"));
  REQUIRE(report.extensions.size() == 1);
  CHECK(report.extensions[0].name == ok);
  CHECK(hasError(report, "longer than 63 characters"));
}

TEST_CASE("at most 100 extensions are reported", "[plugins][extensions]") {
  kctest::TempDir dir;
  std::string json = "{";
  for (int i = 0; i < 101; ++i) json += (i ? "," : "") + std::string("\"k") + std::to_string(1000 + i) + "\": \"v\"";
  Report report = collectFrom(dir.write("many.json", json + "}"));
  CHECK(report.extensions.size() == 100);
  CHECK(hasError(report, "more than 100 extensions"));
}

TEST_CASE("a missing path is an error in the report, not a failed pass", "[plugins][extensions]") {
  kctest::TempDir dir;
  Report report = collectFrom(dir.file("nowhere"));
  CHECK(report.extensions.empty());
  CHECK(hasError(report, "no such file or directory"));
}
