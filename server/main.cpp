// kubecensus-collector: accepts usage reports over HTTP and stores them.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <memory>
#include <stdexcept>

#include "access_control.h"
#include "accounts.h"
#include "api_error.h"
#include "bundle_import.h"
#include "collector_options.h"
#include "collector_routes.h"
#include "demo_history.h"
#include "http/front_end.h"
#include "ingestor.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/progress.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/state_dir.h"
#include "kubecensus/util/value_parse.h"
#include "kubecensus/version.h"
#include "memory_budget.h"
#include "metrics.h"
#include "retention_job.h"

using namespace kubecensus;

namespace {

// Every configured storage, started; exits 1 (runtime failure) naming one that cannot start.
std::vector<server::NamedStorage> openStorages(Startup& startup, Logger& log) {
  std::vector<server::NamedStorage> storages;
  for (const auto& configured : startup.validated().plugins) {
    const LoadedPlugin& plugin = startup.registry().require(PluginKind::Storage, configured.plugin);
    std::string name = std::string(sectionPrefix(configured.kind)) + "." + configured.instance;
    // The configuration was validated; a storage that cannot start now (its database cannot
    // be opened or created) is a runtime failure, exit 1, not a usage error.
    try {
      storages.push_back({name, startup.registry().create<Storage>(plugin, configured.options)});
    } catch (const PluginError& e) {
      throw std::runtime_error(name + ": " + e.what());
    }
    log.info("storage " + name + " (" + configured.plugin + ") ready");
  }
  if (storages.empty()) throw UsageError("no storage configured (use --database or a [storage.*] section)");
  return storages;
}

// `kubecensus-collector demo-data`: a generated history written straight to every storage (the
// collector's own receipt times are in the past, which no HTTP client can make it believe).
int demoData(Startup& startup, Logger& log) {
  server::DemoSettings demo;
  const CommandLine& cl = startup.commandLine();
  auto number = [&](const char* flag, int fallback, int max) {
    auto text = cl.value(flag);
    if (!text) return fallback;
    auto value = parseInteger(*text);
    if (!value || *value < 1 || *value > max)
      throw UsageError(std::string("--") + flag + " must be a whole number from 1 to " + std::to_string(max) +
                       ", not '" + *text + "'");
    return static_cast<int>(*value);
  };
  demo.clusters = number("clusters", demo.clusters, 1'000'000);
  demo.days = number("days", demo.days, 3650);
  demo.reportsPerDay = number("reports-per-day", demo.reportsPerDay, 1440);
  demo.seed = static_cast<std::uint64_t>(number("seed", 1, 1'000'000'000));
  // Made-up reports never go to the configured storages by accident.
  if (!cl.has("database"))
    throw UsageError(
        "demo-data writes generated reports: name where with --database (e.g. sqlite:./var/demo.db)");
  auto storages = openStorages(startup, log);
  // Roughly: clusters alive about half the history on average.
  const auto expected = static_cast<std::size_t>(demo.clusters) * static_cast<std::size_t>(demo.days) *
                        static_cast<std::size_t>(demo.reportsPerDay) / 2;
  Progress progress("writing a demo history of " + std::to_string(demo.clusters) + " clusters", expected);
  std::uint64_t written = 0;
  const std::uint64_t made = server::generateDemoHistory(demo, 500, [&](const std::vector<Report>& batch) {
    std::vector<const Report*> pointers;
    for (const Report& report : batch) pointers.push_back(&report);
    for (auto& named : storages) named.storage->write(pointers);
    written += batch.size();
    progress.set(std::min<std::size_t>(written, expected));
  });
  progress.set(expected);
  std::cout << made << " reports of " << demo.clusters << " clusters over " << demo.days << " days stored in";
  for (const auto& named : storages) std::cout << " " << named.name;
  std::cout << "\n";
  return kExitOk;
}

// `kubecensus-collector import BUNDLE...`: each bundle verified whole, then stored.
int importBundles(Startup& startup, const std::vector<std::string>& files, Logger& log) {
  const Options& core = startup.validated().section("collector");
  server::Ingestor ingestor(openStorages(startup, log), log);
  int code = kExitOk;
  for (const auto& file : files) {
    std::string bytes;
    try {
      bytes = readFile(file);
    } catch (const std::exception& e) {
      std::cerr << "kubecensus-collector: " << e.what() << "\n";
      code = kExitFailure;
      continue;
    }
    try {
      std::unique_ptr<Progress> progress;
      server::BundleImport result =
          server::importBundle(ingestor, bytes, core.getSize("max_bundle_size") * 8, "bundle:" + file,
                               [&](std::size_t done, std::size_t total) {
                                 if (!progress)
                                   progress = std::make_unique<Progress>("importing " + file, total);
                                 progress->set(done);
                               });
      progress.reset();
      std::cout << file << ": " << result.reports << " reports, " << result.accepted << " stored, "
                << result.duplicates << " already there";
      if (!result.refused.empty()) std::cout << ", " << result.refused.size() << " refused by a storage";
      std::cout << "\n";
      for (const auto& refusal : result.refused)
        std::cerr << "kubecensus-collector: " << file << ": " << refusal << "\n";
      if (!result.refused.empty()) code = kExitFailure;
    } catch (const server::ApiError& e) {
      std::cerr << "kubecensus-collector: " << file << ": " << e.what()
                << (e.field().empty() ? "" : " (" + e.field() + ")") << "; nothing imported from it\n";
      code = kExitFailure;
    }
  }
  return code;
}

// `kubecensus-collector accounts add ID | list | disable ID`.
int accountsCommand(Startup& startup, const std::vector<std::string>& words) {
  const std::string path = startup.validated().section("collector").getString("accounts_db");
  server::Accounts accounts(path);
  if (words.size() == 3 && words[1] == "add") {
    const std::string secret = accounts.add(words[2]);
    std::cout << "account " << words[2] << " created in " << path << "\nsecret: " << secret
              << "\n(shown once: only a keyed hash of it is stored)\n";
    return kExitOk;
  }
  if (words.size() == 3 && words[1] == "disable") {
    accounts.disable(words[2]);
    std::cout << "account " << words[2] << " disabled\n";
    return kExitOk;
  }
  if (words.size() == 2 && words[1] == "list") {
    for (const auto& account : accounts.list())
      std::cout << account.id << "\t" << formatRfc3339(account.createdAt) << "\t"
                << (account.disabled ? "disabled" : "enabled") << "\n";
    return kExitOk;
  }
  throw UsageError("expected: accounts add ID | accounts list | accounts disable ID");
}

int serve(Startup& startup) {
  const Options& core = startup.validated().section("collector");
  Logger log("collector", parseLogLevel(core.getString("log_level")).value_or(LogLevel::Info));
  server::Metrics metrics;
  server::IngestSettings ingest;
  ingest.maxBatchReports =
      static_cast<std::size_t>(std::max<std::int64_t>(1, core.getInt("batch_max_reports")));
  ingest.maxDelay = core.getDuration("batch_max_delay");
  ingest.queueCapacity = static_cast<std::size_t>(std::max<std::int64_t>(1, core.getInt("queue_capacity")));
  server::Ingestor ingestor(openStorages(startup, log), log, &metrics, ingest);
  server::ApiSettings api;
  api.maxBodyBytes = core.getSize("max_body_size");
  api.maxDecompressedBytes = core.getSize("max_decompressed_size");
  api.maxBundleBytes = core.getSize("max_bundle_size");
  // No wait: a request that does not fit is answered 503 at once (no I/O thread ever waits).
  server::MemoryBudget memory(core.getSize("max_inflight_memory"), std::chrono::milliseconds(0), &metrics,
                              core.getSize("max_inflight_memory_per_client"));
  api.commitTimeout = core.getDuration("commit_timeout");
  try {
    api.trustedProxies = server::TrustedProxies(core.getList("trusted_proxies"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("collector.") + e.what());
  }
  api.addressPolicy =
      server::parseAddressPolicy(core.getString("received_from")).value_or(server::AddressPolicy::Truncated);
  server::AccessSettings accessSettings;
  std::unique_ptr<server::Accounts> accounts;
  if (core.getString("auth") == "account") {
    accounts = std::make_unique<server::Accounts>(core.getString("accounts_db"));
    if (accounts->list().empty())
      log.warning("auth = account and no account in " + core.getString("accounts_db") +
                  " yet: every POST is refused (kubecensus-collector accounts add ID)");
    accessSettings.accounts = accounts.get();
  }
  if (core.getString("auth") == "token") {
    accessSettings.tokens = splitList(core.getString("tokens"));
    if (accessSettings.tokens.empty())
      throw UsageError("collector.auth = token needs at least one token in collector.tokens");
  }
  accessSettings.adminTokens = splitList(core.getString("admin_tokens"));
  accessSettings.ratePerSecond = static_cast<double>(core.getInt("rate_limit"));
  accessSettings.burst = static_cast<double>(std::max<std::int64_t>(1, core.getInt("rate_burst")));
  server::AccessControl access(accessSettings);

  ListenAddress listen = parseListenAddress(core.getString("listen"));
  server::FrontEndSettings settings;
  settings.host = listen.host;
  settings.port = listen.port;
  settings.ioThreads = static_cast<int>(core.getInt("threads"));
  settings.blockingThreads = static_cast<int>(std::max<std::int64_t>(1, core.getInt("blocking_threads")));
  settings.backlog = static_cast<int>(core.getInt("max_queued"));
  settings.maxConnections = static_cast<std::size_t>(std::max<std::int64_t>(1, core.getInt("max_connections")));
  settings.maxConnectionsPerClient =
      static_cast<std::size_t>(std::max<std::int64_t>(1, core.getInt("max_connections_per_client")));
  settings.headerTimeout = core.getDuration("header_timeout");
  settings.idleTimeout = core.getDuration("idle_timeout");
  settings.writeTimeout = core.getDuration("timeout");
  settings.minBodyBytesPerSecond = core.getSize("min_body_rate");
  settings.maxRequestsPerConnection =
      static_cast<std::size_t>(std::max<std::int64_t>(1, core.getInt("max_requests_per_connection")));
  settings.maxHeaderBytes = static_cast<std::size_t>(core.getSize("max_header_size"));
  settings.maxHeaders = static_cast<std::size_t>(std::max<std::int64_t>(1, core.getInt("max_headers")));
  settings.shutdownTimeout = core.getDuration("shutdown_timeout");
  settings.bodyLimit = [api](std::string_view path) { return server::maxBodyBytesFor(api, path); };
  settings.memory = &memory;
  settings.trustedProxies = &api.trustedProxies;
  settings.tlsCertFile = core.getString("tls_cert");
  settings.tlsKeyFile = core.getString("tls_key");
  if (settings.tlsCertFile.empty() != settings.tlsKeyFile.empty())
    throw UsageError("collector.tls_cert and collector.tls_key go together");
  settings.logAddress = api.addressPolicy;
  std::unique_ptr<server::RetentionJob> retention;
  if (core.getDuration("retention").count() > 0)
    retention = std::make_unique<server::RetentionJob>(
        ingestor, core.getDuration("retention"),
        std::max(core.getDuration("retention_interval"), std::chrono::milliseconds(1000)), log);
  server::StatsSettings stats;
  stats.minClusters = std::max<std::int64_t>(1, core.getInt("stats_min_clusters"));
  std::vector<server::Route> routes = server::collectorRoutes(ingestor, api, stats, metrics, access);
  if (!ingestor.statsStorage())
    log.warning("no configured storage keeps statistics (sqlite and postgres do): /api/v2/stats answers 503");
  std::unique_ptr<server::HttpFrontEnd> http;
  try {
    http = std::make_unique<server::HttpFrontEnd>(std::move(routes), settings, log, &metrics);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("collector.listen / collector.tls_*: ") + e.what());
  }
  http->start();
  log.info(std::string("kubecensus-collector ") + kVersion + " listening on " + http->scheme() + "://" +
           listen.host + ":" + std::to_string(http->port()));

  while (!Shutdown::waitFor(std::chrono::hours(1))) {
  }
  log.info("shutting down (signal " + std::to_string(Shutdown::signal()) + ")");
  // Every acknowledged report is committed already (an answer comes only after its commit);
  // what is still queued was not acknowledged. A storage that never answers must not keep the
  // process alive: past the bounds it exits without waiting for it.
  const auto shutdownStarted = std::chrono::steady_clock::now();
  const bool served = http->stop();
  const auto left = std::max(std::chrono::milliseconds(0),
                             settings.shutdownTimeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                            std::chrono::steady_clock::now() - shutdownStarted));
  const bool drained = ingestor.drain(left);
  const bool checksStopped = ingestor.stopHealthChecks();
  if (!served || !drained || !checksStopped) {
    log.error("a storage did not answer within collector.shutdown_timeout; exiting without waiting for it "
              "(nothing acknowledged is lost: unanswered requests were not acknowledged)");
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(kExitOk);
  }
  http.reset();
  retention.reset();
  log.info("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // Bodies and their parse trees come and go on several threads. With glibc's defaults each
  // thread's arena keeps what it once held and large blocks stop being returned after the first
  // ones are freed (the mmap threshold adapts upwards): under 256 connections of the costliest
  // bodies peak RSS reached 503 MiB against a 128 MiB max_inflight_memory, with two arenas and
  // a fixed threshold far less (collector_hostile_test; figures in docs/reliability.md).
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
  Shutdown::install();
  return runMain("kubecensus-collector", [&] {
    Startup startup(server::collectorProgram(), std::vector<std::string>(argv + 1, argv + argc));
    server::applyCollectorFlags(startup);
    if (int code = startup.finish(); code >= 0) return code;
    const auto& words = startup.commandLine().positional();
    if (words.empty()) return serve(startup);
    if (words[0] == "accounts") {
      try {
        return accountsCommand(startup, words);
      } catch (const std::invalid_argument& e) {
        std::cerr << "kubecensus-collector: " << e.what() << "\n";
        return kExitUsage;
      }
    }
    const Options& core = startup.validated().section("collector");
    Logger log("collector", parseLogLevel(core.getString("log_level")).value_or(LogLevel::Info));
    if (words[0] == "demo-data" && words.size() == 1) return demoData(startup, log);
    if (words[0] != "import" || words.size() < 2)
      throw UsageError(
          "expected no command (serve), import BUNDLE..., demo-data or accounts ... (see --help)");
    return importBundles(startup, {words.begin() + 1, words.end()}, log);
  });
}
