// The `stdout` sink plugin (plugins/sinks/stdout): one line per report on standard output.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "plugins_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::makePlugin;
using kctest::sampleReport;

namespace {

// Points file descriptor 1 at a file for its lifetime; text() is what was written.
class StdoutCapture {
 public:
  StdoutCapture() : path_(dir_.file("stdout")) {
    std::fflush(stdout);
    saved_ = ::dup(1);
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    ::dup2(fd, 1);
    ::close(fd);
  }
  ~StdoutCapture() { restore(); }
  std::string text() {
    restore();
    return kctest::readFile(path_);
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stdout);
    ::dup2(saved_, 1);
    ::close(saved_);
    saved_ = -1;
  }
  kctest::TempDir dir_;
  std::string path_;
  int saved_ = -1;
};

}  // namespace

TEST_CASE("the stdout sink writes each report as one native JSON line", "[stdout]") {
  auto sink = makePlugin<Sink>("stdout");
  Report first = sampleReport(), second = sampleReport();
  StdoutCapture capture;
  DeliveryResult a = sink->deliver(first);
  DeliveryResult b = sink->deliver(second);
  std::string text = capture.text();
  CHECK(a.outcome == DeliveryResult::Outcome::Delivered);
  CHECK(b.outcome == DeliveryResult::Outcome::Delivered);
  CHECK(text ==
        encodeReport(first, ReportFormat::Native) + "\n" + encodeReport(second, ReportFormat::Native) + "\n");
  CHECK(fromNativeJson(nlohmann::json::parse(text.substr(0, text.find('\n')))) == first);
}

TEST_CASE("the stdout sink writes Spartakus records with format = spartakus-v1", "[stdout]") {
  auto sink = makePlugin<Sink>("stdout", {{"format", "spartakus-v1"}});
  Report report = sampleReport();
  StdoutCapture capture;
  DeliveryResult result = sink->deliver(report);
  std::string text = capture.text();
  CHECK(result.outcome == DeliveryResult::Outcome::Delivered);
  CHECK(text == encodeReport(report, ReportFormat::SpartakusV1) + "\n");
  CHECK(nlohmann::json::parse(text)["clusterID"] == report.clusterID);
}

TEST_CASE("the stdout sink refuses the tectonic format and unknown formats", "[stdout]") {
  CHECK_THAT(kctest::createError<Sink>("stdout", {{"format", "tectonic"}}),
             Catch::Contains("tectonic") && Catch::Contains("http sink"));
  CHECK_THAT(kctest::createError<Sink>("stdout", {{"format", "yaml"}}), Catch::Contains("yaml"));
}
