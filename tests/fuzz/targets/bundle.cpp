// Bundle files (POST /api/v2/bundles, `kubecensus-collector import`): gzip, manifest, checksum,
// then each line a native report.
#include "kubecensus/report/bundle.h"
#include "fuzz_support.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> lines;
  try {
    lines = readBundle(std::string(fuzz::text(data, size)), 4 << 20);
  } catch (const BundleError&) {
    return 0;
  }
  // A verified bundle rewritten holds the same lines.
  BundleWriter writer;
  for (const std::string& line : lines) writer.add(line);
  if (readBundle(writer.finish("2026-01-01T00:00:00Z"), 8 << 20) != lines)
    fuzz::fail("bundle round trip changed its lines");
  for (const std::string& line : lines) {
    try {
      fuzz::expectRoundTrip(fromNativeJson(parseJson(line)));
    } catch (const ReportError&) {
    }
  }
  return 0;
}
