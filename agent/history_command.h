// `kubecensus-agent history [--json]`: the reports delivered (the last 1000), newest first,
// each with the sink, the time, its size and what the receiver answered (a collector's 202
// body names the report IDs it accepted and the duplicates).
#pragma once

#include <iosfwd>

namespace kubecensus {
class Logger;
struct ValidatedConfig;
}  // namespace kubecensus

namespace kubecensus::agent {

int historyCommand(const ValidatedConfig& config, bool json, std::ostream& out, Logger& log);

}  // namespace kubecensus::agent
