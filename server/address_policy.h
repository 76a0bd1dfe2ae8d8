// What the collector keeps of a client's address (collector.received_from): by default the
// network, not the host (/24 of IPv4, /48 of IPv6), so a stored report does not point at one
// machine; `full` keeps it whole, `none` keeps nothing. The access log follows the same rule.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubecensus::server {

enum class AddressPolicy { Truncated, Full, None };

std::optional<AddressPolicy> parseAddressPolicy(std::string_view text);  // truncated, full, none

// "192.0.2.145" -> "192.0.2.0", "2001:db8:1234:5678::1" -> "2001:db8:1234::" (truncated); empty
// for None. Something that is not an IP address is kept only under Full.
std::string keptAddress(const std::string& address, AddressPolicy policy);

}  // namespace kubecensus::server
