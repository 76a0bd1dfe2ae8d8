// Checks a plugin descriptor before the host relies on any of its fields.
#pragma once

#include <string>

#include "kubecensus/plugin/abi.h"

namespace kubecensus {

// Empty if the descriptor is usable by this host, otherwise why not in plain words (the
// caller adds the file path). Reads only the frozen fields until the ABI version and
// structSize say the rest is there, so a plugin built for another ABI gets a clear
// message instead of a crash.
std::string descriptorProblem(const PluginDescriptor* descriptor);

}  // namespace kubecensus
