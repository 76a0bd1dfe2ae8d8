#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubecensus::extensions {

// Why `key` is not a valid extension key, or nullopt if it is. Keys follow Kubernetes'
// qualified names (as Spartakus' extension keys did): an optional DNS subdomain prefix and
// '/', then a name of at most 63 characters: alphanumerics, '-', '_', '.', starting and
// ending with an alphanumeric. Examples: "nodePools", "example.com/gpu-model".
std::optional<std::string> invalidKeyReason(std::string_view key);

}  // namespace kubecensus::extensions
