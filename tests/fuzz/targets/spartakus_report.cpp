// POST /api/v1 bodies from Spartakus agents: JSON text -> Report.
#include "fuzz_support.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Report report;
  try {
    report = fromSpartakusJson(parseJson(fuzz::text(data, size)));
  } catch (const ReportError&) {
    return 0;
  }
  fuzz::expectRoundTrip(report);
  // What kubecensus would send as a Spartakus record is itself a record it accepts.
  try {
    fromSpartakusJson(toSpartakusJson(report));
  } catch (const ReportError& e) {
    fuzz::fail(std::string("re-encoded Spartakus record refused: ") + e.what());
  }
  return 0;
}
