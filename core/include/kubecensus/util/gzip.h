// gzip in memory, for request bodies and bundles. Decompression is bounded and strict: a
// stream that ends early, has bytes after its end, or inflates past the limit is an error.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace kubecensus {

class GzipError : public std::runtime_error {
 public:
  GzipError(const std::string& message, bool tooLarge) : std::runtime_error(message), tooLarge_(tooLarge) {}
  bool tooLarge() const { return tooLarge_; }  // inflated past the limit (not malformed)

 private:
  bool tooLarge_;
};

std::string gzipCompress(const std::string& data);
// Throws GzipError: "not valid gzip: ..." or, with tooLarge(), "inflates to more than N bytes".
// `onGrow`, if given, is told the inflated size after each step (64 KiB) before the next, and
// may throw to stop (the collector's memory budget grows with it).
std::string gzipDecompress(const std::string& compressed, std::uint64_t maxBytes,
                           const std::function<void(std::size_t inflated)>& onGrow = {});

}  // namespace kubecensus
