#include "age_histogram.h"

#include <algorithm>

#include "json_fields.h"
#include "kubecensus/report/time.h"

namespace kubecensus::k8s {

std::optional<std::int64_t> objectAgeSeconds(const nlohmann::json& object, Micros now) {
  std::optional<Micros> time = parseRfc3339(stringOf(object, "metadata", "creationTimestamp"));
  if (!time) return std::nullopt;
  return std::max<Micros>(0, now - *time) / 1000000;
}

void AgeHistogram::add(std::int64_t ageSeconds) {
  ageSeconds = std::max<std::int64_t>(0, ageSeconds);
  // The first bound >= age: ages equal to a bound belong to the bucket it closes.
  auto bucket = std::lower_bound(kAgeBoundsSeconds.begin(), kAgeBoundsSeconds.end(), ageSeconds);
  ++counts_[static_cast<std::size_t>(bucket - kAgeBoundsSeconds.begin())];
  ++count_;
  sumSeconds_ += ageSeconds;
}

AgeSummary AgeHistogram::summary() const {
  AgeSummary out;
  out.ageSeconds.bounds.assign(kAgeBoundsSeconds.begin(), kAgeBoundsSeconds.end());
  out.ageSeconds.counts.assign(counts_.begin(), counts_.end());
  out.averageAgeSeconds = count_ == 0 ? 0.0 : static_cast<double>(sumSeconds_) / static_cast<double>(count_);
  return out;
}

}  // namespace kubecensus::k8s
