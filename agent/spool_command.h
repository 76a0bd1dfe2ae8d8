// `kubecensus-agent spool list|purge`: what the outbox holds, without starting sources or
// sinks (and so without reaching the cluster).
//   list                 every waiting delivery and dead letter, oldest first (--json: one
//                        JSON object per line)
//   purge [--report ID]  delete dead letters (all, or one report's)
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kubecensus {
class Logger;
class ValidatedConfig;
}  // namespace kubecensus

namespace kubecensus::agent {

// The outbox file the configuration names (outbox.path, else outbox.db in the state directory).
std::string outboxPath(const ValidatedConfig& config);

// `words` are the positional arguments after "spool". Returns the exit code; UsageError for an
// unknown subcommand.
int spoolCommand(const ValidatedConfig& config, const std::vector<std::string>& words, bool json,
                 const std::string& reportID, std::ostream& out, Logger& log);

}  // namespace kubecensus::agent
