// Ages of Kubernetes objects (from metadata.creationTimestamp) in fixed buckets, plus their
// average: the "age distribution and average lifetime" of the namespaces and workloads
// sections. Constant memory however many objects are added.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "kubecensus/report/report.h"

namespace kubecensus::k8s {

// Upper bounds of the age buckets, in seconds: 1 hour, 1 day, 7, 30, 90, 180, 365, 730 days.
// Fixed, so reports from different clusters and agent versions can be added up.
inline constexpr std::array<std::int64_t, 8> kAgeBoundsSeconds{
    3600, 86400, 7 * 86400, 30 * 86400, 90 * 86400, 180 * 86400, 365 * 86400, 730 * 86400};

// Whole seconds from the object's metadata.creationTimestamp to `now`; nullopt when the object
// has no (RFC 3339) creationTimestamp. A timestamp after `now` (the API server's clock ahead of
// the agent's) counts as age 0.
std::optional<std::int64_t> objectAgeSeconds(const nlohmann::json& object, Micros now);

class AgeHistogram {
 public:
  void add(std::int64_t ageSeconds);
  void reset() { *this = AgeHistogram(); }
  std::uint64_t count() const { return count_; }
  // Buckets (value in (bounds[i-1], bounds[i]] counts in counts[i]; above the last bound in
  // the last count) and the average age; 0 when nothing was added.
  AgeSummary summary() const;

 private:
  std::array<std::uint64_t, kAgeBoundsSeconds.size() + 1> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t sumSeconds_ = 0;  // 10^7 objects of 100 years stay far below 2^63
};

}  // namespace kubecensus::k8s
