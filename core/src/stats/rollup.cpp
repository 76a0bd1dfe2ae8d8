#include "kubecensus/stats/rollup.h"

#include <algorithm>
#include <tuple>

#include "kubecensus/stats/catalog.h"
#include "kubecensus/stats/cluster_facts.h"

namespace kubecensus::stats {
namespace {

using Deltas = std::map<AggregateKey, AggregateDelta>;

void addFacts(Deltas& deltas, Interval interval, Day period, const std::vector<Fact>& facts, int sign) {
  for (const Fact& fact : facts) {
    AggregateDelta& delta = deltas[{interval, period, fact.dimension, fact.value}];
    delta.clusters += sign;
    delta.amount += sign * fact.amount;
  }
}

// Counts the cluster as new in the periods holding `firstSeen`.
void addNew(Deltas& deltas, Micros firstSeen, int sign) {
  for (Interval interval : kIntervals)
    deltas[{interval, periodStart(dayOf(firstSeen), interval), kNewDimension, ""}].clusters += sign;
}

void dropZeros(Deltas& deltas) {
  std::erase_if(deltas,
                [](const auto& item) { return item.second.clusters == 0 && item.second.amount == 0; });
}

}  // namespace

void rollUp(RollupStore& store, const std::vector<const Report*>& stored) {
  if (stored.empty()) return;
  struct Item {
    const Report* report;
    Micros time;
  };
  std::vector<Item> items;
  items.reserve(stored.size());
  for (const Report* report : stored) items.push_back({report, statsTime(*report)});

  std::vector<std::string> clusterIDs;
  std::vector<EntryKey> keys;
  for (const Item& item : items) {
    clusterIDs.push_back(item.report->clusterID);
    for (Interval interval : kIntervals)
      keys.push_back({interval, periodStart(dayOf(item.time), interval), item.report->clusterID});
  }
  std::sort(clusterIDs.begin(), clusterIDs.end());
  clusterIDs.erase(std::unique(clusterIDs.begin(), clusterIDs.end()), clusterIDs.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  std::map<std::string, ClusterSeen> seen = store.clusters(clusterIDs);
  std::map<EntryKey, Entry> entries = store.entries(keys);
  std::map<std::string, ClusterSeen> changedClusters;
  std::map<EntryKey, Entry> changedEntries;
  Deltas deltas;

  for (const Item& item : items) {
    const Report& report = *item.report;
    auto known = seen.find(report.clusterID);
    if (known == seen.end()) {
      known = seen.emplace(report.clusterID, ClusterSeen{item.time, item.time}).first;
      addNew(deltas, item.time, +1);
    } else if (item.time < known->second.firstSeen) {
      addNew(deltas, known->second.firstSeen, -1);
      addNew(deltas, item.time, +1);
      known->second.firstSeen = item.time;
    }
    known->second.lastSeen = std::max(known->second.lastSeen, item.time);
    changedClusters[report.clusterID] = known->second;

    std::vector<Fact> facts;
    std::string encoded;
    for (Interval interval : kIntervals) {
      const Day period = periodStart(dayOf(item.time), interval);
      deltas[{interval, period, kReportsDimension, ""}].amount += 1;
      const EntryKey key{interval, period, report.clusterID};
      auto entry = entries.find(key);
      if (encoded.empty()) {
        facts = clusterFacts(report);
        encoded = encodeFacts(facts);
      }
      if (entry == entries.end()) {
        addFacts(deltas, interval, period, facts, +1);
        entry = entries.emplace(key, Entry{item.time, report.reportID, 1, encoded}).first;
      } else {
        Entry& current = entry->second;
        ++current.reports;
        // Only a later report replaces what the cluster counts as in this period.
        if (std::tie(item.time, report.reportID) > std::tie(current.latestAt, current.latestReportID)) {
          if (current.facts != encoded) {
            addFacts(deltas, interval, period, decodeFacts(current.facts), -1);
            addFacts(deltas, interval, period, facts, +1);
            current.facts = encoded;
          }
          current.latestAt = item.time;
          current.latestReportID = report.reportID;
        }
      }
      changedEntries[key] = entry->second;
    }
  }
  dropZeros(deltas);
  store.save(changedClusters, changedEntries, deltas);
}

void rollOut(RollupStore& store, const std::string& clusterID) {
  std::map<std::string, ClusterSeen> seen = store.clusters({clusterID});
  Deltas deltas;
  for (const auto& [key, entry] : store.entriesOf(clusterID)) {
    addFacts(deltas, key.interval, key.period, decodeFacts(entry.facts), -1);
    deltas[{key.interval, key.period, kReportsDimension, ""}].amount -= static_cast<double>(entry.reports);
  }
  if (auto known = seen.find(clusterID); known != seen.end()) addNew(deltas, known->second.firstSeen, -1);
  dropZeros(deltas);
  store.save({}, {}, deltas);
  store.forget(clusterID);
}

}  // namespace kubecensus::stats
