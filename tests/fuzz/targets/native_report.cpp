// POST /api/v2/reports bodies and bundle lines: JSON text -> Report in the native format.
// Refusals are ReportError (the API's 400/422); anything else escaping is a defect.
#include "fuzz_support.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Report report;
  try {
    report = fromNativeJson(parseJson(fuzz::text(data, size)));
  } catch (const ReportError&) {
    return 0;
  }
  fuzz::expectRoundTrip(report);
  return 0;
}
