#include "kubecensus/util/value_parse.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace kubecensus {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// Reads the leading run of digits as an unsigned number; nullopt on no digits or overflow.
std::optional<std::uint64_t> takeUnsigned(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && isDigit(text[n])) ++n;
  if (n == 0) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + n, value);
  if (ec != std::errc() || end != text.data() + n) return std::nullopt;
  text.remove_prefix(n);
  return value;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Duration units, largest first: "1h30m" must be written in this order, which rejects
// typos such as "30m1h" instead of guessing what was meant. "ms" precedes "m" so that the
// longest suffix wins.
constexpr std::array<Unit, 5> kDurationUnits{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"ms", 1},
    {"m", 60'000},
    {"s", 1'000},
}};

int durationRank(std::uint64_t factor) {
  // Order by size, not by position in kDurationUnits (where "ms" sits before "m").
  switch (factor) {
    case 86'400'000: return 0;
    case 3'600'000: return 1;
    case 60'000: return 2;
    case 1'000: return 3;
    default: return 4;
  }
}

}  // namespace

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  constexpr auto kMax =
      static_cast<std::uint64_t>(std::numeric_limits<std::chrono::milliseconds::rep>::max());

  // A bare number means seconds, as in Spartakus' --period.
  bool bare = true;
  for (char c : text) bare = bare && isDigit(c);
  if (bare) {
    auto seconds = takeUnsigned(text);
    if (!seconds || *seconds > kMax / 1000) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(*seconds * 1000));
  }

  std::uint64_t total = 0;
  int lastRank = -1;
  while (!text.empty()) {
    auto amount = takeUnsigned(text);
    if (!amount) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& candidate : kDurationUnits) {
      if (text.substr(0, candidate.suffix.size()) == candidate.suffix) {
        unit = &candidate;
        break;
      }
    }
    if (!unit) return std::nullopt;
    text.remove_prefix(unit->suffix.size());
    int rank = durationRank(unit->factor);
    if (rank <= lastRank) return std::nullopt;
    lastRank = rank;
    if (*amount > (kMax - total) / unit->factor) return std::nullopt;
    total += *amount * unit->factor;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

std::string formatDuration(std::chrono::milliseconds d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  // Work on the magnitude as unsigned so that the most negative value does not overflow.
  std::uint64_t rest = ms < 0 ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  if (ms < 0) out += '-';
  // Hours are the largest unit printed: "24h" and "48h" read better than "1d" and "2d".
  constexpr std::array<Unit, 4> kPrinted{{{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
  for (const auto& unit : kPrinted) {
    if (rest >= unit.factor) {
      out += std::to_string(rest / unit.factor);
      out += unit.suffix;
      rest %= unit.factor;
    }
  }
  return out;
}

std::optional<std::uint64_t> parseSize(std::string_view text) {
  text = trim(text);
  auto amount = takeUnsigned(text);
  if (!amount) return std::nullopt;
  text = trim(text);
  // K/M/G alone mean the binary units, as most people who write "64M" for a buffer expect.
  constexpr std::uint64_t kKi = 1024;
  constexpr std::array<Unit, 14> kSizeUnits{{
      {"", 1},
      {"B", 1},
      {"K", kKi},
      {"KiB", kKi},
      {"KB", 1000},
      {"M", kKi * kKi},
      {"MiB", kKi * kKi},
      {"MB", 1000ull * 1000},
      {"G", kKi * kKi * kKi},
      {"GiB", kKi * kKi * kKi},
      {"GB", 1000ull * 1000 * 1000},
      {"T", kKi * kKi * kKi * kKi},
      {"TiB", kKi * kKi * kKi * kKi},
      {"TB", 1000ull * 1000 * 1000 * 1000},
  }};
  for (const auto& unit : kSizeUnits) {
    if (!equalsIgnoreCase(text, unit.suffix)) continue;
    if (*amount > std::numeric_limits<std::uint64_t>::max() / unit.factor) return std::nullopt;
    return *amount * unit.factor;
  }
  return std::nullopt;
}

std::optional<bool> parseBool(std::string_view text) {
  text = trim(text);
  for (std::string_view yes : {"true", "yes", "on", "1"}) {
    if (equalsIgnoreCase(text, yes)) return true;
  }
  for (std::string_view no : {"false", "no", "off", "0"}) {
    if (equalsIgnoreCase(text, no)) return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parseInteger(std::string_view text) {
  // std::from_chars rejects a leading '+', which people do write.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace kubecensus
