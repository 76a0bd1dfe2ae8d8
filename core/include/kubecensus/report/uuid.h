#pragma once

#include <string>
#include <string_view>

namespace kubecensus {

// The namespace of every name-based UUID kubecensus derives (RFC 4122 version 5). Chosen once
// at random; it must never change, or legacy records would get new report IDs and be stored
// twice (docs/formats.md).
inline constexpr const char* kUuidNamespace = "5a193e0c-e435-47bf-a35c-85a7f9551a5a";

// A random (version 4) UUID, lowercase canonical form.
std::string randomUuid();
// A name-based (version 5, SHA-1) UUID in kubecensus' own namespace: equal names, equal IDs.
std::string nameBasedUuid(std::string_view name);
// Canonical 8-4-4-4-12 hexadecimal form, either case; any version.
bool isUuid(std::string_view text);

}  // namespace kubecensus
