#pragma once

#include <string>
#include <string_view>

namespace kubecensus {

// A random (version 4) UUID, lowercase canonical form.
std::string randomUuid();
// A name-based (version 5, SHA-1) UUID in kubecensus' own namespace: equal names, equal IDs.
std::string nameBasedUuid(std::string_view name);
bool isUuid(std::string_view text);

}  // namespace kubecensus
