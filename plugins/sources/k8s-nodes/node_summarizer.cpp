#include "node_summarizer.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <algorithm>
#include <cctype>

#include "../k8s-common/json_fields.h"
#include "cloud_provider.h"

namespace kubecensus::k8s {
namespace {

// The Spartakus node fields that come from status.nodeInfo, under the same names.
struct NodeInfoField {
  std::string_view key;
  std::optional<std::string> Node::*member;
};
constexpr NodeInfoField kNodeInfoFields[] = {
    {"operatingSystem", &Node::operatingSystem},
    {"osImage", &Node::osImage},
    {"kernelVersion", &Node::kernelVersion},
    {"architecture", &Node::architecture},
    {"containerRuntimeVersion", &Node::containerRuntimeVersion},
    {"kubeletVersion", &Node::kubeletVersion},
};

// A ResourceList (resource name -> quantity string), sorted by resource name.
std::vector<Resource> resources(const nlohmann::json& status, std::string_view key) {
  std::vector<Resource> out;
  const nlohmann::json* list = objectOf(status, key);
  if (list == nullptr) return out;
  for (const auto& [name, quantity] : list->items()) {
    if (quantity.is_string()) out.push_back({name, quantity.get<std::string>()});
  }
  std::sort(out.begin(), out.end(),
            [](const Resource& a, const Resource& b) { return a.resource < b.resource; });
  return out;
}

std::vector<std::string> roles(const nlohmann::json& metadata) {
  std::vector<std::string> out;
  const nlohmann::json* labels = objectOf(metadata, "labels");
  if (labels == nullptr) return out;
  for (const auto& [key, value] : labels->items()) {
    if (key.size() > kNodeRolePrefix.size() && key.compare(0, kNodeRolePrefix.size(), kNodeRolePrefix) == 0) {
      out.push_back(key.substr(kNodeRolePrefix.size()));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string lowered(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<NodeIdMode> parseNodeIdMode(std::string_view text) {
  const std::string mode = lowered(text);
  if (mode == "keyed") return NodeIdMode::Keyed;
  if (mode == "spartakus-compat") return NodeIdMode::SpartakusCompat;
  return std::nullopt;
}

std::string spartakusNodeId(std::string_view identity) {
  Poco::MD5Engine md5;
  md5.update(identity.data(), identity.size());
  return Poco::DigestEngine::digestToHex(md5.digest());
}

Node NodeSummarizer::summarize(const nlohmann::json& node) const {
  const nlohmann::json& metadata = objectAt(node, "metadata");
  const nlohmann::json& status = objectAt(node, "status");
  const nlohmann::json& info = objectAt(status, "nodeInfo");

  Node out;
  if (ids_) {
    // Spartakus' identity: name + machineID + systemUUID, concatenated as it did.
    std::string identity(stringOf(metadata, "name"));
    identity += stringOf(info, "machineID");
    identity += stringOf(info, "systemUUID");
    out.id = mode_ == NodeIdMode::Keyed ? context_.anonymize(identity) : spartakusNodeId(identity);
  }

  for (const auto& field : kNodeInfoFields) {
    std::string_view value = stringOf(info, field.key);
    if (!value.empty()) out.*field.member = std::string(value);
  }
  out.cloudProvider = cloudProviderOf(stringOf(node, "spec", "providerID"));
  out.capacity = resources(status, "capacity");
  out.allocatable = resources(status, "allocatable");
  out.roles = roles(metadata);
  return out;
}

}  // namespace kubecensus::k8s
