#include "kubecensus/stats/periods.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "kubecensus/report/time.h"

namespace kubecensus::stats {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

sys_days toSysDays(Day day) {
  return sys_days(days(day));
}
Day fromSysDays(sys_days d) {
  return d.time_since_epoch().count();
}

}  // namespace

const char* toString(Interval interval) {
  switch (interval) {
    case Interval::Day: return "day";
    case Interval::Week: return "week";
    case Interval::Month: return "month";
  }
  return "day";
}

std::optional<Interval> parseInterval(std::string_view text) {
  for (Interval interval : kIntervals)
    if (text == toString(interval)) return interval;
  return std::nullopt;
}

Day dayOf(Micros t) {
  // Floor division: times before 1970 belong to the day they fall in.
  return t >= 0 ? t / kMicrosPerDay : -((-t + kMicrosPerDay - 1) / kMicrosPerDay);
}

Micros startOf(Day day) {
  return day * kMicrosPerDay;
}

Day periodStart(Day day, Interval interval) {
  switch (interval) {
    case Interval::Day: return day;
    case Interval::Week: {
      const std::chrono::weekday weekday{toSysDays(day)};
      return day - static_cast<Day>((weekday.c_encoding() + 6) % 7);  // Monday is 0
    }
    case Interval::Month: {
      const year_month_day date{toSysDays(day)};
      return fromSysDays(sys_days(date.year() / date.month() / 1));
    }
  }
  return day;
}

Day nextPeriod(Day start, Interval interval) {
  switch (interval) {
    case Interval::Day: return start + 1;
    case Interval::Week: return start + 7;
    case Interval::Month: {
      const year_month_day date{toSysDays(start)};
      const auto next = date.year() / date.month() / 1 + std::chrono::months(1);
      return fromSysDays(sys_days(next));
    }
  }
  return start + 1;
}

std::string formatDay(Day day) {
  const year_month_day date{toSysDays(day)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::optional<Day> parseDay(std::string_view text) {
  if (text.size() == 10) {
    for (std::size_t i = 0; i < text.size(); ++i)
      if (i == 4 || i == 7 ? text[i] != '-' : !std::isdigit(static_cast<unsigned char>(text[i])))
        return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    const std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 || copy[4] != '-' ||
        copy[7] != '-')
      return std::nullopt;
    const year_month_day date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
    if (!date.ok()) return std::nullopt;
    return fromSysDays(sys_days(date));
  }
  if (auto time = parseRfc3339(text)) return dayOf(*time);
  return std::nullopt;
}

}  // namespace kubecensus::stats
