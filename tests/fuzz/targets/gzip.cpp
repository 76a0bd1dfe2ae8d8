// Content-Encoding: gzip request bodies: bounded, strict inflation.
#include "kubecensus/util/gzip.h"
#include "fuzz_support.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(fuzz::text(data, size));
  try {
    const std::string inflated = gzipDecompress(input, 1 << 20);
    fuzz::expect(inflated.size() <= (1 << 20), "inflated past the limit");
  } catch (const GzipError&) {
  }
  fuzz::expect(gzipDecompress(gzipCompress(input), input.size()) == input,
               "gzip round trip changed the bytes");
  return 0;
}
