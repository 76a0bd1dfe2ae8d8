#include "api_request_handler.h"

#include <chrono>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/StreamCopier.h>

#include "access_review.h"
#include "api_status.h"
#include "continue_token.h"
#include "list_writer.h"
#include "response_format.h"

namespace kctest::apiserver {

using nlohmann::json;

struct ApiRequestHandler::Target {
  const ResourceType* type = nullptr;
  std::string ns;    // namespace of a namespaced request, "" otherwise
  std::string name;  // "" for a list
  Poco::URI::QueryParameters query;
};

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::string::size_type start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string parameter(const Poco::URI::QueryParameters& query, const std::string& name) {
  for (const auto& [key, value] : query)
    if (key == name) return value;
  return "";
}

std::int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void ApiRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) {
  int status = 500;
  try {
    status = route(request, response);
  } catch (const std::exception& e) {
    if (!response.sent()) status = send(response, 500, status::internalError(e.what()));
  }
  context_.accessLog.record(request.getMethod(), request.getURI(), request.get("Accept", ""), status);
}

int ApiRequestHandler::send(Poco::Net::HTTPServerResponse& response, int status, const json& body,
                            const std::string& contentType) {
  const std::string text = body.dump();
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(contentType);
  response.set("Cache-Control", "no-cache, private");
  response.setContentLength(static_cast<std::streamsize>(text.size()));
  response.send() << text;
  return status;
}

bool ApiRequestHandler::authenticated(Poco::Net::HTTPServerRequest& request) const {
  const std::string& token = context_.options.token;
  if (!token.empty() && request.get("Authorization", "") == "Bearer " + token) return true;
  if (context_.options.clientCa.empty()) return false;
  // OpenSSL verified the certificate against --client-ca during the handshake.
  auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
  Poco::Net::SecureStreamSocket socket(impl.socket());
  return socket.havePeerCertificate();
}

int ApiRequestHandler::route(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  if (!authenticated(request)) return send(response, 401, status::unauthorized());

  const Poco::URI uri(request.getURI());
  const std::vector<std::string> parts = segments(uri.getPath());
  const std::string& method = request.getMethod();
  const Discovery& discovery = context_.discovery;

  if (parts.size() == 1 && (parts[0] == "healthz" || parts[0] == "readyz" || parts[0] == "livez")) {
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(2);
    response.send() << "ok";
    return 200;
  }
  if (parts.size() == 1 && parts[0] == "version")
    return method == "GET" ? send(response, 200, context_.data.version())
                           : send(response, 405, status::methodNotAllowed(method));
  if (parts.size() == 4 && parts[0] == "apis" && parts[1] == "authorization.k8s.io" && parts[2] == "v1" &&
      parts[3] == "selfsubjectaccessreviews")
    return method == "POST" ? reviewAccess(request, response)
                            : send(response, 405, status::methodNotAllowed(method));

  // Discovery: /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>.
  if (!parts.empty() && (parts[0] == "api" || parts[0] == "apis")) {
    const bool core = parts[0] == "api";
    std::optional<json> doc;
    if (parts.size() == 1)
      doc = core ? discovery.apiVersions(request.getHost()) : discovery.apiGroupList();
    else if (!core && parts.size() == 2)
      doc = discovery.apiGroup(parts[1]);
    else if (core && parts.size() == 2)
      doc = discovery.apiResourceList("", parts[1]);
    else if (!core && parts.size() == 3)
      doc = discovery.apiResourceList(parts[1], parts[2]);
    if (doc)
      return method == "GET" ? send(response, 200, *doc)
                             : send(response, 405, status::methodNotAllowed(method));
  }

  // Resources: <prefix>/<plural>[/<name>] and <prefix>/namespaces/<ns>/<plural>[/<name>].
  const std::size_t prefix = !parts.empty() && parts[0] == "api" ? 2 : 3;
  if (parts.size() <= prefix || (parts[0] != "api" && parts[0] != "apis"))
    return send(response, 404, status::noSuchPath());
  const std::string group = parts[0] == "api" ? "" : parts[1];
  const std::string version = parts[prefix - 1];
  std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(prefix), parts.end());
  Target target;
  target.query = uri.getQueryParameters();
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    target.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
    target.type = context_.catalog.byPath(group, version, rest[0]);
    if (target.type && !target.type->namespaced) target.type = nullptr;
  } else {
    target.type = context_.catalog.byPath(group, version, rest[0]);
  }
  if (!target.type || rest.size() > 2 || target.type->plural == "selfsubjectaccessreviews" ||
      (rest.size() == 2 && target.type->namespaced && target.ns.empty()))
    return send(response, 404, status::noSuchPath());
  if (rest.size() == 2) target.name = rest[1];
  if (method != "GET") return send(response, 405, status::methodNotAllowed(method));
  return serveResource(request, response, target);
}

int ApiRequestHandler::serveResource(Poco::Net::HTTPServerRequest& request,
                                     Poco::Net::HTTPServerResponse& response, const Target& target) {
  const ResourceType& type = *target.type;
  const bool list = target.name.empty();
  if (context_.options.forbidden.count(type.key()))
    return send(response, 403, status::forbidden(type, list ? "list" : "get", target.ns, target.name));
  const std::string watch = parameter(target.query, "watch");
  if (watch == "true" || watch == "1")
    return send(response, 400, status::badRequest("watch is not supported by the test API server"));
  for (const char* selector : {"labelSelector", "fieldSelector"})
    if (!parameter(target.query, selector).empty())
      return send(response, 400,
                  status::badRequest(std::string(selector) + " is not supported by the test API server"));
  return list ? serveList(request, response, target) : serveObject(request, response, target);
}

int ApiRequestHandler::serveObject(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response, const Target& target) {
  auto format =
      ResponseFormat::negotiate(request.get("Accept", ""), false, !context_.options.noMetadataLists);
  if (!format) return send(response, 406, status::notAcceptable());
  auto object = context_.data.objects(*target.type).find(target.ns, target.name);
  if (!object) return send(response, 404, status::notFound(*target.type, target.name));
  const std::int64_t now = nowMillis() / 1000;
  ListWriter writer(*target.type, *format, parameter(target.query, "includeObject"), now);
  return send(response, 200, writer.single(*object), format->contentType(false));
}

int ApiRequestHandler::serveList(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response, const Target& target) {
  const ResourceType& type = *target.type;
  auto format = ResponseFormat::negotiate(request.get("Accept", ""), true, !context_.options.noMetadataLists);
  if (!format) return send(response, 406, status::notAcceptable());
  const auto fault = injectedFault(type.key());
  if (fault == ServerOptions::Fault::Status500)
    return send(response, 500, status::internalError("injected by --fail-after-pages"));
  if (fault == ServerOptions::Fault::Slow)
    std::this_thread::sleep_for(std::chrono::milliseconds(context_.options.faultDelayMillis));

  std::uint64_t limit = 0;
  if (const std::string text = parameter(target.query, "limit"); !text.empty()) {
    try {
      const long long value = std::stoll(text);
      limit = value > 0 ? static_cast<std::uint64_t>(value) : 0;
    } catch (const std::exception&) {
      return send(response, 400, status::badRequest("limit: invalid value '" + text + "'"));
    }
  }

  const std::int64_t now = nowMillis();
  ContinueToken position{type.key(), target.ns, 0, context_.data.resourceVersion(), now};
  if (const std::string text = parameter(target.query, "continue"); !text.empty()) {
    auto token = ContinueToken::decode(text);
    if (!token || token->resource != type.key() || token->ns != target.ns)
      return send(response, 400,
                  status::badRequest("continue key is not valid: it does not belong to this list"));
    if (now - token->snapshotMillis >= context_.options.continueTtlSeconds * 1000)
      return send(response, 410, status::expired());
    position = *token;
  }

  const ObjectCollection& objects = context_.data.objects(type);
  const std::size_t total = objects.count(target.ns);
  ListPage page;
  page.start = std::min<std::size_t>(position.position, total);
  page.count = limit > 0 ? std::min<std::size_t>(limit, total - page.start) : total - page.start;
  page.resourceVersion = std::to_string(position.resourceVersion);
  if (page.start + page.count < total) {
    ContinueToken next = position;
    next.position = page.start + page.count;
    page.continueToken = next.encode();
    page.remainingItemCount = total - page.start - page.count;
  }

  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(format->contentType(true));
  response.set("Cache-Control", "no-cache, private");
  response.setChunkedTransferEncoding(true);
  ListWriter writer(type, *format, parameter(target.query, "includeObject"), now / 1000);
  if (fault == ServerOptions::Fault::Garbage || fault == ServerOptions::Fault::Truncated) {
    std::ostringstream whole;
    writer.writeList(whole, objects, target.ns, page);
    const std::string text = whole.str();
    std::ostream& out = response.send();
    out << text.substr(0, text.size() / 2);
    if (fault == ServerOptions::Fault::Truncated) {
      out.flush();  // the first half on the wire, then the connection ends without the last chunk
      static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().shutdown();
      return 200;
    }
    out << "<html>502 Bad Gateway</html>";  // a proxy's error page where the page went on
    return 200;
  }
  writer.writeList(response.send(), objects, target.ns, page);
  return 200;
}

std::optional<ServerOptions::Fault> ApiRequestHandler::injectedFault(const std::string& resource) {
  const ServerOptions& options = context_.options;
  if (!options.faultResource.empty() && resource != options.faultResource) return std::nullopt;
  if (!options.failAfterPages || context_.pagesServed.fetch_add(1) < *options.failAfterPages)
    return std::nullopt;
  if (options.faultCount && context_.faultsInjected.fetch_add(1) >= *options.faultCount) return std::nullopt;
  return options.fault;
}

int ApiRequestHandler::reviewAccess(Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response) {
  std::string body;
  Poco::StreamCopier::copyToString(request.stream(), body);
  auto review = AccessReview::parse(body, request.getContentType());
  if (!review)
    return send(response, 400, status::badRequest("the request body is not a SelfSubjectAccessReview"));
  const std::string key = review->resourceKey();
  const bool allowed = key.empty() || !context_.options.forbidden.count(key);
  return send(response, 201, review->answer(allowed, allowed ? "" : "forbidden by --forbid " + key));
}

}  // namespace kctest::apiserver
