#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>

#include "kubecensus/report/formats.h"
#include "report_testing.h"
#include "support/temp_dir.h"

using kubecensus::detectLegacyFormat;
using kubecensus::encodeReport;
using kubecensus::ReportFormat;
using nlohmann::json;

TEST_CASE("ReportFormat names", "[report][encode]") {
  CHECK(std::string(toString(ReportFormat::Native)) == "kubecensus.report/v2");
  CHECK(std::string(toString(ReportFormat::SpartakusV1)) == "spartakus-v1");
  CHECK(std::string(toString(ReportFormat::Tectonic)) == "tectonic");
}

TEST_CASE("detectLegacyFormat recognises the tectonic envelope by shape", "[report][encode]") {
  CHECK(detectLegacyFormat(kubecensus::parseJson(kctest::fixture("seeds/tectonic.json"), true)) ==
        ReportFormat::Tectonic);
  CHECK(detectLegacyFormat(kubecensus::parseJson(kctest::fixture("seeds/spartakus-v1.json"))) ==
        ReportFormat::SpartakusV1);
  CHECK(detectLegacyFormat(json{{"payload", json::object()}}) == ReportFormat::SpartakusV1);
  CHECK(detectLegacyFormat(json{{"accountID", "a"}}) == ReportFormat::SpartakusV1);
  CHECK(detectLegacyFormat(json::array({"payload", "accountID"})) == ReportFormat::SpartakusV1);
  CHECK(detectLegacyFormat(json("payload")) == ReportFormat::SpartakusV1);
}

TEST_CASE("encodeReport writes compact JSON in each format", "[report][encode]") {
  const kubecensus::Report report = kctest::fullReport();
  const kubecensus::TectonicAccount account{"acct", "secret"};

  const std::string native = encodeReport(report, ReportFormat::Native);
  CHECK(native == kubecensus::toNativeJson(report).dump());  // compact: no indentation, no spaces
  CHECK(kubecensus::fromNativeJson(kubecensus::parseJson(native)) == report);

  const std::string spartakus = encodeReport(report, ReportFormat::SpartakusV1);
  CHECK(kubecensus::parseJson(spartakus) == kubecensus::toSpartakusJson(report));

  const std::string tectonic = encodeReport(report, ReportFormat::Tectonic, &account);
  CHECK(kubecensus::parseJson(tectonic) == kubecensus::toTectonicJson(report, account));

  CHECK_THROWS_AS(encodeReport(report, ReportFormat::Tectonic), std::invalid_argument);
}

TEST_CASE("encodeReport does not fail on a string that is not UTF-8", "[report][encode]") {
  kubecensus::Report report = kctest::fullReport();
  report.nodes[0].osImage = std::string("bad \xff byte");
  const std::string text = encodeReport(report, ReportFormat::Native);
  CHECK(kubecensus::parseJson(text)["nodes"][0]["osImage"] == "bad \xEF\xBF\xBD byte");  // U+FFFD
}
