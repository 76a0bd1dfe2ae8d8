// Reading a string field of JSON that came from elsewhere (a bundle's manifest, a credential
// plugin's output, a cloud API's answer). nlohmann's value("key", default) throws type_error
// when the field holds another type, which escaped as an unexplained failure (found by the
// exec_credential fuzz target); here another type counts as absent.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kubecensus {

inline std::string stringOr(const nlohmann::json& object, const char* key, std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace kubecensus
