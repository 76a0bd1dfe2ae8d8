// The collector's HTTP front end against real sockets: idle keep-alive pools and slow senders
// do not stop valid traffic, every bound closes or answers what passes it, one address cannot
// take every connection, and TLS follows Mozilla's intermediate profile and a rotated
// certificate. Clients bind to different 127.0.0.0/8 addresses to be different clients.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "collector_fixture.h"
#include "support/tls_certs.h"

using namespace kctest;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

// A plain TCP connection from `from` (a loopback address) to the collector.
class Connection {
 public:
  Connection(unsigned short port, const std::string& from = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(strerror(errno)));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      throw std::runtime_error("bind " + from + ": " + strerror(errno));
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0)
      throw std::runtime_error("connect: " + std::string(strerror(errno)));
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection(Connection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

  void send(const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send: " + std::string(strerror(errno)));
      sent += static_cast<std::size_t>(n);
    }
  }
  void halfClose() { ::shutdown(fd_, SHUT_WR); }
  // What arrives until one whole answer (headers and Content-Length bytes) is here or the
  // connection closes; empty when nothing came within `safetyNet`.
  std::string answer(std::chrono::milliseconds safetyNet = std::chrono::seconds(10)) {
    std::string received;
    const auto until = Clock::now() + safetyNet;
    while (Clock::now() < until) {
      pollfd ready{fd_, POLLIN, 0};
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count());
      if (::poll(&ready, 1, std::max(left, 1)) <= 0) break;
      char buffer[16384];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
      const auto end = received.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      const auto length = received.find("Content-Length: ");
      const std::size_t body = length != std::string::npos && length < end ? std::stoul(received.substr(length + 16)) : 0;
      if (received.size() >= end + 4 + body) break;
    }
    return received;
  }
  // Whether the collector closed the connection within the safety net (reading what it sent).
  bool closedByPeer(std::chrono::milliseconds safetyNet = std::chrono::seconds(20)) {
    const auto until = Clock::now() + safetyNet;
    while (!closed_ && Clock::now() < until) answer(std::chrono::milliseconds(200));
    return closed_;
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

int statusOf(const std::string& answer) {
  return answer.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(answer.substr(9, 3)) : 0;
}

std::string postReport(int serial, bool keepAlive = false) {
  char id[40];
  std::snprintf(id, sizeof id, "f0f0f0f0-0000-4000-8000-%012d", serial);
  const std::string body = json{{"schema", "kubecensus.report/v2"},
                                {"reportID", id},
                                {"clusterID", "c0ffee00-0000-4000-8000-00000000000f"}}
                               .dump();
  return "POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n" + body;
}

const std::string kHealth = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

void raiseOwnDescriptorLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::int64_t rssKiB(pid_t pid, const char* field = "VmRSS:") {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(std::strlen(field)));
  return -1;
}

std::string metric(const Collector& collector, const std::string& name) {
  const std::string text = collector.get("/metrics").body;
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? "" : text.substr(at + name.size() + 2, text.find('\n', at + 1) - at - name.size() - 2);
}

}  // namespace

TEST_CASE("front end: 2,000 idle keep-alive connections and 200 slow senders do not stop valid reports",
          "[front-end]") {
  raiseOwnDescriptorLimit();
  Collector collector({"--set", "collector.header_timeout=60s"});
  // An ingress controller's pool of idle upstream connections: each made one request, then
  // stays open. Eight addresses of 250 each (under max_connections_per_client).
  std::vector<Connection> idle;
  for (int i = 0; i < 2000; ++i) {
    idle.emplace_back(collector.port(), "127.0.1." + std::to_string(1 + i / 250));
    idle.back().send(kHealth);
    REQUIRE(statusOf(idle.back().answer()) == 200);
  }
  // Slow senders: half a request head each, one more byte every second.
  std::vector<Connection> slow;
  for (int i = 0; i < 200; ++i) {
    slow.emplace_back(collector.port(), "127.0.2.1");
    slow.back().send("POST /api/v2/reports HTTP/1.1\r\nHost: x\r\n");
  }
  std::atomic<bool> done{false};
  std::thread dribble([&] {
    while (!done) {
      for (auto& connection : slow) connection.send("X");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  // Valid reports on fresh connections are answered meanwhile.
  double slowest = 0;
  for (int i = 0; i < 20; ++i) {
    Connection fresh(collector.port());
    const auto started = Clock::now();
    fresh.send(postReport(i));
    const std::string answer = fresh.answer();
    slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - started).count());
    INFO("report " << i << ": " << answer);
    CHECK(statusOf(answer) == 202);
  }
  done = true;
  dribble.join();
  const std::int64_t rss = rssKiB(collector.process().pid());
  WARN("slowest answer " << slowest * 1000 << " ms; collector RSS " << rss / 1024 << " MiB with "
                         << idle.size() + slow.size() << " connections held");
  CHECK(metric(collector, "kubecensus_collector_connections") != "");
  CHECK(collector.reports().size() == 20);
  CHECK(rss < 256 * 1024);
}

TEST_CASE("front end: a slow head and a slow body are answered 408 and disconnected", "[front-end]") {
  Collector collector({"--set", "collector.header_timeout=1s", "--set", "collector.min_body_rate=1KiB"});
  Connection head(collector.port());
  head.send("POST /api/v2/reports HTTP/1.1\r\nHost: x\r\n");  // and never the rest
  Connection body(collector.port());
  body.send("POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            "100000\r\n\r\n{");
  std::thread trickle([&] {
    for (int i = 0; i < 30; ++i) {
      try {
        body.send(" ");  // 1 byte a second: 100 KB would take a day
      } catch (const std::exception&) {
        return;  // disconnected
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  const std::string headAnswer = head.answer(std::chrono::seconds(20));
  CHECK(statusOf(headAnswer) == 408);
  CHECK(head.closedByPeer());
  const std::string bodyAnswer = body.answer(std::chrono::seconds(30));
  trickle.join();
  CHECK(statusOf(bodyAnswer) == 408);
  CHECK(bodyAnswer.find("min_body_rate") != std::string::npos);
  CHECK(body.closedByPeer());
  const std::string metrics = collector.get("/metrics").body;
  CHECK(metrics.find("kubecensus_collector_refusals_total{reason=\"header_timeout\"} 1") != std::string::npos);
  CHECK(metrics.find("kubecensus_collector_refusals_total{reason=\"slow_body\"} 1") != std::string::npos);
  CHECK(collector.post("/api/v2/reports", json::parse(postReport(1).substr(postReport(1).find("\r\n\r\n") + 4)).dump())
            .status == 202);
}

TEST_CASE("front end: one address cannot take every connection, and others still get in", "[front-end]") {
  Collector collector({"--set", "collector.max_connections_per_client=10", "--set", "collector.max_connections=20"});
  std::vector<Connection> greedy;
  for (int i = 0; i < 10; ++i) {
    greedy.emplace_back(collector.port(), "127.0.3.1");
    greedy.back().send(kHealth);
    REQUIRE(statusOf(greedy.back().answer()) == 200);
  }
  Connection oneTooMany(collector.port(), "127.0.3.1");
  const std::string refused = oneTooMany.answer();
  CHECK(statusOf(refused) == 429);
  CHECK(refused.find("Retry-After: 1") != std::string::npos);
  CHECK(oneTooMany.closedByPeer());
  Connection other(collector.port(), "127.0.3.2");
  other.send(postReport(1));
  CHECK(statusOf(other.answer()) == 202);
  CHECK(other.closedByPeer());  // Connection: close
  // Its slot is free once the collector has closed its side too: 10 held and the one asking.
  CHECK(eventually([&] { return metric(collector, "kubecensus_collector_connections") == "11"; },
                   std::chrono::seconds(10)));
  // And the total: 10 held + 10 more from other addresses, then 503 for the next.
  std::vector<Connection> more;
  for (int i = 0; i < 10; ++i) {
    more.emplace_back(collector.port(), "127.0.4." + std::to_string(i + 1));
    more.back().send(kHealth);
    REQUIRE(statusOf(more.back().answer()) == 200);
  }
  Connection full(collector.port(), "127.0.5.1");
  CHECK(statusOf(full.answer()) == 503);
  more.pop_back();  // a slot free again for /metrics, once the collector has seen the close
  std::string metrics;
  CHECK(eventually(
      [&] {
        HttpAnswer answer = collector.get("/metrics");
        metrics = answer.body;
        return answer.status == 200;
      },
      std::chrono::seconds(10)));
  CHECK(metrics.find("reason=\"max_connections_per_client\"} 1\n") != std::string::npos);
  // At least the one above: a /metrics request that came before a slot was free counts too.
  CHECK(metrics.find("reason=\"max_connections\"} ") != std::string::npos);
  CHECK(metrics.find("reason=\"max_connections\"} 0") == std::string::npos);
}

TEST_CASE("front end: idle keep-alive connections close after idle_timeout, and requests per connection are bounded",
          "[front-end]") {
  Collector collector({"--set", "collector.idle_timeout=1s", "--set", "collector.max_requests_per_connection=2"});
  Connection kept(collector.port());
  kept.send(kHealth);
  const std::string first = kept.answer();
  CHECK(statusOf(first) == 200);
  CHECK(first.find("Connection: close") == std::string::npos);
  kept.send(kHealth);
  const std::string second = kept.answer();
  CHECK(statusOf(second) == 200);
  CHECK(second.find("Connection: close") != std::string::npos);  // the second of two allowed
  CHECK(kept.closedByPeer());

  Connection idle(collector.port());
  idle.send(kHealth);
  CHECK(statusOf(idle.answer()) == 200);
  CHECK(idle.closedByPeer());  // after idle_timeout without a request
}

TEST_CASE("front end: oversized heads and too many headers get 431, a cut-off chunked body 400", "[front-end]") {
  Collector collector({"--set", "collector.max_header_size=4KiB", "--set", "collector.max_headers=20"});
  Connection large(collector.port());
  large.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(5000, 'a') + "\r\n\r\n");
  CHECK(statusOf(large.answer()) == 431);
  Connection many(collector.port());
  std::string headers;
  for (int i = 0; i < 30; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
  many.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
  const std::string tooMany = many.answer();
  CHECK(statusOf(tooMany) == 431);
  CHECK(tooMany.find("max_headers") != std::string::npos);
  Connection chunked(collector.port());
  chunked.send("POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
               "chunked\r\n\r\n2\r\n{}\r\n");
  chunked.halfClose();  // the body never gets its last chunk
  const std::string cut = chunked.answer();
  CHECK(statusOf(cut) == 400);
  CHECK(cut.find("ended before its end") != std::string::npos);
  CHECK(collector.reports().empty());
}

TEST_CASE("front end: TLS 1.2+ with AEAD suites only, and a rotated certificate served without a restart",
          "[front-end][tls]") {
  TempDir dir;
  const TlsFiles first = makeTlsFiles(dir.path());
  TempDir other;
  const TlsFiles second = makeTlsFiles(other.path());
  const std::string cert = dir.file("serving.crt"), key = dir.file("serving.key");
  std::filesystem::copy_file(first.serverCert, cert);
  std::filesystem::copy_file(first.serverKey, key);
  Collector collector({"--set", "collector.tls_cert=" + cert, "--set", "collector.tls_key=" + key}, 0, true,
                      collectorBinary(), "https");
  const std::string address = "127.0.0.1:" + std::to_string(collector.port());
  auto connect = [&](const std::string& options) {
    return run("/bin/sh", {"-c", "echo | openssl s_client -connect " + address + " " + options + " 2>&1"}, {},
               std::chrono::seconds(20));
  };
  const RunResult modern = connect("-CAfile " + first.caCert + " -verify_return_error");
  INFO(modern.output);
  CHECK(modern.exitCode == 0);
  CHECK(modern.output.find("Verify return code: 0 (ok)") != std::string::npos);
  // Older than TLS 1.2 (OpenSSL 3 itself refuses it below security level 0, so this guards
  // builds on an older OpenSSL more than this one).
  CHECK(connect("-tls1_1 -cipher DEFAULT@SECLEVEL=0").exitCode != 0);
  // Forward-secret but not AEAD (CBC with SHA-1), for the ECDSA key the test certificate has:
  // OpenSSL's default list offers it; the collector's does not.
  CHECK(connect("-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA").exitCode != 0);
  CHECK(connect("-tls1_2 -cipher ECDHE-ECDSA-AES256-SHA384").exitCode != 0);
  CHECK(connect("-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256").exitCode == 0);

  // cert-manager writes the new pair in place: new connections get it, no restart.
  std::filesystem::copy_file(second.serverCert, cert, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(second.serverKey, key, std::filesystem::copy_options::overwrite_existing);
  INFO("the rotated certificate never served");
  REQUIRE(eventually([&] { return connect("-CAfile " + second.caCert + " -verify_return_error").exitCode == 0; },
                     std::chrono::seconds(30)));
  CHECK(collector.log().find("reloaded") != std::string::npos);
}

TEST_CASE("front end: HEAD is answered as GET without a body, and the connection goes on", "[front-end]") {
  Collector collector;
  Connection kept(collector.port());
  kept.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  // The answer's headers only: Content-Length names the GET's body, which does not follow.
  std::string head = kept.answer(std::chrono::seconds(2));
  CHECK(statusOf(head) == 200);
  const auto length = head.find("Content-Length: ");
  REQUIRE(length != std::string::npos);
  CHECK(std::stoul(head.substr(length + 16)) > 0);
  kept.send(kHealth);
  std::string next = kept.answer();
  // What came after the HEAD's headers is the GET's answer, whole: no stray body before it.
  if (head.size() > head.find("\r\n\r\n") + 4) next = head.substr(head.find("\r\n\r\n") + 4) + next;
  CHECK(next.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(next.find("\"status\":\"ok\"") != std::string::npos);
}

TEST_CASE("front end: a chunk header without an end is refused, not buffered without limit", "[front-end]") {
  Collector collector;
  Connection endless(collector.port());
  endless.send("POST /api/v2/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
               "chunked\r\n\r\n1;");
  std::string refused;
  try {
    for (int i = 0; i < 64; ++i) endless.send(std::string(65536, 'a'));  // 4 MiB of one chunk extension
  } catch (const std::exception&) {
    // the collector answered and closed before all of it was sent
  }
  refused = endless.answer();
  CHECK((statusOf(refused) == 400 || statusOf(refused) == 431));
  CHECK(endless.closedByPeer());
  CHECK(collector.get("/healthz").status == 200);
}
