// A SelfSubjectAccessReview as clients POST it: JSON (what most clients send) or Kubernetes'
// protobuf envelope ("k8s\0" + runtime.Unknown), which kubectl's `auth can-i` sends. The
// answer is always JSON, which both accept.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kctest::apiserver {

class AccessReview {
 public:
  // nullopt if `body` is neither form of a SelfSubjectAccessReview.
  static std::optional<AccessReview> parse(const std::string& body, const std::string& contentType);

  // "pods", "deployments.apps"; "" for a non-resource review (e.g. /healthz).
  std::string resourceKey() const;
  // The review with its status filled in, as the server returns it.
  nlohmann::json answer(bool allowed, const std::string& reason) const;

 private:
  struct Attributes {
    std::string ns, verb, group, version, resource, subresource, name;
  };
  static std::optional<AccessReview> parseProtobuf(const std::string& body);

  bool resourceRequest_ = false;
  Attributes attributes_;
  std::string path_;  // of a non-resource review
  std::string nonResourceVerb_;
};

}  // namespace kctest::apiserver
