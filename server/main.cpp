// kubecensus-collector: accepts usage reports over HTTP and stores them.
#include <iostream>
#include <stdexcept>

#include "collector_options.h"
#include "http_server.h"
#include "ingestor.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/version.h"

using namespace kubecensus;

namespace {

int serve(Startup& startup) {
  const Options& core = startup.validated().section("collector");
  Logger log("collector", parseLogLevel(core.getString("log_level")).value_or(LogLevel::Info));

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
  if (storages.empty()) {
    std::cerr << "kubecensus-collector: no storage configured (use --database or a [storage.*] section)\n";
    return kExitUsage;
  }
  server::Ingestor ingestor(std::move(storages), log);
  server::ApiSettings api;
  api.maxBodyBytes = core.getSize("max_body_size");
  api.maxDecompressedBytes = core.getSize("max_decompressed_size");

  ListenAddress listen = parseListenAddress(core.getString("listen"));
  server::HttpServerSettings settings;
  settings.host = listen.host;
  settings.port = listen.port;
  settings.threads = static_cast<int>(core.getInt("threads"));
  settings.maxQueued = static_cast<int>(core.getInt("max_queued"));
  settings.timeout = core.getDuration("timeout");
  server::HttpServer http(server::apiRoutes(ingestor, api), settings, log);
  http.start();
  log.info(std::string("kubecensus-collector ") + kVersion + " listening on http://" + listen.host + ":" +
           std::to_string(http.port()));

  while (!Shutdown::waitFor(std::chrono::hours(1))) {
  }
  log.info("shutting down (signal " + std::to_string(Shutdown::signal()) + ")");
  http.stop();
  log.info("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Shutdown::install();
  return runMain("kubecensus-collector", [&] {
    Startup startup(server::collectorProgram(), std::vector<std::string>(argv + 1, argv + argc));
    server::applyCollectorFlags(startup);
    if (int code = startup.finish(); code >= 0) return code;
    return serve(startup);
  });
}
