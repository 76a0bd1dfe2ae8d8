// The agent inside another program: an operator or product that reports its own usage
// (examples/embed). Configured exactly as kubecensus-agent is — the same flags, files and keys
// — it collects a report when asked and hands it to the configured sinks. Scheduling, the
// outbox and retries stay with the caller. One thread at a time: it is not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus {

namespace agent {
class AgentRuntime;
}

class EmbeddedAgent {
 public:
  // `flags`: what kubecensus-agent takes, e.g. {"--config", "/etc/my-operator/census.yaml",
  // "--set", "agent.level=minimal", "--database", "https://census.example.com"}. Throws an
  // std::exception saying what is wrong: for a configuration with problems (each printed on
  // stderr with its file:line:key, as kubecensus-agent --check-config does), an unknown flag or
  // an unreadable file. Nothing is written and the cluster is not contacted until the first
  // report (or disabledBecause(), which may ask the cluster's opt-out ConfigMap).
  explicit EmbeddedAgent(const std::vector<std::string>& flags);
  ~EmbeddedAgent();
  EmbeddedAgent(const EmbeddedAgent&) = delete;
  EmbeddedAgent& operator=(const EmbeddedAgent&) = delete;

  // Why reporting is switched off (DO_NOT_TRACK, KUBECENSUS_DISABLED, agent.enabled = false,
  // agent.level = off, the cluster's opt-out ConfigMap), or nullopt. Ask before each report:
  // when it says off, send nothing.
  std::optional<std::string> disabledBecause();

  // One pass of the configured sources at the configured privacy level (std::logic_error when
  // the user switched reporting off: ask disabledBecause() first). `extensions`: facts
  // only the embedding program knows ("example.com/managed-databases": "3"), held to the rules
  // of any source's extensions (qualified names, short values; docs/privacy.md).
  Report collect(const std::vector<Extension>& extensions = {});

  // Hands the report to every configured sink now; true when every one delivered it.
  bool deliver(const Report& report);

  const std::string& clusterID();

 private:
  agent::AgentRuntime& runtime();
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace kubecensus
