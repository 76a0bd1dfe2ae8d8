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

Day perClusterRowsExpireBefore(Micros cutoff, Micros now) {
  // A week starting before the month of (that day - 7) has ended before that day.
  return periodStart(dayOf(std::min(cutoff, now - kMaxReportAge - kMaxReportAhead)) - 7, Interval::Month);
}

std::uint64_t expireChunk(RollupStore& store, Micros cutoff, Micros now) {
  constexpr std::uint64_t kChunk = 5000;
  return store.expire(perClusterRowsExpireBefore(cutoff, now), kChunk);
}

void rollUp(RollupStore& store, const std::vector<const Report*>& stored) {
  if (stored.empty()) return;
  // What the batch holds per cluster (first and last time) and per cluster and period (how many
  // reports, which is the latest): only a period's latest report needs its facts computed, so a
  // cluster sending many reports in one batch costs one facts computation per period.
  struct Latest {
    std::size_t item = 0;
    std::uint64_t reports = 0;
  };
  std::vector<Micros> times;
  times.reserve(stored.size());
  std::map<std::string, ClusterSeen> batchSeen;
  std::map<EntryKey, Latest> batchLatest;
  auto later = [&](std::size_t a, std::size_t b) {  // is item a later than item b?
    return std::tie(times[a], stored[a]->reportID) > std::tie(times[b], stored[b]->reportID);
  };
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const Report& report = *stored[i];
    times.push_back(statsTime(report));
    auto [seen, added] = batchSeen.try_emplace(report.clusterID, ClusterSeen{times[i], times[i]});
    seen->second.firstSeen = std::min(seen->second.firstSeen, times[i]);
    seen->second.lastSeen = std::max(seen->second.lastSeen, times[i]);
    for (Interval interval : kIntervals) {
      auto [latest, fresh] = batchLatest.try_emplace(
          {interval, periodStart(dayOf(times[i]), interval), report.clusterID}, Latest{i, 0});
      ++latest->second.reports;
      if (!fresh && later(i, latest->second.item)) latest->second.item = i;
    }
  }

  std::vector<std::string> clusterIDs;
  for (const auto& [id, seen] : batchSeen) clusterIDs.push_back(id);
  std::vector<EntryKey> keys;
  for (const auto& [key, latest] : batchLatest) keys.push_back(key);
  std::map<std::string, ClusterSeen> known = store.clusters(clusterIDs);
  std::map<EntryKey, Entry> entries = store.entries(keys);
  Deltas deltas;

  for (auto& [id, seen] : batchSeen) {
    auto found = known.find(id);
    if (found == known.end()) {
      addNew(deltas, seen.firstSeen, +1);
      continue;
    }
    if (seen.firstSeen < found->second.firstSeen) {
      addNew(deltas, found->second.firstSeen, -1);
      addNew(deltas, seen.firstSeen, +1);
    } else {
      seen.firstSeen = found->second.firstSeen;
    }
    seen.lastSeen = std::max(seen.lastSeen, found->second.lastSeen);
  }

  std::map<std::size_t, std::pair<std::vector<Fact>, std::string>> factsOf;  // by item, computed once
  auto facts = [&](std::size_t item) -> const std::pair<std::vector<Fact>, std::string>& {
    auto [cached, fresh] = factsOf.try_emplace(item);
    if (fresh) {
      cached->second.first = clusterFacts(*stored[item]);
      cached->second.second = encodeFacts(cached->second.first);
    }
    return cached->second;
  };
  std::map<EntryKey, Entry> changed;
  for (const auto& [key, latest] : batchLatest) {
    deltas[{key.interval, key.period, kReportsDimension, ""}].amount += static_cast<double>(latest.reports);
    const Report& report = *stored[latest.item];
    const Micros time = times[latest.item];
    auto entry = entries.find(key);
    if (entry == entries.end()) {
      const auto& [list, encoded] = facts(latest.item);
      addFacts(deltas, key.interval, key.period, list, +1);
      changed[key] = Entry{time, report.reportID, latest.reports, encoded};
      continue;
    }
    Entry current = entry->second;
    current.reports += latest.reports;
    // Only a later report replaces what the cluster counts as in this period.
    if (std::tie(time, report.reportID) > std::tie(current.latestAt, current.latestReportID)) {
      const auto& [list, encoded] = facts(latest.item);
      if (current.facts != encoded) {
        addFacts(deltas, key.interval, key.period, decodeFacts(current.facts), -1);
        addFacts(deltas, key.interval, key.period, list, +1);
        current.facts = encoded;
      }
      current.latestAt = time;
      current.latestReportID = report.reportID;
    }
    changed[key] = std::move(current);
  }
  dropZeros(deltas);
  store.save(batchSeen, changed, deltas);
}

void rollOut(RollupStore& store, const std::string& clusterID) {
  std::map<std::string, ClusterSeen> seen = store.clusters({clusterID});
  const std::map<EntryKey, Entry> entries = store.entriesOf(clusterID);
  Deltas deltas;
  for (const auto& [key, entry] : entries) {
    addFacts(deltas, key.interval, key.period, decodeFacts(entry.facts), -1);
    deltas[{key.interval, key.period, kReportsDimension, ""}].amount -= static_cast<double>(entry.reports);
  }
  // "New" where its first period is still kept, like everything else it is taken out of: older
  // aggregates are anonymous counts that retention keeps.
  if (auto known = seen.find(clusterID); known != seen.end()) {
    for (Interval interval : kIntervals) {
      const Day first = periodStart(dayOf(known->second.firstSeen), interval);
      if (entries.count({interval, first, clusterID}))
        deltas[{interval, first, kNewDimension, ""}].clusters -= 1;
    }
  }
  dropZeros(deltas);
  store.save({}, {}, deltas);
  store.forget(clusterID);
}

}  // namespace kubecensus::stats
