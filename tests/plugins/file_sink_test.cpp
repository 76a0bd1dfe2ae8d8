// The `file` sink plugin (plugins/sinks/file): one line per report, appended.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "plugins_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::makePlugin;
using kctest::sampleReport;

namespace {

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

TEST_CASE("the file sink appends one native JSON line per report, file created 0600", "[file]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("reports.ndjson");
  mode_t saved = ::umask(0);  // the mode must come from the sink
  auto sink = makePlugin<Sink>("file", {{"path", path}});
  ::umask(saved);

  Report first = sampleReport(), second = sampleReport();
  DeliveryResult result = sink->deliver(first);
  CHECK(result.outcome == DeliveryResult::Outcome::Delivered);
  CHECK(sink->deliver(second).outcome == DeliveryResult::Outcome::Delivered);

  std::string text = kctest::readFile(path);
  CHECK(text ==
        encodeReport(first, ReportFormat::Native) + "\n" + encodeReport(second, ReportFormat::Native) + "\n");
  auto lines = linesOf(text);
  REQUIRE(lines.size() == 2);
  CHECK(fromNativeJson(nlohmann::json::parse(lines[0])) == first);
  CHECK(fromNativeJson(nlohmann::json::parse(lines[1])) == second);

  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("the file sink keeps what the file already holds", "[file]") {
  kctest::TempDir tmp;
  std::string path = tmp.write("reports.ndjson", "{\"earlier\":true}\n");
  Report report = sampleReport();
  {
    auto sink = makePlugin<Sink>("file", {{"path", path}, {"fsync", "false"}});
    CHECK(sink->deliver(report).outcome == DeliveryResult::Outcome::Delivered);
  }
  {  // a restarted agent appends too
    auto sink = makePlugin<Sink>("file", {{"path", path}});
    CHECK(sink->deliver(report).outcome == DeliveryResult::Outcome::Delivered);
  }
  std::string line = encodeReport(report, ReportFormat::Native);
  CHECK(kctest::readFile(path) == "{\"earlier\":true}\n" + line + "\n" + line + "\n");
}

TEST_CASE("the file sink writes Spartakus records with format = spartakus-v1", "[file]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("spartakus.ndjson");
  auto sink = makePlugin<Sink>("file", {{"path", path}, {"format", "spartakus-v1"}});
  Report report = sampleReport();
  CHECK(sink->deliver(report).outcome == DeliveryResult::Outcome::Delivered);

  std::string text = kctest::readFile(path);
  CHECK(text == encodeReport(report, ReportFormat::SpartakusV1) + "\n");
  auto record = nlohmann::json::parse(text);
  CHECK(record["clusterID"] == report.clusterID);
  CHECK(record["version"] == "0.1.0");
  CHECK(record["timestamp"].is_string());
  CHECK_FALSE(record.contains("reportID"));  // a Spartakus record has no report ID
  CHECK_FALSE(record.contains("schema"));
  CHECK(fromSpartakusJson(record).nodes == report.nodes);
}

TEST_CASE("the file sink refuses bad options when created", "[file]") {
  kctest::TempDir tmp;
  CHECK_THAT(kctest::createError<Sink>("file", {}), Catch::Contains("file") && Catch::Contains("'path'"));
  CHECK_THAT(kctest::createError<Sink>("file", {{"path", tmp.file("r")}, {"format", "tectonic"}}),
             Catch::Contains("tectonic"));
  CHECK_THAT(kctest::createError<Sink>("file", {{"path", tmp.file("r")}, {"format", "xml"}}),
             Catch::Contains("xml"));
  std::string unopenable = tmp.file("missing-dir/r");
  CHECK_THAT(kctest::createError<Sink>("file", {{"path", unopenable}}), Catch::Contains(unopenable));
}
