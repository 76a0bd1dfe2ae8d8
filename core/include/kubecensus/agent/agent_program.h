#pragma once

#include <optional>
#include <string>

#include "kubecensus/app/startup.h"

namespace kubecensus::agent {

// The agent's own configuration section, [agent], and its command line.
ProgramSpec agentProgram();

// Maps the Spartakus-style flags onto the configuration: --cluster-id, --period and
// --database (which replaces the configured sinks; it may repeat).
void applyAgentFlags(Startup& startup);

// The default state directory: /var/lib/kubecensus for root, else
// $XDG_STATE_HOME/kubecensus (or ~/.local/state/kubecensus).
std::string defaultStateDir();

// Why reporting is off by the user's choice, in any of the ways users expect (DO_NOT_TRACK,
// KUBECENSUS_DISABLED, agent.enabled = false, agent.level = off), or nullopt.
std::optional<std::string> reportingDisabled(const Options& agent);

// agent.state_dir, or the default one when it is empty.
std::string stateDirectory(const ValidatedConfig& config);
// outbox.path, or outbox.db in the state directory when it is empty.
std::string outboxPath(const ValidatedConfig& config);

}  // namespace kubecensus::agent
