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

// What runLoop returns when SIGHUP asked for the configuration to be read again.
inline constexpr int kReloadRequested = -2;

// Returns the exit code: 0 after SIGTERM/SIGINT; with period 0, 0 if that one report reached
// every sink, else 1 (it stays in the outbox for the next run); or kReloadRequested. A
// delivery in flight when SIGTERM comes gets a few seconds to finish; after that the agent
// exits anyway, and the report, still in the outbox, goes again at the next start.
// `reloaded`: the loop starts again after SIGHUP (retry times are kept; see DeliveryPipeline).
int runLoop(const ValidatedConfig& config, AgentRuntime& runtime, Logger& log, bool reloaded = false);

}  // namespace kubecensus::agent
