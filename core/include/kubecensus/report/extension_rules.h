#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kubecensus {

// Limits on a report's extensions, whichever source adds them (the extensions source checks them
// as it reads its files; applyPrivacy drops what breaks them, from any plugin).
inline constexpr std::size_t kMaxExtensionValueBytes = 1024;
inline constexpr std::size_t kMaxExtensions = 100;

// Why `key` is not a valid extension key, or nullopt if it is. Keys follow Kubernetes'
// qualified names (as Spartakus' extension keys did): an optional DNS subdomain prefix and
// '/', then a name of at most 63 characters: alphanumerics, '-', '_', '.', starting and
// ending with an alphanumeric. Examples: "nodePools", "example.com/gpu-model".
std::optional<std::string> invalidExtensionKeyReason(std::string_view key);

}  // namespace kubecensus
