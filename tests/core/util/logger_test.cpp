#include "kubecensus/util/logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

using namespace kubecensus;

namespace {

// Captures the lines a logger emits instead of writing them to stderr.
class CapturingLogger : public Logger {
 public:
  using Logger::Logger;
  std::vector<std::string> lines;

 protected:
  void emit(std::string_view line) override { lines.emplace_back(line); }
};

// Redirects file descriptor 2 to a file for its lifetime; text() is what was written.
class StderrCapture {
 public:
  StderrCapture() : path_(dir_.file("stderr")) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    return kctest::readFile(path_);
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  kctest::TempDir dir_;
  std::string path_;
  int saved_ = -1;
};

// Sets TZ for a scope.
class TimeZoneGuard {
 public:
  explicit TimeZoneGuard(const char* zone) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~TimeZoneGuard() {
    if (saved_)
      ::setenv("TZ", saved_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> saved_;
};

// "2026-11-23T18:00:00.123Z info  component: message\n"
const std::regex kLine(
    R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z (debug|info |warn |error) ([^:]*): (.*)\n$)");

}  // namespace

TEST_CASE("a log line is an UTC timestamp, the padded level, the component and the message", "[logger]") {
  // A local time zone far from UTC (POSIX form, no tzdata needed), so local time would show.
  TimeZoneGuard zone("KCT-5:30");
  CapturingLogger log("collector", LogLevel::Debug);
  std::time_t before = std::time(nullptr);
  log.info("listening on 127.0.0.1:8080");
  std::time_t after = std::time(nullptr);
  REQUIRE(log.lines.size() == 1);
  const std::string& line = log.lines[0];
  std::smatch m;
  INFO(line);
  REQUIRE(std::regex_match(line, m, kLine));
  CHECK(m[7] == "info ");
  CHECK(m[8] == "collector");
  CHECK(m[9] == "listening on 127.0.0.1:8080");
  CHECK(line.substr(24, 7) == " info  ");  // the timestamp is exactly 24 characters wide

  // The timestamp is UTC (the 'Z' is not a lie): read back as UTC it is the current time.
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  std::time_t logged = timegm(&tm);
  CHECK(logged >= before - 1);
  CHECK(logged <= after + 1);
}

TEST_CASE("every level has its own five-character name", "[logger]") {
  CapturingLogger log("c", LogLevel::Debug);
  log.debug("d");
  log.info("i");
  log.warning("w");
  log.error("e");
  REQUIRE(log.lines.size() == 4);
  CHECK(log.lines[0].substr(24) == " debug c: d\n");
  CHECK(log.lines[1].substr(24) == " info  c: i\n");
  CHECK(log.lines[2].substr(24) == " warn  c: w\n");
  CHECK(log.lines[3].substr(24) == " error c: e\n");
}

TEST_CASE("messages below the level are dropped", "[logger]") {
  CapturingLogger log("c");  // Info by default
  CHECK(log.level() == LogLevel::Info);
  log.debug("hidden");
  log.info("shown");
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0].find("shown") != std::string::npos);

  log.setLevel(LogLevel::Warning);
  CHECK_FALSE(log.enabled(LogLevel::Info));
  CHECK(log.enabled(LogLevel::Warning));
  CHECK(log.enabled(LogLevel::Error));
  log.info("hidden");
  log.warning("careful");
  log.error("broken");
  REQUIRE(log.lines.size() == 3);
  CHECK(log.lines[1].find("careful") != std::string::npos);
  CHECK(log.lines[2].find("broken") != std::string::npos);

  log.setLevel(LogLevel::Error);
  log.warning("hidden");
  CHECK(log.lines.size() == 3);

  log.setLevel(LogLevel::Debug);
  log.debug("now visible");
  REQUIRE(log.lines.size() == 4);
  CHECK(log.lines[3].find(" debug c: now visible") != std::string::npos);
}

TEST_CASE("a child logger names its component parent/child and shares level and output", "[logger]") {
  CapturingLogger log("agent", LogLevel::Warning);
  Logger child = log.child("source.host");
  CHECK(child.level() == LogLevel::Warning);
  child.info("dropped: below the parent's level");
  child.warning("cannot read /proc/meminfo");
  Logger grandchild = child.child("disk");
  grandchild.error("full");
  // Both arrive through the parent's output, not somewhere else.
  REQUIRE(log.lines.size() == 2);
  CHECK(log.lines[0].substr(24) == " warn  agent/source.host: cannot read /proc/meminfo\n");
  CHECK(log.lines[1].substr(24) == " error agent/source.host/disk: full\n");

  CapturingLogger unnamed("", LogLevel::Info);
  unnamed.child("sink.http").info("delivered");
  REQUIRE(unnamed.lines.size() == 1);
  CHECK(unnamed.lines[0].substr(24) == " info  sink.http: delivered\n");
}

TEST_CASE("the default output is stderr, one whole line per event even from many threads", "[logger]") {
  StderrCapture capture;
  {
    Logger log("worker", LogLevel::Info);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 100; ++i) log.info("thread " + std::to_string(t) + " event " + std::to_string(i));
      });
    }
    for (auto& thread : threads) thread.join();
    log.debug("not shown");
  }
  std::string text = capture.text();
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  CHECK(lines.size() == 800);
  for (const auto& line : lines) {
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, kLine));
    CHECK(m[8] == "worker");
    CHECK(std::regex_match(m[9].str(), std::regex(R"(thread [0-7] event \d{1,2})")));
  }
}

TEST_CASE("parseLogLevel accepts the level names and nothing else", "[logger]") {
  CHECK(parseLogLevel("debug") == LogLevel::Debug);
  CHECK(parseLogLevel("info") == LogLevel::Info);
  CHECK(parseLogLevel("warning") == LogLevel::Warning);
  CHECK(parseLogLevel("warn") == LogLevel::Warning);
  CHECK(parseLogLevel("error") == LogLevel::Error);
  for (const char* bad : {"", "INFO", "trace", "fatal", " info", "err"}) {
    INFO(bad);
    CHECK_FALSE(parseLogLevel(bad).has_value());
  }
}
