// POST /api/v1 bodies from tectonic-stats-collector: JSON text (trailing commas allowed, as in
// its README) -> Report and the envelope's account.
#include "fuzz_support.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Report report;
  TectonicAccount account;
  try {
    report = fromTectonicJson(parseJson(fuzz::text(data, size), /*allowTrailingCommas=*/true), &account);
  } catch (const ReportError&) {
    return 0;
  }
  fuzz::expectRoundTrip(report);
  try {
    fromTectonicJson(toTectonicJson(report, account));
  } catch (const ReportError& e) {
    fuzz::fail(std::string("re-encoded tectonic payload refused: ") + e.what());
  }
  return 0;
}
