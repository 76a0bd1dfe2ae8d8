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

// The stored reports that can be read back (the others are counted in `unreadable`).
struct DecodedBatch {
  std::vector<Report> reports;
  std::size_t unreadable = 0;
};
DecodedBatch decodeStored(const std::vector<StoredReport>& stored);

}  // namespace kubecensus::stats
