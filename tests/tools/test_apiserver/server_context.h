// What every request handler shares; owned by main() and alive until the server stopped.
#pragma once

#include <atomic>
#include <cstdint>

#include "access_log.h"
#include "cluster_data.h"
#include "discovery.h"
#include "resource_catalog.h"
#include "server_options.h"

namespace kctest::apiserver {

struct ServerContext {
  const ServerOptions& options;
  const ResourceCatalog& catalog;
  const ClusterData& data;
  const Discovery& discovery;
  AccessLog& accessLog;
  std::atomic<std::uint64_t> pagesServed{0};     // list answers so far, for --fail-after-pages
  std::atomic<std::uint64_t> faultsInjected{0};  // for --fault-count
};

}  // namespace kctest::apiserver
