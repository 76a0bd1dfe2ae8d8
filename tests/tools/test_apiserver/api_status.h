// meta.k8s.io Status bodies, worded as kube-apiserver words them, for every failure the test
// API server answers with.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "resource_catalog.h"

namespace kctest::apiserver::status {

nlohmann::json failure(int code, const std::string& reason, const std::string& message,
                       nlohmann::json details = nullptr);

nlohmann::json unauthorized();
// `ns` "" means the cluster scope; `name` "" a list.
nlohmann::json forbidden(const ResourceType& type, const std::string& verb, const std::string& ns,
                         const std::string& name);
nlohmann::json notFound(const ResourceType& type, const std::string& name);
nlohmann::json noSuchPath();
nlohmann::json expired();
nlohmann::json badRequest(const std::string& message);
nlohmann::json methodNotAllowed(const std::string& method);
nlohmann::json notAcceptable();
nlohmann::json internalError(const std::string& message);

}  // namespace kctest::apiserver::status
