// Parsers for option values written by people: durations, sizes, booleans, integers, lists.
// Each returns std::nullopt on malformed input, so callers can say where the bad value was.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubecensus {

// "90s", "30m", "24h", "1h30m", "500ms", "2d"; a bare non-negative number means seconds.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);
std::string formatDuration(std::chrono::milliseconds d);
// "512", "64KiB", "64KB"(=1000), "1MiB", "1M"(=MiB), "1GiB".
std::optional<std::uint64_t> parseSize(std::string_view text);
std::optional<bool> parseBool(std::string_view text);
std::optional<std::int64_t> parseInteger(std::string_view text);
// Comma-separated, items trimmed, empty items dropped.
std::vector<std::string> splitList(std::string_view text);

}  // namespace kubecensus
