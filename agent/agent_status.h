// The agent's health, written after every pass to status.json in its state directory, and
// read by `kubecensus-agent status` (exit 0 healthy, 1 not), which a Kubernetes exec probe or
// a monitoring script can run.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace kubecensus {
class ValidatedConfig;
}

namespace kubecensus::agent {

struct PipelineStatus;

// Writes <stateDir>/status.json atomically.
void writeStatus(const std::string& stateDir, const PipelineStatus& status, const std::string& lastReportID,
                 std::chrono::milliseconds period, std::int64_t now);

// `kubecensus-agent status`: prints the last status and returns the exit code. A status older
// than two periods (and five minutes) is unhealthy too: the agent stopped making passes.
int statusCommand(const ValidatedConfig& config, std::ostream& out, std::int64_t now);

}  // namespace kubecensus::agent
