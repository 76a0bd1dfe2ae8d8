// Spartakus v1 records (k8s.io/spartakus pkg/report/record.go). The mapping keeps Go's
// encoding rules so a record survives fromSpartakusJson -> toSpartakusJson unchanged: *string
// fields are absent or present (even empty), slices are omitted when empty (omitempty), and
// Node.id is always written (required there; our absent id is "").
#include <nlohmann/json.hpp>

#include <algorithm>

#include "json_reader.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/uuid.h"
#include "legacy_fields.h"
#include "node_fields.h"

namespace kubecensus {

using report_detail::indexPath;
using report_detail::kNodeKeys;
using report_detail::kNodeStringFields;
using report_detail::ObjectReader;

namespace {

constexpr std::string_view kSchemaName = "spartakus-v1";
constexpr const char* kAgentName = "spartakus";
// Prefix of the name a record's report ID is derived from; separates it from other formats'.
constexpr std::string_view kIdPrefix = "spartakus-v1\n";

Node readNode(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  in.rejectUnknownKeys(kNodeKeys, kSchemaName);
  Node node;
  // Go decodes a missing id as ""; both mean "no id" in our model.
  std::optional<std::string> id = in.optionalString("id");
  if (id && !id->empty()) node.id = std::move(id);
  for (const auto& field : kNodeStringFields) node.*field.member = in.optionalString(field.key);
  if (const nlohmann::json* capacity = in.optionalArray("capacity")) {
    const std::string capacityPath = in.pathOf("capacity");
    for (std::size_t i = 0; i < capacity->size(); ++i) {
      ObjectReader resource((*capacity)[i], indexPath(capacityPath, i));
      resource.rejectUnknownKeys({"resource", "value"}, kSchemaName);
      node.capacity.push_back({resource.requiredString("resource"), resource.requiredString("value")});
    }
  }
  return node;
}

// Spartakus writes Unix seconds (time.Now().Unix()); its README's example has 15 digits,
// which only reads as a date in microseconds. Values below 10^11 (before the year 5138 in
// seconds) are seconds, larger ones microseconds. Encoding writes whole seconds as seconds
// and anything finer as microseconds, so both kinds of record round-trip unchanged.
constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::int64_t kLargestSeconds = 100000000000;  // 10^11

std::optional<Micros> microsFromSpartakus(std::int64_t value) {
  if (value >= kLargestSeconds) return value;
  return value * kMicrosPerSecond;
}

std::string spartakusTimestamp(Micros t) {
  return std::to_string(t % kMicrosPerSecond == 0 ? t / kMicrosPerSecond : t);
}

}  // namespace

nlohmann::json toSpartakusJson(const Report& report) {
  nlohmann::json out = nlohmann::json::object();
  out["version"] = report.agent.version;
  // Required there; a report without a time (or from before 1970) is written as "0".
  out["timestamp"] = spartakusTimestamp(std::max<Micros>(0, report.generatedAt.value_or(0)));
  out["clusterID"] = report.clusterID;
  if (report.masterVersion) out["masterVersion"] = *report.masterVersion;

  if (!report.nodes.empty()) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& node : report.nodes) {
      nlohmann::json item = {{"id", node.id.value_or("")}};
      for (const auto& field : kNodeStringFields) {
        if (node.*field.member) item[std::string(field.key)] = *(node.*field.member);
      }
      if (!node.capacity.empty()) {
        nlohmann::json capacity = nlohmann::json::array();
        for (const auto& resource : node.capacity) {
          capacity.push_back({{"resource", resource.resource}, {"value", resource.value}});
        }
        item["capacity"] = std::move(capacity);
      }
      nodes.push_back(std::move(item));
    }
    out["nodes"] = std::move(nodes);
  }

  if (!report.extensions.empty()) {
    nlohmann::json extensions = nlohmann::json::array();
    for (const auto& extension : report.extensions) {
      extensions.push_back({{"name", extension.name}, {"value", extension.value}});
    }
    out["extensions"] = std::move(extensions);
  }
  return out;
}

Report fromSpartakusJson(const nlohmann::json& json) {
  ObjectReader in(json, "");
  in.rejectUnknownKeys({"version", "timestamp", "clusterID", "masterVersion", "nodes", "extensions"},
                       kSchemaName);

  Report report;
  report.receivedAs = ReportFormat::SpartakusV1;
  report.agent = {kAgentName, in.requiredString("version")};
  std::optional<std::int64_t> timestamp = report_detail::parseDecimal(in.requiredString("timestamp"));
  std::optional<Micros> generatedAt = timestamp ? microsFromSpartakus(*timestamp) : std::nullopt;
  if (!generatedAt) {
    throw ReportError("timestamp", "must be a string of decimal digits (Unix seconds, or microseconds)");
  }
  report.generatedAt = *generatedAt;
  report.clusterID = in.requiredNonEmptyString("clusterID");
  report.masterVersion = in.optionalString("masterVersion");

  if (const nlohmann::json* nodes = in.optionalArray("nodes")) {
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      report.nodes.push_back(readNode((*nodes)[i], indexPath("nodes", i)));
    }
  }
  if (const nlohmann::json* extensions = in.optionalArray("extensions")) {
    for (std::size_t i = 0; i < extensions->size(); ++i) {
      ObjectReader extension((*extensions)[i], indexPath("extensions", i));
      extension.rejectUnknownKeys({"name", "value"}, kSchemaName);
      report.extensions.push_back({extension.requiredString("name"), extension.requiredString("value")});
    }
  }

  // The format has no ID: derive one from the record itself, so the same record posted twice
  // (a retry) is the same report and is stored once.
  report.reportID = nameBasedUuid(std::string(kIdPrefix) + report_detail::canonicalDump(json));
  return report;
}

}  // namespace kubecensus
