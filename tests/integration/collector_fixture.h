// What the integration tests share: a real kubecensus-collector on 127.0.0.1 and a port the
// kernel picked, an HTTP client for it, the agent binary, and a reader for the SQLite file the
// collector writes. Header-only because only *_test.cpp files in this directory are built.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/temp_dir.h"

namespace kctest {

inline std::string agentBinary() {
  return buildPath("bin/kubecensus-agent");
}
inline std::string collectorBinary() {
  return buildPath("bin/kubecensus-collector");
}

inline std::int64_t nowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
template <class Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// ---- HTTP ---------------------------------------------------------------------------------

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // as received; names as the server spelt them

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpRequestSpec {
  std::string method = "GET";
  std::string path = "/";
  std::optional<std::string> body;  // none: no body at all
  std::string contentType = "application/json";
  bool chunked = false;                             // Transfer-Encoding: chunked instead of Content-Length
  std::string contentEncoding = {};                 // e.g. "gzip" (the body is sent as given)
  std::map<std::string, std::string> headers = {};  // more request headers
};

// One request on an existing session (so a test can reuse a kept-alive connection).
inline HttpAnswer send(Poco::Net::HTTPClientSession& session, const HttpRequestSpec& spec) {
  Poco::Net::HTTPRequest request(spec.method, spec.path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : spec.headers) request.set(name, value);
  if (spec.body) {
    if (!spec.contentType.empty()) request.setContentType(spec.contentType);
    if (!spec.contentEncoding.empty()) request.set("Content-Encoding", spec.contentEncoding);
    if (spec.chunked)
      request.setChunkedTransferEncoding(true);
    else
      request.setContentLength(static_cast<std::streamsize>(spec.body->size()));
  }
  std::ostream& out = session.sendRequest(request);
  if (spec.body) out << *spec.body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpAnswer answer;
  answer.status = static_cast<int>(response.getStatus());
  Poco::StreamCopier::copyToString(in, answer.body);
  for (const auto& [name, value] : response) answer.headers[name] = value;
  return answer;
}

inline HttpAnswer httpRequest(unsigned short port, const HttpRequestSpec& spec) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(5, 0));
  return send(session, spec);
}

// A valid native report with this ID; `padding` spaces before the closing brace.
inline std::string nativeReport(const std::string& reportID, std::size_t padding = 0) {
  nlohmann::json capacity =
      nlohmann::json::array({nlohmann::json::object({{"resource", "cpu"}, {"value", "2"}})});
  nlohmann::json node = nlohmann::json::object({{"operatingSystem", "linux"}, {"capacity", capacity}});
  nlohmann::json report = nlohmann::json::object(
      {{"schema", "kubecensus.report/v2"},
       {"reportID", reportID},
       {"clusterID", "c0ffee00-0000-4000-8000-000000000001"},
       {"generatedAt", "2026-11-23T18:00:00Z"},
       {"agent", nlohmann::json::object({{"name", "kubecensus-agent"}, {"version", "0.1.0"}})},
       {"nodes", nlohmann::json::array({node})}});
  std::string text = report.dump();
  text.insert(text.size() - 1, std::string(padding, ' '));
  return text;
}

// ---- SQLite -------------------------------------------------------------------------------

// One row of the collector's `reports` table.
struct StoredReport {
  std::string reportID;
  std::string clusterID;
  std::int64_t receivedAt = 0;  // µs since the epoch, collector clock
  std::string receivedFrom;
  std::string receivedAs;
  std::optional<std::int64_t> generatedAt;
  std::optional<std::string> masterVersion;
  std::int64_t nodeCount = 0;
  std::string report;  // native JSON
};

// Every row, ordered by received_at, read through the sqlite3 C API (not the product's code).
// An absent database file is an error, not an empty table: the collector creates it at start.
inline std::vector<StoredReport> readReports(const std::string& dbPath) {
  if (!std::filesystem::exists(dbPath)) throw std::runtime_error("no database at " + dbPath);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + dbPath + ": " + message);
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(db, &sqlite3_close);
  sqlite3_busy_timeout(db, 2000);
  const char* sql =
      "SELECT report_id, cluster_id, received_at, received_from, received_as, generated_at, "
      "master_version, node_count, report FROM reports ORDER BY received_at, report_id";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("cannot query reports: ") + sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, &sqlite3_finalize);
  auto text = [&](int column) -> std::optional<std::string> {
    if (sqlite3_column_type(raw, column) == SQLITE_NULL) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, column)));
  };
  std::vector<StoredReport> rows;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    StoredReport row;
    row.reportID = text(0).value_or("");
    row.clusterID = text(1).value_or("");
    row.receivedAt = sqlite3_column_int64(raw, 2);
    row.receivedFrom = text(3).value_or("");
    row.receivedAs = text(4).value_or("");
    if (sqlite3_column_type(raw, 5) != SQLITE_NULL) row.generatedAt = sqlite3_column_int64(raw, 5);
    row.masterVersion = text(6);
    row.nodeCount = sqlite3_column_int64(raw, 7);
    row.report = text(8).value_or("");
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("reading reports: ") + sqlite3_errmsg(db));
  return rows;
}

// ---- processes ----------------------------------------------------------------------------

// A collector serving on 127.0.0.1:<free port>, storing into <its temp dir>/k.db.
class Collector {
 public:
  // `port` 0: one the kernel picks. `withSqlite` false: only the storages of extraArgs.
  // `program`: another collector binary (an installed one).
  explicit Collector(const std::vector<std::string>& extraArgs = {}, unsigned short port = 0,
                     bool withSqlite = true, const std::string& program = collectorBinary(),
                     const std::string& scheme = "http") {
    std::vector<std::string> args{"--listen", "127.0.0.1:" + std::to_string(port)};
    if (withSqlite) args.insert(args.end(), {"--database", "sqlite:" + dbPath()});
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    process_ = std::make_unique<ChildProcess>(program, args, logPath());
    // The whole line, newline included, so the port is not read half-written.
    const std::regex kListening("listening on " + scheme + R"(://127\.0\.0\.1:([0-9]+)\n)");
    std::smatch match;
    std::string log;
    bool found = eventually(
        [&] {
          log = process_->output();
          return std::regex_search(log, match, kListening) || !process_->running();
        },
        std::chrono::seconds(5));
    if (!found || match.empty())
      throw std::runtime_error("collector did not start listening; its output:\n" + process_->output());
    port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
  }

  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string dbPath() const { return dir_.file("k.db"); }
  std::string logPath() const { return dir_.file("collector.log"); }
  const TempDir& dir() const { return dir_; }
  ChildProcess& process() { return *process_; }
  std::string log() const { return process_->output(); }

  std::vector<StoredReport> reports() const { return readReports(dbPath()); }

  HttpAnswer get(const std::string& path) const { return httpRequest(port_, {"GET", path, std::nullopt}); }
  HttpAnswer post(const std::string& path, const std::string& body,
                  const std::string& contentType = "application/json") const {
    return httpRequest(port_, {"POST", path, body, contentType});
  }

  // SIGTERM; the exit code (128 + signal if it had to be killed).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return process_->stop(SIGTERM, timeout);
  }

 private:
  TempDir dir_;  // declared first: outlives the process writing into it
  std::unique_ptr<ChildProcess> process_;
  unsigned short port_ = 0;
};

// The agent's environment for tests: DO_NOT_TRACK cleared (an empty value means "not set"),
// so a developer's own opt-out does not make the delivery tests fail.
inline std::map<std::string, std::string> agentEnvironment(std::map<std::string, std::string> extra = {}) {
  extra.emplace("DO_NOT_TRACK", "");
  return extra;
}

inline RunResult runAgent(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {}) {
  return run(agentBinary(), args, agentEnvironment(env), std::chrono::seconds(20));
}

// Runs a program with stdout and stderr kept apart, for output that must be exactly so.
struct SplitRunResult {
  int exitCode;
  std::string out;
  std::string err;
};

inline SplitRunResult runSplit(const std::string& program, const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env = {}) {
  TempDir dir;
  std::string errPath = dir.file("stderr");
  // sh only redirects stderr and then becomes the program ($0 "$@"), so the PID is the same.
  std::vector<std::string> shArgs{"-c", "exec \"$0\" \"$@\" 2>'" + errPath + "'", program};
  shArgs.insert(shArgs.end(), args.begin(), args.end());
  RunResult result = run("/bin/sh", shArgs, env, std::chrono::seconds(20));
  std::string err;
  try {
    err = readFile(errPath);
  } catch (const std::exception&) {
  }
  return {result.exitCode, result.output, err};
}

}  // namespace kctest
