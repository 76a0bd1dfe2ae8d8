#pragma once

#include "kubecensus/app/startup.h"

namespace kubecensus::server {

// The collector's own configuration section, [collector], and its command line.
ProgramSpec collectorProgram();

// Maps --listen, --port and --database onto the configuration. With neither a
// [storage.*] section nor --database, the sqlite storage (./var/kubecensus.db) is used.
void applyCollectorFlags(Startup& startup);

}  // namespace kubecensus::server
