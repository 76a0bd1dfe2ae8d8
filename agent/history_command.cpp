#include "history_command.h"

#include <filesystem>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "kubecensus/agent/agent_program.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/outbox/outbox.h"
#include "kubecensus/report/time.h"

namespace kubecensus::agent {

int historyCommand(const ValidatedConfig& config, bool json, std::ostream& out, Logger& log) {
  OutboxSettings settings;
  settings.path = outboxPath(config);
  settings.inspectOnly = true;
  if (!std::filesystem::exists(settings.path)) {
    if (!json) out << "no outbox at " << settings.path << ": nothing was ever sent from here\n";
    return kExitOk;
  }
  Outbox outbox(settings, log);
  const auto rows = outbox.history();
  if (json) {
    for (const auto& row : rows)
      out << nlohmann::json{{"reportID", row.reportID},
                            {"sink", row.sink},
                            {"deliveredAt", formatRfc3339(row.deliveredAt)},
                            {"bytes", row.bytes},
                            {"receipt", row.receipt}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << "\n";
    return kExitOk;
  }
  out << std::left << std::setw(22) << "DELIVERED" << std::setw(38) << "REPORT" << std::setw(20) << "SINK"
      << std::setw(9) << "BYTES"
      << "RECEIPT\n";
  for (const auto& row : rows)
    out << std::setw(22) << formatRfc3339(row.deliveredAt).substr(0, 19) + "Z" << std::setw(38)
        << row.reportID << std::setw(20) << row.sink << std::setw(9) << row.bytes << row.receipt << "\n";
  out << rows.size() << " deliveries (the last 1000 are kept)\n";
  return kExitOk;
}

}  // namespace kubecensus::agent
