// Bundles: reports carried by hand out of an air-gapped cluster. A bundle is one gzip file;
// inflated, it is one native report per line, then a manifest line:
//   {"kind":"kubecensus.bundle/v1","count":2,"sha256":"<hex>","createdAt":"..."}
// where sha256 covers every byte before the manifest line. A bundle is read and verified
// whole before anything in it is used, so a truncated or altered file is refused entirely.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kubecensus {

inline constexpr const char* kBundleKind = "kubecensus.bundle/v1";

class BundleError : public std::runtime_error {
 public:
  explicit BundleError(const std::string& message, bool tooLarge = false)
      : std::runtime_error(message), tooLarge_(tooLarge) {}
  bool tooLarge() const { return tooLarge_; }  // inflates past the limit (not damaged)

 private:
  bool tooLarge_;
};

struct BundleManifest {
  std::int64_t count = 0;
  std::string sha256;
  std::string createdAt;
};

// Collects native reports (one JSON text each, no newlines) and makes the bundle's bytes.
class BundleWriter {
 public:
  void add(std::string_view nativeJson);
  std::size_t count() const { return count_; }
  // The gzip bytes; `createdAt` goes into the manifest.
  std::string finish(const std::string& createdAt, BundleManifest* manifest = nullptr) const;

 private:
  std::string lines_;
  std::size_t count_ = 0;
};

// The reports of a bundle, in order, after checking gzip integrity, the manifest's count and
// SHA-256. Throws BundleError saying what is wrong: not gzip, truncated, no manifest, a count
// or checksum that does not match, inflating past maxInflatedBytes.
// `onInflate` is passed to gzipDecompress (told the inflated size as it grows; may throw).
std::vector<std::string> readBundle(const std::string& bytes, std::uint64_t maxInflatedBytes,
                                    BundleManifest* manifest = nullptr,
                                    const std::function<void(std::size_t inflated)>& onInflate = {});

}  // namespace kubecensus
