// The dashboard in a real headless Chromium (Debian's chromium, started by the test): it loads
// the page from a collector holding the hand-computed data set of stats_seed.h, waits until the
// page says it is ready, and checks that the charts' data tables show the expected numbers and
// labels. Screenshots at laptop and phone width are saved under build/ for a person to look at.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>

#include "collector_fixture.h"
#include "stats_seed.h"

using namespace kctest;

namespace {

const char* const kChromium = "/usr/bin/chromium";

std::vector<std::string> chromiumArgs(const TempDir& profile, const std::string& width) {
  // Without the networking switches Chromium tries to reach Google's services and stalls.
  return {"--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--user-data-dir=" + profile.path(),
          "--window-size=" + width,
          "--virtual-time-budget=15000"};
}

// The markup of one chart, <section ... data-stat="stat"> to its </section>.
std::string section(const std::string& dom, const std::string& stat) {
  std::smatch match;
  if (!std::regex_search(dom, match, std::regex("<section class=\"chart[^\"]*\" data-stat=\"" + stat + "\"")))
    return {};
  const auto start = static_cast<std::size_t>(match.position(0));
  return dom.substr(start, dom.find("</section>", start) - start);
}

// One data-table row: the label cell, then the shown numbers.
std::string row(const std::string& label, const std::vector<std::string>& cells) {
  std::string text = "<th scope=\"row\">" + label + "</th>";
  for (const auto& cell : cells) text += ">" + cell + "</td>";
  return text;
}

// The row's cells as the page shows them, without the data-value attributes.
std::string shownRow(const std::string& tableMarkup, const std::string& label) {
  const auto start = tableMarkup.find("<th scope=\"row\">" + label + "</th>");
  if (start == std::string::npos) return {};
  const std::string markup = tableMarkup.substr(start, tableMarkup.find("</tr>", start) - start);
  return std::regex_replace(markup, std::regex(R"(<td[^>]*>)"), ">");
}

// The page's DOM after its scripts ran (Chromium exits when the page is idle or after 15 s of
// virtual time); kept in build/<saveAs> for a person reading a failure.
std::string renderedDom(const std::string& page, const std::string& saveAs) {
  TempDir profile;
  std::vector<std::string> args = chromiumArgs(profile, "1280,2600");
  args.insert(args.end(), {"--dump-dom", page});
  RunResult dumped = run(kChromium, args, {}, std::chrono::seconds(90));
  INFO(dumped.output.substr(0, 4000));
  REQUIRE(dumped.exitCode == 0);
  std::ofstream(buildPath(saveAs)) << dumped.output;
  return dumped.output;
}

}  // namespace

TEST_CASE("dashboard: Chromium shows the seeded numbers in every chart, and takes screenshots",
          "[dashboard]") {
  if (!std::filesystem::exists(kChromium))
    FAIL("no " << kChromium << ": scripts/install-deps installs chromium");
  Collector collector;
  seedStats(collector);
  const std::string d2 = dayText(todayUtc() - 2), d1 = dayText(todayUtc() - 1);
  const std::string page = collector.url() + "/?from=" + d2 + "&to=" + d1 + "&interval=day";
  const std::string dom = renderedDom(page, "dashboard-dom.html");
  REQUIRE_THAT(dom, Catch::Contains("<body data-ready=\"true\">"));

  const std::string activity = section(dom, "active-clusters");
  CHECK(shownRow(activity, d2) == row(d2, {"6", "6"}));
  CHECK(shownRow(activity, d1) == row(d1, {"6", "2"}));
  CHECK_THAT(activity, Catch::Contains("href=\"/api/v2/stats/active-clusters?from=" + d2 + "&amp;to=" + d1 +
                                       "&amp;interval=day&amp;format=csv\""));
  CHECK(shownRow(section(dom, "reports"), d2) == row(d2, {"8"}));
  // Version adoption: columns 1.31 and other.
  const std::string versions = section(dom, "master-versions");
  CHECK_THAT(versions, Catch::Contains("<th scope=\"col\">1.31</th><th scope=\"col\">other</th>"));
  CHECK(shownRow(versions, d2) == row(d2, {"50.0%", "50.0%"}));
  // Bars of the last day: amd64 and arm64, 3 clusters each (12 and 10 nodes).
  const std::string arch = section(dom, "architectures");
  CHECK_THAT(arch, Catch::Contains("data-period=\"" + d1 + "\""));
  CHECK(shownRow(arch, "amd64") == row("amd64", {"3", "50.0%", "12"}));
  CHECK(shownRow(arch, "arm64") == row("arm64", {"3", "50.0%", "10"}));
  CHECK_THAT(arch, Catch::Contains(">amd64</text>"));  // the bar's label in the SVG
  CHECK(shownRow(section(dom, "container-runtimes"), "containerd") ==
        row("containerd", {"3", "50.0%", "12"}));
  CHECK(shownRow(section(dom, "lifetimes"), "&lt;1 day") == row("&lt;1 day", {"4"}));
  CHECK_THAT(dom, Catch::Contains("data-kpi=\"nodes\" data-value=\"22\""));
  CHECK_THAT(dom, Catch::Contains("data-kpi=\"clusters\" data-value=\"6\""));
  CHECK(dom.find("data-state=\"error\"") == std::string::npos);

  // Pictures for people: a laptop and the narrowest window headless Chromium lays out (500 px).
  for (const auto& [name, size] :
       {std::pair{"dashboard.png", "1280,2600"}, {"dashboard-narrow.png", "500,4200"}}) {
    const std::string file = buildPath(name);
    std::filesystem::remove(file);
    TempDir shotProfile;
    std::vector<std::string> shot = chromiumArgs(shotProfile, size);
    shot.insert(shot.end(), {"--screenshot=" + file, page});
    RunResult taken = run(kChromium, shot, {}, std::chrono::seconds(90));
    INFO(taken.output);
    CHECK(taken.exitCode == 0);
    CHECK(std::filesystem::file_size(file) > 20000);
  }
}

TEST_CASE("dashboard: its files come from the collector, with a policy that loads nothing else",
          "[dashboard]") {
  Collector collector;
  HttpAnswer index = collector.get("/");
  REQUIRE(index.status == 200);
  CHECK(index.header("Content-Type") == "text/html; charset=utf-8");
  CHECK_THAT(index.header("Content-Security-Policy"), Catch::Contains("default-src 'none'") &&
                                                          Catch::Contains("script-src 'self'") &&
                                                          Catch::Contains("connect-src 'self'"));
  // No address of another host anywhere in the page or its assets (the SVG namespace is a name,
  // never fetched).
  for (const char* asset : {"/", "/dashboard.js", "/dashboard.css"}) {
    HttpAnswer answer = collector.get(asset);
    REQUIRE(answer.status == 200);
    INFO(asset);
    const std::string body =
        std::regex_replace(answer.body, std::regex("http://www\\.w3\\.org/2000/svg"), "");
    CHECK_FALSE(std::regex_search(body, std::regex(R"((https?:)?//[a-z0-9.-]+\.[a-z]{2,})")));
  }
  CHECK(collector.get("/dashboard.js").header("Content-Type") == "text/javascript; charset=utf-8");
  const std::string etag = index.header("ETag");
  REQUIRE_FALSE(etag.empty());
  HttpAnswer again =
      httpRequest(collector.port(), {"GET", "/", std::nullopt, "", false, "", {{"If-None-Match", etag}}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
}

TEST_CASE("dashboard: values from reports are shown as text, never run as markup", "[dashboard]") {
  if (!std::filesystem::exists(kChromium))
    FAIL("no " << kChromium << ": scripts/install-deps installs chromium");
  Collector collector({"--set", "collector.stats_min_clusters=1"});
  const std::int64_t day = todayUtc() - 1;
  nlohmann::json report = seedReport(1, "A", day, 9, "v1.31.2", 1, "amd64", "containerd://1.7");
  const std::string hostile = "<img src=x onerror=\"document.body.dataset.pwned='yes'\">";
  report["nodes"][0]["osImage"] = hostile;
  REQUIRE(collector.post("/api/v2/reports", report.dump()).status == 202);
  const std::string dom = renderedDom(collector.url() + "/?from=" + dayText(day) + "&to=" + dayText(day),
                                      "dashboard-hostile-dom.html");
  REQUIRE_THAT(dom, Catch::Contains("<body data-ready=\"true\">"));
  CHECK_THAT(dom, Catch::Contains("&lt;img src=x onerror="));  // shown, escaped
  CHECK(dom.find("<img") == std::string::npos);
  CHECK(dom.find("data-pwned") == std::string::npos);  // the handler never ran
}
