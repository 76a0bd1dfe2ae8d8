// The collector's request handling from raw bytes to the storage call: the input is what a
// client sends on one connection (one or more pipelined requests), served by the collector's
// own HTTP front end (Beast + Asio, http/front_end.h) and routes (the ingest, bundle, erasure, stats and
// dashboard routes), over real loopback TCP, with an in-memory storage that checks every report
// it is given could be read back unchanged.
#include <signal.h>

#include <memory>
#include <set>
#include <thread>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "access_control.h"
#include "collector_routes.h"
#include "fuzz_support.h"
#include "http/front_end.h"
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
  std::unique_ptr<server::HttpFrontEnd> frontEnd;

  Collector() {
    server::ApiSettings api;
    server::FrontEndSettings settings;
    settings.port = 0;
    settings.ioThreads = 1;
    settings.headerTimeout = std::chrono::seconds(2);
    settings.memory = &memory;
    settings.bodyLimit = [api](std::string_view path) { return server::maxBodyBytesFor(api, path); };
    frontEnd = std::make_unique<server::HttpFrontEnd>(server::collectorRoutes(ingestor, api, {}, metrics, access),
                                                      settings, log, &metrics);
    frontEnd->start();
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
  client.connect(Poco::Net::SocketAddress("127.0.0.1", collector->frontEnd->port()));
  // The client sends the input, ends its side, and reads whatever comes back until the
  // collector closes: so neither side can block on a full socket buffer.
  std::thread sender([&] {
    try {
      for (std::size_t sent = 0; sent < size;)
        sent += static_cast<std::size_t>(client.sendBytes(data + sent, static_cast<int>(size - sent)));
      client.shutdownSend();
    } catch (const Poco::Exception&) {
    }
  });
  char buffer[16384];
  try {
    while (client.receiveBytes(buffer, sizeof buffer) > 0) {
    }
  } catch (const Poco::Exception&) {
  }
  sender.join();
  client.close();
  return 0;
}
