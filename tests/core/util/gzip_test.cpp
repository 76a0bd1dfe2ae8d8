#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kubecensus/util/gzip.h"

using namespace kubecensus;

TEST_CASE("gzip round trip, trailing bytes and early ends are errors", "[gzip]") {
  const std::string data(100000, 'k');
  const std::string packed = gzipCompress(data);
  CHECK(packed.size() < 1000);
  CHECK(gzipDecompress(packed, data.size()) == data);
  CHECK_THROWS_AS(gzipDecompress(packed, data.size() - 1), GzipError);
  try {
    gzipDecompress(packed, 10);
  } catch (const GzipError& e) {
    CHECK(e.tooLarge());
  }
  try {
    gzipDecompress(packed + "extra", data.size());
    FAIL("accepted trailing bytes");
  } catch (const GzipError& e) {
    CHECK_FALSE(e.tooLarge());
    CHECK_THAT(e.what(), Catch::Contains("after the end"));
  }
  CHECK_THROWS_WITH(gzipDecompress(packed.substr(0, packed.size() - 4), data.size()),
                    Catch::Contains("ends before the gzip stream does"));
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
