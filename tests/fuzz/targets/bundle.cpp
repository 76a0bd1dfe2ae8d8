// Bundle files (POST /api/v2/bundles, `kubecensus-collector import`): gzip, manifest, checksum,
// then each line a native report. Seeds: bundles as written, and their inflated text.
#include "kubecensus/report/bundle.h"
#include "fuzz_support.h"
#include "kubecensus/util/gzip.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An input that is not gzip is taken as the inflated text and compressed first, so mutations
  // reach the manifest and the lines (mutating gzip bytes mostly breaks the checksum).
  std::string bytes(fuzz::text(data, size));
  if (bytes.rfind("\x1f\x8b", 0) != 0) bytes = gzipCompress(bytes);
  std::vector<std::string> lines;
  try {
    lines = readBundle(bytes, 4 << 20);
  } catch (const BundleError&) {
    return 0;
  }
  // A verified bundle rewritten holds the same lines.
  BundleWriter writer;
  for (const std::string& line : lines) writer.add(line);
  if (readBundle(writer.finish("2026-01-01T00:00:00Z"), 8 << 20) != lines)
    fuzz::fail("bundle round trip changed its lines");
  for (const std::string& line : lines) {
    Report report;
    try {
      report = fromNativeJson(parseJson(line));
    } catch (const ReportError&) {
      continue;  // the collector refuses the bundle (422)
    }
    fuzz::expectRoundTrip(report);
  }
  return 0;
}
