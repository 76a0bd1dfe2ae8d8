// The report model (kubecensus.report/v2): what one agent pass says about one cluster.
// A superset of the Spartakus v1 record; the converters in formats.h map the earlier formats
// onto it without loss for the fields those formats carry (docs/formats.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kubecensus {

inline constexpr const char* kReportSchema = "kubecensus.report/v2";

// Wire formats a report can arrive in or be sent as.
enum class ReportFormat { Native, SpartakusV1, Tectonic };
const char* toString(ReportFormat format);  // "kubecensus.report/v2", "spartakus-v1", "tectonic"

// Microseconds since the Unix epoch, UTC. The precision of Spartakus' timestamps.
using Micros = std::int64_t;

struct Resource {
  std::string resource;  // "cpu", "memory", "pods", "nvidia.com/gpu", ...
  std::string value;     // a Kubernetes quantity as the API printed it: "4", "15437428Ki"
  bool operator==(const Resource&) const = default;
};

// One node. Optional fields are absent when the source did not know them (an absent field and
// an empty string are different things in Spartakus records, and round trips keep that).
struct Node {
  std::optional<std::string> id;  // anonymized: keyed hash, never a name
  std::optional<std::string> operatingSystem;
  std::optional<std::string> osImage;
  std::optional<std::string> kernelVersion;
  std::optional<std::string> architecture;
  std::optional<std::string> containerRuntimeVersion;
  std::optional<std::string> kubeletVersion;
  std::optional<std::string> cloudProvider;
  std::vector<Resource> capacity;     // sorted by resource name
  std::vector<Resource> allocatable;  // sorted by resource name (not in Spartakus records)
  std::vector<std::string> roles;     // label keys under node-role.kubernetes.io/, never values
  bool operator==(const Node&) const = default;
};

// Counts of values in fixed ranges: counts[i] holds values in (bounds[i-1], bounds[i]], and
// the last count (counts.size() == bounds.size() + 1) those above the last bound.
// Buckets holding fewer values than the agent's minimum group size are emptied into `other`,
// so a rare value cannot single out a cluster (docs/privacy.md).
struct Histogram {
  std::vector<std::int64_t> bounds;
  std::vector<std::uint64_t> counts;
  std::uint64_t other = 0;
  bool operator==(const Histogram&) const = default;
};

// Ages of the objects of one kind, from metadata.creationTimestamp (seconds).
struct AgeSummary {
  Histogram ageSeconds;
  double averageAgeSeconds = 0;  // 0 when there are no objects
  bool operator==(const AgeSummary&) const = default;
};

struct NamespaceSummary {
  std::uint64_t count = 0;
  std::optional<AgeSummary> ages;  // absent at the minimal level
  bool operator==(const NamespaceSummary&) const = default;
};

struct CountByName {
  std::string name;  // from a closed list (e.g. pod phases), never an object's name
  std::uint64_t count = 0;
  bool operator==(const CountByName&) const = default;
};

// One kind of workload object (pods, services, deployments, statefulsets, daemonsets, jobs,
// cronjobs): how many, how they spread over namespaces, how old they are.
struct WorkloadSummary {
  std::string kind;  // the resource: "pods", "deployments", ...
  std::uint64_t total = 0;
  // Absent at the minimal level:
  std::optional<Histogram> perNamespace;  // namespaces by how many objects of this kind they hold (>= 1)
  std::optional<AgeSummary> ages;
  std::vector<CountByName> phases;  // pods only: Pending, Running, Succeeded, Failed, Unknown
  bool operator==(const WorkloadSummary&) const = default;
};

// Summary statistics of one capacity resource over the nodes of a group, in the resource's base
// unit (cores for cpu, bytes for memory and storage, a count otherwise).
struct Distribution {
  double min = 0, p25 = 0, p50 = 0, p75 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
  bool operator==(const Distribution&) const = default;
};

struct ResourceDistribution {
  std::string resource;
  Distribution values;
  bool operator==(const ResourceDistribution&) const = default;
};

// The nodes that share one software configuration, counted instead of listed (the standard
// privacy level). Groups with fewer nodes than the minimum group size are merged into one
// group with `other` set and no attributes; its capacity is left out when it is still small.
struct NodeGroup {
  bool other = false;
  std::optional<std::string> operatingSystem;
  std::optional<std::string> osImage;
  std::optional<std::string> kernelVersion;
  std::optional<std::string> architecture;
  std::optional<std::string> containerRuntimeVersion;
  std::optional<std::string> kubeletVersion;
  std::optional<std::string> cloudProvider;
  std::uint64_t count = 0;
  std::vector<ResourceDistribution> capacity;  // sorted by resource name
  bool operator==(const NodeGroup&) const = default;
};

struct Extension {
  std::string name;
  std::string value;
  bool operator==(const Extension&) const = default;
};

// A source that failed records why; the rest of the report still goes out.
struct SourceError {
  std::string source;
  std::string message;
  bool operator==(const SourceError&) const = default;
};

struct AgentInfo {
  std::string name;     // "kubecensus-agent", or "spartakus"/"tectonic" for converted reports
  std::string version;  // Spartakus' record "version" lands here
  bool operator==(const AgentInfo&) const = default;
};

struct Report {
  std::string reportID;  // UUID; the idempotency key the collector de-duplicates on
  std::string clusterID;
  std::optional<Micros> generatedAt;
  AgentInfo agent;
  std::optional<std::string> masterVersion;   // the API server's gitVersion
  std::optional<std::string> masterPlatform;  // "linux/amd64"
  std::optional<std::string> level;           // the privacy level it was made at (docs/privacy.md)
  std::optional<std::uint64_t> nodeCount;     // every node, at every level
  std::vector<NodeGroup> nodeGroups;          // standard and detailed
  std::vector<Node> nodes;                    // detailed only: one row per node
  std::optional<NamespaceSummary> namespaces;
  std::vector<WorkloadSummary> workloads;
  std::vector<Extension> extensions;
  std::vector<SourceError> errors;
  std::optional<std::string> accountID;  // tectonic account; its secret is never part of a report

  // Set by the collector, never trusted from a client.
  std::optional<Micros> receivedAt;
  std::optional<std::string> receivedFrom;
  ReportFormat receivedAs = ReportFormat::Native;

  bool operator==(const Report&) const = default;
};

// How many nodes the report speaks of: nodeCount, or the rows of a report that predates it
// (Spartakus and tectonic records, older agents).
inline std::uint64_t nodeCountOf(const Report& report) {
  return report.nodeCount.value_or(report.nodes.size());
}

}  // namespace kubecensus
