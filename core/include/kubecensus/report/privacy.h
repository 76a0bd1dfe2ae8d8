// Privacy levels: what a report may contain, field by field (docs/privacy.md is generated from
// reportFields(), so the list cannot drift from what the agent does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus {

class NodeGroupCounter;

// Ordered: each level contains everything of the levels before it.
enum class PrivacyLevel { Off = 0, Minimal = 1, Standard = 2, Detailed = 3 };

const char* toString(PrivacyLevel level);                              // "off", "minimal", ...
std::optional<PrivacyLevel> parsePrivacyLevel(std::string_view text);  // any case

struct PrivacySettings {
  PrivacyLevel level = PrivacyLevel::Standard;
  // Node groups and histogram buckets with fewer members are merged into "other".
  std::uint64_t minGroupSize = 3;
};

// Makes the report what its level allows, whatever the sources put in: sets `level` and
// `nodeCount`, turns the counted nodes into node groups (standard and detailed) with small
// groups merged, keeps per-node rows only at detailed, empties histogram buckets smaller than
// minGroupSize into their `other`, drops extensions that break extension_rules.h (naming the
// rule in `errors`), and at minimal keeps only versions and counts.
// `counted` holds the nodes the sources added through ReportBuilder; without it the report's
// own nodes are counted. Throws std::invalid_argument for PrivacyLevel::Off (nothing is made).
void applyPrivacy(Report& report, const PrivacySettings& settings, const NodeGroupCounter* counted = nullptr);

// One field of the native report as the agent sends it: the path (arrays as "[]"), the lowest
// level that includes it, where its value comes from, and why it is not personal data.
struct ReportField {
  std::string path;
  PrivacyLevel level;
  std::string_view origin;
  std::string_view rationale;
};
const std::vector<ReportField>& reportFields();
const ReportField* findReportField(std::string_view path);

// The fields of docs/privacy.md, as Markdown tables, one per level.
std::string privacyReference();

}  // namespace kubecensus
