#include "api_status.h"

namespace kctest::apiserver::status {

nlohmann::json failure(int code, const std::string& reason, const std::string& message,
                       nlohmann::json details) {
  nlohmann::json body{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                      {"status", "Failure"}, {"message", message}, {"reason", reason}};
  if (!details.is_null()) body["details"] = std::move(details);
  body["code"] = code;
  return body;
}

nlohmann::json unauthorized() {
  return failure(401, "Unauthorized", "Unauthorized");
}

nlohmann::json forbidden(const ResourceType& type, const std::string& verb, const std::string& ns,
                         const std::string& name) {
  std::string subject = type.key();
  if (!name.empty()) subject += " \"" + name + "\"";
  const std::string scope = ns.empty() ? "at the cluster scope" : "in the namespace \"" + ns + "\"";
  nlohmann::json details{{"kind", type.plural}};
  if (!type.group.empty()) details["group"] = type.group;
  if (!name.empty()) details["name"] = name;
  return failure(403, "Forbidden",
                 subject +
                     " is forbidden: User \"system:serviceaccount:kubecensus:kubecensus-agent\" cannot " +
                     verb + " resource \"" + type.plural + "\" in API group \"" + type.group + "\" " + scope,
                 details);
}

nlohmann::json notFound(const ResourceType& type, const std::string& name) {
  nlohmann::json details{{"name", name}, {"kind", type.plural}};
  if (!type.group.empty()) details["group"] = type.group;
  return failure(404, "NotFound", type.key() + " \"" + name + "\" not found", details);
}

nlohmann::json noSuchPath() {
  return failure(404, "NotFound", "the server could not find the requested resource",
                 nlohmann::json::object());
}

nlohmann::json expired() {
  return failure(
      410, "Expired",
      "The provided continue parameter is too old to display a consistent list result. You can start a "
      "new list without the continue parameter.");
}

nlohmann::json badRequest(const std::string& message) {
  return failure(400, "BadRequest", message);
}

nlohmann::json methodNotAllowed(const std::string& method) {
  return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
                 {{"causes", {{{"message", method + " is not supported by the test API server"}}}}});
}

nlohmann::json notAcceptable() {
  return failure(406, "NotAcceptable",
                 "the server was unable to respond with a content type that the client supports");
}

nlohmann::json internalError(const std::string& message) {
  return failure(500, "InternalError", "Internal error occurred: " + message,
                 {{"causes", {{{"message", message}}}}});
}

}  // namespace kctest::apiserver::status
