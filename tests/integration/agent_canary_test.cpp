// The canary test: a generated cluster whose every name, label value, annotation, image,
// hostname, providerID, node ID and UID carries a unique canary string, reported by every
// source at every level in every wire format (what `preview` prints is exactly what the sinks
// send). The canary must not appear in the bytes in any case, as hex, or as base64 at any
// alignment.
#include <catch2/catch.hpp>

#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "collector_fixture.h"
#include "kubecensus/util/hmac.h"
#include "support/test_api_server.h"

using namespace kctest;

namespace {

constexpr const char* kCanary = "qzCanary7f3eWx";

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

std::string hex(const std::string& bytes, bool upper) {
  static const char* kDigits[] = {"0123456789abcdef", "0123456789ABCDEF"};
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[upper][c >> 4];
    out += kDigits[upper][c & 15];
  }
  return out;
}

std::string transformed(std::string text, int (*f)(int)) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [f](unsigned char c) { return static_cast<char>(f(c)); });
  return text;
}

// Every form in which the canary could leak.
std::vector<std::pair<std::string, std::string>> canaryForms() {
  const std::string canary = kCanary;
  std::vector<std::pair<std::string, std::string>> forms{
      {"as is", canary},
      {"lower case", transformed(canary, ::tolower)},
      {"upper case", transformed(canary, ::toupper)},
      {"hex", hex(canary, false)},
      {"HEX", hex(canary, true)},
      {"hex of lower case", hex(transformed(canary, ::tolower), false)},
  };
  // Base64 of a longer string containing the canary: the characters that only canary bytes
  // determine, for each of the three alignments.
  for (std::size_t p = 0; p < 3; ++p) {
    const std::string encoded = base64(std::string(p, 'x') + canary);
    const std::size_t firstGroup = (p + 2) / 3, endGroup = (p + canary.size()) / 3;
    forms.push_back({"base64 at offset " + std::to_string(p),
                     encoded.substr(firstGroup * 4, (endGroup - firstGroup) * 4)});
  }
  return forms;
}

}  // namespace

TEST_CASE("canary: no source at any level in any format sends anything of the cluster's names") {
  TestApiServer api({"--generate",
                     "nodes=40,namespaces=12,pods=200,services=30,deployments=20,statefulsets=6,daemonsets=4,"
                     "jobs=8,cronjobs=3",
                     "--canary", kCanary, "--seed", "7"});
  // The generator did put the canary in: a listing shows it (the control of this test).
  RunResult control = run("/usr/bin/curl", {"-sk", "-H", "Authorization: Bearer " + api.token(),
                                            api.url() + "/api/v1/nodes?limit=2"});
  REQUIRE(control.output.find(kCanary) != std::string::npos);

  TempDir work;
  const auto forms = canaryForms();
  for (const char* level : {"minimal", "standard", "detailed"}) {
    INFO("level " << level);
    // One sink per wire format: native, tectonic, and (detailed only) Spartakus v1.
    std::string config =
        "[sink.native]\ntype = http\nurl = http://127.0.0.1:9/\n"
        "[sink.tectonic]\ntype = http\nurl = http://127.0.0.1:9/\nformat = tectonic\naccount_id = a\n"
        "account_secret = s\n";
    if (std::string(level) == "detailed")
      config += "[sink.spartakus]\ntype = http\nurl = http://127.0.0.1:9/\nformat = spartakus-v1\n";
    work.write(std::string(level) + ".ini", config);
    SplitRunResult preview =
        runSplit(agentBinary(),
                 {"preview", "--config", work.file(std::string(level) + ".ini"), "--kubeconfig",
                  api.kubeconfig(), "--level", level, "--set", "agent.state_dir=" + work.file("state")},
                 agentEnvironment());
    INFO(preview.err);
    REQUIRE(preview.exitCode == 0);
    const std::size_t formats =
        static_cast<std::size_t>(std::count(preview.out.begin(), preview.out.end(), '\n'));
    CHECK(formats == (std::string(level) == "detailed" ? 3u : 2u));
    CHECK(preview.out.find("\"nodeCount\":40") != std::string::npos);  // the cluster was read
    for (const auto& [form, text] : forms) {
      INFO(form << ": " << text);
      CHECK(preview.out.find(text) == std::string::npos);
    }
  }
}
