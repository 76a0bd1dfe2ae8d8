// The rollup's rules through a store kept in maps (the real tables are checked by the sqlite
// and postgres storage tests on the same rules, tests/plugins/stats_contract.h).
#include <catch2/catch.hpp>

#include "kubecensus/stats/catalog.h"
#include "kubecensus/stats/cluster_facts.h"
#include "kubecensus/stats/rollup.h"

using namespace kubecensus;
using namespace kubecensus::stats;

namespace {

constexpr Micros kHour = 3'600'000'000;

class MapStore : public RollupStore {
 public:
  std::map<std::string, ClusterSeen> seen;
  std::map<EntryKey, Entry> kept;
  std::map<AggregateKey, AggregateDelta> totals;

  std::map<std::string, ClusterSeen> clusters(const std::vector<std::string>& ids) override {
    std::map<std::string, ClusterSeen> out;
    for (const auto& id : ids)
      if (seen.count(id)) out[id] = seen[id];
    return out;
  }
  std::map<EntryKey, Entry> entries(const std::vector<EntryKey>& keys) override {
    std::map<EntryKey, Entry> out;
    for (const auto& key : keys)
      if (kept.count(key)) out[key] = kept[key];
    return out;
  }
  std::map<EntryKey, Entry> entriesOf(const std::string& id) override {
    std::map<EntryKey, Entry> out;
    for (const auto& [key, entry] : kept)
      if (key.clusterID == id) out[key] = entry;
    return out;
  }
  void save(const std::map<std::string, ClusterSeen>& c, const std::map<EntryKey, Entry>& e,
            const std::map<AggregateKey, AggregateDelta>& d) override {
    for (const auto& [k, v] : c) seen[k] = v;
    for (const auto& [k, v] : e) kept[k] = v;
    for (const auto& [k, v] : d) {
      totals[k].clusters += v.clusters;
      totals[k].amount += v.amount;
    }
  }
  void forget(const std::string& id) override {
    seen.erase(id);
    std::erase_if(kept, [&](const auto& item) { return item.first.clusterID == id; });
  }
  std::uint64_t expire(Day before, std::uint64_t limit) override {
    std::uint64_t gone = 0;
    for (auto it = kept.begin(); it != kept.end() && gone < limit;)
      it = it->first.period < before ? (++gone, kept.erase(it)) : std::next(it);
    std::erase_if(seen, [&](const auto& item) { return item.second.lastSeen < startOf(before); });
    return gone;
  }
  std::int64_t clustersAt(Interval i, Day p, const std::string& d, const std::string& v) {
    return totals[{i, p, d, v}].clusters;
  }
};

Report at(const std::string& id, const std::string& cluster, Micros time, const std::string& version) {
  Report report;
  report.reportID = id;
  report.clusterID = cluster;
  report.generatedAt = time;
  report.receivedAt = time;
  report.masterVersion = version;
  return report;
}

}  // namespace

TEST_CASE("a report made earlier than the first one seen moves the cluster's 'new' day", "[stats]") {
  MapStore store;
  const Day day = 20000;
  const Report late = at("r2", "c", startOf(day + 3), "1.30");
  rollUp(store, {&late});
  CHECK(store.clustersAt(Interval::Day, day + 3, kNewDimension, "") == 1);
  // An older report delivered afterwards (it waited in an outbox).
  const Report early = at("r1", "c", startOf(day + 1), "1.29");
  rollUp(store, {&early});
  CHECK(store.clustersAt(Interval::Day, day + 3, kNewDimension, "") == 0);
  CHECK(store.clustersAt(Interval::Day, day + 1, kNewDimension, "") == 1);
  CHECK(store.clustersAt(Interval::Day, day + 1, "masterMinor", "1.29") == 1);
  CHECK(store.seen["c"].firstSeen == startOf(day + 1));
  CHECK(store.seen["c"].lastSeen == startOf(day + 3));
  // In the month both fall in, the later report still decides.
  const Day month = periodStart(day + 1, Interval::Month);
  if (periodStart(day + 3, Interval::Month) == month) {
    CHECK(store.clustersAt(Interval::Month, month, "masterMinor", "1.30") == 1);
    CHECK(store.clustersAt(Interval::Month, month, "masterMinor", "1.29") == 0);
  }
}

TEST_CASE("two reports of one microsecond: the larger report ID decides, whatever the order", "[stats]") {
  for (bool reversed : {false, true}) {
    MapStore store;
    const Report a = at("a", "c", startOf(20000), "1.28");
    const Report b = at("b", "c", startOf(20000), "1.29");
    if (reversed)
      rollUp(store, {&b, &a});
    else
      rollUp(store, {&a, &b});
    CHECK(store.clustersAt(Interval::Day, 20000, "masterMinor", "1.29") == 1);
    CHECK(store.clustersAt(Interval::Day, 20000, "masterMinor", "1.28") == 0);
    CHECK(store.totals[{Interval::Day, 20000, kReportsDimension, ""}].amount == 2);
  }
}

TEST_CASE("rolling a cluster out leaves no trace in the kept periods", "[stats]") {
  MapStore store;
  const Report a = at("a", "c", startOf(20000), "1.28");
  const Report b = at("b", "c", startOf(20001), "1.29");
  const Report other = at("x", "d", startOf(20001), "1.29");
  rollUp(store, {&a, &b, &other});
  rollOut(store, "c");
  // What is left is exactly what the other cluster alone makes.
  MapStore alone;
  rollUp(alone, {&other});
  auto nonZero = [](const std::map<AggregateKey, AggregateDelta>& totals) {
    std::map<AggregateKey, std::pair<std::int64_t, double>> out;
    for (const auto& [key, delta] : totals)
      if (delta.clusters != 0 || delta.amount != 0) out[key] = {delta.clusters, delta.amount};
    return out;
  };
  CHECK(nonZero(store.totals) == nonZero(alone.totals));
  CHECK(store.seen.count("c") == 0);
  CHECK(store.entriesOf("c").empty());
}

TEST_CASE("retention keeps the per-cluster rows of every period a report could still count in", "[stats]") {
  const Day dec10 = *parseDay("2026-12-10");
  // Retention of 400 days: the cutoff is far back, it decides.
  CHECK(formatDay(perClusterRowsExpireBefore(startOf(dec10 - 400), startOf(dec10))) == "2025-10-01");
  // Retention of 7 days: a report arriving now may still count 30 days back (Nov 9), in the week
  // from Monday Nov 9 and the month of November; rows of periods before November 1 may go.
  CHECK(formatDay(perClusterRowsExpireBefore(startOf(dec10 - 7), startOf(dec10))) == "2026-11-01");
  for (Day today = dec10; today < dec10 + 60; ++today) {
    const Day before = perClusterRowsExpireBefore(startOf(today - 1), startOf(today));
    const Day oldestCounted = dayOf(startOf(today) - kMaxReportAge - kMaxReportAhead);
    for (Interval interval : kIntervals) {
      INFO(formatDay(today) << " " << toString(interval));
      CHECK(periodStart(oldestCounted, interval) >= before);
    }
  }
}
