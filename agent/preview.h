// `kubecensus-agent preview`: one pass, and exactly what the sinks would send, without sending.
#pragma once

#include <iosfwd>

namespace kubecensus {
struct Report;
struct ValidatedConfig;
}  // namespace kubecensus

namespace kubecensus::agent {

// Prints to `out`, for each wire format the configured sinks use (native unless a sink says
// format = spartakus-v1 or tectonic), the exact bytes of the report in it, and to `notes` their
// SHA-256, size and the sinks that use it. With `explain`, `out` instead lists every field
// sent: its path, value, privacy level and where it comes from (docs/privacy.md).
void printPreview(const Report& report, const ValidatedConfig& config, bool explain, std::ostream& out,
                  std::ostream& notes);

}  // namespace kubecensus::agent
