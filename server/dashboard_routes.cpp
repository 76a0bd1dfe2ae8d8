// GET / and the dashboard's assets (server/dashboard/), served from the binary.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "dashboard_routes.h"
#include "embedded_files.h"
#include "kubecensus/util/hmac.h"

namespace kubecensus::server {
namespace {

std::string contentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

void serve(const EmbeddedFile& file, const std::string& etag, Poco::Net::HTTPServerRequest& request,
           Poco::Net::HTTPServerResponse& response) {
  // Everything comes from this server; the page runs no inline script and loads nothing else.
  response.set(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cache-Control", "no-cache");  // revalidated with the ETag: a new collector, new assets
  response.set("ETag", etag);
  if (request.get("If-None-Match", "") == etag) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    response.send();
    return;
  }
  response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(contentTypeOf(file.name));
  response.setContentLength(static_cast<std::streamsize>(file.size));
  response.send().write(file.data, static_cast<std::streamsize>(file.size));
}

}  // namespace

std::vector<Route> dashboardRoutes() {
  std::vector<Route> routes;
  for (const EmbeddedFile& file : embeddedFiles()) {
    const std::string etag = "\"" + sha256Hex(std::string_view(file.data, file.size)).substr(0, 16) + "\"";
    const std::string path = file.name == "index.html" ? "/" : "/" + std::string(file.name);
    routes.push_back(
        {"GET", path, [&file, etag](Poco::Net::HTTPServerRequest& q, Poco::Net::HTTPServerResponse& r) {
           serve(file, etag, q, r);
         }});
  }
  return routes;
}

}  // namespace kubecensus::server
