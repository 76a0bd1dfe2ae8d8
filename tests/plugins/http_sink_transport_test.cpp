// The `http` sink's transport: gzip bodies, proxies (from options and the environment, plain
// and CONNECT tunnels), TLS with a client certificate; against in-test servers and a proxy.
#include <Poco/InflatingStream.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../plugins/sinks/http/proxy_selection.cpp"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "plugins_test_support.h"
#include "support/fake_http_server.h"
#include "support/temp_dir.h"
#include "support/test_proxy.h"
#include "support/tls_certs.h"

using namespace kubecensus;
using kctest::FakeHttpServer;
using kctest::FakeRequest;
using kctest::makePlugin;
using kctest::sampleReport;
using Outcome = DeliveryResult::Outcome;

namespace {

FakeHttpServer accepting(std::optional<FakeHttpServer::Tls> tls = std::nullopt) {
  return FakeHttpServer([](const FakeRequest&) { return kctest::jsonResponse(202, R"({"accepted":1})"); },
                        std::move(tls));
}

std::string gunzip(const std::string& body) {
  std::istringstream in(body);
  Poco::InflatingInputStream inflating(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  out << inflating.rdbuf();
  return out.str();
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("http sink: native bodies over compress_above go gzipped, legacy formats never", "[http]") {
  FakeHttpServer server = accepting();
  const Report report = sampleReport();
  SECTION("native, above the threshold") {
    auto sink = makePlugin<Sink>("http", {{"url", server.url()}, {"compress_above", "10"}});
    CHECK(sink->deliver(report).outcome == Outcome::Delivered);
    const FakeRequest request = server.requests().at(0);
    CHECK(request.contentEncoding == "gzip");
    CHECK(gunzip(request.body) == encodeReport(report, ReportFormat::Native));
  }
  SECTION("native, below it") {
    auto sink = makePlugin<Sink>("http", {{"url", server.url()}, {"compress_above", "1MiB"}});
    CHECK(sink->deliver(report).outcome == Outcome::Delivered);
    CHECK(server.requests().at(0).contentEncoding.empty());
    CHECK(server.requests().at(0).body == encodeReport(report, ReportFormat::Native));
  }
  SECTION("spartakus-v1 under auto, whatever its size; gzip forces it") {
    auto plain = makePlugin<Sink>(
        "http", {{"url", server.url()}, {"format", "spartakus-v1"}, {"compress_above", "0"}});
    CHECK(plain->deliver(report).outcome == Outcome::Delivered);
    CHECK(server.requests().at(0).contentEncoding.empty());
    auto forced =
        makePlugin<Sink>("http", {{"url", server.url()}, {"format", "spartakus-v1"}, {"compress", "gzip"}});
    CHECK(forced->deliver(report).outcome == Outcome::Delivered);
    CHECK(server.requests().at(1).contentEncoding == "gzip");
    CHECK(server.requests().at(1).path == "/api/v1");
  }
}

TEST_CASE("http sink: through a proxy named in the options, with credentials", "[http]") {
  FakeHttpServer server = accepting();
  kctest::TestProxy proxy;
  auto sink = makePlugin<Sink>(
      "http",
      {{"url", server.url()}, {"proxy", "http://agent:s3cret@127.0.0.1:" + std::to_string(proxy.port())}});
  CHECK(sink->deliver(sampleReport()).outcome == Outcome::Delivered);
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0].requestLine == "POST " + server.url() + "/api/v2/reports HTTP/1.1");
  CHECK(proxy.requests()[0].proxyAuthorization == "Basic YWdlbnQ6czNjcmV0");  // agent:s3cret
  CHECK(server.requestCount() == 1);
}

TEST_CASE("http sink: HTTPS through a CONNECT tunnel, with a client certificate", "[http]") {
  kctest::TempDir dir;
  const kctest::TlsFiles tls = kctest::makeTlsFiles(dir.path());
  FakeHttpServer server = accepting(FakeHttpServer::Tls{tls.serverCert, tls.serverKey, tls.caCert});
  kctest::TestProxy proxy;
  ScopedEnv httpsProxy("HTTPS_PROXY", proxy.url());
  ScopedEnv noProxy("NO_PROXY", "example.com");
  auto sink = makePlugin<Sink>("http", {{"url", server.url()},
                                        {"ca_file", tls.caCert},
                                        {"client_cert", tls.clientCert},
                                        {"client_key", tls.clientKey}});
  DeliveryResult result = sink->deliver(sampleReport());
  INFO(result.detail);
  CHECK(result.outcome == Outcome::Delivered);
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0].requestLine ==
        "CONNECT 127.0.0.1:" + std::to_string(server.port()) + " HTTP/1.1");
  REQUIRE(server.requestCount() == 1);
  CHECK(server.requests()[0].clientCommonName == "kubecensus-test-client");

  SECTION("NO_PROXY sends it direct") {
    ScopedEnv direct("NO_PROXY", "localhost,127.0.0.1");
    auto bypassing = makePlugin<Sink>("http", {{"url", server.url()},
                                               {"ca_file", tls.caCert},
                                               {"client_cert", tls.clientCert},
                                               {"client_key", tls.clientKey}});
    CHECK(bypassing->deliver(sampleReport()).outcome == Outcome::Delivered);
    CHECK(proxy.requests().size() == 1);
    CHECK(server.requestCount() == 2);
  }
  SECTION("without the client certificate the server refuses, and it is retried later") {
    auto anonymous = makePlugin<Sink>("http", {{"url", server.url()}, {"ca_file", tls.caCert}});
    DeliveryResult refused = anonymous->deliver(sampleReport());
    CHECK(refused.outcome == Outcome::RetryLater);
    CHECK_THAT(refused.detail, Catch::Contains("via proxy 127.0.0.1"));
  }
}

TEST_CASE("http sink: a server certificate the CA did not sign is never accepted", "[http]") {
  kctest::TempDir dir, other;
  const kctest::TlsFiles tls = kctest::makeTlsFiles(dir.path());
  const kctest::TlsFiles stranger = kctest::makeTlsFiles(other.path());
  FakeHttpServer server = accepting(FakeHttpServer::Tls{tls.serverCert, tls.serverKey, ""});
  auto sink = makePlugin<Sink>("http", {{"url", server.url()}, {"ca_file", stranger.caCert}});
  CHECK(sink->deliver(sampleReport()).outcome == Outcome::RetryLater);
  CHECK(server.requestCount() == 0);
  CHECK_THAT(kctest::createError<Sink>("http", {{"url", server.url()}, {"ca_file", dir.file("missing.pem")}}),
             Catch::Contains("ca_file: cannot read"));
}

TEST_CASE("proxy selection follows curl's environment conventions", "[http][proxy]") {
  using http::bypassesProxy;
  using http::ProxyServer;
  using http::selectProxy;
  std::map<std::string, std::string> env;
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  CHECK_FALSE(selectProxy("", "https", "collector.example.com", lookup));
  env["HTTPS_PROXY"] = "http://proxy.corp:3128";
  env["HTTP_PROXY"] = "plain.corp:8080";
  CHECK(selectProxy("", "https", "collector.example.com", lookup) == ProxyServer{"proxy.corp", 3128, "", ""});
  CHECK(selectProxy("", "http", "collector.example.com", lookup) == ProxyServer{"plain.corp", 8080, "", ""});
  env["https_proxy"] = "http://u:p@lower.corp:1";  // the lower-case name wins, as in curl
  CHECK(selectProxy("", "https", "x", lookup) == ProxyServer{"lower.corp", 1, "u", "p"});
  env["NO_PROXY"] = "internal, .svc.cluster.local,10.0.0.1:8080";
  CHECK_FALSE(selectProxy("", "https", "internal", lookup));
  CHECK_FALSE(selectProxy("", "https", "api.internal", lookup));
  CHECK_FALSE(selectProxy("", "https", "kubecensus.svc.cluster.local", lookup));
  CHECK_FALSE(selectProxy("", "https", "10.0.0.1", lookup));
  CHECK(selectProxy("", "https", "notinternal", lookup));
  CHECK(selectProxy("", "https", "svc.cluster.local", lookup));  // ".x" is only x's subdomains
  CHECK_FALSE(selectProxy("none", "https", "collector.example.com", lookup));
  CHECK(selectProxy("http://explicit:9", "https", "internal", lookup) == ProxyServer{"explicit", 9, "", ""});
  CHECK_THROWS_AS(selectProxy("http://", "https", "x", lookup), std::invalid_argument);
  CHECK(bypassesProxy("*", "anything"));
  CHECK(bypassesProxy("*.example.com", "a.example.com"));
  CHECK_FALSE(bypassesProxy("*.example.com", "example.com"));
  CHECK(bypassesProxy("Example.COM", "sub.example.com"));
  CHECK_FALSE(bypassesProxy("", "example.com"));
  CHECK_FALSE(bypassesProxy(":8080, ,", "example.com"));  // entries that are only a port name no host
  CHECK(bypassesProxy("[::1]:8443", "::1"));
  CHECK(bypassesProxy("localhost:8080", "localhost"));
}
