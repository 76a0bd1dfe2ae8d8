// The air-gapped workflow through the real binaries: an agent that can reach no collector
// spools its reports, an operator exports a bundle and carries it out, the collector imports
// it (on the command line or over HTTP) and refuses one that was damaged on the way.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "collector_fixture.h"

using namespace kctest;
using nlohmann::json;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

struct AirGappedCluster {
  TempDir work;
  std::string spool = work.file("spool.db");
  std::vector<std::string> with(std::vector<std::string> args) const {
    args.insert(args.end(), {"--set", "agent.state_dir=" + work.file("state")});
    return args;
  }
  // Three passes of an agent whose only sink is the spool.
  void report(int times = 3) {
    for (int i = 0; i < times; ++i) {
      RunResult pass = runAgent(with({"run", "--once", "--database", "spool:" + spool}));
      INFO(pass.output);
      REQUIRE(pass.exitCode == 0);
    }
  }
  RunResult spoolCommand(std::vector<std::string> words) const {
    words.insert(words.begin(), "spool");
    words.insert(words.end(), {"--spool", spool});
    return runAgent(with(words));
  }
};

}  // namespace

TEST_CASE(
    "spooled reports go out as a bundle that the collector imports once, and a damaged one not at all") {
  AirGappedCluster cluster;
  cluster.report();
  RunResult listed = cluster.spoolCommand({"list"});
  CHECK(contains(listed.output, "3 reports (0 exported or forwarded)"));

  const std::string bundle = cluster.work.file("usage.bundle");
  RunResult exported = cluster.spoolCommand({"export", "--output", bundle});
  INFO(exported.output);
  REQUIRE(exported.exitCode == 0);
  CHECK(contains(exported.output, "exported 3 reports to " + bundle));
  CHECK(contains(cluster.spoolCommand({"export", "--output", cluster.work.file("again.bundle")}).output,
                 "no reports to export"));

  // A damaged copy: refused whole, nothing stored.
  std::string bytes = readBytes(bundle);
  const std::string damaged = cluster.work.file("damaged.bundle");
  writeBytes(damaged, bytes.substr(0, bytes.size() - 10));
  Collector collector;
  RunResult refused =
      run(collectorBinary(), {"import", damaged, "--database", "sqlite:" + collector.dbPath()});
  CHECK(refused.exitCode == 1);
  CHECK(contains(refused.output, "truncated or damaged"));
  CHECK(contains(refused.output, "nothing imported"));
  CHECK(collector.reports().empty());

  RunResult imported =
      run(collectorBinary(), {"import", bundle, "--database", "sqlite:" + collector.dbPath()});
  INFO(imported.output);
  CHECK(imported.exitCode == 0);
  CHECK(contains(imported.output, "3 reports, 3 stored, 0 already there"));
  RunResult twice = run(collectorBinary(), {"import", bundle, "--database", "sqlite:" + collector.dbPath()});
  CHECK(contains(twice.output, "3 reports, 0 stored, 3 already there"));
  auto rows = collector.reports();
  CHECK(rows.size() == 3);
  for (const auto& row : rows) CHECK(row.receivedFrom == "bundle:" + bundle);

  // Purge drops what was exported.
  CHECK(contains(cluster.spoolCommand({"purge"}).output, "and 3 exported reports from the spool"));
  CHECK(contains(cluster.spoolCommand({"list"}).output, "0 reports"));
}

TEST_CASE("POST /api/v2/bundles stores a bundle and refuses a damaged one with a JSON error") {
  AirGappedCluster cluster;
  cluster.report(2);
  const std::string bundle = cluster.work.file("usage.bundle");
  REQUIRE(cluster.spoolCommand({"export", "--output", bundle}).exitCode == 0);
  const std::string bytes = readBytes(bundle);
  Collector collector;

  HttpAnswer wrongType = httpRequest(collector.port(), {"POST", "/api/v2/bundles", bytes});
  CHECK(wrongType.status == 415);

  HttpAnswer damaged = httpRequest(
      collector.port(), {"POST", "/api/v2/bundles", bytes.substr(0, bytes.size() / 2), "application/gzip"});
  CHECK(damaged.status == 400);
  CHECK(contains(json::parse(damaged.body)["error"]["message"], "truncated or damaged"));
  CHECK(collector.reports().empty());

  HttpAnswer stored = httpRequest(collector.port(), {"POST", "/api/v2/bundles", bytes, "application/gzip"});
  INFO(stored.body);
  CHECK(stored.status == 202);
  CHECK(json::parse(stored.body) == json{{"reports", 2}, {"accepted", 2}, {"duplicates", 0}});
  HttpAnswer again =
      httpRequest(collector.port(), {"POST", "/api/v2/bundles", bytes, "application/octet-stream"});
  CHECK(json::parse(again.body) == json{{"reports", 2}, {"accepted", 0}, {"duplicates", 2}});
  CHECK(collector.reports().size() == 2);
}

TEST_CASE(
    "POST /api/v2/bundles: a bundle over max_bundle_size, or over what max_inflight_memory can hold, is "
    "413") {
  AirGappedCluster cluster;
  cluster.report(2);
  const std::string bundle = cluster.work.file("usage.bundle");
  REQUIRE(cluster.spoolCommand({"export", "--output", bundle}).exitCode == 0);
  const std::string bytes = readBytes(bundle);
  // As sent: the limit below the bundle's size.
  Collector small({"--set", "collector.max_bundle_size=" + std::to_string(bytes.size() - 1)});
  HttpAnswer tooLarge = httpRequest(small.port(), {"POST", "/api/v2/bundles", bytes, "application/gzip"});
  CHECK(tooLarge.status == 413);
  CHECK(contains(json::parse(tooLarge.body)["error"]["message"], "over the limit"));
  // Inflated and decoded, it needs more than a 1 KiB budget can ever hold.
  Collector frugal({"--set", "collector.max_inflight_memory=1KiB"});
  HttpAnswer unfit = httpRequest(frugal.port(), {"POST", "/api/v2/bundles", bytes, "application/gzip"});
  CHECK(unfit.status == 413);
  CHECK(contains(json::parse(unfit.body)["error"]["message"], "collector.max_inflight_memory"));
  CHECK(small.reports().empty());
  CHECK(frugal.reports().empty());
}

TEST_CASE("spool forward sends the spool's reports (or a bundle's) from a host that reaches the collector") {
  AirGappedCluster cluster;
  cluster.report(2);
  Collector collector;
  RunResult forwarded = cluster.spoolCommand({"forward", "--to", collector.url()});
  INFO(forwarded.output);
  CHECK(forwarded.exitCode == 0);
  CHECK(contains(forwarded.output, "forwarded 2 reports to " + collector.url()));
  CHECK(collector.reports().size() == 2);
  CHECK(contains(cluster.spoolCommand({"list"}).output, "2 reports (2 exported or forwarded)"));

  // A bundle carried to a jump host: imported into its spool, or forwarded directly.
  cluster.report(1);
  const std::string bundle = cluster.work.file("one.bundle");
  REQUIRE(cluster.spoolCommand({"export", "--output", bundle}).exitCode == 0);
  TempDir jumpHost;
  RunResult importedThere = runAgent({"spool", "import", bundle, "--spool", jumpHost.file("spool.db"),
                                      "--set", "agent.state_dir=" + jumpHost.file("state")});
  CHECK(contains(importedThere.output, "imported 1 reports"));
  RunResult direct = runAgent({"spool", "forward", "--bundle", bundle, "--to", collector.url(), "--set",
                               "agent.state_dir=" + jumpHost.file("s")});
  CHECK(direct.exitCode == 0);
  CHECK(collector.reports().size() == 3);

  // A collector that is not there: the command says so and fails.
  RunResult down = cluster.spoolCommand({"forward", "--to", "http://127.0.0.1:1"});
  CHECK(down.exitCode == 0);  // nothing left to forward: all were sent
  cluster.report(1);
  RunResult unreachable = cluster.spoolCommand({"forward", "--to", "http://127.0.0.1:1"});
  CHECK(unreachable.exitCode == 1);
  CHECK(contains(unreachable.output, "run it again to send the rest"));
}
