// A small data set with statistics worked out by hand, posted to a real collector by the stats
// API and dashboard tests. Days are relative to today (UTC): the day before yesterday (d2) and
// yesterday (d1), because the collector counts a report on the day its agent made it only
// within 30 days of receiving it (docs/stats.md).
//
//   cluster  reports (hour: version)                    nodes, arch, runtime
//   A        d2 08: 1.30, d2 12: 1.30, d2 20: 1.31;      4, amd64, containerd
//            d1 09: 1.31
//   B        d2 10: 1.31; d1 10: 1.31                    2, arm64, cri-o
//   C        d2 11: 1.31 (then stops)                    10, amd64, containerd
//   D        d2 12: 1.29 (then stops)                    1, amd64, containerd
//   E        d1 13: 1.31 (new on d1)                     3, amd64, containerd
//   F        d1 14: 1.30 (new on d1)                     5, amd64, containerd
//   G        d2 15: 1.28; d1 15: 1.28                    2, arm64, cri-o
//   H        d2 16: 1.27; d1 16: 1.27                    6, arm64, cri-o
//
// With the default minimum of 3 clusters per published value:
//   d2: active 6, new 6, reports 8; versions 1.31: 3 (50%, 16 nodes), other 3 (1.29, 1.28,
//       1.27: 50%, no amount); architectures amd64 3 (15 nodes), arm64 3 (10 nodes);
//       totals 6 clusters, 25 nodes, 50 cores
//   d1: active 6, new 2, reports 6; versions 1.31: 3 (50%, 9 nodes), other 3 (50%);
//       architectures and runtimes: amd64/containerd 3 (12 nodes), arm64/cri-o 3 (10 nodes);
//       totals 6 clusters, 22 nodes, 44 cores
//   lifetimes over d2..d1: <1 day 4 (C, D, E, F), 1-7 days 4 (A, B, G, H); median 0.5 days
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "collector_fixture.h"

namespace kctest {

inline constexpr std::int64_t kDayMicros = 86'400'000'000;

inline std::int64_t todayUtc() {
  return nowMicros() / kDayMicros;
}

inline std::string dayText(std::int64_t day) {
  const std::time_t seconds = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

inline nlohmann::json seedReport(int serial, const std::string& cluster, std::int64_t day, int hour,
                                 const std::string& version, int nodes, const std::string& arch,
                                 const std::string& runtime) {
  nlohmann::json node = {{"operatingSystem", "linux"},
                         {"architecture", arch},
                         {"containerRuntimeVersion", runtime},
                         {"kubeletVersion", version},
                         {"capacity", nlohmann::json::array({{{"resource", "cpu"}, {"value", "2"}}})}};
  char id[40];
  std::snprintf(id, sizeof id, "5eed0000-0000-4000-8000-%012d", serial);
  char at[32];
  std::snprintf(at, sizeof at, "%sT%02d:00:00Z", dayText(day).c_str(), hour);
  return {{"schema", "kubecensus.report/v2"},
          {"reportID", id},
          {"clusterID", "5eed0000-0000-4000-8000-00000000000" + cluster},
          {"generatedAt", at},
          {"masterVersion", version},
          {"agent", {{"name", "kubecensus-agent"}, {"version", "0.3.0"}}},
          {"nodes", nlohmann::json::array_t(static_cast<std::size_t>(nodes), node)}};
}

// The data set above, as one POST /api/v2/reports body. Cluster IDs end in A..H.
inline std::string statsSeedBody(std::int64_t today) {
  const std::int64_t d2 = today - 2, d1 = today - 1;
  const std::string containerd = "containerd://1.7.22", crio = "cri-o://1.30.4";
  nlohmann::json reports = nlohmann::json::array({
      seedReport(1, "A", d2, 20, "v1.31.2", 4, "amd64", containerd),  // the evening one first
      seedReport(2, "A", d2, 8, "v1.30.5", 4, "amd64", containerd),
      seedReport(3, "A", d2, 12, "v1.30.5", 4, "amd64", containerd),
      seedReport(4, "A", d1, 9, "v1.31.2", 4, "amd64", containerd),
      seedReport(5, "B", d2, 10, "v1.31.0", 2, "arm64", crio),
      seedReport(6, "B", d1, 10, "v1.31.0", 2, "arm64", crio),
      seedReport(7, "C", d2, 11, "v1.31.1", 10, "amd64", containerd),
      seedReport(8, "D", d2, 12, "v1.29.9", 1, "amd64", containerd),
      seedReport(9, "E", d1, 13, "v1.31.2", 3, "amd64", containerd),
      seedReport(10, "F", d1, 14, "v1.30.1", 5, "amd64", containerd),
      seedReport(11, "G", d2, 15, "v1.28.3", 2, "arm64", crio),
      seedReport(12, "G", d1, 15, "v1.28.3", 2, "arm64", crio),
      seedReport(13, "H", d2, 16, "v1.27.1", 6, "arm64", crio),
      seedReport(14, "H", d1, 16, "v1.27.1", 6, "arm64", crio),
  });
  return reports.dump();
}

// Posts the data set; the collector answers 202 when every report is stored.
inline void seedStats(const Collector& collector) {
  HttpAnswer posted = collector.post("/api/v2/reports", statsSeedBody(todayUtc()));
  INFO(posted.body);
  REQUIRE(posted.status == 202);
}

}  // namespace kctest
