// Reports stored before the statistics existed (a database from before sqlite schema 3 or
// postgres schema 2) are rolled up once, in chunks, each in its own transaction with the
// position reached, so an interrupted start resumes where it stopped and counts nothing twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus::stats {

// One stored report as the storage keeps it: its native JSON and the collector's columns.
struct StoredReport {
  std::string json;
  Micros receivedAt = 0;
  std::string receivedAs;
  std::optional<std::string> receivedFrom;
};

class RollupStore;

// Reads the stored reports back and rolls them up into `store` (inside the caller's
// transaction); returns how many could not be read back (they stay stored, left out of the
// statistics).
std::size_t rollUpStored(RollupStore& store, const std::vector<StoredReport>& stored);

// Says on stderr how many stored reports of `where` the backfill left out, if any.
void warnUnreadable(const std::string& where, std::size_t unreadable);

}  // namespace kubecensus::stats
