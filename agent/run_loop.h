// `kubecensus-agent run`: every period (with jitter) collect a report, keep it in the outbox,
// and let the forwarder deliver what is due; in between, sleep until the next collection or
// the next retry, whichever comes first, or until SIGTERM/SIGINT.
#pragma once

namespace kubecensus {
class Logger;
class ValidatedConfig;
}  // namespace kubecensus

namespace kubecensus::agent {

class AgentRuntime;

// Returns the exit code: 0 after a signal; with period 0, 0 if that one report reached every
// sink, else 1 (it stays in the outbox for the next run).
int runLoop(const ValidatedConfig& config, AgentRuntime& runtime, Logger& log);

}  // namespace kubecensus::agent
