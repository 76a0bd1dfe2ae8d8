#include "kubecensus/report/time.h"

#include <catch2/catch.hpp>

using kubecensus::formatRfc3339;
using kubecensus::Micros;
using kubecensus::parseRfc3339;

TEST_CASE("formatRfc3339 writes UTC with 0, 3 or 6 fraction digits", "[report][time]") {
  CHECK(formatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(formatRfc3339(1795456800000000) == "2026-11-23T18:00:00Z");
  CHECK(formatRfc3339(1795456800123000) == "2026-11-23T18:00:00.123Z");
  CHECK(formatRfc3339(1795456800123400) == "2026-11-23T18:00:00.123400Z");
  CHECK(formatRfc3339(1795456800000001) == "2026-11-23T18:00:00.000001Z");
  CHECK(formatRfc3339(951868799999999) == "2000-02-29T23:59:59.999999Z");  // leap day
  CHECK(formatRfc3339(867530909031976) == "1997-06-28T20:48:29.031976Z");  // Spartakus' example
}

TEST_CASE("formatRfc3339 handles times before 1970 with floor division", "[report][time]") {
  CHECK(formatRfc3339(-500000) == "1969-12-31T23:59:59.500Z");
  CHECK(formatRfc3339(-1) == "1969-12-31T23:59:59.999999Z");
  CHECK(formatRfc3339(-62135596800000000) == "0001-01-01T00:00:00Z");
}

TEST_CASE("parseRfc3339 accepts what formatRfc3339 writes", "[report][time]") {
  for (Micros t : {Micros{0}, Micros{1795456800123000}, Micros{951868799999999}, Micros{-500000},
                   Micros{-62135596800000000}, Micros{253402300799999999}, Micros{867530909031976}}) {
    INFO(t);
    CHECK(parseRfc3339(formatRfc3339(t)) == t);
  }
}

TEST_CASE("parseRfc3339 accepts offsets, lower case and up to 9 fraction digits", "[report][time]") {
  const Micros expected = 1795456800123000;
  CHECK(parseRfc3339("2026-11-23T18:00:00.123Z") == expected);
  CHECK(parseRfc3339("2026-11-23t18:00:00.123z") == expected);
  CHECK(parseRfc3339("2026-11-23T19:30:00.123+01:30") == expected);
  CHECK(parseRfc3339("2026-11-23T13:00:00.123-05:00") == expected);
  CHECK(parseRfc3339("2026-11-24T04:00:00.123+10:00") == expected);  // crosses midnight
  CHECK(parseRfc3339("2026-11-23T18:00:00.123+00:00") == expected);
  CHECK(parseRfc3339("2026-11-23T18:00:00.123-00:00") == expected);
  CHECK(parseRfc3339("2026-11-23T18:00:00.1Z") == 1795456800100000);
  CHECK(parseRfc3339("2026-11-23T18:00:00.123456789Z") == 1795456800123456);  // truncated to µs
  CHECK(parseRfc3339("2026-11-23T18:00:00.999999999Z") == 1795456800999999);
  CHECK(parseRfc3339("2024-02-29T00:00:00Z").has_value());  // leap year
  CHECK(parseRfc3339("2000-02-29T00:00:00Z").has_value());  // divisible by 400
}

TEST_CASE("parseRfc3339 rejects invalid dates, times and garbage", "[report][time]") {
  const char* invalid[] = {
      "",
      "garbage",
      "2026-13-01T00:00:00Z",             // month 13
      "2026-00-01T00:00:00Z",             // month 0
      "2026-01-32T00:00:00Z",             // day 32
      "2026-01-00T00:00:00Z",             // day 0
      "2026-04-31T00:00:00Z",             // April has 30 days
      "2023-02-29T00:00:00Z",             // not a leap year
      "1900-02-29T00:00:00Z",             // divisible by 100, not 400
      "2026-01-01T24:00:00Z",             // hour 24
      "2026-01-01T00:60:00Z",             // minute 60
      "2026-01-01T00:00:60Z",             // leap second: refused
      "2026-01-01T00:00:00",              // no zone
      "2026-01-01 00:00:00Z",             // space instead of T
      "2026-01-01T00:00:00.Z",            // empty fraction
      "2026-01-01T00:00:00.1234567890Z",  // 10 fraction digits
      "2026-01-01T00:00:00+0100",         // offset without colon
      "2026-01-01T00:00:00+24:00",        // offset hour 24
      "2026-01-01T00:00:00+01:60",        // offset minute 60
      "2026-01-01T00:00:00Zjunk",         // trailing text
      " 2026-01-01T00:00:00Z",            // leading space
      "26-01-01T00:00:00Z",               // two-digit year
      "2026-1-01T00:00:00Z",              // one-digit month
      "2026-01-01T00:00:0aZ",             // letter in seconds
      "+2026-01-01T00:00:00Z",
  };
  for (const char* text : invalid) {
    INFO(text);
    CHECK_FALSE(parseRfc3339(text).has_value());
  }
}

TEST_CASE("nowMicros is a current time in microseconds", "[report][time]") {
  const Micros now = kubecensus::nowMicros();
  CHECK(now > 1'700'000'000'000'000);  // after November 2023
  CHECK(now < 4'102'444'800'000'000);  // before 2100
}
