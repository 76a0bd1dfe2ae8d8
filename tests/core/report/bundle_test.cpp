#include "kubecensus/report/bundle.h"

#include <catch2/catch.hpp>

#include "kubecensus/util/gzip.h"
#include "kubecensus/util/hmac.h"

using namespace kubecensus;

namespace {

std::string bundleOf(const std::vector<std::string>& reports, BundleManifest* manifest = nullptr) {
  BundleWriter writer;
  for (const auto& report : reports) writer.add(report);
  return writer.finish("2026-11-30T00:00:00Z", manifest);
}

std::string refusal(const std::string& bytes, std::uint64_t limit = 1 << 20) {
  try {
    readBundle(bytes, limit);
  } catch (const BundleError& e) {
    return e.what();
  }
  FAIL("the bundle was accepted");
  return {};
}

const std::vector<std::string> kReports = {R"({"reportID":"a"})", R"({"reportID":"b"})",
                                           R"({"reportID":"c"})"};

}  // namespace

TEST_CASE("a bundle gives back its reports in order, with its manifest", "[bundle]") {
  BundleManifest written, read;
  const std::string bytes = bundleOf(kReports, &written);
  CHECK(readBundle(bytes, 1 << 20, &read) == kReports);
  CHECK(written.count == 3);
  CHECK(read.count == 3);
  CHECK(read.sha256 == written.sha256);
  CHECK(read.sha256 == sha256Hex(kReports[0] + "\n" + kReports[1] + "\n" + kReports[2] + "\n"));
  CHECK(read.createdAt == "2026-11-30T00:00:00Z");
  CHECK(readBundle(bundleOf({}), 1 << 20).empty());
}

TEST_CASE("a damaged, truncated or altered bundle is refused whole, saying why", "[bundle]") {
  const std::string bytes = bundleOf(kReports);
  CHECK_THAT(refusal(bytes.substr(0, bytes.size() / 2)), Catch::Contains("truncated or damaged"));
  CHECK_THAT(refusal("not a bundle at all"), Catch::Contains("not valid gzip"));
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x20;
  CHECK_THAT(refusal(flipped), Catch::Contains("not valid gzip"));  // gzip's CRC notices first

  const std::string text = gzipDecompress(bytes, 1 << 20);
  std::string altered = text;
  altered.replace(altered.find("\"b\""), 3, "\"x\"");  // consistent gzip, changed content
  CHECK_THAT(refusal(gzipCompress(altered)), Catch::Contains("SHA-256"));
  std::string dropped = text;
  dropped.erase(0, dropped.find('\n') + 1);  // a report less
  CHECK_THAT(refusal(gzipCompress(dropped)), Catch::Contains("SHA-256"));
  CHECK_THAT(refusal(gzipCompress(text.substr(0, text.rfind('{')))), Catch::Contains("manifest"));
  CHECK_THAT(refusal(bytes, 10), Catch::Contains("more than the limit of 10 bytes"));
  CHECK_THROWS_AS(BundleWriter().add("{\n}"), BundleError);
  // The same call the exec_credential fuzz target caught: a manifest field of another type
  // escaped as a type_error.
  CHECK_THAT(refusal(gzipCompress(R"({"kind":5,"count":0,"sha256":""})"
                                  "\n")),
             Catch::Contains("manifest"));
  // A last line longer than any manifest is refused unparsed (its tree could be huge).
  CHECK_THAT(refusal(gzipCompress("[" + std::string(5000, '0') + "]\n")),
             Catch::Contains("not a kubecensus.bundle/v1 manifest (5003 bytes long)"));
}
