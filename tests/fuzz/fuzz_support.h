// What the fuzz targets share: the input as text, and the checks that turn a broken promise
// into a crash libFuzzer (or the replay driver) reports.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/report.h"
#include "kubecensus/report/report_error.h"

namespace kubecensus::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

inline void expect(bool condition, const char* what) {
  if (!condition) fail(what);
}

// A report the collector accepted must be storable and readable back unchanged: the streaming
// encoder writes what the tree holds, and decoding that gives the same report again.
// Any ReportError on the way is a failure too (never an ordinary refusal a caller may catch).
inline void expectRoundTrip(const Report& report) {
  try {
    const nlohmann::json tree = toNativeJson(report);
    if (parseJson(encodeNativeJson(report)) != tree) fail("encodeNativeJson differs from toNativeJson");
    if (toNativeJson(fromNativeJson(tree)) != tree) fail("decoding the encoded report changed it");
  } catch (const ReportError& e) {
    fail(std::string("an accepted report does not encode and decode again: ") + e.what());
  }
}

}  // namespace kubecensus::fuzz
