#include "run_loop.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <future>
#include <random>

#include "agent_runtime.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/outbox/forwarder.h"
#include "kubecensus/outbox/outbox.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/value_parse.h"
#include "kubecensus/version.h"

namespace kubecensus::agent {
namespace {

using std::chrono::milliseconds;

constexpr const char* kOutboxSource = "agent.outbox";
constexpr std::size_t kMaxReportsInMemory = 100;
constexpr milliseconds kShutdownGrace{3000};

OutboxSettings outboxSettings(const Options& options, const AgentRuntime& runtime) {
  OutboxSettings settings;
  settings.path = options.getString("path");
  if (settings.path.empty()) settings.path = runtime.stateDir() + "/outbox.db";
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

// What the outbox lost (evictions, a quarantined file) goes into the report, so the loss is
// visible at the collector.
void noteLosses(Report& report, std::int64_t evicted, const std::string& quarantined) {
  if (evicted > 0)
    report.errors.push_back({kOutboxSource, std::to_string(evicted) +
                                                " earlier reports were evicted from the outbox before they "
                                                "were delivered (outbox limits)"});
  if (!quarantined.empty())
    report.errors.push_back(
        {kOutboxSource, "the outbox was corrupt and was replaced; undelivered reports it held are lost"});
}

// Delivers what is due on a worker thread, so that SIGTERM is not held up by a slow
// collector: the delivery in flight gets kShutdownGrace to finish, then the process exits. The
// outbox stays consistent: a delivery is recorded only once its answer came, and SQLite's WAL
// survives the exit.
void drainWithinGrace(Forwarder& forwarder, Logger& log) {
  auto drained = std::async(std::launch::async, [&] {
    try {
      forwarder.drain(nowMicros());
    } catch (const OutboxError& e) {
      log.error("outbox: " + std::string(e.what()));
    }
  });
  while (drained.wait_for(milliseconds(100)) != std::future_status::ready) {
    if (!Shutdown::requested()) continue;
    if (drained.wait_for(kShutdownGrace) == std::future_status::ready) return;
    log.warning("stopped (signal " + std::to_string(Shutdown::signal()) +
                ") with a delivery in flight after " + formatDuration(kShutdownGrace) +
                "; it stays in the outbox and goes again at the next start");
    std::_Exit(0);
  }
}

}  // namespace

int runLoop(const ValidatedConfig& config, AgentRuntime& runtime, Logger& log) {
  const Options& agent = config.section("agent");
  const Options& outboxOptions = config.section("outbox");
  const OutboxSettings settings = outboxSettings(outboxOptions, runtime);
  Outbox outbox(settings, log);
  std::string quarantined = outbox.quarantined();
  outbox.retryAllNow();
  Forwarder forwarder(outbox, runtime.namedSinks(),
                      {outboxOptions.getDuration("retry_initial"), outboxOptions.getDuration("retry_max")},
                      log);

  const milliseconds period = agent.getDuration("period");
  const bool once = period.count() == 0;
  std::mt19937_64 rng(std::random_device{}());
  log.info(std::string("kubecensus-agent ") + kVersion + " reporting cluster " + runtime.clusterID() +
           (once ? " once" : " every " + formatDuration(period)) + "; outbox " + settings.path + " (" +
           std::to_string(outbox.pendingCount()) +
           " deliveries waiting); turn off with DO_NOT_TRACK=1 or agent.enabled = false");

  // Reports that could not be written to the outbox (a full disk): kept here, and moved into
  // the outbox as soon as it takes them again.
  std::deque<Report> inMemory;
  std::string lastReportID;
  std::int64_t nextCollection = nowMicros();
  for (;;) {
    std::int64_t now = nowMicros();
    if (now >= nextCollection) {
      Report report = runtime.collect();
      std::int64_t evicted = 0;
      try {
        evicted = outbox.evicted();
      } catch (const OutboxError&) {
      }
      noteLosses(report, evicted, quarantined);
      lastReportID = report.reportID;
      inMemory.push_back(std::move(report));
      while (!inMemory.empty()) {
        try {
          outbox.add(inMemory.front().reportID, encodeReport(inMemory.front(), ReportFormat::Native), now,
                     evicted);
          log.info("report " + inMemory.front().reportID + " kept in the outbox");
          evicted = 0;
          quarantined.clear();
          inMemory.pop_front();
        } catch (const OutboxError& e) {
          // Without the outbox, deliver directly; what does not go stays in memory only.
          for (auto it = inMemory.begin(); it != inMemory.end();)
            it = runtime.deliver(*it) ? inMemory.erase(it) : it + 1;
          if (inMemory.size() > kMaxReportsInMemory) inMemory.pop_front();
          log.error("cannot keep reports in the outbox (" + std::string(e.what()) + "); " +
                    std::to_string(inMemory.size()) +
                    " undelivered reports held in memory only, lost if the agent stops");
          break;
        }
      }
      nextCollection = now + jittered(period, agent.getInt("jitter_percent"), rng).count() * 1000;
    }
    drainWithinGrace(forwarder, log);
    if (once) {
      bool settled = true;
      for (const auto& row : outbox.rows())
        if (row.reportID == lastReportID) settled = false;
      return settled && inMemory.empty() ? 0 : 1;
    }
    now = nowMicros();
    std::int64_t wake = nextCollection;
    if (auto retry = outbox.nextAttemptAt()) wake = std::min(wake, std::max(*retry, now));
    const Shutdown::Wake event = Shutdown::waitForEvent(milliseconds((wake - now + 999) / 1000));
    if (event == Shutdown::Wake::Shutdown) break;
    if (event == Shutdown::Wake::Reload) {
      log.info("SIGHUP: reading the configuration again");
      return kReloadRequested;
    }
  }
  log.info("stopped (signal " + std::to_string(Shutdown::signal()) + ")");
  return 0;
}

}  // namespace kubecensus::agent
