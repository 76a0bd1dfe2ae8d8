// Hostile input against the running collector, over raw sockets: every kind of bad request
// gets the right 4xx (or a closed connection where HTTP has no answer), with a JSON error body;
// valid reports are stored meanwhile; nothing invalid reaches storage; memory stays bounded.
// docs/reliability.md lists the kinds.
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "collector_fixture.h"

using namespace kctest;
using nlohmann::json;

namespace {

struct RawAnswer {
  int status = 0;  // 0: the server closed the connection without an answer
  std::string headers;
  std::string body;
  // The whole body as Content-Length announced it arrived. A server that closes a connection
  // with request bytes still unread makes the kernel send a reset, which may discard the end
  // of an answer already sent; then only the status line is judged.
  bool complete = false;
};

// Sends `bytes` as they are on a new connection and reads one answer (or the close).
RawAnswer sendRaw(unsigned short port, const std::string& bytes, bool halfClose = true) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  std::size_t sent = 0;
  try {
    while (sent < bytes.size())
      sent += static_cast<std::size_t>(
          socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent)));
    if (halfClose) socket.shutdownSend();
  } catch (const Poco::Exception&) {
    // The server may answer and close before reading everything (413 on Content-Length).
  }
  std::string received;
  char buffer[65536];
  try {
    for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) {
      received.append(buffer, static_cast<std::size_t>(n));
      const auto end = received.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      const auto length = received.find("Content-Length: ");
      if (length != std::string::npos && length < end &&
          received.size() >= end + 4 + std::stoul(received.substr(length + 16)))
        break;
    }
  } catch (const Poco::Exception&) {
  }
  RawAnswer answer;
  if (received.rfind("HTTP/1.", 0) != 0) return answer;
  answer.status = std::stoi(received.substr(9, 3));
  const auto end = received.find("\r\n\r\n");
  answer.headers = received.substr(0, end);
  if (end != std::string::npos) answer.body = received.substr(end + 4);
  const auto length = answer.headers.find("Content-Length: ");
  answer.complete =
      length != std::string::npos && answer.body.size() == std::stoul(answer.headers.substr(length + 16));
  return answer;
}

std::string post(const std::string& path, const std::string& body, const std::string& extraHeaders = "",
                 const std::string& contentType = "application/json") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

std::string gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

json validReport(int serial) {
  char id[40];
  std::snprintf(id, sizeof id, "a0a0a0a0-0000-4000-8000-%012d", serial);
  return {{"schema", "kubecensus.report/v2"},
          {"reportID", id},
          {"clusterID", "c0ffee00-0000-4000-8000-00000000000a"}};
}

// The valid report with one field set to `value`.
std::string withField(const std::string& key, const json& value) {
  json report = validReport(999);
  report[key] = value;
  return report.dump();
}

struct Case {
  std::string name;
  std::string request;
  std::vector<int> statuses;  // acceptable answers; 0: the connection closed without one
};

std::vector<Case> hostileCases() {
  const std::string reports = "/api/v2/reports";
  std::vector<Case> cases = {
      {"truncated body (Content-Length says more than is sent)",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
       "500\r\n\r\n{\"schema\":",
       {0, 400}},
      {"a body larger than Content-Length (the rest is a bad next request)",
       post(reports, "{}") + "GARBAGE-AFTER-THE-BODY\r\n\r\n",
       {422, 400}},
      // 413 comes before the body is read; closing on the unread rest may reset the connection
      // before the answer is read (0).
      {"oversized body (2 MiB)", post(reports, std::string(2 << 20, ' ')), {413, 0}},
      {"chunked: a chunk size that is not hex",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
       "chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
       {400, 0}},
      {"chunked: an enormous chunk size",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
       "chunked\r\n\r\nfffffffffff\r\n{}\r\n0\r\n\r\n",
       {400, 413, 0}},
      // A chunked body cut off before its last chunk is not a body: 400, never judged as a report.
      {"chunked: no final chunk",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
       "chunked\r\n\r\n2\r\n{}\r\n",
       {400}},
      {"both Transfer-Encoding and Content-Length",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
       "2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
       {400, 422}},
      {"gzip bomb (1 GiB of zeros)",
       post(reports, gzip(std::string(64 << 20, '0')), "Content-Encoding: gzip\r\n"),
       {413}},
      {"a gzip body that is not gzip", post(reports, "not gzip at all", "Content-Encoding: gzip\r\n"), {400}},
      {"an unknown Content-Encoding", post(reports, "{}", "Content-Encoding: br\r\n"), {415}},
      {"deep nesting", post(reports, std::string(100000, '[') + std::string(100000, ']')), {400}},
      {"deep nesting inside a field",
       post(reports, "{\"schema\":\"kubecensus.report/v2\",\"x\":" + std::string(5000, '[') +
                         std::string(5000, ']') + "}"),
       {400}},
      {"a number too large for any field", post(reports, withField("nodeCount", 1e300)), {422}},
      {"a number written past double's range",
       post(reports, "{\"schema\":\"kubecensus.report/v2\",\"nodeCount\":1e99999}"),
       {400, 422}},
      {"invalid UTF-8 in a string",
       post(reports, "{\"schema\":\"kubecensus.report/v2\",\"reportID\":\"\xff\xfe\"}"),
       {400}},
      {"a NUL byte in the body", post(reports, std::string("{\"schema\":\0\"x\"}", 16)), {400}},
      {"duplicate keys",
       post(reports,
            "{\"schema\":\"kubecensus.report/"
            "v2\",\"reportID\":\"a0a0a0a0-0000-4000-8000-000000000001\",\"reportID\":\"a0a0a0a0-0000-4000-"
            "8000-000000000002\",\"clusterID\":\"c\"}"),
       {422}},
      {"an empty body", post(reports, ""), {400}},
      {"a JSON string instead of a report", post(reports, "\"report\""), {422}},
      {"an empty array", post(reports, "[]"), {422}},
      {"1001 reports in one request",
       post(reports, json(std::vector<json>(1001, validReport(1))).dump()),
       {413, 422}},
      {"wrong type: schema", post(reports, withField("schema", 2)), {422}},
      {"wrong value: schema", post(reports, withField("schema", "kubecensus.report/v9")), {422}},
      {"wrong type: reportID", post(reports, withField("reportID", 12)), {422}},
      {"not a UUID: reportID", post(reports, withField("reportID", "../../etc/passwd")), {422}},
      {"wrong type: clusterID", post(reports, withField("clusterID", json::object())), {422}},
      {"empty clusterID", post(reports, withField("clusterID", "")), {422}},
      {"wrong type: generatedAt", post(reports, withField("generatedAt", true)), {422}},
      {"not a time: generatedAt", post(reports, withField("generatedAt", "yesterday")), {422}},
      {"wrong type: agent", post(reports, withField("agent", "kubecensus")), {422}},
      {"wrong type: masterVersion", post(reports, withField("masterVersion", json::array({1}))), {422}},
      {"negative nodeCount", post(reports, withField("nodeCount", -1)), {422}},
      {"fractional nodeCount", post(reports, withField("nodeCount", 1.5)), {422}},
      {"wrong type: nodes", post(reports, withField("nodes", "many")), {422}},
      {"wrong type: a node's capacity",
       post(reports, withField("nodes", json::array({{{"capacity", 4}}}))),
       {422}},
      {"wrong type: nodeGroups[0].count",
       post(reports, withField("nodeGroups", json::array({{{"count", "3"}}}))),
       {422}},
      {"negative capacity statistic",
       post(
           reports,
           withField(
               "nodeGroups",
               json::parse(
                   R"([{"count":3,"capacity":[{"resource":"cpu","min":-1,"p25":1,"p50":1,"p75":1,"p90":1,"p99":1,"max":1,"mean":1}]}])"))),
       {422}},
      {"wrong type: namespaces.count", post(reports, withField("namespaces", {{"count", "12"}})), {422}},
      {"wrong type: workloads", post(reports, withField("workloads", json::object())), {422}},
      {"wrong type: extensions", post(reports, withField("extensions", "x")), {422}},
      {"an unknown top-level field", post(reports, withField("hostname", "prod-db-1")), {422}},
      {"a Spartakus record of the wrong shape on /api/v1", post("/api/v1", "{\"version\":1}"), {422}},
      {"a Content-Type that is not JSON", post(reports, "{}", "", "text/plain"), {415}},
      {"a request header too long",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(100000, 'a') + "\r\n\r\n",
       {400, 431, 0}},
      {"too many headers",
       "GET /healthz HTTP/1.1\r\nHost: x\r\n" +
           [] {
             std::string h;
             for (int i = 0; i < 2000; ++i) h += "X-H" + std::to_string(i) + ": v\r\n";
             return h;
           }() +
           "\r\n",
       {400, 431, 0}},
      {"an unknown method", "BREW /api/v2/reports HTTP/1.1\r\nHost: x\r\n\r\n", {405, 400, 501}},
      {"an unknown path", "GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", {404}},
      {"a path escaping upwards",
       "GET /api/v2/stats/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
       {404, 400}},
      {"not HTTP at all", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n", {400, 0}},
      {"a request line without a version", "GET /healthz\r\n\r\n", {400, 0}},
      {"a Content-Length that is not a number",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
       "lots\r\n\r\n{}",
       {400, 0}},
      {"a negative Content-Length",
       "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
       "-5\r\n\r\n{}",
       {400, 0}},
  };
  return cases;
}

std::int64_t peakRssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

}  // namespace

TEST_CASE(
    "hostile input: every kind of bad request is refused with its status and a JSON error, nothing of it "
    "stored",
    "[hostile]") {
  Collector collector({"--set", "collector.timeout=2s"});
  const std::vector<Case> cases = hostileCases();
  REQUIRE(cases.size() >= 40);
  int valid = 0;
  for (const Case& c : cases) {
    RawAnswer answer = sendRaw(collector.port(), c.request);
    INFO(c.name << " -> " << answer.status << "\n" << answer.headers << "\n" << answer.body.substr(0, 300));
    CHECK(std::find(c.statuses.begin(), c.statuses.end(), answer.status) != c.statuses.end());
    if (answer.status >= 400 && answer.complete &&
        answer.headers.find("application/json") != std::string::npos) {
      const json error = json::parse(answer.body, nullptr, false);
      CHECK(error.contains("error"));
      CHECK(error["error"]["code"] == answer.status);
      CHECK(error["error"]["message"].is_string());
    }
    // Meanwhile, a valid report is still accepted at once.
    HttpAnswer ok = collector.post("/api/v2/reports", validReport(++valid).dump());
    CHECK(ok.status == 202);
  }
  // Only the valid reports were stored.
  const auto stored = collector.reports();
  CHECK(stored.size() == static_cast<std::size_t>(valid));
  for (const auto& row : stored) CHECK(row.report.find("a0a0a0a0-0000-4000-8000-") != std::string::npos);
  // The worst of it (a 64 MiB gzip bomb, 2 MiB bodies, 100,000-deep nesting) left memory bounded.
  const std::int64_t peak = peakRssKiB(collector.process().pid());
  INFO("peak RSS " << peak << " KiB");
  CHECK(peak > 0);
#ifdef __SANITIZE_ADDRESS__
  CHECK(peak < 512 * 1024);  // ASan's shadow memory and quarantine (make test-asan)
#else
  CHECK(peak < 96 * 1024);
#endif
}

TEST_CASE("hostile input: a slow sender is cut off by the header timeout while others are served", "[hostile]") {
  Collector collector({"--set", "collector.header_timeout=1s"});
  Poco::Net::StreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", collector.port()));
  const std::string start = "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\n";
  slow.sendBytes(start.data(), static_cast<int>(start.size()));
  // While it dawdles, others are answered.
  CHECK(collector.post("/api/v2/reports", validReport(1).dump()).status == 202);
  // The collector answers 408 and closes; a receive timeout here (the safety net) is a failure.
  slow.setReceiveTimeout(Poco::Timespan(20, 0));
  std::string received;
  char buffer[4096];
  try {
    for (int n; (n = slow.receiveBytes(buffer, sizeof buffer)) > 0;) received.append(buffer, static_cast<std::size_t>(n));
  } catch (const Poco::TimeoutException&) {
    FAIL("the slow sender was never disconnected");
  } catch (const Poco::Net::ConnectionResetException&) {
  }
  CHECK(received.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(collector.post("/api/v2/reports", validReport(2).dump()).status == 202);
  CHECK(collector.reports().size() == 2);
}

TEST_CASE("hostile input: pipelined requests with garbage after valid ones", "[hostile]") {
  Collector collector;
  const std::string valid = post("/api/v2/reports", validReport(1).dump());
  RawAnswer answer = sendRaw(collector.port(), valid + "NONSENSE / HTTP/9.9\r\n\r\n" + valid, true);
  CHECK(answer.status == 202);  // the first is answered; what follows the garbage is not taken
  CHECK(collector.reports().size() == 1);
}

TEST_CASE("hostile input: 10,000 nodes in one report, gzipped under the body limit, are stored",
          "[hostile]") {
  Collector collector;
  json report = validReport(1);
  json node = {{"operatingSystem", "linux"},
               {"architecture", "amd64"},
               {"capacity", json::array({{{"resource", "cpu"}, {"value", "4"}}})}};
  report["nodes"] = json::array();
  for (int i = 0; i < 10000; ++i) report["nodes"].push_back(node);
  const std::string body = gzip(report.dump());
  REQUIRE(body.size() < (1 << 20));
  HttpAnswer answer =
      httpRequest(collector.port(), {"POST", "/api/v2/reports", body, "application/json", false, "gzip"});
  INFO(answer.body);
  CHECK(answer.status == 202);
  REQUIRE(collector.reports().size() == 1);
  CHECK(json::parse(collector.reports()[0].report)["nodes"].size() == 10000);
}

TEST_CASE(
    "hostile input: 256 connections at once sending the costliest bodies, memory stays within "
    "max_inflight_memory and valid reports get through",
    "[hostile][bounds]") {
  // Budget 128 MiB here (default 256 MiB) so the bound is tight enough to mean something.
  Collector collector({"--set", "collector.timeout=2s", "--set", "collector.max_inflight_memory=128MiB"});
  const std::string reports = "/api/v2/reports";
  const std::string gzipped = "Content-Encoding: gzip\r\n";
  auto repeat = [](const std::string& piece, std::size_t times) {
    std::string out;
    out.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
  };
  // Each is small on the wire and as costly as the limits allow once inflated and parsed.
  const std::vector<std::string> bodies = {
      post(reports, gzip("[" + repeat("0,", 8 << 20) + "0]"), gzipped),          // 16 MiB, 8M values
      post(reports, gzip("[" + repeat("{},", 5 << 20) + "{}]"), gzipped),        // 15 MiB of objects
      post(reports, gzip("[\"" + std::string(15 << 20, 'a') + "\"]"), gzipped),  // one 15 MiB string
      post(reports, "[" + repeat("[],", 340'000) + "[]]"),  // 1 MiB as sent: 422 once parsed
      post("/api/v2/bundles", gzip(std::string(60 << 20, '\n')), "", "application/gzip"),
  };
  std::mutex mutex;
  std::map<int, int> statuses;
  std::vector<std::thread> clients;
  for (int i = 0; i < 256; ++i)
    clients.emplace_back([&, i] {
      const RawAnswer answer = sendRaw(collector.port(), bodies[static_cast<std::size_t>(i) % bodies.size()]);
      std::lock_guard lock(mutex);
      ++statuses[answer.status];
    });
  // Meanwhile a well-behaved client posts valid reports, retrying after 503 as told.
  int accepted = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (int serial = 1; serial <= 20; ++serial) {
    while (std::chrono::steady_clock::now() < deadline) {
      HttpAnswer answer;
      try {
        answer = collector.post(reports, validReport(serial).dump());
      } catch (const Poco::Exception&) {
        answer.status = 0;  // refused while the connection queue was full
      }
      if (answer.status == 202) {
        ++accepted;
        break;
      }
      CHECK((answer.status == 503 || answer.status == 0));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  for (auto& client : clients) client.join();

  std::string seen;
  for (const auto& [status, count] : statuses)
    seen += std::to_string(status) + ": " + std::to_string(count) + "  ";
  INFO("answers (0: closed without one) " << seen);
  for (const auto& [status, count] : statuses)
    CHECK((status == 413 || status == 503 || status == 400 || status == 422 || status == 0));
  CHECK(accepted == 20);
  CHECK(collector.reports().size() == 20);
  const std::int64_t peak = peakRssKiB(collector.process().pid());
  INFO("peak RSS " << peak / 1024 << " MiB");
  CHECK(peak > 0);
#ifdef __SANITIZE_ADDRESS__
  CHECK(peak < 1024 * 1024);
#else
  CHECK(peak < (128 + 96) * 1024);  // the budget plus what the process holds anyway (docs/reliability.md)
#endif
}
