// Runs a short-lived helper program (an exec credential plugin) with a deadline, capturing its
// stdout and stderr. Internal to the kube module.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace kubecensus::kube {

struct ProcessResult {
  int exitStatus = -1;    // exit code, or 128 + signal
  bool timedOut = false;  // killed (with its process group) at the deadline
  std::string out;
  std::string err;
};

// Starts argv[0] (looked up on PATH when it has no '/') with exactly `env` ("NAME=value"),
// stdin from /dev/null, in its own process group. Each output keeps its first `maxOutput` bytes.
// Throws std::system_error when the program cannot be started (e.g. ENOENT).
ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout, std::size_t maxOutput = 1 << 20);

}  // namespace kubecensus::kube
