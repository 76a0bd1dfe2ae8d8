#include "kubecensus/report/privacy.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "kubecensus/report/extension_rules.h"
#include "kubecensus/report/node_groups.h"

namespace kubecensus {
namespace {

void suppressSmallBuckets(Histogram& histogram, std::uint64_t minGroupSize) {
  for (auto& count : histogram.counts) {
    if (count > 0 && count < minGroupSize) {
      histogram.other += count;
      count = 0;
    }
  }
}

void suppressSmallBuckets(std::optional<AgeSummary>& ages, std::uint64_t minGroupSize) {
  if (ages) suppressSmallBuckets(ages->ageSeconds, minGroupSize);
}

// The average age of fewer than k objects is as good as their ages: left out (0).
void suppressSmallAverage(std::optional<AgeSummary>& ages, std::uint64_t objects,
                          std::uint64_t minGroupSize) {
  if (ages && objects < minGroupSize) ages->averageAgeSeconds = 0;
}

// Extensions from any plugin follow the extensions source's rules; what breaks them is left out
// and said in the errors, without quoting it (an invalid key may be anything).
void enforceExtensionRules(Report& report) {
  std::vector<Extension> kept;
  std::set<std::string> seen;
  for (Extension& extension : report.extensions) {
    std::optional<std::string> problem = invalidExtensionKeyReason(extension.name);
    if (!problem && extension.value.size() > kMaxExtensionValueBytes)
      problem = "a value is longer than " + std::to_string(kMaxExtensionValueBytes) + " bytes";
    if (!problem && seen.count(extension.name)) problem = "a key is given more than once";
    if (!problem && kept.size() >= kMaxExtensions)
      problem = "more than " + std::to_string(kMaxExtensions) + " extensions";
    if (problem) {
      report.errors.push_back({"agent", "an extension was left out: " + *problem});
      continue;
    }
    seen.insert(extension.name);
    kept.push_back(std::move(extension));
  }
  report.extensions = std::move(kept);
}

}  // namespace

const char* toString(PrivacyLevel level) {
  switch (level) {
    case PrivacyLevel::Off: return "off";
    case PrivacyLevel::Minimal: return "minimal";
    case PrivacyLevel::Standard: return "standard";
    case PrivacyLevel::Detailed: return "detailed";
  }
  return "?";
}

std::optional<PrivacyLevel> parsePrivacyLevel(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (PrivacyLevel level :
       {PrivacyLevel::Off, PrivacyLevel::Minimal, PrivacyLevel::Standard, PrivacyLevel::Detailed})
    if (lower == toString(level)) return level;
  return std::nullopt;
}

void applyPrivacy(Report& report, const PrivacySettings& settings, const NodeGroupCounter* counted) {
  if (settings.level == PrivacyLevel::Off)
    throw std::invalid_argument("privacy level off: no report is made");
  const std::uint64_t k = std::max<std::uint64_t>(1, settings.minGroupSize);
  report.level = toString(settings.level);

  NodeGroupCounter own;
  if (counted == nullptr)
    for (const Node& node : report.nodes) own.add(node);
  const NodeGroupCounter& nodes = counted ? *counted : own;
  // No node counted (no node source, or its list failed): the count is unknown, not 0.
  if (nodes.total() > 0) {
    report.nodeCount = nodes.total();
    report.nodeGroups = nodes.groups(k);
  }
  if (settings.level < PrivacyLevel::Standard) report.nodeGroups.clear();
  if (settings.level < PrivacyLevel::Detailed) {
    report.nodes.clear();
    report.nodes.shrink_to_fit();
  }

  if (report.namespaces) {
    if (settings.level == PrivacyLevel::Minimal) report.namespaces->ages.reset();
    suppressSmallBuckets(report.namespaces->ages, k);
    suppressSmallAverage(report.namespaces->ages, report.namespaces->count, k);
  }
  for (WorkloadSummary& workload : report.workloads) {
    if (settings.level == PrivacyLevel::Minimal) {
      workload.perNamespace.reset();
      workload.ages.reset();
      workload.phases.clear();
    }
    if (workload.perNamespace) suppressSmallBuckets(*workload.perNamespace, k);
    suppressSmallBuckets(workload.ages, k);
    suppressSmallAverage(workload.ages, workload.total, k);
  }
  if (settings.level == PrivacyLevel::Minimal) report.extensions.clear();
  enforceExtensionRules(report);
}

}  // namespace kubecensus
