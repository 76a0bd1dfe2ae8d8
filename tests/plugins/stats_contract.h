// The statistics every storage that keeps them must answer alike (docs/stats.md), on a seeded
// data set with answers worked out by hand: a cluster reporting three times a day whose version
// changes at its last report, one that stops after a day, reports arriving out of order and
// twice, a cluster that erasure removes, and retention that keeps the aggregates.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "kubecensus/plugin/storage.h"
#include "kubecensus/stats/catalog.h"

namespace kctest {

using kubecensus::AggregateRow;
using kubecensus::Micros;
using kubecensus::Report;
using kubecensus::Storage;
namespace stats = kubecensus::stats;

// 2025-11-03, a Monday: more than a month ago, so retention may expire its per-cluster rows.
inline constexpr stats::Day kDay0 = 20395;
inline constexpr Micros kHourMicros = 3'600'000'000;

inline Report statsReport(const std::string& id, const std::string& cluster, stats::Day day, int hour,
                          const std::string& version, std::uint64_t nodes,
                          const std::string& arch = "amd64") {
  Report report;
  report.reportID = "00000000-0000-4000-8000-" + std::string(12 - id.size(), '0') + id;
  report.clusterID = cluster;
  report.generatedAt = stats::startOf(day) + hour * kHourMicros;
  report.receivedAt = *report.generatedAt + 1'000'000;
  report.masterVersion = version;
  report.nodeCount = nodes;
  kubecensus::NodeGroup group;
  group.operatingSystem = "linux";
  group.architecture = arch;
  group.containerRuntimeVersion = "containerd://1.7.22";
  group.kubeletVersion = version;
  group.count = nodes;
  kubecensus::Distribution cpu;
  cpu.mean = 4;
  group.capacity.push_back({"cpu", cpu});
  report.nodeGroups.push_back(group);
  return report;
}

// (period, value) -> clusters, for one interval and dimension.
inline std::map<std::pair<stats::Day, std::string>, std::int64_t> clustersBy(Storage& storage,
                                                                             stats::Interval interval,
                                                                             const std::string& dimension) {
  auto rows = storage.aggregates(interval, dimension, kDay0 - 40, kDay0 + 40);
  REQUIRE(rows.has_value());
  std::map<std::pair<stats::Day, std::string>, std::int64_t> out;
  for (const AggregateRow& row : *rows) out[{row.period, row.value}] = row.clusters;
  return out;
}

inline double amountOf(Storage& storage, stats::Interval interval, const std::string& dimension,
                       stats::Day period, const std::string& value) {
  auto rows = storage.aggregates(interval, dimension, period, period);
  REQUIRE(rows.has_value());
  for (const AggregateRow& row : *rows)
    if (row.value == value) return row.amount;
  return 0;
}

inline void checkStatsContract(Storage& storage) {
  using stats::Interval;
  const stats::Day d0 = kDay0, d1 = kDay0 + 1, d7 = kDay0 + 7,
                   month = stats::periodStart(kDay0, stats::Interval::Month);
  const Report a08 = statsReport("a08", "A", d0, 8, "v1.31.4", 3);
  const Report a12 = statsReport("a12", "A", d0, 12, "v1.31.4", 3);
  const Report a20 = statsReport("a20", "A", d0, 20, "v1.32.0", 3);
  const Report a1 = statsReport("a1", "A", d1, 9, "v1.32.0", 3);
  const Report b0 = statsReport("b0", "B", d0, 10, "v1.31.1", 1, "arm64");
  const Report c0 = statsReport("c0", "C", d0, 11, "v1.30.2", 12);
  const Report c1 = statsReport("c1", "C", d1, 11, "v1.30.2", 12);
  const Report c7 = statsReport("c7", "C", d7, 11, "v1.30.2", 12);
  const Report dd1 = statsReport("d1", "D", d1, 15, "v1.32.1", 5);
  // The evening report first, the morning ones later: they must not replace it.
  storage.write({&a20, &b0, &c0});
  storage.write({&a08, &a12, &a20});  // a20 again: a duplicate, counted once
  storage.write({&a1, &c1, &dd1});
  storage.write({&c7});

  const auto active = clustersBy(storage, Interval::Day, stats::kActiveDimension);
  CHECK(active.at({d0, ""}) == 3);
  CHECK(active.at({d1, ""}) == 3);
  CHECK(active.at({d7, ""}) == 1);
  CHECK(active.count({d0 + 2, ""}) == 0);
  CHECK(clustersBy(storage, Interval::Week, stats::kActiveDimension).at({d0, ""}) == 4);
  CHECK(clustersBy(storage, Interval::Week, stats::kActiveDimension).at({d7, ""}) == 1);
  CHECK(clustersBy(storage, Interval::Month, stats::kActiveDimension).at({month, ""}) == 4);

  const auto fresh = clustersBy(storage, Interval::Day, stats::kNewDimension);
  CHECK(fresh.at({d0, ""}) == 3);
  CHECK(fresh.at({d1, ""}) == 1);
  CHECK(fresh.count({d7, ""}) == 0);
  CHECK(clustersBy(storage, Interval::Week, stats::kNewDimension).at({d0, ""}) == 4);

  CHECK(amountOf(storage, Interval::Day, stats::kReportsDimension, d0, "") == 5);
  CHECK(amountOf(storage, Interval::Day, stats::kReportsDimension, d1, "") == 3);
  CHECK(amountOf(storage, Interval::Month, stats::kReportsDimension, month, "") == 9);

  // Each cluster by its latest report: A is 1.32 on day 0 (its 20:00 report).
  const auto day = clustersBy(storage, Interval::Day, "masterMinor");
  CHECK(day.at({d0, "1.32"}) == 1);
  CHECK(day.at({d0, "1.31"}) == 1);
  CHECK(day.at({d0, "1.30"}) == 1);
  CHECK(day.at({d1, "1.32"}) == 2);
  CHECK(day.count({d1, "1.31"}) == 0);
  const auto week = clustersBy(storage, Interval::Week, "masterMinor");
  CHECK(week.at({d0, "1.32"}) == 2);
  CHECK(week.at({d0, "1.31"}) == 1);
  CHECK(week.at({d0, "1.30"}) == 1);
  CHECK(clustersBy(storage, Interval::Day, "architecture").at({d0, "arm64"}) == 1);
  CHECK(amountOf(storage, Interval::Day, "architecture", d1, "amd64") == 20);  // nodes
  CHECK(amountOf(storage, Interval::Day, stats::kTotalsDimension, d1, "nodes") == 20);
  CHECK(amountOf(storage, Interval::Day, stats::kTotalsDimension, d1, "cores") == 80);
  CHECK(clustersBy(storage, Interval::Day, "clusterSize").at({d1, "11-50"}) == 1);

  auto spans = storage.clusterSpans(stats::startOf(d0), stats::startOf(d0 + 1));
  REQUIRE(spans.has_value());
  CHECK(spans->size() == 3);  // A, B, C were seen on day 0; D first on day 1
  auto laterSpans = storage.clusterSpans(stats::startOf(d7), stats::startOf(d7 + 1));
  REQUIRE(laterSpans.has_value());
  REQUIRE(laterSpans->size() == 1);  // only C, seen from day 0 to day 7
  CHECK(laterSpans->front().lastSeen - laterSpans->front().firstSeen == 7 * 24 * kHourMicros);

  // Erasing B takes it out of every period.
  auto erased = storage.eraseCluster("B");
  REQUIRE(erased.has_value());
  CHECK(*erased == 1);
  CHECK(clustersBy(storage, Interval::Day, stats::kActiveDimension).at({d0, ""}) == 2);
  CHECK(clustersBy(storage, Interval::Week, stats::kNewDimension).at({d0, ""}) == 3);
  CHECK(clustersBy(storage, Interval::Day, "masterMinor").count({d0, "1.31"}) == 0);
  CHECK(amountOf(storage, Interval::Day, stats::kReportsDimension, d0, "") == 4);

  // Retention of everything received before day 8 while day 0's month is still open (a report
  // may count up to 30 days back, and the rows of its month are what keep a cluster from being
  // counted twice there): the reports go, the per-cluster rows of November stay.
  std::uint64_t deletedSoon = 0;
  while (auto deleted = storage.deleteReceivedBefore(stats::startOf(d7 + 1))) {
    if (*deleted == 0) break;
    deletedSoon += *deleted;
  }
  CHECK(deletedSoon == 8);  // the reports only
  const Report late = statsReport("a1late", "A", d1, 23, "v1.32.0", 3);
  storage.write({&late});
  CHECK(clustersBy(storage, Interval::Month, stats::kActiveDimension).at({month, ""}) == 3);  // A, C, D
  CHECK(clustersBy(storage, Interval::Day, stats::kActiveDimension).at({d1, ""}) == 3);
  CHECK(amountOf(storage, Interval::Day, stats::kReportsDimension, d1, "") == 4);

  // Retention long after: the per-cluster rows go too; the aggregates stay.
  const Micros later = stats::startOf(d7 + 500);
  std::uint64_t total = 0;
  while (auto deleted = storage.deleteReceivedBefore(later)) {
    if (*deleted == 0) break;
    total += *deleted;
  }
  CHECK(total >= 9);  // the late report and the per-cluster rows (3 intervals x clusters x periods)
  CHECK(clustersBy(storage, Interval::Day, stats::kActiveDimension).at({d0, ""}) == 2);
  CHECK(clustersBy(storage, Interval::Week, "masterMinor").at({d0, "1.32"}) == 2);
  auto afterRetention = storage.clusterSpans(0, later);
  REQUIRE(afterRetention.has_value());
  CHECK(afterRetention->empty());
}

}  // namespace kctest
