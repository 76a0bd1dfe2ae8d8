#include <catch2/catch.hpp>

#include "kubecensus/stats/periods.h"

using namespace kubecensus::stats;

TEST_CASE("days, weeks from Monday and months in UTC", "[stats]") {
  const Day nov23 = *parseDay("2026-11-23");  // a Monday
  CHECK(formatDay(nov23) == "2026-11-23");
  CHECK(periodStart(nov23, Interval::Week) == nov23);
  CHECK(periodStart(nov23 + 6, Interval::Week) == nov23);  // Sunday
  CHECK(periodStart(nov23 + 7, Interval::Week) == nov23 + 7);
  CHECK(formatDay(periodStart(nov23, Interval::Month)) == "2026-11-01");
  CHECK(formatDay(nextPeriod(*parseDay("2026-12-01"), Interval::Month)) == "2027-01-01");
  CHECK(formatDay(nextPeriod(*parseDay("2028-02-01"), Interval::Month)) == "2028-03-01");
  CHECK(nextPeriod(nov23, Interval::Week) == nov23 + 7);
  CHECK(dayOf(startOf(nov23) + kMicrosPerDay - 1) == nov23);
  CHECK(dayOf(-1) == -1);  // the last microsecond of 1969
  CHECK(formatDay(0) == "1970-01-01");
}

TEST_CASE("dates are read strictly", "[stats]") {
  CHECK(parseDay("2026-11-23T23:59:59Z") == parseDay("2026-11-23"));
  CHECK(parseDay("2026-11-24T01:00:00+02:00") == parseDay("2026-11-23"));
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2026/11/23", "20261123", "yesterday", "2026-11-2x",
                          "2026-+1-01", "2026- 1-01", "-026-11-01"})
    CHECK_FALSE(parseDay(bad).has_value());
  CHECK(parseInterval("week") == Interval::Week);
  CHECK_FALSE(parseInterval("year").has_value());
  CHECK(std::string(toString(Interval::Month)) == "month");
}
