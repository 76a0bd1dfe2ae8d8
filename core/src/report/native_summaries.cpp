#include "native_summaries.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "json_reader.h"
#include "kubecensus/report/report_error.h"

namespace kubecensus::report_detail {
namespace {

constexpr std::string_view kSchemaName = kReportSchema;

const nlohmann::json& required(const ObjectReader& in, std::string_view key) {
  const nlohmann::json* value = in.find(key);
  if (value == nullptr) throw ReportError(in.pathOf(key), "is required");
  return *value;
}

// A count: a JSON integer >= 0 (a parsed "5" is unsigned, a constructed 5 is signed).
std::uint64_t readCount(const nlohmann::json& value, const std::string& path) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) return value.get<std::uint64_t>();
  throw ReportError(path, "must be a non-negative integer");
}

std::int64_t readInteger(const nlohmann::json& value, const std::string& path) {
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw ReportError(path, "must be an integer that fits in 64 bits (signed)");
  }
  if (!value.is_number_integer()) throw ReportError(path, "must be an integer");
  return value.get<std::int64_t>();
}

const nlohmann::json& requiredArray(const ObjectReader& in, std::string_view key) {
  const nlohmann::json* value = in.optionalArray(key);
  if (value == nullptr) throw ReportError(in.pathOf(key), "is required");
  return *value;
}

}  // namespace

nlohmann::json histogramToJson(const Histogram& histogram) {
  nlohmann::json out = {{"bounds", histogram.bounds}, {"counts", histogram.counts}};
  if (histogram.other > 0) out["other"] = histogram.other;
  return out;
}

nlohmann::json ageSummaryToJson(const AgeSummary& ages) {
  return {{"ageSeconds", histogramToJson(ages.ageSeconds)}, {"averageAgeSeconds", ages.averageAgeSeconds}};
}

nlohmann::json namespaceSummaryToJson(const NamespaceSummary& summary) {
  nlohmann::json out = {{"count", summary.count}};
  if (summary.ages) out["ages"] = ageSummaryToJson(*summary.ages);
  return out;
}

nlohmann::json workloadToJson(const WorkloadSummary& workload) {
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& phase : workload.phases) phases.push_back({{"name", phase.name}, {"count", phase.count}});
  nlohmann::json out = {{"kind", workload.kind}, {"total", workload.total}};
  if (workload.perNamespace) out["perNamespace"] = histogramToJson(*workload.perNamespace);
  if (workload.ages) out["ages"] = ageSummaryToJson(*workload.ages);
  if (!workload.phases.empty()) out["phases"] = std::move(phases);
  return out;
}

Histogram readHistogram(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  in.rejectUnknownKeys({"bounds", "counts", "other"}, kSchemaName);
  Histogram histogram;
  const nlohmann::json& bounds = requiredArray(in, "bounds");
  const std::string boundsPath = in.pathOf("bounds");
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const std::string elementPath = indexPath(boundsPath, i);
    const std::int64_t bound = readInteger(bounds[i], elementPath);
    if (!histogram.bounds.empty() && bound <= histogram.bounds.back()) {
      throw ReportError(elementPath,
                        "must be greater than the bound before it (bounds are strictly increasing)");
    }
    histogram.bounds.push_back(bound);
  }
  const nlohmann::json& counts = requiredArray(in, "counts");
  const std::string countsPath = in.pathOf("counts");
  if (counts.size() != bounds.size() + 1) {
    throw ReportError(countsPath, "must have one element more than bounds (" +
                                      std::to_string(bounds.size() + 1) +
                                      "), the last for values above the last bound");
  }
  for (std::size_t i = 0; i < counts.size(); ++i) {
    histogram.counts.push_back(readCount(counts[i], indexPath(countsPath, i)));
  }
  if (const nlohmann::json* other = in.find("other")) histogram.other = readCount(*other, in.pathOf("other"));
  return histogram;
}

AgeSummary readAgeSummary(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  in.rejectUnknownKeys({"ageSeconds", "averageAgeSeconds"}, kSchemaName);
  AgeSummary ages;
  ages.ageSeconds = readHistogram(required(in, "ageSeconds"), in.pathOf("ageSeconds"));
  const nlohmann::json& average = required(in, "averageAgeSeconds");
  if (!average.is_number()) throw ReportError(in.pathOf("averageAgeSeconds"), "must be a number");
  ages.averageAgeSeconds = average.get<double>();
  if (!std::isfinite(ages.averageAgeSeconds) || ages.averageAgeSeconds < 0) {
    throw ReportError(in.pathOf("averageAgeSeconds"), "must not be negative");
  }
  return ages;
}

NamespaceSummary readNamespaceSummary(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  in.rejectUnknownKeys({"count", "ages"}, kSchemaName);
  NamespaceSummary summary;
  summary.count = readCount(required(in, "count"), in.pathOf("count"));
  if (const nlohmann::json* ages = in.find("ages")) summary.ages = readAgeSummary(*ages, in.pathOf("ages"));
  return summary;
}

WorkloadSummary readWorkload(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  in.rejectUnknownKeys({"kind", "total", "perNamespace", "ages", "phases"}, kSchemaName);
  WorkloadSummary workload;
  workload.kind = in.requiredNonEmptyString("kind");
  workload.total = readCount(required(in, "total"), in.pathOf("total"));
  if (const nlohmann::json* perNamespace = in.find("perNamespace"))
    workload.perNamespace = readHistogram(*perNamespace, in.pathOf("perNamespace"));
  if (const nlohmann::json* ages = in.find("ages")) workload.ages = readAgeSummary(*ages, in.pathOf("ages"));
  if (const nlohmann::json* phases = in.optionalArray("phases")) {
    const std::string phasesPath = in.pathOf("phases");
    for (std::size_t i = 0; i < phases->size(); ++i) {
      ObjectReader phase((*phases)[i], indexPath(phasesPath, i));
      phase.rejectUnknownKeys({"name", "count"}, kSchemaName);
      workload.phases.push_back(
          {phase.requiredString("name"), readCount(required(phase, "count"), phase.pathOf("count"))});
    }
  }
  return workload;
}

}  // namespace kubecensus::report_detail
