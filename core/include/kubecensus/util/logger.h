// A small thread-safe logger: one line per event on stderr (or a file),
// "2026-11-23T18:00:00.123Z info  component: message".
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kubecensus {

enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 };
std::optional<LogLevel> parseLogLevel(std::string_view text);

class Logger {
 public:
  explicit Logger(std::string component, LogLevel level = LogLevel::Info);
  virtual ~Logger() = default;

  void setLevel(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  bool enabled(LogLevel level) const { return level >= level_; }

  void debug(std::string_view message) { write(LogLevel::Debug, message); }
  void info(std::string_view message) { write(LogLevel::Info, message); }
  void warning(std::string_view message) { write(LogLevel::Warning, message); }
  void error(std::string_view message) { write(LogLevel::Error, message); }

  // A logger for a sub-component sharing this one's level and output: it writes through this
  // logger's emit() (so a subclass's output too), and must not outlive it.
  Logger child(std::string_view component);

 protected:
  virtual void emit(std::string_view line);

 private:
  void write(LogLevel level, std::string_view message);
  std::string component_;
  LogLevel level_;
  Logger* output_ = nullptr;  // the logger whose emit() a child writes through; not owned
};

}  // namespace kubecensus
