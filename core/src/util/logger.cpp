#include "kubecensus/util/logger.h"

#include <cstdio>
#include <ctime>
#include <string>

#include <sys/time.h>

namespace kubecensus {
namespace {

std::mutex& outputMutex() {
  static std::mutex m;
  return m;
}

const char* levelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info ";
    case LogLevel::Warning: return "warn ";
    case LogLevel::Error: return "error";
  }
  return "?    ";
}

std::string timestamp() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  gmtime_r(&tv.tv_sec, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(tv.tv_usec / 1000));
  return buf;
}

}  // namespace

std::optional<LogLevel> parseLogLevel(std::string_view text) {
  if (text == "debug") return LogLevel::Debug;
  if (text == "info") return LogLevel::Info;
  if (text == "warning" || text == "warn") return LogLevel::Warning;
  if (text == "error") return LogLevel::Error;
  return std::nullopt;
}

Logger::Logger(std::string component, LogLevel level) : component_(std::move(component)), level_(level) {}

Logger Logger::child(std::string_view component) {
  Logger child(component_.empty() ? std::string(component) : component_ + "/" + std::string(component),
               level_);
  child.output_ = output_ ? output_ : this;
  return child;
}

void Logger::write(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::string line = timestamp();
  line += ' ';
  line += levelName(level);
  line += ' ';
  line += component_;
  line += ": ";
  line += message;
  line += '\n';
  (output_ ? output_ : this)->emit(line);
}

void Logger::emit(std::string_view line) {
  std::lock_guard<std::mutex> lock(outputMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace kubecensus
