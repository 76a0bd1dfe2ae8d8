// kubecensus.report/v2: the model one to one. Arrays are always written (possibly empty) so
// consumers never special-case a missing key; on input an absent array means empty.
// Optional scalars and the optional namespaces summary are written only when set, and
// receivedAs only when it is not Native.
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "json_reader.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/report/uuid.h"
#include "native_summaries.h"
#include "node_fields.h"

namespace kubecensus {

using report_detail::indexPath;
using report_detail::kNodeKeys;
using report_detail::kNodeStringFields;
using report_detail::ObjectReader;

namespace {

constexpr std::string_view kSchemaName = kReportSchema;

// The Spartakus node keys plus what only the native format carries.
const std::vector<std::string_view> kNativeNodeKeys = [] {
  std::vector<std::string_view> keys(kNodeKeys.begin(), kNodeKeys.end());
  keys.insert(keys.end(), {"allocatable", "roles"});
  return keys;
}();

nlohmann::json resourcesToJson(const std::vector<Resource>& resources) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& resource : resources)
    out.push_back({{"resource", resource.resource}, {"value", resource.value}});
  return out;
}

nlohmann::json nodeToJson(const Node& node) {
  nlohmann::json out = nlohmann::json::object();
  if (node.id) out["id"] = *node.id;
  for (const auto& field : kNodeStringFields) {
    if (node.*field.member) out[std::string(field.key)] = *(node.*field.member);
  }
  out["capacity"] = resourcesToJson(node.capacity);
  out["allocatable"] = resourcesToJson(node.allocatable);
  out["roles"] = node.roles;
  return out;
}

nlohmann::json nodeGroupToJson(const NodeGroup& group) {
  nlohmann::json out = nlohmann::json::object();
  if (group.other) out["other"] = true;
  for (const auto& field : kNodeStringFields) {
    if (group.*field.groupMember) out[std::string(field.key)] = *(group.*field.groupMember);
  }
  out["count"] = group.count;
  nlohmann::json capacity = nlohmann::json::array();
  for (const auto& resource : group.capacity) {
    nlohmann::json entry = {{"resource", resource.resource}};
    for (const auto& [key, member] : report_detail::kDistributionFields)
      entry[std::string(key)] = resource.values.*member;
    capacity.push_back(std::move(entry));
  }
  out["capacity"] = std::move(capacity);
  return out;
}

std::optional<Micros> readTime(const ObjectReader& in, std::string_view key) {
  std::optional<std::string> text = in.optionalString(key);
  if (!text) return std::nullopt;
  std::optional<Micros> time = parseRfc3339(*text);
  if (!time) {
    throw ReportError(in.pathOf(key), "must be an RFC 3339 timestamp such as 2026-11-23T18:00:00Z");
  }
  return time;
}

// Calls read(element, path) for each element of the optional array `key`.
template <typename Read>
void forEachElement(const ObjectReader& in, std::string_view key, Read read) {
  const nlohmann::json* array = in.optionalArray(key);
  if (array == nullptr) return;
  const std::string path = in.pathOf(key);
  for (std::size_t i = 0; i < array->size(); ++i) read((*array)[i], indexPath(path, i));
}

std::vector<Resource> readResources(const ObjectReader& in, std::string_view key) {
  std::vector<Resource> resources;
  forEachElement(in, key, [&](const nlohmann::json& element, std::string elementPath) {
    ObjectReader resource(element, std::move(elementPath));
    resource.rejectUnknownKeys({"resource", "value"}, kSchemaName);
    resources.push_back({resource.requiredString("resource"), resource.requiredString("value")});
  });
  return resources;
}

NodeGroup readNodeGroup(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  std::vector<std::string_view> keys{"other", "count", "capacity"};
  for (const auto& field : kNodeStringFields) keys.push_back(field.key);
  in.rejectUnknownKeys(keys, kSchemaName);
  NodeGroup group;
  if (const nlohmann::json* other = in.find("other")) {
    if (!other->is_boolean()) throw ReportError(in.pathOf("other"), "must be true or false");
    group.other = other->get<bool>();
  }
  for (const auto& field : kNodeStringFields) group.*field.groupMember = in.optionalString(field.key);
  const nlohmann::json* count = in.find("count");
  if (count == nullptr || !count->is_number_integer() || count->get<std::int64_t>() < 0)
    throw ReportError(in.pathOf("count"), "is required: a non-negative integer");
  group.count = count->get<std::uint64_t>();
  forEachElement(in, "capacity", [&](const nlohmann::json& element, std::string elementPath) {
    ObjectReader resource(element, std::move(elementPath));
    std::vector<std::string_view> resourceKeys{"resource"};
    for (const auto& [key, member] : report_detail::kDistributionFields) resourceKeys.push_back(key);
    resource.rejectUnknownKeys(resourceKeys, kSchemaName);
    ResourceDistribution distribution{resource.requiredString("resource"), {}};
    for (const auto& [key, member] : report_detail::kDistributionFields) {
      const nlohmann::json* value = resource.find(key);
      if (value == nullptr || !value->is_number())
        throw ReportError(resource.pathOf(key), "is required: a number");
      const double number = value->get<double>();
      if (!std::isfinite(number) || number < 0)
        throw ReportError(resource.pathOf(key), "must be a finite, non-negative number");
      distribution.values.*member = number;
    }
    group.capacity.push_back(std::move(distribution));
  });
  return group;
}

Node readNode(const nlohmann::json& json, std::string path) {
  ObjectReader in(json, std::move(path));
  in.rejectUnknownKeys(kNativeNodeKeys, kSchemaName);
  Node node;
  node.id = in.optionalString("id");
  for (const auto& field : kNodeStringFields) node.*field.member = in.optionalString(field.key);
  node.capacity = readResources(in, "capacity");
  node.allocatable = readResources(in, "allocatable");
  forEachElement(in, "roles", [&](const nlohmann::json& element, std::string elementPath) {
    if (!element.is_string()) throw ReportError(elementPath, "must be a string");
    node.roles.push_back(element.get<std::string>());
  });
  return node;
}

}  // namespace

namespace {

// Everything of the native document but its nodes; node groups only as a placeholder (null)
// when `groups` is false, for the encoder to write one by one.
nlohmann::json nativeJsonWithoutNodes(const Report& report, bool groups = true) {
  nlohmann::json out = nlohmann::json::object();
  out["schema"] = kReportSchema;
  out["reportID"] = report.reportID;
  out["clusterID"] = report.clusterID;
  if (report.generatedAt) out["generatedAt"] = formatRfc3339(*report.generatedAt);
  out["agent"] = {{"name", report.agent.name}, {"version", report.agent.version}};
  if (report.masterVersion) out["masterVersion"] = *report.masterVersion;
  if (report.masterPlatform) out["masterPlatform"] = *report.masterPlatform;
  if (report.level) out["level"] = *report.level;
  if (report.nodeCount) out["nodeCount"] = *report.nodeCount;
  if (!report.nodeGroups.empty()) {
    if (!groups) {
      out["nodeGroups"] = nullptr;
    } else {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& group : report.nodeGroups) all.push_back(nodeGroupToJson(group));
      out["nodeGroups"] = std::move(all);
    }
  }

  if (report.namespaces) out["namespaces"] = report_detail::namespaceSummaryToJson(*report.namespaces);
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& workload : report.workloads) workloads.push_back(report_detail::workloadToJson(workload));
  out["workloads"] = std::move(workloads);

  nlohmann::json extensions = nlohmann::json::array();
  for (const auto& extension : report.extensions) {
    extensions.push_back({{"name", extension.name}, {"value", extension.value}});
  }
  out["extensions"] = std::move(extensions);

  nlohmann::json errors = nlohmann::json::array();
  for (const auto& error : report.errors) {
    errors.push_back({{"source", error.source}, {"message", error.message}});
  }
  out["errors"] = std::move(errors);

  if (report.accountID) out["accountID"] = *report.accountID;
  if (report.receivedAt) out["receivedAt"] = formatRfc3339(*report.receivedAt);
  if (report.receivedFrom) out["receivedFrom"] = *report.receivedFrom;
  if (report.receivedAs != ReportFormat::Native) out["receivedAs"] = toString(report.receivedAs);
  return out;
}

// A string that is not valid UTF-8 (a source bug) must not stop a report from being sent.
std::string dumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

nlohmann::json toNativeJson(const Report& report) {
  nlohmann::json out = nativeJsonWithoutNodes(report);
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : report.nodes) nodes.push_back(nodeToJson(node));
  out["nodes"] = std::move(nodes);
  return out;
}

std::string encodeNativeJson(const Report& report) {
  // The same text as dumping toNativeJson(report), but a 5,000-node report's document would
  // take several times the memory of the report: the top level is written here, in the
  // document's key order, and each node and node group is built and written alone.
  nlohmann::json top = nativeJsonWithoutNodes(report, false);
  top["nodes"] = nullptr;
  std::string text = "{";
  bool first = true;
  // Writes `items` as a JSON array, each element built by `toJson` and written alone.
  const auto writeArray = [&text](const auto& items, const auto& toJson) {
    text += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) text += ',';
      std::string element = dumpJson(toJson(items[i]));
      // Elements are much alike: room for the rest at once, instead of doubling (and copying)
      // the text several times over.
      if (i == 0) text.reserve(text.size() + (element.size() + element.size() / 8 + 1) * items.size() + 4096);
      text += element;
    }
    text += ']';
  };
  for (const auto& [key, value] : top.items()) {
    if (!first) text += ',';
    first = false;
    text += dumpJson(key);
    text += ':';
    if (key == "nodes")
      writeArray(report.nodes, nodeToJson);
    else if (key == "nodeGroups")
      writeArray(report.nodeGroups, nodeGroupToJson);
    else
      text += dumpJson(value);
  }
  text += '}';
  return text;
}

Report fromNativeJson(const nlohmann::json& json) {
  ObjectReader in(json, "");
  in.rejectUnknownKeys(
      {"schema", "reportID", "clusterID", "generatedAt", "agent", "masterVersion", "masterPlatform", "level",
       "nodeCount", "nodeGroups", "nodes", "namespaces", "workloads", "extensions", "errors", "accountID",
       "receivedAt", "receivedFrom", "receivedAs"},
      kSchemaName);

  const std::string schema = in.requiredString("schema");
  if (schema != kReportSchema) {
    throw ReportError("schema", std::string("unsupported schema; expected \"") + kReportSchema + "\"");
  }

  Report report;
  report.reportID = in.requiredString("reportID");
  if (!isUuid(report.reportID)) throw ReportError("reportID", "must be a UUID (8-4-4-4-12 hexadecimal)");
  report.clusterID = in.requiredNonEmptyString("clusterID");
  report.generatedAt = readTime(in, "generatedAt");

  // An absent agent is allowed (empty name and version); a present one must be complete.
  if (const nlohmann::json* agent = in.optionalObject("agent")) {
    ObjectReader agentIn(*agent, "agent");
    agentIn.rejectUnknownKeys({"name", "version"}, kSchemaName);
    report.agent.name = agentIn.requiredString("name");
    report.agent.version = agentIn.requiredString("version");
  }
  report.masterVersion = in.optionalString("masterVersion");
  report.masterPlatform = in.optionalString("masterPlatform");
  report.level = in.optionalString("level");
  if (const nlohmann::json* count = in.find("nodeCount")) {
    if (!count->is_number_integer() || count->get<std::int64_t>() < 0)
      throw ReportError("nodeCount", "must be a non-negative integer");
    report.nodeCount = count->get<std::uint64_t>();
  }
  forEachElement(in, "nodeGroups", [&](const nlohmann::json& element, std::string path) {
    report.nodeGroups.push_back(readNodeGroup(element, std::move(path)));
  });
  forEachElement(in, "nodes", [&](const nlohmann::json& element, std::string path) {
    report.nodes.push_back(readNode(element, std::move(path)));
  });
  if (const nlohmann::json* namespaces = in.optionalObject("namespaces")) {
    report.namespaces = report_detail::readNamespaceSummary(*namespaces, "namespaces");
  }
  forEachElement(in, "workloads", [&](const nlohmann::json& element, std::string path) {
    report.workloads.push_back(report_detail::readWorkload(element, std::move(path)));
  });
  forEachElement(in, "extensions", [&](const nlohmann::json& element, std::string path) {
    ObjectReader extension(element, std::move(path));
    extension.rejectUnknownKeys({"name", "value"}, kSchemaName);
    report.extensions.push_back({extension.requiredString("name"), extension.requiredString("value")});
  });
  forEachElement(in, "errors", [&](const nlohmann::json& element, std::string path) {
    ObjectReader error(element, std::move(path));
    error.rejectUnknownKeys({"source", "message"}, kSchemaName);
    report.errors.push_back({error.requiredString("source"), error.requiredString("message")});
  });

  report.accountID = in.optionalString("accountID");
  // The collector overwrites these on ingest; they are read here so a stored record (spool,
  // export) round-trips through this format.
  report.receivedAt = readTime(in, "receivedAt");
  report.receivedFrom = in.optionalString("receivedFrom");
  if (std::optional<std::string> format = in.optionalString("receivedAs")) {
    std::optional<ReportFormat> parsed = parseReportFormat(*format);
    if (!parsed) {
      throw ReportError("receivedAs", std::string("must be one of \"") + toString(ReportFormat::Native) +
                                          "\", \"" + toString(ReportFormat::SpartakusV1) + "\", \"" +
                                          toString(ReportFormat::Tectonic) + "\"");
    }
    report.receivedAs = *parsed;
  }
  return report;
}

}  // namespace kubecensus
