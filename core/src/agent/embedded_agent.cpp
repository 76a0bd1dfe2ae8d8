#include "kubecensus/agent/embedded_agent.h"

#include <stdexcept>

#include "kubecensus/agent/agent_program.h"
#include "kubecensus/agent/agent_runtime.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/util/logger.h"

namespace kubecensus {

struct EmbeddedAgent::Parts {
  std::unique_ptr<Startup> startup;  // owns the plugin registry: outlives the runtime
  std::unique_ptr<Logger> log;
  std::unique_ptr<agent::AgentRuntime> runtime;
};

EmbeddedAgent::EmbeddedAgent(const std::vector<std::string>& flags) : parts_(std::make_unique<Parts>()) {
  parts_->startup = std::make_unique<Startup>(agent::agentProgram(), flags);
  agent::applyAgentFlags(*parts_->startup);
  if (parts_->startup->finish() != -1)
    throw std::invalid_argument("the kubecensus agent configuration has problems (listed on stderr)");
  const Options& options = parts_->startup->validated().section("agent");
  parts_->log = std::make_unique<Logger>(
      "kubecensus", parseLogLevel(options.getString("log_level")).value_or(LogLevel::Info));
}

// Made on first use, after the user's opt-outs were asked: until then nothing is written
// (no salt, no state directory) and the API server is not called.
agent::AgentRuntime& EmbeddedAgent::runtime() {
  if (!parts_->runtime)
    parts_->runtime = std::make_unique<agent::AgentRuntime>(parts_->startup->validated(),
                                                            parts_->startup->registry(), *parts_->log);
  return *parts_->runtime;
}

EmbeddedAgent::~EmbeddedAgent() {
  if (parts_) parts_->runtime.reset();  // plugins go before the registry that loaded them
}

std::optional<std::string> EmbeddedAgent::disabledBecause() {
  if (auto reason = agent::reportingDisabled(parts_->startup->validated().section("agent"))) return reason;
  return runtime().clusterOptOut();
}

Report EmbeddedAgent::collect(const std::vector<Extension>& extensions) {
  if (auto reason = agent::reportingDisabled(parts_->startup->validated().section("agent")))
    throw std::logic_error("reporting is disabled (" + *reason + "): nothing may be collected");
  return runtime().collect(extensions);
}

bool EmbeddedAgent::deliver(const Report& report) {
  return runtime().deliver(report);
}

const std::string& EmbeddedAgent::clusterID() {
  return runtime().clusterID();
}

}  // namespace kubecensus
