// A node's cloudProvider: the provider named by the scheme of spec.providerID
// ("<provider>://<provider-specific ID>", as Spartakus read it), but only when that name is on
// a list of known providers. Anything else, and a node without a providerID, is "unknown".
//
// Only the scheme ever leaves: the rest of a providerID holds account, project, subscription,
// resource-group, zone, instance and often node names. The allow-list keeps a self-made scheme
// (which could name an organisation) from leaving too.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kubecensus::k8s {

inline constexpr const char* kUnknownCloudProvider = "unknown";

// The known providerID schemes, sorted (docs/formats.md lists them).
std::span<const std::string_view> knownCloudProviders();

std::string cloudProviderOf(std::string_view providerID);

}  // namespace kubecensus::k8s
