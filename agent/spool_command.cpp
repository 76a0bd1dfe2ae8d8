#include "spool_command.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iomanip>
#include <ostream>

#include "agent_options.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/outbox/outbox.h"
#include "kubecensus/report/time.h"

namespace kubecensus::agent {
namespace {

std::string when(std::int64_t micros) {
  return micros > 0 ? formatRfc3339(micros).substr(0, 19) + "Z" : "now";
}

int list(Outbox& outbox, bool json, std::ostream& out) {
  const auto rows = outbox.rows();
  if (json) {
    for (const auto& row : rows)
      out << nlohmann::json{{"reportID", row.reportID},
                            {"sink", row.sink},
                            {"state", row.state},
                            {"attempts", row.attempts},
                            {"createdAt", formatRfc3339(row.createdAt)},
                            {"nextAttemptAt", row.state == "pending" ? nlohmann::json(when(row.nextAttemptAt))
                                                                     : nlohmann::json(nullptr)},
                            {"detail", row.detail}}
                 .dump()
          << "\n";
    return kExitOk;
  }
  std::size_t pending = 0, rejected = 0;
  out << std::left << std::setw(38) << "REPORT" << std::setw(20) << "SINK" << std::setw(10) << "STATE"
      << std::setw(9) << "ATTEMPTS" << std::setw(22) << "CREATED"
      << "NEXT ATTEMPT / DETAIL\n";
  for (const auto& row : rows) {
    (row.state == "pending" ? pending : rejected) += 1;
    out << std::setw(38) << row.reportID << std::setw(20) << row.sink << std::setw(10) << row.state
        << std::setw(9) << row.attempts << std::setw(22) << when(row.createdAt)
        << (row.state == "pending"
                ? when(row.nextAttemptAt) + (row.detail.empty() ? "" : "  last: " + row.detail)
                : row.detail)
        << "\n";
  }
  out << pending << " waiting, " << rejected << " dead letters\n";
  return kExitOk;
}

}  // namespace

std::string outboxPath(const ValidatedConfig& config) {
  std::string path = config.section("outbox").getString("path");
  if (!path.empty()) return path;
  std::string stateDir = config.section("agent").getString("state_dir");
  return (stateDir.empty() ? defaultStateDir() : stateDir) + "/outbox.db";
}

int spoolCommand(const ValidatedConfig& config, const std::vector<std::string>& words, bool json,
                 const std::string& reportID, std::ostream& out, Logger& log) {
  if (words.size() != 1 || (words[0] != "list" && words[0] != "purge"))
    throw UsageError("expected: spool list [--json] | spool purge [--report ID]");
  OutboxSettings settings;
  settings.path = outboxPath(config);
  if (!std::filesystem::exists(settings.path)) {
    out << "no outbox at " << settings.path << " (nothing was ever kept there)\n";
    return kExitOk;
  }
  Outbox outbox(settings, log);
  if (words[0] == "list") return list(outbox, json, out);
  std::int64_t purged = outbox.purgeRejected(reportID);
  out << "purged " << purged << " dead letters\n";
  return kExitOk;
}

}  // namespace kubecensus::agent
