#include "kubecensus/report/report_facts.h"

#include <cctype>

#include "kubecensus/report/node_groups.h"
#include "node_fields.h"

namespace kubecensus {
namespace {

constexpr const char* kUnknown = "unknown";

std::string valueOr(const std::optional<std::string>& value) {
  return value && !value->empty() ? *value : std::string(kUnknown);
}

// One node's attributes (or a group's, `count` times) into the facts: the seven attributes
// of kNodeStringFields, read by `valueOf(field)`; runtimes by name, kubelets by minor version.
template <class ValueOf>
void countAttributes(ReportFacts& facts, std::uint64_t count, bool other, ValueOf valueOf) {
  for (const auto& field : report_detail::kNodeStringFields) {
    const std::optional<std::string>& value = valueOf(field);
    std::string dimension(field.key);
    std::string shown = valueOr(value);
    if (field.key == "containerRuntimeVersion") {
      dimension = "containerRuntime";
      shown = value ? runtimeName(*value) : std::string(kUnknown);
    } else if (field.key == "kubeletVersion") {
      dimension = "kubeletMinor";
      shown = value ? minorVersion(*value).value_or(kUnknown) : std::string(kUnknown);
    }
    facts.nodesBy[dimension][other ? std::string("other") : std::move(shown)] += count;
  }
  facts.nodes += count;
}

}  // namespace

std::optional<std::string> minorVersion(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size() && !std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
  const std::size_t majorStart = at;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
  if (at == majorStart || at >= text.size() || text[at] != '.') return std::nullopt;
  const std::size_t minorStart = ++at;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
  if (at == minorStart) return std::nullopt;
  return std::string(text.substr(majorStart, at - majorStart));
}

std::string runtimeName(std::string_view version) {
  const auto scheme = version.find("://");
  const std::string_view name = scheme == std::string_view::npos ? version : version.substr(0, scheme);
  return name.empty() ? std::string(kUnknown) : std::string(name);
}

ReportFacts reportFacts(const Report& report) {
  ReportFacts facts;
  if (!report.nodeGroups.empty()) {
    for (const NodeGroup& group : report.nodeGroups) {
      countAttributes(
          facts, group.count, group.other,
          [&](const auto& field) -> const std::optional<std::string>& { return group.*field.groupMember; });
      for (const ResourceDistribution& resource : group.capacity) {
        const double sum = resource.values.mean * static_cast<double>(group.count);
        if (resource.resource == "cpu") facts.cores += sum;
        if (resource.resource == "memory") facts.memoryBytes += sum;
      }
    }
  } else {
    for (const Node& node : report.nodes) {
      countAttributes(facts, 1, false, [&](const auto& field) -> const std::optional<std::string>& {
        return node.*field.member;
      });
      for (const Resource& resource : node.capacity) {
        const double value = parseQuantity(resource.value).value_or(0);
        if (resource.resource == "cpu") facts.cores += value;
        if (resource.resource == "memory") facts.memoryBytes += value;
      }
    }
  }
  // A minimal report has only the count.
  if (report.nodeCount && *report.nodeCount > facts.nodes) facts.nodes = *report.nodeCount;
  return facts;
}

}  // namespace kubecensus
