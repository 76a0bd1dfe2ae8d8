// Helpers shared by the two legacy formats. Internal to the report module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kubecensus::report_detail {

// A non-negative decimal integer written as a string ("867530909031976"); nullopt for anything
// else, including a sign, spaces, an empty string or a value that overflows int64.
std::optional<std::int64_t> parseDecimal(std::string_view text);

}  // namespace kubecensus::report_detail
