// Internal to the config module: "did you mean ...?" for misspelt keys, sections and plugins.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubecensus {

// The candidate nearest to `word` by edit distance (insertions, deletions, substitutions),
// if it is within `maxDistance` and closer than the word's own length (so "x" does not
// suggest "y"). Ties go to the earlier candidate.
std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates,
                                        std::size_t maxDistance = 2);

std::size_t editDistance(std::string_view a, std::string_view b);

}  // namespace kubecensus
