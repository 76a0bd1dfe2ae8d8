// Exec credential plugins through the client: the token the plugin prints is what the server
// sees, it is cached until (shortly before) it expires, and a 401 asks the plugin again once.
#include <sys/stat.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "kube_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using namespace kctest;
using json = nlohmann::json;

namespace {

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kV1beta1 = "client.authentication.k8s.io/v1beta1";

std::string rfc3339(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A plugin that counts its runs in $COUNTER, keeps its KUBERNETES_EXEC_INFO and arguments, and
// prints a token numbered by the run: exec-token-1, exec-token-2, ...
std::string writePlugin(const TempDir& dir, const std::string& printedApiVersion, const std::string& expiry) {
  std::string expiryField = expiry.empty() ? "" : R"(,"expirationTimestamp":")" + expiry + "\"";
  std::string script =
      "#!/bin/sh\n"
      "echo run >> \"$COUNTER\"\n"
      "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$COUNTER.info\"\n"
      "echo \"$@\" > \"$COUNTER.args\"\n"
      "n=$(wc -l < \"$COUNTER\")\n"
      "echo '{\"apiVersion\":\"" +
      printedApiVersion + "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-token-'$n'\"" +
      expiryField + "}}'\n";
  std::string path = dir.write("plugin.sh", script);
  ::chmod(path.c_str(), 0755);
  return path;
}

ClusterAccess execAccess(const FakeHttpServer& server, const TempDir& dir, const std::string& command,
                         const std::string& apiVersion) {
  ClusterAccess access = accessTo(server, "");
  ExecConfig exec;
  exec.apiVersion = apiVersion;
  exec.command = command;
  exec.args = {"token", "--cluster-name", "prod eu"};
  exec.env = {{"COUNTER", dir.file("runs")}};
  exec.installHint = "Install the plugin: https://example.com/plugin";
  access.exec = exec;
  access.origin = "kubeconfig test, context prod";
  return access;
}

int runs(const TempDir& dir) {
  std::string text;
  try {
    text = readFile(dir.file("runs"));
  } catch (const std::exception&) {
    return 0;
  }
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

std::string errorOf(KubeClient& client) {
  try {
    client.get("/version");
  } catch (const KubeError& e) {
    CHECK(e.status() == 0);
    return e.what();
  }
  FAIL("no KubeError");
  return {};
}

FakeResponse ok(const FakeRequest&) {
  return jsonResponse(200, "{}");
}

}  // namespace

TEST_CASE("an exec plugin's token is used and cached until it expires", "[exec_credential]") {
  std::string apiVersion = GENERATE(kV1, kV1beta1);
  TempDir dir;
  FakeHttpServer server(ok);
  CapturingLogger log;
  std::string plugin =
      writePlugin(dir, apiVersion, rfc3339(std::chrono::system_clock::now() + std::chrono::hours(1)));
  KubeClient client(execAccess(server, dir, plugin, apiVersion), fastSettings(), log);

  client.get("/version");
  client.get("/version");
  CHECK(runs(dir) == 1);
  for (const auto& r : server.requests()) CHECK(r.authorization == "Bearer exec-token-1");

  json info = json::parse(readFile(dir.file("runs.info")));
  CHECK(info ==
        json{{"apiVersion", apiVersion}, {"kind", "ExecCredential"}, {"spec", {{"interactive", false}}}});
  CHECK(readFile(dir.file("runs.args")) == "token --cluster-name prod eu\n");
}

TEST_CASE("an expired exec credential, or one about to expire, runs the plugin again", "[exec_credential]") {
  auto expiry = GENERATE(std::chrono::seconds(-3600), std::chrono::seconds(3));
  TempDir dir;
  FakeHttpServer server(ok);
  CapturingLogger log;
  std::string plugin = writePlugin(dir, kV1, rfc3339(std::chrono::system_clock::now() + expiry));
  KubeClient client(execAccess(server, dir, plugin, kV1), fastSettings(), log);
  client.get("/version");
  client.get("/version");
  CHECK(runs(dir) == 2);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].authorization == "Bearer exec-token-2");
}

TEST_CASE("a credential without expiry, or with a zone offset and fractions, is cached",
          "[exec_credential]") {
  std::string expiry = GENERATE(std::string(), std::string("2099-01-01T00:00:00.123456+02:00"));
  TempDir dir;
  FakeHttpServer server(ok);
  CapturingLogger log;
  KubeClient client(execAccess(server, dir, writePlugin(dir, kV1, expiry), kV1), fastSettings(), log);
  client.get("/version");
  client.get("/version");
  CHECK(runs(dir) == 1);
}

TEST_CASE("a 401 runs the plugin once more and retries once", "[exec_credential]") {
  bool acceptSecond = GENERATE(true, false);
  TempDir dir;
  FakeHttpServer server([&](const FakeRequest& r) {
    if (acceptSecond && r.authorization == "Bearer exec-token-2") return jsonResponse(200, "{}");
    return statusResponse(401, "Unauthorized", "Unauthorized");
  });
  CapturingLogger log;
  std::string plugin =
      writePlugin(dir, kV1, rfc3339(std::chrono::system_clock::now() + std::chrono::hours(1)));
  KubeClient client(execAccess(server, dir, plugin, kV1), fastSettings(), log);
  if (acceptSecond) {
    client.get("/version");
  } else {
    try {
      client.get("/version");
      FAIL("no KubeError");
    } catch (const KubeError& e) {
      CHECK(e.status() == 401);
      CHECK_THAT(e.what(), Catch::Contains("credentials of kubeconfig test, context prod were rejected"));
    }
  }
  CHECK(runs(dir) == 2);
  CHECK(server.requestCount() == 2);
}

TEST_CASE("a failing plugin's stderr is in the error", "[exec_credential]") {
  TempDir dir;
  std::string plugin = dir.write("plugin.sh",
                                 "#!/bin/sh\n"
                                 "echo 'error: SSO session expired; run aws sso login --profile prod' >&2\n"
                                 "exit 3\n");
  ::chmod(plugin.c_str(), 0755);
  FakeHttpServer server(ok);
  CapturingLogger log;
  KubeClient client(execAccess(server, dir, plugin, kV1), fastSettings(), log);
  std::string message = errorOf(client);
  CHECK_THAT(message,
             Catch::Contains("exec credential plugin \"" + plugin + "\" of kubeconfig test, context prod"));
  CHECK_THAT(message, Catch::Contains("exit status 3"));
  CHECK_THAT(message, Catch::Contains("SSO session expired; run aws sso login --profile prod"));
  CHECK(server.requestCount() == 0);
}

TEST_CASE("a plugin that cannot be started shows its install hint", "[exec_credential]") {
  TempDir dir;
  FakeHttpServer server(ok);
  CapturingLogger log;
  KubeClient client(execAccess(server, dir, "kubecensus-no-such-auth-plugin", kV1), fastSettings(), log);
  std::string message = errorOf(client);
  CHECK_THAT(message, Catch::Contains("could not be started: No such file or directory"));
  CHECK_THAT(message, Catch::Contains("Install the plugin: https://example.com/plugin"));
}

TEST_CASE("a plugin that hangs is killed at the timeout", "[exec_credential]") {
  TempDir dir;
  std::string plugin = dir.write("plugin.sh", "#!/bin/sh\necho 'waiting for the browser' >&2\nsleep 30\n");
  ::chmod(plugin.c_str(), 0755);
  FakeHttpServer server(ok);
  CapturingLogger log;
  KubeClientSettings settings = fastSettings();
  settings.execTimeout = std::chrono::milliseconds(200);
  KubeClient client(execAccess(server, dir, plugin, kV1), settings, log);
  auto start = std::chrono::steady_clock::now();
  std::string message = errorOf(client);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK_THAT(message,
             Catch::Contains("did not finish within 200 ms") && Catch::Contains("waiting for the browser"));
}

TEST_CASE("unusable plugin output is refused with the reason", "[exec_credential]") {
  struct Case {
    std::string output;
    std::string reason;
  };
  auto c = GENERATE(
      Case{"not json", "not a JSON object"},
      Case{
          R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}})",
          "returned apiVersion \"client.authentication.k8s.io/v1beta1\" but is configured for "
          "\"client.authentication.k8s.io/v1\""},
      Case{R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"x"}})",
           "kind \"Secret\""},
      Case{R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
           "neither a token nor clientCertificateData"},
      Case{R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x",)"
           R"("expirationTimestamp":"tomorrow"}})",
           "\"tomorrow\" is not an RFC 3339 time"},
      // Found by the exec_credential fuzz target: past 2262 the clock's nanoseconds overflowed.
      Case{R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x",)"
           R"("expirationTimestamp":"4052-12-01T10:00:00Z"}})",
           "\"4052-12-01T10:00:00Z\" is out of range"},
      // Found by the exec_credential fuzz target: a field of another type escaped as a type_error.
      Case{R"({"apiVersion":{"interactive":false},"kind":"ExecCredential","status":{"token":"x"}})",
           "it returned apiVersion \"\" but is configured for"});
  TempDir dir;
  std::string plugin = dir.write("plugin.sh", "#!/bin/sh\ncat <<'EOF'\n" + c.output + "\nEOF\n");
  ::chmod(plugin.c_str(), 0755);
  FakeHttpServer server(ok);
  CapturingLogger log;
  KubeClient client(execAccess(server, dir, plugin, kV1), fastSettings(), log);
  std::string message = errorOf(client);
  CHECK_THAT(message, Catch::Contains("printed an unusable ExecCredential") && Catch::Contains(c.reason));
}
