// Identifiers for generated objects: names, uids, hex ids, addresses and timestamps, each
// unique per object and, when a canary is set, carrying it (IP addresses cannot hold text;
// they are unique per object instead). Privacy tests search the agent's output for these.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "deterministic_random.h"

namespace kctest::apiserver {

// What a generated value is, so that two kinds of value never share a random stream.
enum class Stream : std::uint64_t {
  kNamespace = 1,
  kNode,
  kNodePool,
  kPod,
  kService,
  kDeployment,
  kStatefulSet,
  kDaemonSet,
  kJob,
  kCronJob,
  kShape,
};

class Naming {
 public:
  Naming(std::uint64_t seed, std::string canary) : seed_(seed), canary_(std::move(canary)) {}

  std::uint64_t seed() const { return seed_; }
  const std::string& canary() const { return canary_; }

  DeterministicRandom random(Stream stream, std::uint64_t index, std::uint64_t field = 0) const {
    return DeterministicRandom(seed_, static_cast<std::uint64_t>(stream) * 64 + field, index);
  }
  // Joins the non-empty parts with '-' and puts "-<canary>" after the first one:
  // name({"web", "7k2x9qa"}) is "web-7k2x9qa", or "web-CANARY-7k2x9qa" with a canary.
  std::string name(std::initializer_list<std::string_view> parts) const;
  // `text` with "-<canary>" appended (unchanged without a canary).
  std::string marked(const std::string& text) const { return canary_.empty() ? text : text + "-" + canary_; }
  // 7 lowercase base-36 characters, distinct for every index < 2^32 of one stream.
  std::string tag(Stream stream, std::uint64_t index, std::uint64_t field = 0) const;
  // `digits` hex characters (>= 8); the first 8 are distinct for every index of one stream.
  std::string hexId(Stream stream, std::uint64_t index, std::uint64_t field, std::size_t digits) const;
  // A decimal number of `digits` (>= 10) digits, distinct for every index of one stream.
  std::string decimalId(Stream stream, std::uint64_t index, std::uint64_t field, std::size_t digits) const;
  // A random (version 4) UUID, distinct per index of one stream, then "-<canary>" if set.
  std::string uid(Stream stream, std::uint64_t index, std::uint64_t field = 0) const;
  std::string plainUuid(Stream stream, std::uint64_t index, std::uint64_t field = 0) const;
  // "A.B.C.D" with the low `bits` bits distinct per index (< 2^bits) of one stream.
  std::string ipv4(std::uint32_t base, unsigned bits, Stream stream, std::uint64_t index,
                   std::uint64_t field = 0) const;

  // RFC 3339 in UTC as Kubernetes writes it: 2024-08-26T18:39:13Z.
  static std::string timestamp(std::int64_t epochSeconds);
  // The "now" of every generated cluster (2025-09-01T00:00:00Z): fixed so a seed always gives
  // the same objects. Creation times lie in the two years before it.
  static constexpr std::int64_t kReferenceTime = 1756684800;
  static constexpr std::int64_t kTwoYears = 2 * 365 * 24 * 3600;

 private:
  std::uint32_t unique(Stream stream, std::uint64_t index, std::uint64_t field, unsigned bits) const;

  std::uint64_t seed_;
  std::string canary_;
};

}  // namespace kctest::apiserver
