#include "kubecensus/kube/list_stream.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

using namespace kubecensus;
using json = nlohmann::json;

namespace {

struct Parsed {
  ListPage page;
  std::vector<json> items;
};

Parsed parse(const std::string& text) {
  std::istringstream in(text);
  Parsed parsed;
  parsed.page = parseListStream(in, [&](const json& item) { parsed.items.push_back(item); });
  return parsed;
}

std::string parseError(const std::string& text) {
  try {
    parse(text);
  } catch (const ListParseError& e) {
    return e.what();
  }
  FAIL("no ListParseError for: " << text);
  return {};
}

}  // namespace

TEST_CASE("real lists stream item by item, each equal to the whole document's item", "[list_stream]") {
  struct Case {
    const char* file;
    std::size_t items;
    const char* kind;
    const char* resourceVersion;
  };
  for (const Case& c : {Case{"nodelist-kind-1.20-containerd-3nodes.json", 3, "NodeList", "1579"},
                        Case{"podlist-k3s-1.33-kube-system.json", 7, "PodList", "1448"},
                        Case{"podlist-kind-1.20-kube-system.json", 14, "PodList", "1584"},
                        Case{"deploymentlist-k3s-1.33-kube-system.json", 4, "DeploymentList", "1451"},
                        Case{"nodelist-aks-1.29-containerd-gpu-5nodes-kubectl-List.json", 5, "List", ""}}) {
    INFO(c.file);
    std::string text = kctest::fixture(std::string("k8s/real/") + c.file);
    Parsed parsed = parse(text);
    json whole = json::parse(text);
    CHECK(parsed.page.kind == c.kind);
    CHECK(parsed.page.apiVersion == whole["apiVersion"]);
    CHECK(parsed.page.resourceVersion == c.resourceVersion);
    CHECK(parsed.page.continueToken.empty());
    CHECK(parsed.page.itemCount == c.items);
    REQUIRE(parsed.items.size() == c.items);
    for (std::size_t i = 0; i < c.items; ++i) CHECK(parsed.items[i] == whole["items"][i]);
  }
}

TEST_CASE("continue and resourceVersion are read whether metadata comes before or after items",
          "[list_stream]") {
  json list = json::parse(kctest::fixture("k8s/real/nodelist-kind-1.20-containerd-3nodes.json"));
  list["metadata"]["continue"] =
      "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTU3OSwic3RhcnQiOiJraW5kLXdvcmtlclx1MDAwMCJ9";
  list["metadata"]["remainingItemCount"] = 12;

  // nlohmann dumps keys sorted: "items" before "metadata", as kind-1.20's apiserver did.
  std::string after = list.dump();
  REQUIRE(after.find("\"items\"") < after.find("\"metadata\":{\"continue\""));
  // and by hand the other way round, as most API servers send it.
  std::string before =
      "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":" + list["metadata"].dump() +
      ",\"items\":" + list["items"].dump() + "}";

  for (const std::string& text : {after, before}) {
    Parsed parsed = parse(text);
    CHECK(parsed.page.continueToken == list["metadata"]["continue"]);
    CHECK(parsed.page.resourceVersion == "1579");
    CHECK(parsed.page.kind == "NodeList");
    CHECK(parsed.items.size() == 3);
    CHECK(parsed.items.at(2)["metadata"]["name"] == "kind-worker2");
  }
}

TEST_CASE("metadata inside items does not leak into the list's own", "[list_stream]") {
  Parsed parsed = parse(R"({"kind":"PartialObjectMetadataList","items":[
      {"kind":"PartialObjectMetadata","metadata":{"name":"a","resourceVersion":"7","continue":"no"}}],
      "metadata":{"resourceVersion":"9"}})");
  CHECK(parsed.page.kind == "PartialObjectMetadataList");
  CHECK(parsed.page.resourceVersion == "9");
  CHECK(parsed.page.continueToken.empty());
  REQUIRE(parsed.items.size() == 1);
  CHECK(parsed.items[0]["metadata"]["name"] == "a");
  CHECK(parsed.items[0]["kind"] == "PartialObjectMetadata");
}

TEST_CASE("empty lists: [] and the null Go sends for a nil slice", "[list_stream]") {
  CHECK(parse(R"({"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]})").page.itemCount == 0);
  CHECK(parse(R"({"kind":"PodList","items":null,"metadata":{}})").page.itemCount == 0);
}

TEST_CASE("values of every JSON type survive inside items", "[list_stream]") {
  std::string item = R"({"a":[1,-2,3.5,true,false,null,"s",{"b":[[],{}]}],"big":18446744073709551615})";
  Parsed parsed = parse(R"({"items":[)" + item + "," + item + "]}");
  REQUIRE(parsed.items.size() == 2);
  CHECK(parsed.items[0] == json::parse(item));
  CHECK(parsed.items[1] == json::parse(item));
}

TEST_CASE("what is not a list is refused with the reason", "[list_stream]") {
  CHECK_THAT(parseError(kctest::fixture("k8s/real/nodes-array-aws-selfmanaged-1.7.2-docker-3nodes.json")),
             Catch::Contains("must be a JSON object"));
  CHECK_THAT(parseError(R"({"kind":"Status","status":"Failure"})"), Catch::Contains("no \"items\" array"));
  CHECK_THAT(parseError(R"({"items":{"a":1}})"), Catch::Contains("\"items\" must be an array"));
  CHECK_THAT(parseError(R"({"items":[{"a":1},{"b":)"), Catch::Contains("malformed list"));
  CHECK_THAT(parseError("42"), Catch::Contains("must be a JSON object"));
  CHECK_THAT(parseError(""), Catch::Contains("malformed list"));
}

TEST_CASE("a truncated list is refused before any item is handed over", "[list_stream]") {
  std::string text = kctest::fixture("k8s/real/podlist-k3s-1.33-kube-system.json");
  json whole = json::parse(text);
  std::string firstTwo = whole["items"][0].dump() + "," + whole["items"][1].dump();
  for (const std::string& tail :
       {std::string(R"(,{"metadata":{"name":"x)"), std::string(R"(,{"metadata":{})"), std::string(",")}) {
    INFO(tail);
    std::istringstream in(R"({"kind":"PodList","items":[)" + firstTwo + tail);
    std::size_t seen = 0;
    CHECK_THROWS_AS(parseListStream(in, [&](const json&) { ++seen; }), ListParseError);
    CHECK(seen == 0);
  }
}

TEST_CASE("fields keep only the named parts of each item", "[list_stream]") {
  const std::string text = kctest::fixture("k8s/real/podlist-kind-1.20-kube-system.json");
  const json whole = json::parse(text);
  std::istringstream in(text);
  std::vector<json> items;
  ListPage page =
      parseListStream(in, [&](const json& item) { items.push_back(item); },
                      {"metadata.namespace", "metadata.creationTimestamp", "status.phase", "spec.nodeName",
                       "metadata.labels", "spec"});  // "spec" keeps all of spec, whatever came before
  CHECK(page.kind == "PodList");
  REQUIRE(items.size() == whole["items"].size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json& full = whole["items"][i];
    json expected = {{"metadata",
                      {{"namespace", full["metadata"]["namespace"]},
                       {"creationTimestamp", full["metadata"]["creationTimestamp"]}}},
                     {"status", {{"phase", full["status"]["phase"]}}},
                     {"spec", full["spec"]}};
    if (full["metadata"].contains("labels")) expected["metadata"]["labels"] = full["metadata"]["labels"];
    CHECK(items[i] == expected);
  }
}

TEST_CASE("fields that an item lacks are absent, not null", "[list_stream]") {
  std::istringstream in(R"({"items":[{"metadata":{"name":"a"},"status":"odd"},{"spec":{}}]})");
  std::vector<json> items;
  parseListStream(in, [&](const json& item) { items.push_back(item); }, {"metadata.uid", "status.phase"});
  REQUIRE(items.size() == 2);
  CHECK(items[0] == json{{"metadata", json::object()}, {"status", "odd"}});
  CHECK(items[1] == json::object());
}

TEST_CASE("an exception from the callback stops parsing and propagates unchanged", "[list_stream]") {
  std::istringstream in(kctest::fixture("k8s/real/podlist-kind-1.20-kube-system.json"));
  std::size_t seen = 0;
  struct Stop {};
  CHECK_THROWS_AS(parseListStream(in,
                                  [&](const json&) {
                                    if (++seen == 3) throw Stop{};
                                  }),
                  Stop);
  CHECK(seen == 3);
}

TEST_CASE("brackets, quotes and backslashes inside strings do not move the item boundaries",
          "[list_stream]") {
  const std::vector<std::string> items = {R"({"name":"a\"]},{\"b\":[","x":1})",
                                          R"({"path":"C:\\","y":"\\\"}"})",
                                          R"("plain")",
                                          R"([{"}":"]"},[]])",
                                          R"({"u":"\u005d\u007d"})",
                                          "-1.5e3",
                                          "null"};
  std::string text = R"({"kind":"List","metadata":{"continue":"]}"},"items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? " , " : "") + items[i];
  text += "\n] }";
  Parsed parsed = parse(text);
  CHECK(parsed.page.continueToken == "]}");
  REQUIRE(parsed.items.size() == items.size());
  for (std::size_t i = 0; i < items.size(); ++i) CHECK(parsed.items[i] == json::parse(items[i]));
}

TEST_CASE("an invalid item ends the page after the items before it were handed over", "[list_stream]") {
  for (const std::string& bad :
       {std::string(R"({"a":tru})"), std::string(R"({"a" 1})"), std::string("[1 2]"), std::string("")}) {
    INFO(bad);
    std::istringstream in(R"({"kind":"PodList","items":[{"n":1},{"n":2},)" + bad + R"(,{"n":4}]})");
    std::size_t seen = 0;
    CHECK_THROWS_AS(parseListStream(in, [&](const json&) { ++seen; }), ListParseError);
    CHECK(seen == 2);
  }
}

TEST_CASE("text after the list or between items is refused", "[list_stream]") {
  CHECK_THAT(parseError(R"({"items":[]} x)"), Catch::Contains("malformed list"));
  CHECK_THAT(parseError(R"({"items":[{} {}]})"), Catch::Contains("expected ',' or ']'"));
  CHECK_THAT(parseError(R"({"items":[{}],})"), Catch::Contains("malformed list"));
}
