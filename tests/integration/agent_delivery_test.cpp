// The agent's outbox through the real binaries: a collector that is down, one that says
// "later", one that refuses, and `spool list` showing what is kept.
#include <catch2/catch.hpp>

#include <Poco/Net/ServerSocket.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "collector_fixture.h"
#include "support/fake_http_server.h"
#include "support/test_proxy.h"
#include "support/tls_certs.h"

using namespace kctest;
using nlohmann::json;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A port nothing listens on (yet).
unsigned short freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

// `spool list --json` of the state directory, one object per delivery.
std::vector<json> spool(const std::string& stateDir) {
  RunResult result = runAgent({"spool", "list", "--json", "--set", "agent.state_dir=" + stateDir});
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  std::vector<json> rows;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '{') rows.push_back(json::parse(line));
  return rows;
}

// Quick retries so the tests do not wait for the defaults (30 s, doubling).
const std::vector<std::string> kFastRetries = {"--set", "outbox.retry_initial=200ms",
                                               "--set", "outbox.retry_max=500ms",
                                               "--set", "agent.jitter_percent=0"};

std::vector<std::string> agentArgs(std::vector<std::string> args, const std::string& stateDir) {
  args.insert(args.end(), {"--set", "agent.state_dir=" + stateDir});
  args.insert(args.end(), kFastRetries.begin(), kFastRetries.end());
  return args;
}

}  // namespace

TEST_CASE("reports made while the collector is down are all stored, once each, when it is back") {
  TempDir work;
  const std::string state = work.file("state");
  const unsigned short port = freePort();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  ChildProcess agent(agentBinary(), agentArgs({"run", "--period", "500ms", "--database", url}, state),
                     work.file("agent.log"), agentEnvironment());
  bool piledUp = eventually([&] { return spool(state).size() >= 3; }, std::chrono::seconds(15));
  INFO(agent.output());
  REQUIRE(piledUp);
  CHECK(agent.stop(SIGTERM, std::chrono::seconds(5)) == 0);
  CHECK(contains(agent.output(), "not delivered"));

  std::set<std::string> waiting;
  for (const auto& row : spool(state)) {
    CHECK(row["state"] == "pending");
    CHECK(row["sink"] == "sink.http");
    waiting.insert(row["reportID"].get<std::string>());
  }

  Collector collector({}, port);
  RunResult once = runAgent(agentArgs({"run", "--once", "--database", url}, state));
  INFO(once.output);
  CHECK(once.exitCode == 0);
  std::set<std::string> stored;
  for (const auto& report : collector.reports()) CHECK(stored.insert(report.reportID).second);
  CHECK(stored.size() == waiting.size() + 1);  // the waiting ones and the new one
  for (const auto& id : waiting) CHECK(stored.count(id) == 1);
  CHECK(spool(state).empty());

  // Delivering again adds nothing: the outbox is empty, and a replay would be a duplicate.
  RunResult again = runAgent(agentArgs({"run", "--once", "--database", url}, state));
  CHECK(again.exitCode == 0);
  CHECK(collector.reports().size() == stored.size() + 1);
}

TEST_CASE("a 503 with Retry-After is retried no sooner than the collector asked") {
  std::atomic<int> calls{0};
  FakeHttpServer collector([&](const FakeRequest&) {
    if (calls++ == 0) {
      FakeResponse busy = jsonResponse(503, R"({"error":{"code":503,"message":"storage is down"}})");
      busy.headers.push_back({"Retry-After", "2"});
      return busy;
    }
    return jsonResponse(202, R"({"accepted":1,"duplicates":0})");
  });
  TempDir work;
  ChildProcess agent(agentBinary(),
                     agentArgs({"run", "--period", "1h", "--database", collector.url()}, work.file("s")),
                     work.file("agent.log"), agentEnvironment());
  const bool twice = eventually([&] { return collector.requestCount() >= 2; }, std::chrono::seconds(10));
  INFO(agent.output());
  REQUIRE(twice);
  CHECK(agent.waitForOutput("delivered", std::chrono::seconds(5)));
  CHECK(agent.stop(SIGTERM, std::chrono::seconds(5)) == 0);

  const auto requests = collector.requests();
  CHECK(requests[1].receivedAt - requests[0].receivedAt >= std::chrono::seconds(2));
  CHECK(json::parse(requests[0].body)["reportID"] == json::parse(requests[1].body)["reportID"]);
  CHECK(contains(agent.output(), "HTTP 503"));
  CHECK(contains(agent.output(), "(Retry-After 2 s)"));
  CHECK(spool(work.file("s")).empty());
}

TEST_CASE("a report the collector refuses becomes a dead letter that spool list shows and purge removes") {
  FakeHttpServer collector([](const FakeRequest&) {
    return jsonResponse(400, R"({"error":{"code":400,"message":"nodes[0].capacity must be an array"}})");
  });
  TempDir work;
  const std::string state = work.file("state");
  RunResult first = runAgent(agentArgs({"run", "--once", "--database", collector.url()}, state));
  INFO(first.output);
  CHECK(first.exitCode == 1);
  CHECK(contains(first.output, "rejected"));

  auto rows = spool(state);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["state"] == "rejected");
  CHECK(rows[0]["attempts"] == 1);
  CHECK(contains(rows[0]["detail"], "HTTP 400"));
  CHECK(contains(rows[0]["detail"], "nodes[0].capacity must be an array"));

  RunResult table = runAgent({"spool", "list", "--set", "agent.state_dir=" + state});
  CHECK(contains(table.output, "0 waiting, 1 dead letters"));
  CHECK(contains(table.output, rows[0]["reportID"].get<std::string>()));

  // A dead letter is not sent again: the next run sends only its own report.
  RunResult second = runAgent(agentArgs({"run", "--once", "--database", collector.url()}, state));
  CHECK(second.exitCode == 1);
  CHECK(collector.requestCount() == 2);
  CHECK(spool(state).size() == 2);

  RunResult purge = runAgent({"spool", "purge", "--set", "agent.state_dir=" + state});
  CHECK(purge.exitCode == 0);
  CHECK(contains(purge.output, "purged 2 dead letters"));
  CHECK(spool(state).empty());
}

TEST_CASE("a corrupt outbox is moved aside, and the next report says reports were lost") {
  Collector collector;
  TempDir work;
  const std::string state = work.file("state");
  std::filesystem::create_directories(state);
  {
    std::ofstream garbage(state + "/outbox.db");
    garbage << std::string(4096, 'x');
  }
  RunResult result = runAgent(agentArgs({"run", "--once", "--database", collector.url()}, state));
  INFO(result.output);
  CHECK(result.exitCode == 0);
  CHECK(contains(result.output, "is corrupt"));
  bool movedAside = false;
  for (const auto& entry : std::filesystem::directory_iterator(state))
    if (contains(entry.path().filename().string(), "outbox.db.corrupt-")) movedAside = true;
  CHECK(movedAside);
  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(contains(rows[0].report, "the outbox was corrupt and was replaced"));
}

TEST_CASE("gzip bodies through a proxy from HTTP_PROXY reach the collector") {
  Collector collector;
  TestProxy proxy;
  TempDir work;
  RunResult result =
      runAgent(agentArgs({"run", "--once", "--database", collector.url(), "--set", "sink.http.compress=gzip"},
                         work.file("state")),
               {{"HTTP_PROXY", proxy.url()}, {"NO_PROXY", "example.com"}});
  INFO(result.output);
  CHECK(result.exitCode == 0);
  REQUIRE(collector.reports().size() == 1);
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0].requestLine == "POST " + collector.url() + "/api/v2/reports HTTP/1.1");

  // What went over the wire was gzip (a recording server instead of the collector).
  FakeHttpServer recorder([](const FakeRequest&) { return jsonResponse(202, R"({"accepted":1})"); });
  RunResult recorded = runAgent(agentArgs(
      {"run", "--once", "--database", recorder.url(), "--set", "sink.http.compress=gzip"}, work.file("s2")));
  CHECK(recorded.exitCode == 0);
  REQUIRE(recorder.requestCount() == 1);
  CHECK(recorder.requests()[0].contentEncoding == "gzip");
}

TEST_CASE("SIGTERM during a delivery that hangs exits 0 within seconds and keeps the report") {
  std::atomic<bool> release{false};
  FakeHttpServer collector([&](const FakeRequest&) {
    for (int i = 0; i < 400 && !release; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return jsonResponse(202, R"({"accepted":1})");
  });
  TempDir work;
  const std::string state = work.file("state");
  ChildProcess agent(
      agentBinary(),
      agentArgs({"run", "--period", "1h", "--database", collector.url(), "--set", "sink.http.timeout=60s"},
                state),
      work.file("agent.log"), agentEnvironment());
  REQUIRE(eventually([&] { return collector.requestCount() == 1; }, std::chrono::seconds(10)));
  const auto signalled = std::chrono::steady_clock::now();
  CHECK(agent.stop(SIGTERM, std::chrono::seconds(10)) == 0);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(6));
  CHECK(contains(agent.output(), "with a delivery in flight"));
  release = true;
  auto rows = spool(state);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["state"] == "pending");
}

TEST_CASE("SIGHUP reloads the configuration, a broken one is refused and the old one keeps working") {
  TempDir work;
  const std::string config = work.file("agent.ini");
  auto writeConfig = [&](const std::string& text) {
    std::ofstream out(config);
    out << text;
  };
  writeConfig("[agent]\nperiod = 1h\nstate_dir = " + work.file("state") +
              "\n[sink.file]\npath = " + work.file("first.ndjson") + "\n");
  ChildProcess agent(agentBinary(), {"run", "--config", config}, work.file("agent.log"), agentEnvironment());
  REQUIRE(eventually([&] { return std::filesystem::exists(work.file("first.ndjson")); },
                     std::chrono::seconds(10)));

  writeConfig("[agent]\nperiod = 1h\nstate_dir = " + work.file("state") +
              "\n[sink.file]\npath = " + work.file("second.ndjson") + "\n");
  ::kill(agent.pid(), SIGHUP);
  const bool reloaded = eventually([&] { return std::filesystem::exists(work.file("second.ndjson")); },
                                   std::chrono::seconds(10));
  INFO(agent.output());
  REQUIRE(reloaded);
  CHECK(agent.waitForOutput("configuration reloaded", std::chrono::seconds(5)));

  writeConfig("[agent]\nperiod = 1h\nbogus_key = 1\n");
  ::kill(agent.pid(), SIGHUP);
  CHECK(agent.waitForOutput("configuration not reloaded", std::chrono::seconds(10)));
  CHECK(contains(agent.output(), "bogus_key"));
  CHECK(agent.running());
  CHECK(agent.stop(SIGTERM, std::chrono::seconds(5)) == 0);
}

TEST_CASE("an outbox that cannot be written: reports go directly, status says unhealthy, and it recovers") {
  Collector collector;
  TempDir work;
  const std::string state = work.file("state");
  const std::string blocked = work.file("blocked");
  { std::ofstream file(blocked); }  // a file where the outbox's directory should be
  auto runOnce = [&] {
    return runAgent(agentArgs(
        {"run", "--once", "--database", collector.url(), "--set", "outbox.path=" + blocked + "/outbox.db"},
        state));
  };
  RunResult degraded = runOnce();
  INFO(degraded.output);
  CHECK(degraded.exitCode == 0);  // delivered directly
  CHECK(contains(degraded.output, "cannot keep reports in the outbox"));
  CHECK(collector.reports().size() == 1);
  RunResult sick = runAgent({"status", "--set", "agent.state_dir=" + state});
  CHECK(sick.exitCode == 1);
  CHECK(contains(sick.output, "unhealthy"));
  CHECK(contains(sick.output, blocked));

  std::filesystem::remove(blocked);
  std::filesystem::create_directories(blocked);
  RunResult recovered = runOnce();
  INFO(recovered.output);
  CHECK(recovered.exitCode == 0);
  CHECK(contains(recovered.output, "kept in the outbox"));
  CHECK(collector.reports().size() == 2);
  RunResult well = runAgent({"status", "--set", "agent.state_dir=" + state});
  INFO(well.output);
  CHECK(well.exitCode == 0);
  CHECK(contains(well.output, "healthy: last pass"));
  CHECK(contains(well.output, "0 deliveries waiting"));
}

TEST_CASE(
    "the agent speaks Spartakus v1 and tectonic to a collector's /api/v1, the account secret never shows") {
  Collector collector;
  TempDir work;
  const std::string secretFile = work.file("secret");
  {
    std::ofstream secret(secretFile);
    secret << "s3cr3t-tectonic-value\n";
  }
  const std::string config = work.file("agent.ini");
  {
    std::ofstream out(config);
    // Spartakus records carry one row per node: that takes level = detailed.
    out << "[agent]\nstate_dir = " << work.file("state") << "\nlevel = detailed\n"
        << "[sink.spartakus]\ntype = http\nurl = " << collector.url() << "\nformat = spartakus-v1\n"
        << "[sink.tectonic]\ntype = http\nurl = " << collector.url()
        << "\nformat = tectonic\naccount_id = acc-7\naccount_secret = ${file:" << secretFile << "}\n";
  }
  RunResult result = runAgent({"run", "--once", "--config", config});
  INFO(result.output);
  CHECK(result.exitCode == 0);
  auto rows = collector.reports();
  REQUIRE(rows.size() == 2);
  std::set<std::string> formats;
  for (const auto& row : rows) {
    formats.insert(row.receivedAs);
    CHECK_FALSE(contains(row.report, "s3cr3t"));
  }
  CHECK(formats == std::set<std::string>{"spartakus-v1", "tectonic"});
  CHECK_FALSE(contains(result.output, "s3cr3t"));
  RunResult printed = runAgent({"--print-config", "--config", config});
  CHECK_FALSE(contains(printed.output, "s3cr3t"));
  CHECK(contains(printed.output, "account_secret"));
}

TEST_CASE(
    "a collector serving HTTPS: the agent verifies it with the CA and delivers, an untrusting agent does "
    "not") {
  TempDir work;
  const TlsFiles tls = makeTlsFiles(work.path());
  ChildProcess collector(
      collectorBinary(),
      {"--listen", "127.0.0.1:0", "--database", "sqlite:" + work.file("k.db"), "--set",
       "collector.tls_cert=" + tls.serverCert, "--set", "collector.tls_key=" + tls.serverKey},
      work.file("collector.log"));
  REQUIRE(collector.waitForOutput("listening on https://", std::chrono::seconds(5)));
  std::smatch match;
  const std::string log = collector.output();
  REQUIRE(std::regex_search(log, match, std::regex(R"(listening on https://127\.0\.0\.1:([0-9]+))")));
  const std::string url = "https://127.0.0.1:" + match[1].str();

  RunResult trusted = runAgent(agentArgs(
      {"run", "--once", "--database", url, "--set", "sink.http.ca_file=" + tls.caCert}, work.file("state")));
  INFO(trusted.output);
  CHECK(trusted.exitCode == 0);
  CHECK(readReports(work.file("k.db")).size() == 1);

  RunResult untrusting = runAgent(agentArgs({"run", "--once", "--database", url}, work.file("other")));
  CHECK(untrusting.exitCode == 1);  // the system store does not know the test CA: kept for later
  CHECK(contains(untrusting.output, "not delivered"));
  CHECK(readReports(work.file("k.db")).size() == 1);
}
