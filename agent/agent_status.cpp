#include "agent_status.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <ostream>

#include "kubecensus/agent/agent_program.h"
#include "delivery_pipeline.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/state_dir.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus::agent {
namespace {

constexpr const char* kStatusFile = "status.json";

}  // namespace

void writeStatus(const std::string& stateDir, const PipelineStatus& status, const std::string& lastReportID,
                 std::chrono::milliseconds period, std::int64_t now) {
  nlohmann::json doc{{"healthy", status.healthy},         {"problems", status.problems},
                     {"updatedAt", formatRfc3339(now)},   {"periodSeconds", period.count() / 1000},
                     {"lastReportID", lastReportID},      {"waiting", status.waiting},
                     {"deadLetters", status.deadLetters}, {"heldInMemory", status.heldInMemory}};
  try {
    writeFileAtomically(stateDir + "/" + kStatusFile, doc.dump(2) + "\n", 0644);
  } catch (const std::exception&) {
    // A state directory that cannot be written is already reported by the outbox.
  }
}

int statusCommand(const ValidatedConfig& config, std::ostream& out, std::int64_t now) {
  const std::string path = stateDirectory(config) + "/" + kStatusFile;
  if (!std::filesystem::exists(path)) {
    out << "unhealthy: no status at " << path
        << " (the agent has not made a pass with this state directory)\n";
    return kExitFailure;
  }
  nlohmann::json doc = nlohmann::json::parse(readFile(path), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    out << "unhealthy: " << path << " is not a status file\n";
    return kExitFailure;
  }
  bool healthy = doc.value("healthy", false);
  std::vector<std::string> problems = doc.value("problems", std::vector<std::string>{});
  const std::int64_t period = doc.value("periodSeconds", std::int64_t{0});
  const std::optional<std::int64_t> updated = parseRfc3339(doc.value("updatedAt", ""));
  if (period > 0 && updated && now - *updated > (2 * period + 300) * 1000000) {
    healthy = false;
    problems.push_back("no pass since " + doc.value("updatedAt", "") + " (period " + std::to_string(period) +
                       " s)");
  }
  out << (healthy ? "healthy" : "unhealthy") << ": last pass " << doc.value("updatedAt", "?") << ", report "
      << doc.value("lastReportID", "?") << "; " << doc.value("waiting", 0) << " deliveries waiting, "
      << doc.value("deadLetters", 0) << " dead letters, " << doc.value("heldInMemory", 0)
      << " held in memory\n";
  for (const auto& problem : problems) out << "  " << problem << "\n";
  return healthy ? kExitOk : kExitFailure;
}

}  // namespace kubecensus::agent
