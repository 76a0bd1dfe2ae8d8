// One Kubernetes Node object -> one report Node: Spartakus' fields plus allocatable and roles,
// and nothing that names or locates the machine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kubecensus/plugin/source.h"
#include "kubecensus/report/report.h"

namespace kubecensus::k8s {

// How node IDs are made (option `node_id`).
enum class NodeIdMode {
  // HMAC-SHA256 under the agent's secret salt (CollectContext::anonymize): not reversible by
  // hashing guessed node names.
  Keyed,
  // Spartakus' own ID (MD5 of name + machineID + systemUUID), so a cluster that moves from
  // Spartakus keeps its node IDs. Anyone who can guess a node's name and IDs can check it.
  SpartakusCompat,
};

// "keyed" or "spartakus-compat", in any case; nullopt for anything else.
std::optional<NodeIdMode> parseNodeIdMode(std::string_view text);

// Spartakus' getID(): lowercase hex MD5 of the concatenated identity.
std::string spartakusNodeId(std::string_view identity);

// The prefix of the well-known role label keys (node-role.kubernetes.io/control-plane).
inline constexpr std::string_view kNodeRolePrefix = "node-role.kubernetes.io/";

class NodeSummarizer {
 public:
  // `context` (for anonymize) must outlive the summarizer. Without `ids` (below the detailed
  // level, where no per-node row is sent) no node ID is computed.
  NodeSummarizer(NodeIdMode mode, const CollectContext& context, bool ids = true)
      : mode_(mode), context_(context), ids_(ids) {}

  // Reads only: metadata.name, status.nodeInfo.{machineID, systemUUID} (hashed into the ID,
  // never kept), the six nodeInfo version fields (an empty one is absent, as in Spartakus),
  // the scheme of spec.providerID (cloud_provider.h), status.capacity and status.allocatable
  // (sorted by resource name) and the keys of metadata.labels under node-role.kubernetes.io/
  // (the part after the '/', sorted; never a label's value). Fields of the wrong type count as
  // absent.
  Node summarize(const nlohmann::json& node) const;

 private:
  NodeIdMode mode_;
  const CollectContext& context_;
  bool ids_;
};

}  // namespace kubecensus::k8s
