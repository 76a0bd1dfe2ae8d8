// GET / and the dashboard's assets (server/dashboard/), served from the binary.
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

HttpResponse serve(const EmbeddedFile& file, const std::string& etag, const HttpRequest& request) {
  HttpResponse response;
  // Everything comes from this server; the page runs no inline script and loads nothing else.
  response.set(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cache-Control", "no-cache");  // revalidated with the ETag: a new collector, new assets
  response.set("ETag", etag);
  if (request.header("If-None-Match") == etag) {
    response.status = 304;
    return response;
  }
  response.contentType = contentTypeOf(file.name);
  response.body.assign(file.data, file.size);
  return response;
}

}  // namespace

std::vector<Route> dashboardRoutes() {
  std::vector<Route> routes;
  for (const EmbeddedFile& file : embeddedFiles()) {
    const std::string etag = "\"" + sha256Hex(std::string_view(file.data, file.size)).substr(0, 16) + "\"";
    const std::string path = file.name == "index.html" ? "/" : "/" + std::string(file.name);
    routes.push_back({"GET", path, answerNow([&file, etag](HttpRequest& q) { return serve(file, etag, q); })});
  }
  return routes;
}

}  // namespace kubecensus::server
