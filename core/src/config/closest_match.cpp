#include "closest_match.h"

#include <algorithm>
#include <numeric>

namespace kubecensus {

std::size_t editDistance(std::string_view a, std::string_view b) {
  // Levenshtein with one row: the strings are option names, a few dozen characters at most.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates,
                                        std::size_t maxDistance) {
  std::optional<std::string> best;
  std::size_t bestDistance = std::min(maxDistance, word.size() == 0 ? 0 : word.size() - 1);
  for (const auto& candidate : candidates) {
    std::size_t distance = editDistance(word, candidate);
    if (distance == 0 || distance > bestDistance) continue;
    if (!best || distance < editDistance(word, *best)) best = candidate;
  }
  return best;
}

}  // namespace kubecensus
