// The collector's request handling from raw bytes to the storage call: the input is what a
// client sends on one connection (one or more pipelined requests), served by Poco's HTTP
// connection handler and the collector's own routes (the ingest, bundle, erasure, stats and
// dashboard routes), over real loopback TCP, with an in-memory storage that checks every report
// it is given could be read back unchanged.
#include <signal.h>

#include <memory>
#include <set>
#include <thread>

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include "access_control.h"
#include "collector_routes.h"
#include "fuzz_support.h"
#include "http_server.h"
#include "ingestor.h"
#include "kubecensus/util/logger.h"
#include "memory_budget.h"
#include "metrics.h"

using namespace kubecensus;

namespace {

class MemoryStorage : public Storage {
 public:
  WriteResult write(const std::vector<const Report*>& batch) override {
    WriteResult result;
    for (const Report* report : batch) {
      fuzz::expectRoundTrip(*report);
      result.duplicate.push_back(!reportIDs_.insert(report->reportID).second);
    }
    if (reportIDs_.size() > 100000) reportIDs_.clear();
    return result;
  }
  StorageHealth health() override { return {}; }

 private:
  std::set<std::string> reportIDs_;
};

struct Collector {
  // KUBECENSUS_FUZZ_LOG=info shows the access log (what each input got), e.g. to check seeds.
  Logger log{"fuzz",
             parseLogLevel(std::getenv("KUBECENSUS_FUZZ_LOG") ? std::getenv("KUBECENSUS_FUZZ_LOG") : "")
                 .value_or(LogLevel::Error)};
  server::Metrics metrics;
  server::Ingestor ingestor{
      [] {
        std::vector<server::NamedStorage> storages;
        storages.push_back(
            {"storage.memory", PluginHandle<Storage>(nullptr, std::make_unique<MemoryStorage>())});
        return storages;
      }(),
      log, &metrics};
  server::AccessControl access{[] {
    server::AccessSettings settings;
    settings.adminTokens = {"fuzz-admin-token"};
    return settings;
  }()};
  server::MemoryBudget memory{256 << 20, std::chrono::milliseconds(0)};
  std::vector<server::Route> routes;
  Poco::Net::ServerSocket listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory;

  Collector() {
    server::ApiSettings api;
    api.memory = &memory;
    routes = server::collectorRoutes(ingestor, api, {}, metrics, access);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(2, 0));
    factory = server::newRouteHandlerFactory(routes, log, &metrics, server::AddressPolicy::Truncated);
  }
};

Collector* collector = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  signal(SIGPIPE, SIG_IGN);   // the collector may close before the client has sent everything
  collector = new Collector;  // lives as long as the process, like the real one
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Poco::Net::StreamSocket client;
  client.connect(collector->listener.address());
  Poco::Net::StreamSocket connection = collector->listener.acceptConnection();
  // The client sends the input, ends its side, and reads whatever comes back until the
  // collector closes: so neither side can block on a full socket buffer.
  std::thread peer([&] {
    try {
      for (std::size_t sent = 0; sent < size;)
        sent += static_cast<std::size_t>(client.sendBytes(data + sent, static_cast<int>(size - sent)));
      client.shutdownSend();
    } catch (const Poco::Exception&) {
    }
    char buffer[16384];
    try {
      while (client.receiveBytes(buffer, sizeof buffer) > 0) {
      }
    } catch (const Poco::Exception&) {
    }
  });
  try {
    Poco::Net::HTTPServerConnection served(connection, collector->params, collector->factory);
    served.run();
  } catch (const Poco::Exception&) {
  }
  connection.close();
  peer.join();
  return 0;
}
