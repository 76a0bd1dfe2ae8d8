// Child processes for integration tests: the real binaries, started with their output
// captured to files, stopped by PID (never by name).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kctest {

// A path under the build tree, e.g. binary("bin/kubecensus-agent").
std::string buildPath(const std::string& relative);

class ChildProcess {
 public:
  // Starts `program` with `args`; stdout and stderr go to outputPath (appended).
  // `env` entries are added to (or replace those of) the test's own environment.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::string& outputPath, const std::map<std::string, std::string>& env = {});
  ~ChildProcess();  // SIGKILL + reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string output() const;  // everything written so far
  // Waits until the output contains `text`; returns false on timeout or if the child exits.
  bool waitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  // Sends a signal and waits for exit; returns the exit code (128+signal if killed).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for the child to exit on its own; returns its exit code, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  std::string outputPath_;
  int exitCode_ = -1;
};

// Runs a program to completion and returns its exit code and combined output.
struct RunResult {
  int exitCode;
  std::string output;
};
RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace kctest
