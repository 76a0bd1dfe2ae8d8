// The collector's HTTP API through the real binary: what it stores, and how it refuses.
#include <Poco/Base64Encoder.h>
#include <Poco/DeflatingStream.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "collector_fixture.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/version.h"

using namespace kctest;
using nlohmann::json;

namespace {

constexpr const char* kNative = "kubecensus.report/v2";

// Checks the shape every error answer has and returns its "error" object.
json errorOf(const HttpAnswer& answer, int status) {
  INFO("HTTP " << answer.status << ": " << answer.body);
  CHECK(answer.status == status);
  CHECK(answer.header("Content-Type") == "application/json");
  json body = json::parse(answer.body);  // throws, failing the test, if it is not JSON
  REQUIRE(body.is_object());
  REQUIRE(body.contains("error"));
  const json& error = body["error"];
  CHECK(error["code"] == status);
  REQUIRE(error["message"].is_string());
  CHECK_FALSE(error["message"].get<std::string>().empty());
  return error;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool contains(const json& text, const std::string& needle) {
  return text.is_string() && contains(text.get<std::string>(), needle);
}

}  // namespace

TEST_CASE("a Spartakus v1 record posted to /api/v1 is stored once however often it is sent") {
  Collector collector;
  const std::string seed = fixture("seeds/spartakus-v1.json");

  const auto before = nowMicros();
  HttpAnswer first = collector.post("/api/v1", seed);
  const auto after = nowMicros();
  INFO(first.body);
  CHECK(first.status == 204);
  CHECK(first.body.empty());

  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  const StoredReport stored = rows[0];
  CHECK(stored.receivedAs == "spartakus-v1");
  CHECK(stored.receivedFrom == "127.0.0.0");  // the /24 kept by default
  CHECK(stored.receivedAt >= before);
  CHECK(stored.receivedAt <= after);
  CHECK(stored.clusterID == "2f9c93d3-156c-47aa-8802-578ffca9b50e");
  CHECK(stored.masterVersion == std::optional<std::string>("v1.3.5"));
  CHECK(stored.generatedAt == std::optional<std::int64_t>(867530909031976));  // µs, as in the seed
  CHECK(stored.nodeCount == 2);
  CHECK(stored.reportID.size() == 36);
  CHECK(stored.reportID[14] == '5');  // derived from the content: a name-based (v5) UUID
  json report = json::parse(stored.report);
  CHECK(report["receivedAs"] == "spartakus-v1");
  CHECK(report["receivedFrom"] == "127.0.0.0");
  CHECK(report["agent"]["version"] == "v1.0.0");
  CHECK(report["nodes"][1]["id"] == "5b919a15947b0680277acddf68d4b7aa");

  // A retry is accepted the same way and changes nothing.
  HttpAnswer second = collector.post("/api/v1", seed);
  CHECK(second.status == 204);
  rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].reportID == stored.reportID);
  CHECK(rows[0].receivedAt == stored.receivedAt);
}

TEST_CASE("the tectonic README example (with its trailing comma) is stored without its account secret") {
  Collector collector;
  const std::string seed = fixture("seeds/tectonic.json");
  const std::string secret = "dhaowd2n3ngsj3d-9";
  REQUIRE(contains(seed, secret));
  REQUIRE(contains(seed, "\"1437174715\",\n  },"));  // the verbatim example, trailing comma and all

  const auto before = nowMicros();
  HttpAnswer answer = collector.post("/api/v1", seed);
  const auto after = nowMicros();
  INFO(answer.body);
  CHECK(answer.status == 204);

  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].receivedAs == "tectonic");
  CHECK(rows[0].receivedFrom == "127.0.0.0");  // the /24 kept by default
  CHECK(rows[0].receivedAt >= before);
  CHECK(rows[0].receivedAt <= after);
  CHECK(rows[0].clusterID == "612e0f99-1912-4647-831d-ba4c3d918b66");
  CHECK(rows[0].nodeCount == 1);
  // With auth = none nobody proved the account the payload names: it is not kept (auth = account
  // stores the authenticated one).
  CHECK_FALSE(json::parse(rows[0].report).contains("accountID"));
  CHECK_FALSE(contains(rows[0].report, secret));

  // Every byte SQLite keeps (the main file and, if still there, its WAL and shared memory),
  // after a clean shutdown has checkpointed the WAL into the main file.
  REQUIRE(collector.stop() == 0);
  std::string bytes;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::string path = collector.dbPath() + suffix;
    if (std::filesystem::exists(path)) bytes += readFile(path);
  }
  CHECK(contains(bytes, "612e0f99-1912-4647-831d-ba4c3d918b66"));  // the scan sees stored text
  CHECK_FALSE(contains(bytes, secret));
}

TEST_CASE("malformed JSON is answered 400 with the line and column and nothing is stored") {
  Collector collector;
  const std::string broken = "{\n  \"schema\": \"kubecensus.report/v2\",\n  \"reportID\": oops\n}";

  json native = errorOf(collector.post("/api/v2/reports", broken), 400);
  CHECK(contains(native["message"], "line 3, column"));
  CHECK_FALSE(native.contains("field"));

  json legacy = errorOf(collector.post("/api/v1", broken), 400);
  CHECK(contains(legacy["message"], "line 3, column"));

  // The native endpoint is strict: the trailing comma /api/v1 tolerates is an error here,
  // reported at the comma itself (line 5 of the tectonic example, column 33).
  json strict = errorOf(collector.post("/api/v2/reports", fixture("seeds/tectonic.json")), 400);
  CHECK(contains(strict["message"], "line 5, column 33"));
  CHECK(contains(strict["message"], "trailing comma"));

  CHECK(collector.reports().empty());
}

TEST_CASE("a Content-Type other than application/json is answered 415") {
  Collector collector;
  const std::string report = nativeReport("11111111-1111-4111-8111-111111111111");

  json wrong = errorOf(collector.post("/api/v2/reports", report, "text/plain"), 415);
  CHECK(contains(wrong["message"], "application/json"));
  CHECK(contains(wrong["message"], "text/plain"));
  errorOf(collector.post("/api/v1", fixture("seeds/spartakus-v1.json"), "application/x-www-form-urlencoded"),
          415);
  errorOf(collector.post("/api/v2/reports", report, ""), 415);  // no Content-Type at all
  CHECK(collector.reports().empty());

  // The same body with the right type is accepted: the type was the only problem.
  CHECK(collector.post("/api/v2/reports", report, "application/json; charset=utf-8").status == 202);
  CHECK(collector.reports().size() == 1);
}

TEST_CASE("a body over collector.max_body_size is answered 413 with Content-Length or chunked") {
  Collector collector({"--set", "collector.max_body_size=1KiB"});
  const std::string big = nativeReport("22222222-2222-4222-8222-222222222222", 3000);
  const std::string bigChunked = nativeReport("33333333-3333-4333-8333-333333333333", 3000);
  const std::string small = nativeReport("44444444-4444-4444-8444-444444444444");
  REQUIRE(big.size() > 1024);
  REQUIRE(small.size() < 1024);

  json declared = errorOf(httpRequest(collector.port(), {"POST", "/api/v2/reports", big}), 413);
  CHECK(contains(declared["message"], "1024 bytes"));
  errorOf(httpRequest(collector.port(), {"POST", "/api/v1", fixture("seeds/spartakus-v1.json")}), 413);
  json chunked = errorOf(
      httpRequest(collector.port(), {"POST", "/api/v2/reports", bigChunked, "application/json", true}), 413);
  CHECK(contains(chunked["message"], "1024 bytes"));

  // A chunked body under the limit is read and accepted: the size was the only problem.
  HttpAnswer accepted =
      httpRequest(collector.port(), {"POST", "/api/v2/reports", small, "application/json", true});
  INFO(accepted.body);
  CHECK(accepted.status == 202);
  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].reportID == "44444444-4444-4444-8444-444444444444");
}

TEST_CASE(
    "gzip bodies are inflated up to max_decompressed_size, bombs, broken gzip and other encodings are "
    "refused") {
  Collector collector(
      {"--set", "collector.max_body_size=64KiB", "--set", "collector.max_decompressed_size=256KiB"});
  auto gzip = [](const std::string& text) {
    std::ostringstream out;
    Poco::DeflatingOutputStream deflating(out, Poco::DeflatingStreamBuf::STREAM_GZIP);
    deflating << text;
    deflating.close();
    return out.str();
  };
  const std::string report = nativeReport("55555555-5555-4555-8555-555555555555", 200);
  HttpRequestSpec compressed{"POST", "/api/v2/reports", gzip(report)};
  compressed.contentEncoding = "gzip";
  HttpAnswer stored = httpRequest(collector.port(), compressed);
  INFO(stored.body);
  CHECK(stored.status == 202);

  // 64 MiB of spaces around a report gzip to about 64 KiB: refused at 256 KiB inflated.
  HttpRequestSpec bomb{"POST", "/api/v2/reports", gzip(std::string(64 << 20, ' ') + report)};
  bomb.contentEncoding = "gzip";
  REQUIRE(bomb.body->size() < 64 * 1024);
  json bombed = errorOf(httpRequest(collector.port(), bomb), 413);
  CHECK(contains(bombed["message"], "inflates to more than the limit of 262144 bytes"));

  HttpRequestSpec broken{"POST", "/api/v2/reports", gzip(report).substr(0, 40)};
  broken.contentEncoding = "gzip";
  CHECK(contains(errorOf(httpRequest(collector.port(), broken), 400)["message"], "not valid gzip"));

  HttpRequestSpec brotli{"POST", "/api/v2/reports", report};
  brotli.contentEncoding = "br";
  CHECK(contains(errorOf(httpRequest(collector.port(), brotli), 415)["message"], "Content-Encoding 'br'"));

  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].reportID == "55555555-5555-4555-8555-555555555555");
}

TEST_CASE("a connection stays usable after a request was refused before its body was read") {
  Collector collector({"--set", "collector.max_body_size=1KiB"});
  const std::string big = nativeReport("55555555-5555-4555-8555-555555555555", 3000);
  Poco::Net::HTTPClientSession session("127.0.0.1", collector.port());
  session.setTimeout(Poco::Timespan(5, 0));
  session.setKeepAlive(true);

  // The refused body must not be read as the next request on the same connection.
  CHECK(send(session, {"POST", "/api/v2/reports", big}).status == 413);
  CHECK(send(session, {"GET", "/healthz", std::nullopt}).status == 200);
  CHECK(send(session, {"POST", "/api/v2/reports", big, "application/json", true}).status == 413);
  CHECK(send(session, {"GET", "/healthz", std::nullopt}).status == 200);
  CHECK(send(session, {"POST", "/api/v2/reports", big.substr(0, 900) + "}", "text/plain"}).status == 415);
  CHECK(send(session, {"GET", "/healthz", std::nullopt}).status == 200);
  CHECK(send(session, {"POST", "/nowhere", std::string(900, 'x')}).status == 404);
  CHECK(send(session, {"GET", "/healthz", std::nullopt}).status == 200);
  // An error after the whole body was read leaves nothing behind either.
  CHECK(send(session, {"POST", "/api/v2/reports", "{\"x\": 1}"}).status == 422);
  CHECK(send(session, {"GET", "/version", std::nullopt}).status == 200);
  CHECK(collector.reports().empty());
}

TEST_CASE("unknown paths are answered 404 and wrong methods 405 with Allow") {
  Collector collector;

  json missing = errorOf(collector.get("/api/v3/reports"), 404);
  CHECK(contains(missing["message"], "/api/v3/reports"));
  errorOf(collector.post("/reports", nativeReport("66666666-6666-4666-8666-666666666666")), 404);

  HttpAnswer getLegacy = collector.get("/api/v1");
  errorOf(getLegacy, 405);
  CHECK(getLegacy.header("Allow") == "POST");
  HttpAnswer getReports = collector.get("/api/v2/reports");
  errorOf(getReports, 405);
  CHECK(getReports.header("Allow") == "POST");
  HttpAnswer postHealth = collector.post("/healthz", "{}");
  errorOf(postHealth, 405);
  CHECK(postHealth.header("Allow") == "GET");

  CHECK(collector.reports().empty());
}

TEST_CASE("a native report that breaks the schema is answered 422 naming the field") {
  Collector collector;
  json report = json::parse(nativeReport("77777777-7777-4777-8777-777777777777"));

  json wrongType = report;
  wrongType["nodes"][0]["capacity"] = "lots";
  json error = errorOf(collector.post("/api/v2/reports", wrongType.dump()), 422);
  CHECK(error["field"] == "nodes[0].capacity");
  CHECK(contains(error["message"], "must be an array"));

  json unknownKey = report;
  unknownKey["hostname"] = "build-7.example.com";
  CHECK(errorOf(collector.post("/api/v2/reports", unknownKey.dump()), 422)["field"] == "hostname");

  json badID = report;
  badID["reportID"] = "not-a-uuid";
  CHECK(errorOf(collector.post("/api/v2/reports", badID.dump()), 422)["field"] == "reportID");

  // One bad report in a batch refuses the whole batch, naming its index.
  json batch = json::array({json::parse(nativeReport("88888888-8888-4888-8888-888888888888")), wrongType});
  CHECK(errorOf(collector.post("/api/v2/reports", batch.dump()), 422)["field"] == "[1].nodes[0].capacity");

  // A Spartakus record without its clusterID, on the legacy endpoint.
  json spartakus = json::parse(fixture("seeds/spartakus-v1.json"));
  spartakus.erase("clusterID");
  CHECK(errorOf(collector.post("/api/v1", spartakus.dump()), 422)["field"] == "clusterID");

  CHECK(collector.reports().empty());
  // The report itself was fine: with the field right it is stored.
  CHECK(collector.post("/api/v2/reports", report.dump()).status == 202);
  CHECK(collector.reports().size() == 1);
}

TEST_CASE("/api/v2/reports takes an array of native reports and counts duplicates") {
  Collector collector;
  const std::vector<std::string> ids{"aaaaaaaa-0000-4000-8000-000000000001",
                                     "aaaaaaaa-0000-4000-8000-000000000002",
                                     "aaaaaaaa-0000-4000-8000-000000000003"};
  json batch = json::array();
  for (const auto& id : ids) batch.push_back(json::parse(nativeReport(id)));

  HttpAnswer first = collector.post("/api/v2/reports", batch.dump());
  INFO(first.body);
  REQUIRE(first.status == 202);
  CHECK(first.header("Content-Type") == "application/json");
  json answer = json::parse(first.body);
  CHECK(answer["accepted"] == 3);
  CHECK(answer["duplicates"] == 0);
  CHECK(answer["reportIDs"] == json(ids));

  HttpAnswer again = collector.post("/api/v2/reports", batch.dump());
  REQUIRE(again.status == 202);
  json repeated = json::parse(again.body);
  CHECK(repeated["accepted"] == 0);
  CHECK(repeated["duplicates"] == 3);

  auto rows = collector.reports();
  REQUIRE(rows.size() == 3);
  std::vector<std::string> stored;
  for (const auto& row : rows) {
    stored.push_back(row.reportID);
    CHECK(row.receivedAs == kNative);
    CHECK(row.receivedFrom == "127.0.0.0");  // the /24 kept by default
    CHECK(row.nodeCount == 1);
  }
  std::sort(stored.begin(), stored.end());
  CHECK(stored == ids);
}

TEST_CASE("/healthz and /version answer JSON") {
  Collector collector;

  HttpAnswer health = collector.get("/healthz");
  REQUIRE(health.status == 200);
  CHECK(health.header("Content-Type") == "application/json");
  json status = json::parse(health.body);
  CHECK(status["status"] == "ok");
  REQUIRE(status["storages"].size() == 1);
  CHECK(status["storages"][0]["name"] == "storage.sqlite");
  CHECK(status["storages"][0]["ok"] == true);

  HttpAnswer version = collector.get("/version");
  REQUIRE(version.status == 200);
  CHECK(version.header("Content-Type") == "application/json");
  json about = json::parse(version.body);
  CHECK(about["name"] == "kubecensus-collector");
  CHECK(about["version"] == kubecensus::kVersion);
  CHECK(about["formats"] == json({kNative, "spartakus-v1", "tectonic"}));
  RunResult cli = run(collectorBinary(), {"--version"});
  CHECK(contains(cli.output, std::string("kubecensus-collector ") + kubecensus::kVersion));
}

TEST_CASE("the collector stops cleanly on SIGTERM") {
  Collector collector;
  REQUIRE(collector.get("/healthz").status == 200);
  const auto started = std::chrono::steady_clock::now();
  CHECK(collector.stop() == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK(contains(collector.log(), "stopped"));
}

TEST_CASE("a collector that cannot open its database fails at start with exit 1 naming the path") {
  TempDir dir;
  const std::string regular = dir.write("not-a-directory", "a regular file\n");
  const std::string database = regular + "/k.db";

  RunResult result = run(collectorBinary(), {"--listen", "127.0.0.1:0", "--database", "sqlite:" + database},
                         {}, std::chrono::seconds(10));
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(contains(result.output, database));
  CHECK_FALSE(contains(result.output, "listening on"));
}

TEST_CASE("/metrics counts requests, reports and latency in Prometheus' text format") {
  Collector collector;
  const std::string report = nativeReport("66666666-6666-4666-8666-666666666666");
  CHECK(collector.post("/api/v2/reports", report).status == 202);
  CHECK(collector.post("/api/v2/reports", report).status == 202);
  CHECK(collector.get("/no/such/thing").status == 404);
  CHECK(collector.post("/api/v1", fixture("seeds/spartakus-v1.json")).status == 204);
  HttpAnswer metrics = collector.get("/metrics");
  INFO(metrics.body);
  CHECK(metrics.status == 200);
  CHECK(contains(metrics.header("Content-Type"), "text/plain; version=0.0.4"));
  CHECK(contains(metrics.body, "# TYPE kubecensus_collector_requests_total counter"));
  CHECK(contains(
      metrics.body,
      "kubecensus_collector_requests_total{route=\"/api/v2/reports\",method=\"POST\",status=\"202\"} 2\n"));
  CHECK(
      contains(metrics.body,
               "kubecensus_collector_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"));
  CHECK(contains(
      metrics.body,
      "kubecensus_collector_reports_total{format=\"kubecensus.report/v2\",outcome=\"accepted\"} 1\n"));
  CHECK(contains(
      metrics.body,
      "kubecensus_collector_reports_total{format=\"kubecensus.report/v2\",outcome=\"duplicate\"} 1\n"));
  CHECK(contains(metrics.body,
                 "kubecensus_collector_reports_total{format=\"spartakus-v1\",outcome=\"accepted\"} 1\n"));
  CHECK(contains(
      metrics.body,
      "kubecensus_collector_request_duration_seconds_bucket{route=\"/api/v2/reports\",le=\"+Inf\"} 2\n"));
  CHECK(contains(metrics.body, "kubecensus_collector_write_batch_reports_count 3\n"));
  CHECK(contains(metrics.body, "kubecensus_collector_requests_in_flight 1\n"));  // this very request
}

TEST_CASE("/readyz is 200 while the storages answer") {
  Collector collector;
  HttpAnswer ready = collector.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(json::parse(ready.body) == json{{"ready", true}, {"problems", json::array()}});
}

TEST_CASE("concurrent requests are committed together in batches, each acknowledged after its commit") {
  Collector collector({"--set", "collector.batch_max_delay=20ms"});
  constexpr int kClients = 8, kEach = 25;
  std::vector<std::thread> clients;
  std::atomic<int> accepted{0};
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; i < kEach; ++i) {
        char id[37];
        std::snprintf(id, sizeof id, "%08d-0000-4000-8000-%012d", c, i);
        if (collector.post("/api/v2/reports", nativeReport(id)).status == 202) ++accepted;
      }
    });
  for (auto& client : clients) client.join();
  CHECK(accepted == kClients * kEach);
  CHECK(collector.reports().size() == static_cast<std::size_t>(kClients * kEach));
  const std::string metrics = collector.get("/metrics").body;
  const auto at = metrics.find("kubecensus_collector_write_batch_reports_count ");
  REQUIRE(at != std::string::npos);
  const long writes =
      std::stol(metrics.substr(at + std::strlen("kubecensus_collector_write_batch_reports_count ")));
  INFO(metrics);
  CHECK(writes < kClients * kEach);  // fewer transactions than reports
  CHECK(contains(metrics, "kubecensus_collector_ingest_queue_reports 0\n"));
}

TEST_CASE("a full ingest queue answers 503 with Retry-After, and what was queued is still stored") {
  Collector collector({"--set", "collector.queue_capacity=1", "--set", "collector.batch_max_delay=1s"});
  HttpAnswer first, second;
  std::thread queued([&] {
    first = collector.post("/api/v2/reports", nativeReport("77777777-7777-4777-8777-777777777777"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  second = collector.post("/api/v2/reports", nativeReport("88888888-8888-4888-8888-888888888888"));
  queued.join();
  CHECK(first.status == 202);
  CHECK(second.status == 503);
  CHECK(second.header("Retry-After") == "1");
  CHECK(contains(errorOf(second, 503)["message"], "busy"));
  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].reportID == "77777777-7777-4777-8777-777777777777");
}

TEST_CASE("the ndjson storage appends every stored report as one native JSON line") {
  TempDir dir;
  const std::string path = dir.file("reports.ndjson");
  Collector collector({"--database", "ndjson:" + path});
  CHECK(collector.post("/api/v2/reports", nativeReport("99999999-9999-4999-8999-999999999999")).status ==
        202);
  CHECK(collector.post("/api/v1", fixture("seeds/spartakus-v1.json")).status == 204);
  std::istringstream lines(readFile(path));
  std::vector<json> stored;
  for (std::string line; std::getline(lines, line);) stored.push_back(json::parse(line));
  REQUIRE(stored.size() == 2);
  CHECK(stored[0]["reportID"] == "99999999-9999-4999-8999-999999999999");
  CHECK(stored[0]["receivedFrom"] == "127.0.0.0");
  CHECK(stored[0].contains("receivedAt"));
  CHECK(stored[1]["receivedAs"] == "spartakus-v1");
  CHECK(collector.reports().size() == 2);  // and in the SQLite storage beside it
}

TEST_CASE(
    "auth = token: POSTs need one of the bearer tokens, GETs stay open, and an agent with the token gets "
    "in") {
  Collector collector(
      {"--set", "collector.auth=token", "--set", "collector.tokens=first-token, second-token"});
  const std::string report = nativeReport("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa");
  HttpAnswer anonymous = collector.post("/api/v2/reports", report);
  CHECK(contains(errorOf(anonymous, 401)["message"], "Authorization: Bearer"));
  CHECK(anonymous.header("WWW-Authenticate") == "Bearer realm=\"kubecensus\"");
  CHECK(collector.get("/healthz").status == 200);

  auto withToken = [&](const std::string& token) {
    HttpRequestSpec spec{"POST", "/api/v2/reports", report};
    spec.headers["Authorization"] = "Bearer " + token;
    return httpRequest(collector.port(), spec).status;
  };
  CHECK(withToken("wrong-token") == 401);
  CHECK(withToken("second-token") == 202);
  CHECK(collector.reports().size() == 1);

  TempDir work;
  RunResult agent =
      runAgent({"run", "--once", "--database", collector.url(), "--set", "sink.http.token=first-token",
                "--set", "agent.state_dir=" + work.file("state")});
  INFO(agent.output);
  CHECK(agent.exitCode == 0);
  CHECK(collector.reports().size() == 2);

  RunResult noTokens =
      run(collectorBinary(), {"--set", "collector.auth=token", "--database", "sqlite:" + work.file("x.db")});
  CHECK(noTokens.exitCode == 2);
  CHECK(contains(noTokens.output, "needs at least one token"));
}

TEST_CASE("rate_limit: a source address beyond its rate gets 429 with Retry-After") {
  Collector collector({"--set", "collector.rate_limit=1", "--set", "collector.rate_burst=2"});
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    char id[37];
    std::snprintf(id, sizeof id, "bbbbbbbb-bbbb-4bbb-8bbb-%012d", i);
    HttpAnswer answer = collector.post("/api/v2/reports", nativeReport(id));
    statuses.push_back(answer.status);
    if (answer.status == 429) {
      CHECK(answer.header("Retry-After") == "1");
      CHECK(contains(errorOf(answer, 429)["message"], "too many requests from 127.0.0.1"));
    }
  }
  CHECK(statuses == std::vector<int>{202, 202, 429});
  CHECK(collector.get("/healthz").status == 200);  // GETs are not limited
}

TEST_CASE("X-Forwarded-For names the client only when the connection comes from a trusted proxy") {
  auto storedFrom = [](std::vector<std::string> args, const std::string& forwardedFor) {
    args.insert(args.end(), {"--set", "collector.received_from=full"});  // whole addresses, to see which one
    Collector collector(args);
    HttpRequestSpec spec{"POST", "/api/v2/reports", nativeReport("cccccccc-cccc-4ccc-8ccc-cccccccccccc")};
    spec.headers["X-Forwarded-For"] = forwardedFor;
    REQUIRE(httpRequest(collector.port(), spec).status == 202);
    return collector.reports().at(0).receivedFrom;
  };
  // Not trusted: the header is ignored.
  CHECK(storedFrom({}, "203.0.113.9") == "127.0.0.1");
  // Trusted: the rightmost address that is not a trusted proxy (10.1.2.3 is one, too).
  CHECK(storedFrom({"--set", "collector.trusted_proxies=127.0.0.0/8,10.0.0.0/8"},
                   "198.51.100.1, 203.0.113.9, 10.1.2.3") == "203.0.113.9");
  CHECK(storedFrom({"--set", "collector.trusted_proxies=127.0.0.1"}, "garbage") == "127.0.0.1");
  TempDir work;
  RunResult bad = run(collectorBinary(), {"--set", "collector.trusted_proxies=10.0.0.0/40", "--database",
                                          "sqlite:" + work.file("x.db")});
  CHECK(bad.exitCode == 2);
  CHECK(contains(bad.output, "10.0.0.0/40"));
}

TEST_CASE(
    "auth = account: accounts made with the CLI post tectonic payloads or use HTTP Basic, disabled ones "
    "cannot") {
  TempDir work;
  const std::string db = work.file("accounts.db");
  RunResult added =
      run(collectorBinary(), {"accounts", "add", "acme", "--set", "collector.accounts_db=" + db});
  INFO(added.output);
  REQUIRE(added.exitCode == 0);
  std::smatch match;
  REQUIRE(std::regex_search(added.output, match, std::regex("secret: ([0-9a-f]{48})")));
  const std::string secret = match[1].str();
  CHECK(
      run(collectorBinary(), {"accounts", "add", "acme", "--set", "collector.accounts_db=" + db}).exitCode ==
      2);
  CHECK(contains(run(collectorBinary(), {"accounts", "list", "--set", "collector.accounts_db=" + db}).output,
                 "acme\t"));
  CHECK_FALSE(contains(readFile(db), secret));  // only a salted hash is kept

  Collector collector({"--set", "collector.auth=account", "--set", "collector.accounts_db=" + db});
  json tectonic = kubecensus::parseJson(fixture("seeds/tectonic.json"), true);  // its trailing comma
  CHECK(collector.post("/api/v1", tectonic.dump()).status == 401);  // the README's account is not ours
  tectonic["accountID"] = "acme";
  tectonic["accountSecret"] = secret;
  CHECK(collector.post("/api/v1", tectonic.dump()).status == 204);
  CHECK_FALSE(contains(collector.reports().at(0).report, secret));

  HttpAnswer anonymous = collector.post("/api/v1", fixture("seeds/spartakus-v1.json"));
  CHECK(anonymous.status == 401);
  CHECK(anonymous.header("WWW-Authenticate") == "Basic realm=\"kubecensus\"");
  auto basic = [&](const std::string& credentials, const std::string& path, const std::string& body) {
    std::ostringstream encoded;
    Poco::Base64Encoder encoder(encoded);
    encoder << credentials;
    encoder.close();
    HttpRequestSpec spec{"POST", path, body};
    spec.headers["Authorization"] = "Basic " + encoded.str();
    return httpRequest(collector.port(), spec).status;
  };
  CHECK(basic("acme:" + secret, "/api/v1", fixture("seeds/spartakus-v1.json")) == 204);
  CHECK(basic("acme:wrong", "/api/v2/reports", nativeReport("dddddddd-dddd-4ddd-8ddd-dddddddddddd")) == 401);
  CHECK(basic("acme:" + secret, "/api/v2/reports", nativeReport("dddddddd-dddd-4ddd-8ddd-dddddddddddd")) ==
        202);

  CHECK(run(collectorBinary(), {"accounts", "disable", "acme", "--set", "collector.accounts_db=" + db})
            .exitCode == 0);
  CHECK(basic("acme:" + secret, "/api/v2/reports", nativeReport("eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee")) ==
        401);
  CHECK(collector.reports().size() == 3);
}
