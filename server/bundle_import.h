// Loading a bundle (see kubecensus/report/bundle.h) into the collector's storages, for
// `kubecensus-collector import BUNDLE` and POST /api/v2/bundles: the bundle is verified and
// every report in it decoded before anything is stored, so a damaged bundle, or one with a
// report that breaks the schema, stores nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ingestor.h"
#include "memory_budget.h"

namespace kubecensus::server {

struct BundleImport {
  std::size_t reports = 0;
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::vector<std::string> refused;  // reports a storage refused for good, with why
};

// Throws ApiError: 400 for a bundle that is not intact (BundleError's message), 413 when it
// inflates past maxInflatedBytes, 422 for a report that breaks the schema (field
// "reports[N].<field>"), 503 when a storage fails (batches before it stay stored; importing
// the bundle again completes it, as stored reports count as duplicates). A report a storage
// refuses for good (BigQuery's schema rules) does not stop the rest: it is listed in `refused`
// by its place in the bundle (the API answers 202 with them). `progress` is called
// with (done, total) after every batch. `memory`, if given, grows as the bundle inflates and
// then holds what its lines and reports cost (about 4 times the inflated size).
BundleImport importBundle(Ingestor& ingestor, const std::string& bytes, std::uint64_t maxInflatedBytes,
                          const std::string& receivedFrom,
                          const std::function<void(std::size_t, std::size_t)>& progress = {},
                          MemoryBudget::Reservation* memory = nullptr);

}  // namespace kubecensus::server
