// The collector's routes without a socket: an HttpRequest in, the answer out (dispatch()).
#include <catch2/catch.hpp>

#include <future>

#include <Poco/Base64Encoder.h>
#include <nlohmann/json.hpp>

#include "access_control.h"
#include "accounts.h"
#include "collector_routes.h"
#include "ingestor.h"
#include "kubecensus/util/logger.h"
#include "metrics.h"
#include "server_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using namespace kubecensus::server;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct Routes {
  Logger log{"test", LogLevel::Error};
  Metrics metrics;
  kctest::GateStorage* storage = nullptr;
  std::unique_ptr<Ingestor> ingestor;
  std::unique_ptr<AccessControl> access;
  std::vector<Route> routes;
  DispatchContext context{log, &metrics};  // outlives every answer, as the front end's does

  explicit Routes(AccessSettings accessSettings = {}, ApiSettings api = {}) {
    auto owned = std::make_unique<kctest::GateStorage>();
    storage = owned.get();
    std::vector<NamedStorage> storages;
    storages.push_back({"storage.gate", PluginHandle<Storage>(nullptr, std::move(owned))});
    IngestSettings ingest;
    ingest.healthInterval = 20ms;
    ingestor = std::make_unique<Ingestor>(std::move(storages), log, &metrics, ingest);
    access = std::make_unique<AccessControl>(std::move(accessSettings));
    routes = collectorRoutes(*ingestor, api, {}, metrics, *access);
  }
  ~Routes() { storage->open(); }

  HttpResponse call(const std::string& method, const std::string& path, std::string body = {},
                    HeaderList headers = {}) {
    HttpRequest request;
    request.method = method;
    request.target = request.path = path;
    request.peer = "192.0.2.7";
    request.headers = std::move(headers);
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
    auto answer = std::make_shared<std::promise<HttpResponse>>();
    auto future = answer->get_future();
    dispatch(routes, std::move(request), [answer](HttpResponse response) { answer->set_value(std::move(response)); },
             context);
    return kctest::awaitOrFail(future, method + " " + path + " answered");
  }
};

std::string nativeReport(const std::string& id, const std::string& account = "") {
  json report = {{"schema", "kubecensus.report/v2"}, {"reportID", id},
                 {"clusterID", "c0ffee00-0000-4000-8000-000000000001"}};
  if (!account.empty()) report["accountID"] = account;
  return report.dump();
}

std::string basic(const std::string& credentials) {
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder << credentials;
  encoder.close();
  return "Basic " + encoded.str();
}

}  // namespace

TEST_CASE("routes: unknown paths are 404, other methods 405 with Allow, both as JSON", "[routes]") {
  Routes r;
  HttpResponse missing = r.call("GET", "/etc/passwd");
  CHECK(missing.status == 404);
  CHECK(json::parse(missing.body)["error"]["code"] == 404);
  HttpResponse wrong = r.call("PUT", "/healthz");
  CHECK(wrong.status == 405);
  const auto allow = std::find_if(wrong.headers.begin(), wrong.headers.end(),
                                  [](const auto& h) { return h.first == "Allow"; });
  REQUIRE(allow != wrong.headers.end());
  CHECK(allow->second == "GET");
}

TEST_CASE("routes: a native report is acknowledged with its ID after its commit", "[routes]") {
  Routes r;
  HttpResponse answer = r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000001"));
  INFO(answer.body);
  CHECK(answer.status == 202);
  CHECK(json::parse(answer.body)["reportIDs"][0] == "a0a0a0a0-0000-4000-8000-000000000001");
  CHECK(r.storage->stored() == 1);
}

TEST_CASE("routes: a storage that hangs gets 503 with Retry-After at the commit deadline", "[routes]") {
  ApiSettings api;
  api.commitTimeout = 100ms;
  Routes r({}, api);
  r.storage->close();
  HttpResponse answer = r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000002"));
  CHECK(answer.status == 503);
  CHECK(std::any_of(answer.headers.begin(), answer.headers.end(),
                    [](const auto& h) { return h.first == "Retry-After"; }));
  // The probes answer from what the monitor saw, at once, while the storage still hangs.
  kctest::eventuallyOrFail([&] { return r.call("GET", "/readyz").status == 503; }, "/readyz turning 503");
  CHECK(r.call("GET", "/healthz").status == 503);
}

TEST_CASE("routes: /healthz and /readyz name storages, never their error text", "[routes]") {
  Routes r;
  r.storage->setHealth(false, "could not connect to host=db.internal user=kubecensus");
  kctest::eventuallyOrFail([&] { return r.call("GET", "/healthz").status == 503; }, "/healthz turning 503");
  for (const char* path : {"/healthz", "/readyz"}) {
    HttpResponse answer = r.call("GET", path);
    INFO(path << ": " << answer.body);
    CHECK(answer.body.find("storage.gate") != std::string::npos);
    CHECK(answer.body.find("db.internal") == std::string::npos);
  }
}

TEST_CASE("routes: the stored account is the authenticated one", "[routes][security]") {
  SECTION("without authentication an account a client names is not kept") {
    Routes r;
    CHECK(r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000003", "acme")).status ==
          202);
    CHECK(r.storage->lastAccount() == "(none)");
  }
  SECTION("HTTP Basic as one account and a body naming another: 403") {
    kctest::TempDir dir;
    Accounts accounts(dir.file("accounts.db"));
    const std::string secret = accounts.add("acme");
    AccessSettings settings;
    settings.accounts = &accounts;
    Routes r(settings);
    const HeaderList auth = {{"Authorization", basic("acme:" + secret)}};
    HttpResponse forged =
        r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000004", "other"), auth);
    INFO(forged.body);
    CHECK(forged.status == 403);
    CHECK(json::parse(forged.body)["error"]["field"] == "accountID");
    CHECK(r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000005", "acme"), auth)
              .status == 202);
    CHECK(r.storage->lastAccount() == "acme");
    CHECK(r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000006"), auth).status ==
          202);
    CHECK(r.storage->lastAccount() == "acme");  // the authenticated account, though the body named none
    CHECK(r.storage->stored() == 2);
  }
}

TEST_CASE("routes: X-Forwarded-For from a trusted proxy is read over every line, from the right",
          "[routes][security]") {
  ApiSettings api;
  api.trustedProxies = TrustedProxies({"192.0.2.7"});
  api.addressPolicy = AddressPolicy::Full;
  AccessSettings settings;
  settings.ratePerSecond = 0.001;  // one request per address, then 429 naming the address
  settings.burst = 1;
  Routes r(settings, api);
  // The client forged the first line; the proxy appended the address it saw in the second.
  const HeaderList forwarded = {{"X-Forwarded-For", "203.0.113.99"}, {"X-Forwarded-For", "198.51.100.5"}};
  CHECK(r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000007"), forwarded).status ==
        202);
  HttpResponse limited =
      r.call("POST", "/api/v2/reports", nativeReport("a0a0a0a0-0000-4000-8000-000000000008"), forwarded);
  CHECK(limited.status == 429);
  CHECK(limited.body.find("198.51.100.5") != std::string::npos);
}
