// The optional string fields of a node, shared by the three formats so none can forget one.
// Internal to the report module.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace kubecensus::report_detail
