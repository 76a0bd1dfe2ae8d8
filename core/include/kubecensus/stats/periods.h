// The intervals statistics are counted in: UTC days, weeks starting Monday, calendar months.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kubecensus/report/report.h"

namespace kubecensus::stats {

enum class Interval : int { Day = 0, Week = 1, Month = 2 };
inline constexpr Interval kIntervals[] = {Interval::Day, Interval::Week, Interval::Month};

const char* toString(Interval interval);  // "day", "week", "month"
std::optional<Interval> parseInterval(std::string_view text);

// Days since 1970-01-01 (UTC); a period is named by the day it starts on.
using Day = std::int64_t;

inline constexpr Micros kMicrosPerDay = 86'400'000'000;

Day dayOf(Micros t);
Micros startOf(Day day);
Day periodStart(Day day, Interval interval);
Day nextPeriod(Day start, Interval interval);  // the first day of the following period

std::string formatDay(Day day);  // "2026-11-23"
// "2026-11-23", or an RFC 3339 time (its UTC day); nullopt for anything else.
std::optional<Day> parseDay(std::string_view text);

}  // namespace kubecensus::stats
