#include "run_loop.h"

#include <algorithm>
#include <random>

#include "kubecensus/agent/agent_program.h"
#include "kubecensus/agent/agent_runtime.h"
#include "agent_status.h"
#include "delivery_pipeline.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/value_parse.h"
#include "kubecensus/version.h"

namespace kubecensus::agent {
namespace {

using std::chrono::milliseconds;

OutboxSettings outboxSettings(const ValidatedConfig& config, const AgentRuntime& runtime) {
  const Options& options = config.section("outbox");
  OutboxSettings settings;
  settings.path = outboxPath(config);
  for (const auto& sink : runtime.namedSinks()) settings.sinks.push_back(sink.name);
  settings.maxReports = options.getInt("max_reports");
  settings.maxBytes = static_cast<std::int64_t>(options.getSize("max_bytes"));
  settings.maxAge = std::chrono::duration_cast<std::chrono::seconds>(options.getDuration("max_age"));
  settings.synchronous = options.getString("synchronous");
  return settings;
}

// The period stretched or shrunk by a random amount up to `percent` either way.
milliseconds jittered(milliseconds period, std::int64_t percent, std::mt19937_64& rng) {
  const std::int64_t spread = period.count() * std::clamp<std::int64_t>(percent, 0, 100) / 100;
  std::uniform_int_distribution<std::int64_t> offset(-spread, spread);
  return milliseconds(period.count() + offset(rng));
}

}  // namespace

int runLoop(const ValidatedConfig& config, AgentRuntime& runtime, Logger& log, bool reloaded) {
  const Options& agent = config.section("agent");
  const Options& outboxOptions = config.section("outbox");
  DeliveryPipeline pipeline(
      outboxSettings(config, runtime),
      {outboxOptions.getDuration("retry_initial"), outboxOptions.getDuration("retry_max")}, runtime, log,
      !reloaded);

  const milliseconds period = agent.getDuration("period");
  const bool once = period.count() == 0;
  std::mt19937_64 rng(std::random_device{}());
  const PipelineStatus start = pipeline.status();
  log.info(std::string("kubecensus-agent ") + kVersion + " reporting cluster " + runtime.clusterID() +
           (once ? " once" : " every " + formatDuration(period)) + " at " + runtime.announcement() +
           "; outbox " + pipeline.outboxPath() + " (" + std::to_string(start.waiting) +
           " deliveries waiting)");

  std::string lastReportID;
  std::int64_t nextCollection = nowMicros();
  bool paused = false;
  for (;;) {
    std::int64_t now = nowMicros();
    // The cluster's own switch stops every sender: nothing is collected and nothing waiting in
    // the outbox is delivered while it is on. Read before every pass, retries included.
    {
      const auto optOut = runtime.clusterOptOut();
      if (optOut && !paused) log.info("reporting paused: " + *optOut + "; nothing is collected or sent");
      if (!optOut && paused) log.info("reporting resumed: the opt-out ConfigMap no longer disables it");
      paused = optOut.has_value();
      if (paused) {
        if (once) return kExitOk;
        nextCollection = now + jittered(period, agent.getInt("jitter_percent"), rng).count() * 1000;
        const Shutdown::Wake event =
            Shutdown::waitForEvent(milliseconds((nextCollection - now + 999) / 1000));
        if (event == Shutdown::Wake::Shutdown) break;
        if (event == Shutdown::Wake::Reload) return kReloadRequested;
        continue;
      }
    }
    if (now >= nextCollection) {
      Report report = runtime.collect();
      lastReportID = report.reportID;
      pipeline.keep(std::move(report), now);
      nextCollection = now + jittered(period, agent.getInt("jitter_percent"), rng).count() * 1000;
    }
    pipeline.drain();
    writeStatus(runtime.stateDir(), pipeline.status(), lastReportID, period, nowMicros());
    if (once) return pipeline.settled(lastReportID) ? kExitOk : kExitFailure;
    now = nowMicros();
    std::int64_t wake = nextCollection;
    if (auto retry = pipeline.nextAttemptAt()) wake = std::min(wake, std::max(*retry, now));
    const Shutdown::Wake event = Shutdown::waitForEvent(milliseconds((wake - now + 999) / 1000));
    if (event == Shutdown::Wake::Shutdown) break;
    if (event == Shutdown::Wake::Reload) {
      log.info("SIGHUP: reading the configuration again");
      return kReloadRequested;
    }
  }
  log.info("stopped (signal " + std::to_string(Shutdown::signal()) + ")");
  return kExitOk;
}

}  // namespace kubecensus::agent
