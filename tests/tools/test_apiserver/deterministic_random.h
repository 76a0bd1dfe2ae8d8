// A tiny random source whose numbers depend only on (seed, stream, index): the generator
// makes object N of a resource from its own DeterministicRandom, so any page can be made
// without the ones before it, and the same seed gives the same cluster on every machine
// (std:: distributions differ between standard libraries, so they are not used).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kctest::apiserver {

class DeterministicRandom {
 public:
  DeterministicRandom(std::uint64_t seed, std::uint64_t stream, std::uint64_t index)
      : state_(mix(mix(seed + 0x9e3779b97f4a7c15ULL) ^ (stream * 0xbf58476d1ce4e5b9ULL)) ^ index) {}

  std::uint64_t next() {  // splitmix64
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix(state_);
  }
  std::uint64_t below(std::uint64_t bound) { return bound == 0 ? 0 : next() % bound; }
  std::int64_t between(std::int64_t low, std::int64_t high) {  // inclusive
    return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low + 1)));
  }
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double probability) { return unit() < probability; }
  template <class T>
  const T& pick(const std::vector<T>& choices) {
    return choices[below(choices.size())];
  }
  // Index into `weights` with probability proportional to its weight.
  std::size_t weighted(const std::vector<unsigned>& weights) {
    unsigned total = 0;
    for (unsigned w : weights) total += w;
    std::uint64_t r = below(total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return weights.size() - 1;
  }
  std::string hex(std::size_t digits) { return fromAlphabet("0123456789abcdef", digits); }
  // Like the random suffixes Kubernetes appends to generated names ("-7d9fc").
  std::string suffix(std::size_t length) { return fromAlphabet("bcdfghjklmnpqrstvwxz2456789", length); }

  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // A bijection of [0, 2^bits) (bits in 8..32) keyed by `salt`: distinct indexes give
  // distinct values, which is what makes generated names and addresses unique.
  static std::uint32_t permute(std::uint32_t x, unsigned bits, std::uint64_t salt) {
    const std::uint32_t mask = bits >= 32 ? 0xffffffffu : ((1u << bits) - 1);
    const unsigned half = bits / 2;
    x = (x ^ static_cast<std::uint32_t>(salt)) & mask;
    x = (x * 0x9e3779b1u) & mask;
    x ^= x >> half;
    x = (x * (0x85ebca6bu | 1u)) & mask;
    x ^= x >> (half + 1);
    x = (x * 0xc2b2ae35u) & mask;
    x ^= x >> half;
    return x;
  }

 private:
  std::string fromAlphabet(const char* alphabet, std::size_t length) {
    std::string out;
    std::size_t n = std::char_traits<char>::length(alphabet);
    for (std::size_t i = 0; i < length; ++i) out += alphabet[below(n)];
    return out;
  }

  std::uint64_t state_;
};

}  // namespace kctest::apiserver
