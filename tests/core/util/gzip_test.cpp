#include <catch2/catch.hpp>

#include <stdexcept>

#include "kubecensus/util/gzip.h"

using namespace kubecensus;

TEST_CASE("gzip round trip, and inflation bounded and strict", "[gzip]") {
  const std::string text(200000, 'x');
  const std::string packed = gzipCompress(text);
  CHECK(packed.size() < 1000);
  CHECK(gzipDecompress(packed, text.size()) == text);
  CHECK(gzipDecompress(gzipCompress(""), 0).empty());
  try {
    gzipDecompress(packed, text.size() - 1);
    FAIL("inflated past the limit");
  } catch (const GzipError& e) {
    CHECK(e.tooLarge());
  }
  try {
    gzipDecompress(packed.substr(0, packed.size() - 4), text.size());
    FAIL("a truncated stream was accepted");
  } catch (const GzipError& e) {
    CHECK_FALSE(e.tooLarge());
    CHECK_THAT(e.what(), Catch::StartsWith("not valid gzip"));
  }
  CHECK_THROWS_WITH(gzipDecompress(packed + "x", text.size()), Catch::Contains("bytes after the end"));
}

TEST_CASE("gzip inflation reports its growth and stops when told to", "[gzip]") {
  const std::string text(1 << 20, 'y');
  const std::string packed = gzipCompress(text);
  std::vector<std::size_t> sizes;
  CHECK(gzipDecompress(packed, text.size(), [&](std::size_t inflated) { sizes.push_back(inflated); }) ==
        text);
  REQUIRE(sizes.size() >= 2);
  CHECK(std::is_sorted(sizes.begin(), sizes.end()));
  CHECK(sizes.back() == text.size());
  // The collector's memory budget throws from here; inflation stops at once.
  std::size_t calls = 0;
  CHECK_THROWS_WITH(gzipDecompress(packed, text.size(),
                                   [&](std::size_t inflated) {
                                     ++calls;
                                     if (inflated > 100000) throw std::runtime_error("no more memory");
                                   }),
                    "no more memory");
  CHECK(calls < sizes.size());
}
