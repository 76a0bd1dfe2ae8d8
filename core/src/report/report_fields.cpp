// The field catalog behind docs/privacy.md, `kubecensus-agent preview --explain` and the level
// tests: every field the agent may send, tagged with the lowest level that includes it.
#include <sstream>

#include "kubecensus/report/privacy.h"
#include "node_fields.h"

namespace kubecensus {
namespace {

using L = PrivacyLevel;

constexpr std::string_view kNodesList = "list nodes (/api/v1/nodes)";
constexpr std::string_view kNodeInfo = "list nodes: status.nodeInfo";
constexpr std::string_view kSoftware =
    "a software version or platform string shared by every machine that runs it; names nothing";
constexpr std::string_view kHistogram =
    "fixed bucket bounds; buckets with fewer than k values are emptied into other";

// The fields written out here; makeFields() adds the node attributes and distributions.
const std::vector<ReportField> kListedFields = {
    {"schema", L::Minimal, "constant", "the report format's name"},
    {"reportID", L::Minimal, "random UUID made for each report", "random; says only which report this is"},
    {"clusterID", L::Minimal,
     "keyed hash (UUIDv8, HMAC-SHA256 with the agent's secret salt) of the kube-system namespace's UID; or "
     "agent.cluster_id; or a random UUID kept in the state directory",
     "not reversible without the agent's salt; not linkable across collectors that do not share it"},
    {"generatedAt", L::Minimal, "the agent's clock", "when the report was made"},
    {"agent.name", L::Minimal, "constant", "the program that made the report"},
    {"agent.version", L::Minimal, "constant", "its version"},
    {"level", L::Minimal, "agent.level", "the privacy level the report was made at"},
    {"masterVersion", L::Minimal, "get /version: gitVersion", kSoftware},
    {"masterPlatform", L::Minimal, "get /version: platform", kSoftware},
    {"nodeCount", L::Minimal, kNodesList, "a count"},
    {"namespaces.count", L::Minimal, "list namespaces (metadata only)", "a count"},
    {"workloads[].kind", L::Minimal,
     "constant: pods, services, deployments, statefulsets, daemonsets, jobs, cronjobs", "a resource type"},
    {"workloads[].total", L::Minimal, "list <kind> (metadata only)", "a count"},
    {"errors[].source", L::Minimal, "the agent", "which source failed"},
    {"errors[].message", L::Minimal, "the agent",
     "written by the agent, never quoting the API server (whose messages may name objects)"},

    // nodeGroups[]: added by makeFields() from the format's tables
    {"namespaces.ages.ageSeconds.bounds", L::Standard, "constant", kHistogram},
    {"namespaces.ages.ageSeconds.counts", L::Standard, "list namespaces: metadata.creationTimestamp",
     kHistogram},
    {"namespaces.ages.ageSeconds.other", L::Standard, "the agent", kHistogram},
    {"namespaces.ages.averageAgeSeconds", L::Standard, "list namespaces: metadata.creationTimestamp",
     "an average over all namespaces; 0 when there are fewer than k"},
    {"workloads[].perNamespace.bounds", L::Standard, "constant", kHistogram},
    {"workloads[].perNamespace.counts", L::Standard, "list <kind>: metadata.namespace (counted, never sent)",
     kHistogram},
    {"workloads[].perNamespace.other", L::Standard, "the agent", kHistogram},
    {"workloads[].ages.ageSeconds.bounds", L::Standard, "constant", kHistogram},
    {"workloads[].ages.ageSeconds.counts", L::Standard, "list <kind>: metadata.creationTimestamp",
     kHistogram},
    {"workloads[].ages.ageSeconds.other", L::Standard, "the agent", kHistogram},
    {"workloads[].ages.averageAgeSeconds", L::Standard, "list <kind>: metadata.creationTimestamp",
     "an average over all objects of the kind; 0 when there are fewer than k"},
    {"workloads[].phases[].name", L::Standard, "list pods: status.phase",
     "one of Kubernetes' five pod phases"},
    {"workloads[].phases[].count", L::Standard, "list pods: status.phase", "a count"},
    {"extensions[].name", L::Standard, "the operator: the extensions source's files",
     "chosen by the operator; a qualified name, at most 100 pairs"},
    {"extensions[].value", L::Standard, "the operator: the extensions source's files",
     "chosen by the operator; at most 1024 bytes"},

    // nodes[]: added by makeFields()
};

constexpr std::string_view kCloudOrigin = "list nodes: the scheme of spec.providerID, from an allow-list";
constexpr std::string_view kCloudWhy = "a cloud's name (aws, gce, azure, ...), never the provider ID itself";
constexpr std::string_view kCapacity = "list nodes: status.capacity";

// The seven node attributes under `prefix`, at `level`, from the format's own table.
void addAttributes(std::vector<ReportField>& fields, const std::string& prefix, PrivacyLevel level) {
  for (const auto& field : report_detail::kNodeStringFields) {
    const bool cloud = field.key == "cloudProvider";
    fields.push_back({prefix + std::string(field.key), level, cloud ? kCloudOrigin : kNodeInfo,
                      cloud ? kCloudWhy : kSoftware});
  }
}

std::vector<ReportField> makeFields() {
  std::vector<ReportField> fields;
  for (const ReportField& field : kListedFields) {
    if (field.path == "namespaces.ages.ageSeconds.bounds") {  // node groups go before the histograms
      addAttributes(fields, "nodeGroups[].", L::Standard);
      fields.push_back(
          {"nodeGroups[].other", L::Standard, "the agent",
           "marks the group of all nodes whose configuration fewer than k nodes share (no attributes)"});
      fields.push_back({"nodeGroups[].count", L::Standard, kNodesList,
                        "how many nodes share the configuration (at least k)"});
      fields.push_back({"nodeGroups[].capacity[].resource", L::Standard, "list nodes: status.capacity keys",
                        "a resource name (cpu, memory, pods, nvidia.com/gpu)"});
      for (const auto& [key, member] : report_detail::kDistributionFields)
        fields.push_back({"nodeGroups[].capacity[]." + std::string(key), L::Standard, kCapacity,
                          key == "min"
                              ? "a distribution over the whole group (at least k nodes; a node without "
                                "the resource counts 0); left out of a smaller other group"
                              : "as min"});
    }
    fields.push_back(field);
  }
  fields.push_back({"nodes[].id", L::Detailed,
                    "list nodes: metadata.name, status.nodeInfo.machineID and systemUUID, hashed",
                    "keyed hash (HMAC-SHA256 with the agent's salt); the inputs are never sent"});
  addAttributes(fields, "nodes[].", L::Detailed);
  fields.push_back(
      {"nodes[].capacity[].resource", L::Detailed, "list nodes: status.capacity keys", "a resource name"});
  fields.push_back({"nodes[].capacity[].value", L::Detailed, kCapacity, "a quantity"});
  fields.push_back({"nodes[].allocatable[].resource", L::Detailed, "list nodes: status.allocatable keys",
                    "a resource name"});
  fields.push_back(
      {"nodes[].allocatable[].value", L::Detailed, "list nodes: status.allocatable", "a quantity"});
  fields.push_back({"nodes[].roles[]", L::Detailed,
                    "list nodes: metadata.labels keys under node-role.kubernetes.io/",
                    "the role part of the label key (control-plane, worker); never a label's value"});
  return fields;
}

const std::vector<ReportField> kFields = makeFields();

}  // namespace

const std::vector<ReportField>& reportFields() {
  return kFields;
}

const ReportField* findReportField(std::string_view path) {
  for (const ReportField& field : kFields)
    if (field.path == path) return &field;
  return nullptr;
}

std::string privacyReference() {
  std::ostringstream out;
  for (PrivacyLevel level : {PrivacyLevel::Minimal, PrivacyLevel::Standard, PrivacyLevel::Detailed}) {
    out << "\n### " << toString(level) << (level == PrivacyLevel::Minimal ? "" : " (adds to the level above)")
        << "\n\n| field | comes from | why it is not personal data |\n|---|---|---|\n";
    for (const ReportField& field : kFields)
      if (field.level == level)
        out << "| `" << field.path << "` | " << field.origin << " | " << field.rationale << " |\n";
  }
  return out.str();
}

}  // namespace kubecensus
