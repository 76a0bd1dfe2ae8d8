// Time as the report formats write it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kubecensus/report/report.h"

namespace kubecensus {

Micros nowMicros();
// RFC 3339 in UTC with as many fraction digits as needed (0, 3 or 6): 2026-11-23T18:00:00.123Z
std::string formatRfc3339(Micros t);
// Accepts RFC 3339 with 'Z' or a numeric offset and up to 9 fraction digits (truncated to µs).
std::optional<Micros> parseRfc3339(std::string_view text);

}  // namespace kubecensus
