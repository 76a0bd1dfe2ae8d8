// The optional string fields of a node, shared by the three formats so none can forget one.
// Internal to the report module.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kubecensus/report/report.h"

namespace kubecensus::report_detail {

struct NodeStringField {
  std::string_view key;  // the same name in native, Spartakus and Kubernetes' nodeInfo
  std::optional<std::string> Node::*member;
  bool inNodeInfo;  // part of Kubernetes' NodeSystemInfo, so tectonic payloads carry it
  std::optional<std::string> NodeGroup::*groupMember;  // the same attribute of a node group
};

// Node::id is not here: each format treats it differently (optional, required, absent).
// These seven are also what makes a node group (node_groups.h).
inline constexpr std::array<NodeStringField, 7> kNodeStringFields{{
    {"operatingSystem", &Node::operatingSystem, true, &NodeGroup::operatingSystem},
    {"osImage", &Node::osImage, true, &NodeGroup::osImage},
    {"kernelVersion", &Node::kernelVersion, true, &NodeGroup::kernelVersion},
    {"architecture", &Node::architecture, true, &NodeGroup::architecture},
    {"containerRuntimeVersion", &Node::containerRuntimeVersion, true, &NodeGroup::containerRuntimeVersion},
    {"kubeletVersion", &Node::kubeletVersion, true, &NodeGroup::kubeletVersion},
    {"cloudProvider", &Node::cloudProvider, false, &NodeGroup::cloudProvider},
}};

// The keys a node object may have in the native and Spartakus formats.
inline constexpr std::array<std::string_view, 9> kNodeKeys{
    "id",           "operatingSystem",         "osImage",        "kernelVersion",
    "architecture", "containerRuntimeVersion", "kubeletVersion", "cloudProvider",
    "capacity"};

// The summary statistics of a node group's capacity, in the order the native format writes them.
constexpr std::array<std::pair<std::string_view, double Distribution::*>, 8> kDistributionFields{{
    {"min", &Distribution::min},
    {"p25", &Distribution::p25},
    {"p50", &Distribution::p50},
    {"p75", &Distribution::p75},
    {"p90", &Distribution::p90},
    {"p99", &Distribution::p99},
    {"max", &Distribution::max},
    {"mean", &Distribution::mean},
}};

}  // namespace kubecensus::report_detail
