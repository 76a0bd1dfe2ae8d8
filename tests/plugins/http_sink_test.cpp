// The `http` sink plugin (plugins/sinks/http) against a real HTTP server in the test, on
// 127.0.0.1 and a port the kernel picks.
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "plugins_test_support.h"

using namespace kubecensus;
using namespace std::chrono_literals;
using kctest::makePlugin;
using kctest::sampleReport;
using Outcome = DeliveryResult::Outcome;

namespace {

struct Received {
  std::string method;
  std::string uri;
  std::map<std::string, std::string> headers;
  std::string body;
};

// What the server answers.
struct Answer {
  int status = 202;
  std::string body;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};  // before answering; cut short when the server stops
};

// Shared by the server's handler threads and the test; outlives both (shared_ptr).
struct ServerState {
  std::mutex mutex;
  std::condition_variable released;
  bool stopping = false;
  Answer answer;
  std::vector<Received> received;
};

class RecordingHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RecordingHandler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    Received received;
    received.method = request.getMethod();
    received.uri = request.getURI();
    for (const auto& [name, value] : request) received.headers[name] = value;
    Poco::StreamCopier::copyToString(request.stream(), received.body);
    Answer answer;
    {
      std::unique_lock<std::mutex> lock(state_->mutex);
      state_->received.push_back(std::move(received));
      answer = state_->answer;
      state_->released.wait_for(lock, answer.delay, [&] { return state_->stopping; });
    }
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    response.send() << answer.body;
  }

 private:
  std::shared_ptr<ServerState> state_;
};

class RecordingFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RecordingFactory(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RecordingHandler(state_);
  }

 private:
  std::shared_ptr<ServerState> state_;
};

// A collector stand-in: records every request, answers as told.
class TestServer {
 public:
  TestServer() : state_(std::make_shared<ServerState>()), socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    // A late answer to a client that gave up must not kill the test process.
    std::signal(SIGPIPE, SIG_IGN);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new RecordingFactory(state_), socket_, params);
    server_->start();
  }
  ~TestServer() {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->stopping = true;
    }
    state_->released.notify_all();
    server_->stopAll(true);
  }

  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
  }
  void answer(Answer answer) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->answer = std::move(answer);
  }
  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->received;
  }
  Received only() const {
    auto all = received();
    REQUIRE(all.size() == 1);
    return all[0];
  }

 private:
  std::shared_ptr<ServerState> state_;
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

std::string header(const Received& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "<absent>" : it->second;
}

// A port nothing listens on: bound by the kernel's choice, then closed.
unsigned short closedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  unsigned short port = socket.address().port();
  socket.close();
  return port;
}

}  // namespace

TEST_CASE("http posts a native report to <url>/api/v2/reports as JSON", "[http]") {
  TestServer server;
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}});
  Report report = sampleReport();
  DeliveryResult result = sink->deliver(report);
  CHECK(result.outcome == Outcome::Delivered);
  CHECK_THAT(result.detail, Catch::Contains("202"));

  Received r = server.only();
  CHECK(r.method == "POST");
  CHECK(r.uri == "/api/v2/reports");
  CHECK(header(r, "Content-Type") == "application/json");
  CHECK(header(r, "Content-Length") == std::to_string(r.body.size()));
  CHECK_THAT(header(r, "User-Agent"), Catch::StartsWith("kubecensus-agent/"));
  CHECK(header(r, "Authorization") == "<absent>");
  CHECK(r.body == encodeReport(report, ReportFormat::Native));
  CHECK(fromNativeJson(nlohmann::json::parse(r.body)) == report);
}

TEST_CASE("http keeps the base path of the URL", "[http]") {
  TestServer server;
  for (const char* base : {"/base", "/base/", "/a/b//"}) {
    INFO(base);
    auto sink = makePlugin<Sink>("http", {{"url", server.url(base)}});
    CHECK(sink->deliver(sampleReport()).outcome == Outcome::Delivered);
  }
  auto all = server.received();
  REQUIRE(all.size() == 3);
  CHECK(all[0].uri == "/base/api/v2/reports");
  CHECK(all[1].uri == "/base/api/v2/reports");
  CHECK(all[2].uri == "/a/b/api/v2/reports");
}

TEST_CASE("http with format = spartakus-v1 posts a Spartakus record to /api/v1", "[http]") {
  TestServer server;
  server.answer({204, "", {}, 0ms});
  auto sink = makePlugin<Sink>("http", {{"url", server.url("/spartakus")}, {"format", "spartakus-v1"}});
  Report report = sampleReport();
  CHECK(sink->deliver(report).outcome == Outcome::Delivered);
  Received r = server.only();
  CHECK(r.uri == "/spartakus/api/v1");
  CHECK(header(r, "Content-Type") == "application/json");
  CHECK(r.body == encodeReport(report, ReportFormat::SpartakusV1));
  auto record = nlohmann::json::parse(r.body);
  CHECK(record["clusterID"] == report.clusterID);
  CHECK_FALSE(record.contains("reportID"));
}

TEST_CASE("http with format = tectonic posts the envelope with the account to /api/v1", "[http]") {
  TestServer server;
  auto sink = makePlugin<Sink>(
      "http",
      {{"url", server.url()}, {"format", "tectonic"}, {"account_id", "acc-1"}, {"account_secret", "sec-1"}});
  Report report = sampleReport();
  CHECK(sink->deliver(report).outcome == Outcome::Delivered);
  Received r = server.only();
  CHECK(r.uri == "/api/v1");
  TectonicAccount account{"acc-1", "sec-1"};
  CHECK(r.body == encodeReport(report, ReportFormat::Tectonic, &account));
  CHECK(detectLegacyFormat(nlohmann::json::parse(r.body)) == ReportFormat::Tectonic);
}

TEST_CASE("http sends the token as a bearer token", "[http]") {
  TestServer server;
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}, {"token", "s3cret"}});
  CHECK(sink->deliver(sampleReport()).outcome == Outcome::Delivered);
  CHECK(header(server.only(), "Authorization") == "Bearer s3cret");
}

TEST_CASE("http turns each status into delivered, retry later or rejected", "[http]") {
  TestServer server;
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}});
  struct Case {
    int status;
    Outcome outcome;
  };
  for (const Case& c :
       {Case{200, Outcome::Delivered}, Case{202, Outcome::Delivered}, Case{204, Outcome::Delivered},
        Case{408, Outcome::RetryLater}, Case{429, Outcome::RetryLater}, Case{500, Outcome::RetryLater},
        Case{502, Outcome::RetryLater}, Case{503, Outcome::RetryLater}, Case{400, Outcome::Rejected},
        Case{401, Outcome::Rejected}, Case{404, Outcome::Rejected}, Case{413, Outcome::Rejected},
        Case{422, Outcome::Rejected}}) {
    INFO("HTTP " << c.status);
    server.answer({c.status, "", {}, 0ms});
    DeliveryResult result = sink->deliver(sampleReport());
    CHECK(result.outcome == c.outcome);
    CHECK_THAT(result.detail, Catch::Contains("HTTP " + std::to_string(c.status)));
    CHECK(result.retryAfter == 0s);  // no Retry-After given
  }
}

TEST_CASE("http honours Retry-After in seconds and as a date", "[http]") {
  TestServer server;
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}});

  server.answer({503, "{\"error\":{\"code\":503}}", {{"Retry-After", "7"}}, 0ms});
  DeliveryResult result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::RetryLater);
  CHECK(result.retryAfter == 7s);

  server.answer({429, "", {{"Retry-After", "120"}}, 0ms});
  result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::RetryLater);
  CHECK(result.retryAfter == 120s);

  Poco::Timestamp inAMinute;
  inAMinute += 60 * Poco::Timestamp::resolution();
  server.answer(
      {503,
       "",
       {{"Retry-After", Poco::DateTimeFormatter::format(inAMinute, Poco::DateTimeFormat::HTTP_FORMAT)}},
       0ms});
  result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::RetryLater);
  CHECK(result.retryAfter >= 55s);
  CHECK(result.retryAfter <= 60s);

  server.answer({503, "", {{"Retry-After", "soon"}}, 0ms});
  result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::RetryLater);
  CHECK(result.retryAfter == 0s);
}

TEST_CASE("http gives the collector's message of a rejection in the detail", "[http]") {
  TestServer server;
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}});
  server.answer(
      {400, "{\"error\":{\"code\":400,\"message\":\"nodes[0].capacity: must be an array\"}}", {}, 0ms});
  DeliveryResult result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::Rejected);
  CHECK_THAT(result.detail,
             Catch::Contains("HTTP 400") && Catch::Contains("nodes[0].capacity: must be an array"));

  // A long answer is cut for the logs.
  server.answer({400, std::string(100000, 'x'), {}, 0ms});
  result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::Rejected);
  CHECK(result.detail.size() < 400);
}

TEST_CASE("http: a refused connection is retried later", "[http]") {
  unsigned short port = closedPort();
  auto sink =
      makePlugin<Sink>("http", {{"url", "http://127.0.0.1:" + std::to_string(port)}, {"timeout", "2s"}});
  auto start = std::chrono::steady_clock::now();
  DeliveryResult result = sink->deliver(sampleReport());
  CHECK(result.outcome == Outcome::RetryLater);
  CHECK_THAT(result.detail, Catch::Contains("127.0.0.1:" + std::to_string(port)));
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("http gives up after the timeout and retries later", "[http]") {
  TestServer server;
  server.answer({202, "", {}, 10s});  // cut short when the test ends
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}, {"timeout", "1s"}});
  auto start = std::chrono::steady_clock::now();
  DeliveryResult result = sink->deliver(sampleReport());
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(result.outcome == Outcome::RetryLater);
  CHECK(elapsed >= 900ms);
  CHECK(elapsed < 3s);
  CHECK(server.received().size() == 1);  // the request was sent; the answer did not come in time
}

TEST_CASE("http refuses bad options when created", "[http]") {
  CHECK_THAT(kctest::createError<Sink>("http", {}), Catch::Contains("'url'"));
  CHECK_THAT(kctest::createError<Sink>("http", {{"url", "ftp://h/x"}}),
             Catch::Contains("scheme") && Catch::Contains("ftp"));
  CHECK_THAT(kctest::createError<Sink>("http", {{"url", "http:///x"}}), Catch::Contains("no host"));
  CHECK_THAT(kctest::createError<Sink>("http", {{"url", "http://h"}, {"format", "xml"}}),
             Catch::Contains("xml"));
  CHECK_THAT(kctest::createError<Sink>("http", {{"url", "http://h"}, {"format", "tectonic"}}),
             Catch::Contains("account_id") && Catch::Contains("account_secret"));
  CHECK_THAT(
      kctest::createError<Sink>("http", {{"url", "http://h"}, {"format", "tectonic"}, {"account_id", "a"}}),
      Catch::Contains("account_secret"));
}
