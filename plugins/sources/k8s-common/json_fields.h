// Tolerant reading of Kubernetes API objects: a field that is missing or has another type
// reads as absent instead of throwing, because one odd object must not lose a whole list.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kubecensus::k8s {

// parent[key] when parent is an object that has key, else nullptr.
inline const nlohmann::json* fieldOf(const nlohmann::json& parent, std::string_view key) {
  if (!parent.is_object()) return nullptr;
  auto it = parent.find(key);
  return it == parent.end() ? nullptr : &*it;
}

// parent[key] when it is an object, else nullptr.
inline const nlohmann::json* objectOf(const nlohmann::json& parent, std::string_view key) {
  const nlohmann::json* value = fieldOf(parent, key);
  return value != nullptr && value->is_object() ? value : nullptr;
}

// parent[key] when it is an object, else an empty object.
inline const nlohmann::json& objectAt(const nlohmann::json& parent, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json* value = objectOf(parent, key);
  return value != nullptr ? *value : kEmpty;
}

// parent[key] when it is a string, else "".
inline std::string_view stringOf(const nlohmann::json& parent, std::string_view key) {
  const nlohmann::json* value = fieldOf(parent, key);
  if (value == nullptr || !value->is_string()) return {};
  return value->get_ref<const std::string&>();
}

// parent[a][b] when both are there and the last is a string, else "".
inline std::string_view stringOf(const nlohmann::json& parent, std::string_view a, std::string_view b) {
  const nlohmann::json* object = objectOf(parent, a);
  return object == nullptr ? std::string_view() : stringOf(*object, b);
}

}  // namespace kubecensus::k8s
