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
};

// Node::id is not here: each format treats it differently (optional, required, absent).
inline constexpr std::array<NodeStringField, 7> kNodeStringFields{{
    {"operatingSystem", &Node::operatingSystem, true},
    {"osImage", &Node::osImage, true},
    {"kernelVersion", &Node::kernelVersion, true},
    {"architecture", &Node::architecture, true},
    {"containerRuntimeVersion", &Node::containerRuntimeVersion, true},
    {"kubeletVersion", &Node::kubeletVersion, true},
    {"cloudProvider", &Node::cloudProvider, false},
}};

// The keys a node object may have in the native and Spartakus formats.
inline constexpr std::array<std::string_view, 9> kNodeKeys{
    "id",           "operatingSystem",         "osImage",        "kernelVersion",
    "architecture", "containerRuntimeVersion", "kubeletVersion", "cloudProvider",
    "capacity"};

}  // namespace kubecensus::report_detail
