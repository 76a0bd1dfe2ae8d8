#include "kubecensus/report/node_groups.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "node_fields.h"

namespace kubecensus {
namespace {

// Kubernetes' suffixes (resource.Quantity): binary SI, decimal SI, and the milli/micro/nano
// fractions. "E" alone is exa; an exponent is "e" or "E" followed by a number.
double suffixFactor(std::string_view suffix, bool& ok) {
  ok = true;
  static const std::pair<std::string_view, double> kFactors[] = {{"", 1},
                                                                 {"n", 1e-9},
                                                                 {"u", 1e-6},
                                                                 {"m", 1e-3},
                                                                 {"k", 1e3},
                                                                 {"M", 1e6},
                                                                 {"G", 1e9},
                                                                 {"T", 1e12},
                                                                 {"P", 1e15},
                                                                 {"E", 1e18},
                                                                 {"Ki", 1024},
                                                                 {"Mi", 1048576.0},
                                                                 {"Gi", 1073741824.0},
                                                                 {"Ti", 1099511627776.0},
                                                                 {"Pi", 1125899906842624.0},
                                                                 {"Ei", 1152921504606846976.0}};
  for (const auto& [name, factor] : kFactors)
    if (suffix == name) return factor;
  ok = false;
  return 0;
}

std::string groupKey(const Node& node) {
  std::string key;
  for (const auto& field : report_detail::kNodeStringFields) {
    const auto& value = node.*field.member;
    key += value ? "\x02" + *value : std::string("\x01");
    key += '\0';
  }
  return key;
}

NodeGroup groupFromKey(const std::string& key) {
  NodeGroup group;
  std::size_t at = 0;
  for (const auto& field : report_detail::kNodeStringFields) {
    const std::size_t end = key.find('\0', at);
    if (key[at] == '\x02') group.*field.groupMember = key.substr(at + 1, end - at - 1);
    at = end + 1;
  }
  return group;
}

// Over every node of the group: a node without a resource has none of it (0), so a resource few
// nodes have (one GPU node among ten) never shows one node's value as a distribution.
std::vector<ResourceDistribution> distributions(std::map<std::string, std::vector<double>> capacity,
                                                std::uint64_t nodes) {
  std::vector<ResourceDistribution> out;
  for (auto& [resource, values] : capacity) {
    values.resize(std::max<std::size_t>(values.size(), static_cast<std::size_t>(nodes)), 0.0);
    out.push_back({resource, summarize(values)});
  }
  return out;
}

}  // namespace

std::optional<double> parseQuantity(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double number = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str() || !std::isfinite(number)) return std::nullopt;
  // strtod also reads "2e3" and "1E3": an exponent is fine, but "1E" (exa) must not be taken as
  // a malformed exponent, and strtod stops before it in that case anyway.
  bool ok = false;
  const double factor = suffixFactor(std::string_view(end), ok);
  if (!ok ||
      !std::isdigit(
          static_cast<unsigned char>(copy.front() == '-' || copy.front() == '+' ? copy[1] : copy[0])) ||
      copy.find_first_of("xX") != std::string::npos)
    return std::nullopt;  // strtod also reads " 4", "0x10" and "inf": Kubernetes does not
  const double value = number * factor;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

Distribution summarize(std::vector<double>& values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  const auto rank = [&](double p) {
    const auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::min(values.size() - 1, index == 0 ? 0 : index - 1)];
  };
  d.min = values.front();
  d.p25 = rank(0.25);
  d.p50 = rank(0.50);
  d.p75 = rank(0.75);
  d.p90 = rank(0.90);
  d.p99 = rank(0.99);
  d.max = values.back();
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return d;
}

void NodeGroupCounter::add(const Node& node) {
  Members& members = groups_[groupKey(node)];
  ++members.count;
  for (const Resource& resource : node.capacity)
    if (auto value = parseQuantity(resource.value)) members.capacity[resource.resource].push_back(*value);
}

void NodeGroupCounter::merge(const NodeGroupCounter& other) {
  for (const auto& [key, theirs] : other.groups_) {
    Members& ours = groups_[key];
    ours.count += theirs.count;
    for (const auto& [resource, values] : theirs.capacity) {
      auto& target = ours.capacity[resource];
      target.insert(target.end(), values.begin(), values.end());
    }
  }
}

std::uint64_t NodeGroupCounter::total() const {
  std::uint64_t total = 0;
  for (const auto& [key, members] : groups_) total += members.count;
  return total;
}

std::vector<NodeGroup> NodeGroupCounter::groups(std::uint64_t minGroupSize) const {
  std::vector<NodeGroup> out;
  Members small;
  for (const auto& [key, members] : groups_) {
    if (members.count < minGroupSize) {
      small.count += members.count;
      for (const auto& [resource, values] : members.capacity) {
        auto& target = small.capacity[resource];
        target.insert(target.end(), values.begin(), values.end());
      }
      continue;
    }
    NodeGroup group = groupFromKey(key);
    group.count = members.count;
    group.capacity = distributions(members.capacity, members.count);
    out.push_back(std::move(group));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const NodeGroup& a, const NodeGroup& b) { return a.count > b.count; });
  if (small.count > 0) {
    NodeGroup other;
    other.other = true;
    other.count = small.count;
    if (small.count >= minGroupSize) other.capacity = distributions(std::move(small.capacity), small.count);
    out.push_back(std::move(other));
  }
  return out;
}

}  // namespace kubecensus
