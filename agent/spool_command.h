// `kubecensus-agent spool ...`: the outbox and the air-gapped spool, without starting sources
// (and so without reaching the cluster).
//   list [--json]                       waiting deliveries and dead letters in the outbox, and
//                                       what the spool holds
//   purge [--report ID]                 delete dead letters (all, or one report's), and spooled
//                                       reports already exported or forwarded
//   export --output FILE [--all]        write the spool's reports not yet exported (or all) as
//                                       a bundle, and mark them exported
//   import BUNDLE                       verify a bundle and add its reports to the spool
//   forward [--bundle FILE] --to URL    send the spool's unexported reports (or a bundle's) to
//                                       a collector
// The spool is `--spool PATH`, else the path of the configured `spool` sink.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kubecensus {
class CommandLine;
class Logger;
class PluginRegistry;
class ValidatedConfig;
}  // namespace kubecensus

namespace kubecensus::agent {

// `words` are the positional arguments after "spool". Returns the exit code; throws
// UsageError for an unknown subcommand or missing argument.
int spoolCommand(const ValidatedConfig& config, const PluginRegistry& registry, const CommandLine& flags,
                 const std::vector<std::string>& words, std::ostream& out, Logger& log);

}  // namespace kubecensus::agent
