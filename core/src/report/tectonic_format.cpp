// tectonic-stats-collector payloads. The envelope carries the account credentials, which are
// returned apart from the report (TectonicAccount) so the secret can never reach storage.
//
// Privacy: the generator posted Kubernetes Node objects. Of each we keep only
// status.capacity and the nodeInfo fields our model has (operatingSystem, osImage,
// kernelVersion, architecture, containerRuntimeVersion, kubeletVersion). Everything else —
// metadata (names, labels, annotations), spec, addresses, and the nodeInfo identifiers
// machineID, systemUUID and bootID — is dropped on purpose, without error: those fields are
// how a Kubernetes Node looks, not a mistake of the sender. The envelope, metadata and payload
// objects themselves have a fixed schema, and an unknown key there is refused.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

#include "json_reader.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/uuid.h"
#include "legacy_fields.h"
#include "node_fields.h"

namespace kubecensus {

using report_detail::indexPath;
using report_detail::kNodeStringFields;
using report_detail::ObjectReader;

namespace {

constexpr std::string_view kSchemaName = "tectonic";
constexpr const char* kAgentName = "tectonic";
// Prefix of the name a payload's report ID is derived from; separates it from other formats'.
constexpr std::string_view kIdPrefix = "tectonic\n";
constexpr Micros kMicrosPerSecond = 1'000'000;

Node readNode(const nlohmann::json& json, const std::string& path) {
  ObjectReader in(json, path);  // keys other than "status" dropped, see the top of the file
  Node node;
  const nlohmann::json* status = in.optionalObject("status");
  if (status == nullptr) return node;
  ObjectReader statusIn(*status, in.pathOf("status"));

  if (const nlohmann::json* capacity = statusIn.optionalObject("capacity")) {
    const std::string capacityPath = statusIn.pathOf("capacity");
    for (const auto& item : capacity->items()) {
      if (!item.value().is_string()) {
        throw ReportError(report_detail::joinPath(capacityPath, item.key()), "must be a string");
      }
      node.capacity.push_back({item.key(), item.value().get<std::string>()});
    }
    // A JSON object has no order; the model's list is sorted by resource name.
    std::sort(node.capacity.begin(), node.capacity.end(),
              [](const Resource& a, const Resource& b) { return a.resource < b.resource; });
  }

  if (const nlohmann::json* nodeInfo = statusIn.optionalObject("nodeInfo")) {
    ObjectReader infoIn(*nodeInfo, statusIn.pathOf("nodeInfo"));
    for (const auto& field : kNodeStringFields) {
      if (field.inNodeInfo) node.*field.member = infoIn.optionalString(field.key);
    }
  }
  return node;
}

std::optional<Micros> readGeneratedAt(const ObjectReader& metadata) {
  std::optional<std::string> text = metadata.optionalString("generated_at");
  if (!text) return std::nullopt;
  std::optional<std::int64_t> seconds = report_detail::parseDecimal(*text);
  if (!seconds || *seconds > std::numeric_limits<Micros>::max() / kMicrosPerSecond) {
    throw ReportError(metadata.pathOf("generated_at"),
                      "must be a string of decimal digits (seconds since 1970)");
  }
  return *seconds * kMicrosPerSecond;
}

}  // namespace

nlohmann::json toTectonicJson(const Report& report, const TectonicAccount& account) {
  nlohmann::json metadata = nlohmann::json::object();
  if (report.generatedAt) {
    // Whole seconds (the format's unit); a time before 1970 cannot be written and becomes 0.
    metadata["generated_at"] = std::to_string(std::max<Micros>(0, *report.generatedAt) / kMicrosPerSecond);
  }

  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : report.nodes) {
    nlohmann::json capacity = nlohmann::json::object();
    for (const auto& resource : node.capacity) capacity[resource.resource] = resource.value;
    nlohmann::json nodeInfo = nlohmann::json::object();
    for (const auto& field : kNodeStringFields) {
      if (field.inNodeInfo && node.*field.member) nodeInfo[std::string(field.key)] = *(node.*field.member);
    }
    nodes.push_back({{"status", {{"capacity", std::move(capacity)}, {"nodeInfo", std::move(nodeInfo)}}}});
  }

  return {
      {"accountID", account.accountID},
      {"accountSecret", account.accountSecret},
      {"metadata", std::move(metadata)},
      {"payload", {{"clusterID", report.clusterID}, {"kubernetesNodes", std::move(nodes)}}},
  };
}

Report fromTectonicJson(const nlohmann::json& json, TectonicAccount* account) {
  ObjectReader in(json, "");
  in.rejectUnknownKeys({"accountID", "accountSecret", "metadata", "payload"}, kSchemaName);

  TectonicAccount credentials{in.requiredNonEmptyString("accountID"), in.requiredString("accountSecret")};

  Report report;
  report.receivedAs = ReportFormat::Tectonic;
  report.agent.name = kAgentName;  // the format has no agent version
  report.accountID = credentials.accountID;

  if (const nlohmann::json* metadata = in.optionalObject("metadata")) {
    ObjectReader metadataIn(*metadata, "metadata");
    // received_at and received_from are what tectonic's collector added on ingest; a replayed
    // stored record may carry them. They are never trusted from a client: ignored.
    metadataIn.rejectUnknownKeys({"generated_at", "received_at", "received_from"}, kSchemaName);
    report.generatedAt = readGeneratedAt(metadataIn);
  }

  ObjectReader payload(in.requiredObject("payload"), "payload");
  payload.rejectUnknownKeys({"clusterID", "kubernetesNodes"}, kSchemaName);
  report.clusterID = payload.requiredNonEmptyString("clusterID");
  if (const nlohmann::json* nodes = payload.optionalArray("kubernetesNodes")) {
    const std::string nodesPath = payload.pathOf("kubernetesNodes");
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      report.nodes.push_back(readNode((*nodes)[i], indexPath(nodesPath, i)));
    }
  }

  // The format has no ID: derive one from the body, so a retried post is stored once. The
  // secret is left out, so rotating it does not make an old payload look new — and no
  // function of the secret ends up in storage.
  nlohmann::json withoutSecret = json;
  withoutSecret.erase("accountSecret");
  report.reportID = nameBasedUuid(std::string(kIdPrefix) + report_detail::canonicalDump(withoutSecret));

  if (account != nullptr) *account = std::move(credentials);
  return report;
}

}  // namespace kubecensus
