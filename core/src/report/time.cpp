#include "kubecensus/report/time.h"

#include <chrono>
#include <cstdio>

namespace kubecensus {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr std::int64_t kMicrosPerDay = kSecondsPerDay * kMicrosPerSecond;

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). Plain
// arithmetic instead of timegm/mktime: no dependence on the process' time zone or libc range.
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yearOfEra = static_cast<unsigned>(year - era * 400);
  const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

CivilDate civilFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto dayOfEra = static_cast<unsigned>(days - era * 146097);
  const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const unsigned shiftedMonth = (5 * dayOfYear + 2) / 153;  // March = 0
  const unsigned day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
  const unsigned month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return {static_cast<std::int64_t>(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool isLeapYear(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned daysInMonth(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// Reads exactly `count` decimal digits at text[pos]; advances pos.
std::optional<unsigned> readDigits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += count;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char lower, char upper) {
  if (pos >= text.size() || (text[pos] != lower && text[pos] != upper)) return false;
  ++pos;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) { return expect(text, pos, c, c); }

}  // namespace

Micros nowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatRfc3339(Micros t) {
  // Floor division: a time before 1970 still has a non-negative time of day.
  std::int64_t days = t / kMicrosPerDay;
  std::int64_t ofDay = t % kMicrosPerDay;
  if (ofDay < 0) {
    ofDay += kMicrosPerDay;
    --days;
  }
  const CivilDate date = civilFromDays(days);
  const std::int64_t seconds = ofDay / kMicrosPerSecond;
  const auto micros = static_cast<long>(ofDay % kMicrosPerSecond);

  char buffer[64];
  int n =
      std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02d:%02d:%02d",
                    static_cast<long long>(date.year), date.month, date.day, static_cast<int>(seconds / 3600),
                    static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  std::string out(buffer, static_cast<std::size_t>(n));
  // As few fraction digits as say the value exactly, in steps of three (ms, then µs).
  if (micros % 1000 != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06ld", micros);
    out += buffer;
  } else if (micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%03ld", micros / 1000);
    out += buffer;
  }
  out += 'Z';
  return out;
}

std::optional<Micros> parseRfc3339(std::string_view text) {
  std::size_t pos = 0;
  auto year = readDigits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  auto month = readDigits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  auto day = readDigits(text, pos, 2);
  if (!day || !expect(text, pos, 't', 'T')) return std::nullopt;
  auto hour = readDigits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  auto minute = readDigits(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) return std::nullopt;
  auto second = readDigits(text, pos, 2);
  if (!second) return std::nullopt;

  // Leap seconds (:60) are refused: Unix time cannot represent them and no Kubernetes
  // component writes them.
  if (*month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(*year, *month) || *hour > 23 ||
      *minute > 59 || *second > 59) {
    return std::nullopt;
  }

  std::int64_t fraction = 0;  // microseconds; digits past the sixth are truncated
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 9) return std::nullopt;
      if (digits <= 6) fraction = fraction * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) fraction *= 10;
  }

  std::int64_t offsetSeconds = 0;
  if (expect(text, pos, 'z', 'Z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    auto offsetHour = readDigits(text, pos, 2);
    if (!offsetHour || !expect(text, pos, ':')) return std::nullopt;
    auto offsetMinute = readDigits(text, pos, 2);
    if (!offsetMinute || *offsetHour > 23 || *offsetMinute > 59) return std::nullopt;
    offsetSeconds = sign * static_cast<std::int64_t>(*offsetHour * 3600 + *offsetMinute * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const std::int64_t timeOfDay = std::int64_t{*hour} * 3600 + std::int64_t{*minute} * 60 + *second;
  const std::int64_t seconds =
      daysFromCivil(*year, *month, *day) * kSecondsPerDay + timeOfDay - offsetSeconds;
  return seconds * kMicrosPerSecond + fraction;
}

}  // namespace kubecensus
