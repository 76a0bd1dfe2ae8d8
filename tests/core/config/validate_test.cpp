#include "kubecensus/config/validate.h"

#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"

using namespace kubecensus;

namespace {

struct Result {
  ValidatedConfig validated;
  std::vector<ConfigIssue> issues;
};

class Fixture {
 public:
  Fixture() { kctest::registerTestPlugins(registry_); }

  Result validate(const std::string& ini, std::vector<PluginKind> kinds = {PluginKind::Source, PluginKind::Sink}) {
    Config config = parseIni(ini, "agent.ini", {});
    Result result;
    result.validated = validateConfig(config, kctest::agentSchema(), kinds, registry_, result.issues);
    return result;
  }

  // The one issue the text has.
  ConfigIssue issue(const std::string& ini, std::vector<PluginKind> kinds = {PluginKind::Source, PluginKind::Sink}) {
    Result result = validate(ini, kinds);
    INFO(ini);
    REQUIRE(result.issues.size() == 1);
    return result.issues.front();
  }

 private:
  PluginRegistry registry_;
};

}  // namespace

TEST_CASE("validateConfig accepts a valid config and fills defaults", "[validate]") {
  Fixture f;
  Result r = f.validate(
      "[agent]\nperiod = 1h\ncluster_id = c1\n"
      "[sink.http]\nurl = https://x\nretries = 5\n"
      "[sink.out]\ntype = stdout\n"
      "[source.host]\n");
  CHECK(r.issues.empty());

  const Options& agent = r.validated.section("agent");
  CHECK(agent.getDuration("period") == std::chrono::hours(1));
  CHECK(agent.getString("cluster_id") == "c1");
  CHECK(agent.getString("state_dir") == "/var/lib/kubecensus");  // default
  CHECK(agent.getSize("max_buffer") == 10u * 1024 * 1024);
  CHECK(agent.getInt("workers") == 2);
  CHECK_FALSE(agent.getBool("verbose"));
  CHECK_FALSE(agent.has("extensions"));  // no default, not set
  CHECK_FALSE(agent.has("api_key"));
  CHECK_THROWS_AS(r.validated.section("collector"), std::out_of_range);

  REQUIRE(r.validated.plugins.size() == 3);
  const ConfiguredPlugin& http = r.validated.plugins[0];
  CHECK(http.kind == PluginKind::Sink);
  CHECK(http.instance == "http");
  CHECK(http.plugin == "http");  // the instance name by default
  CHECK(http.descriptor == &kctest::kHttpSink);
  CHECK(http.where.str() == "agent.ini:4");
  CHECK(http.options.getString("url") == "https://x");
  CHECK(http.options.getInt("retries") == 5);
  CHECK(http.options.getDuration("timeout") == std::chrono::seconds(10));
  CHECK(http.options.getBool("compress"));
  CHECK(http.options.getSize("max_body") == 1024u * 1024);
  CHECK_FALSE(http.options.has("type"));  // type and enabled are not plugin options
  CHECK_FALSE(http.options.has("enabled"));

  const ConfiguredPlugin& out = r.validated.plugins[1];
  CHECK(out.instance == "out");
  CHECK(out.plugin == "stdout");
  CHECK(out.descriptor == &kctest::kStdoutSink);
  CHECK(out.options.getString("pretty") == "false");

  CHECK(r.validated.plugins[2].kind == PluginKind::Source);
  CHECK(r.validated.plugins[2].options.getString("interval") == "1m");
}

TEST_CASE("validateConfig fills the defaults of core sections that are absent", "[validate]") {
  Fixture f;
  Result r = f.validate("");
  CHECK(r.issues.empty());
  CHECK(r.validated.section("agent").getString("period") == "24h");
  CHECK(r.validated.plugins.empty());
}

TEST_CASE("validateConfig reports unknown keys with known keys and a suggestion", "[validate]") {
  Fixture f;
  ConfigIssue issue = f.issue("[agent]\nperiod = 1m\nperoid = 5m\n");
  CHECK(issue.where.str() == "agent.ini:3");
  CHECK(issue.section == "agent");
  CHECK(issue.key == "peroid");
  CHECK_THAT(issue.message, Catch::Contains("unknown key 'peroid'") &&
                                Catch::Contains("known keys: cluster_id, period, state_dir") &&
                                Catch::Contains("did you mean 'period'?"));

  ConfigIssue far = f.issue("[agent]\nfrobnicate = 1\n");
  CHECK_THAT(far.message, Catch::Contains("unknown key 'frobnicate'") && !Catch::Contains("did you mean"));

  ConfigIssue plugin = f.issue("[sink.http]\nurl = u\nretires = 2\n");
  CHECK(plugin.where.line == 3);
  CHECK(plugin.section == "sink.http");
  CHECK_THAT(plugin.message, Catch::Contains("did you mean 'retries'?") && Catch::Contains("type, enabled"));

  ConfigIssue special = f.issue("[sink.http]\nurl = u\ntyp = http\n");
  CHECK_THAT(special.message, Catch::Contains("did you mean 'type'?"));
}

TEST_CASE("validateConfig type-checks each option type", "[validate]") {
  Fixture f;
  struct Case {
    const char* line;
    const char* key;
    const char* words;
  };
  for (const Case& c : {Case{"workers = two", "workers", "\"two\" is not an integer"},
                        Case{"workers = 1.5", "workers", "is not an integer"},
                        Case{"verbose = maybe", "verbose", "\"maybe\" is not a boolean"},
                        Case{"period = ten", "period", "\"ten\" is not a duration"},
                        Case{"period = -5s", "period", "is not a duration"},
                        Case{"max_buffer = lots", "max_buffer", "\"lots\" is not a size"},
                        Case{"state_dir =", "state_dir", "must not be empty"}}) {
    ConfigIssue issue = f.issue(std::string("[agent]\n") + c.line + "\n");
    INFO(c.line);
    CHECK(issue.where.str() == "agent.ini:2");
    CHECK(issue.section == "agent");
    CHECK(issue.key == c.key);
    CHECK_THAT(issue.message, Catch::Contains(c.words));
  }
  // String, Secret and List accept anything, empty included.
  CHECK(f.validate("[agent]\ncluster_id =\napi_key = ;x\nextensions = ,,\n").issues.empty());
  // Plugin options are checked the same way.
  ConfigIssue plugin = f.issue("[sink.http]\nurl = u\ntimeout = forever\n");
  CHECK(plugin.str() == "agent.ini:3: [sink.http] timeout: \"forever\" is not a duration (examples: 30s, 5m, 24h, 1h30m)");
}

TEST_CASE("validateConfig checks an option with choices against them, ignoring case", "[validate]") {
  Fixture f;
  ConfigIssue issue = f.issue("[sink.http]\nurl = u\nformat = natve\n");
  CHECK(issue.where.str() == "agent.ini:3");
  CHECK(issue.key == "format");
  CHECK_THAT(issue.message, Catch::Contains("\"natve\" is not one of: native, spartakus-v1"));
  CHECK(f.validate("[sink.http]\nurl = u\nformat = Spartakus-V1\n").issues.empty());
  CHECK(f.validate("[sink.http]\nurl = u\n").validated.plugins.at(0).options.getString("format") == "native");
}

TEST_CASE("validateConfig reports every problem, not just the first", "[validate]") {
  Fixture f;
  Result r = f.validate("[agent]\nperiod = x\nworkers = y\n[sink.http]\nretries = z\n[bogus]\n");
  CHECK(r.issues.size() == 5);  // period, workers, retries, missing url, bogus
}

TEST_CASE("validateConfig reports missing required options at the section", "[validate]") {
  Fixture f;
  ConfigIssue issue = f.issue("[agent]\n\n[sink.http]\ntimeout = 5s\n");
  CHECK(issue.where.str() == "agent.ini:3");
  CHECK(issue.section == "sink.http");
  CHECK(issue.key == "url");
  CHECK_THAT(issue.message, Catch::Contains("missing required option 'url'"));

  ConfigIssue empty = f.issue("[sink.http]\nurl =\n");
  CHECK(empty.where.line == 2);
  CHECK(empty.key == "url");
  CHECK_THAT(empty.message, Catch::Contains("empty"));
}

TEST_CASE("validateConfig reports a required core option when the section is absent", "[validate]") {
  PluginRegistry registry;
  std::vector<SectionSchema> core{{"collector",
                                   {{"database", OptionType::String, nullptr, "where reports go", kOptionRequired}}}};
  std::vector<ConfigIssue> issues;
  validateConfig(Config{}, core, {PluginKind::Storage}, registry, issues);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].str() == "[collector] database: missing required option 'database' (where reports go)");
}

TEST_CASE("validateConfig reports unknown plugins with the known ones", "[validate]") {
  Fixture f;
  ConfigIssue byType = f.issue("[sink.main]\ntype = htp\nurl = u\n");
  CHECK(byType.where.str() == "agent.ini:2");
  CHECK(byType.section == "sink.main");
  CHECK(byType.key == "type");
  CHECK_THAT(byType.message, Catch::Contains("unknown sink plugin 'htp' (known sink plugins: http, stdout)") &&
                                 Catch::Contains("did you mean 'http'?"));

  ConfigIssue byName = f.issue("[sink.kafka]\n");
  CHECK(byName.where.str() == "agent.ini:1");
  CHECK(byName.key == "");
  CHECK_THAT(byName.message, Catch::Contains("unknown sink plugin 'kafka'") && !Catch::Contains("did you mean"));

  PluginRegistry empty;
  std::vector<ConfigIssue> issues;
  validateConfig(parseIni("[sink.http]\n", "a.ini", {}), {}, {PluginKind::Sink}, empty, issues);
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].message, Catch::Contains("no sink plugins are loaded"));
}

TEST_CASE("validateConfig reports a plugin of another kind", "[validate]") {
  Fixture f;
  ConfigIssue issue = f.issue("[sink.host]\n");
  CHECK(issue.section == "sink.host");
  CHECK_THAT(issue.message, Catch::Contains("'host' is a source plugin, not a sink plugin"));
  ConfigIssue typed = f.issue("[source.main]\ntype = http\n");
  CHECK(typed.where.line == 2);
  CHECK(typed.key == "type");
  CHECK_THAT(typed.message, Catch::Contains("'http' is a sink plugin, not a source plugin"));
}

TEST_CASE("validateConfig reports unknown sections", "[validate]") {
  Fixture f;
  ConfigIssue issue = f.issue("[agent]\n[agnet]\nperiod = 1m\n");
  CHECK(issue.where.str() == "agent.ini:2");
  CHECK(issue.section == "agnet");
  CHECK(issue.key == "");
  CHECK_THAT(issue.message, Catch::Contains("unknown section [agnet] (known: agent, source.<name>, sink.<name>)") &&
                                Catch::Contains("did you mean '[agent]'?"));

  CHECK_THAT(f.issue("[snk.http]\n").message, Catch::Contains("did you mean '[sink.http]'?"));
  CHECK_THAT(f.issue("[sink]\nurl = u\n").message, Catch::Contains("needs an instance name"));
  CHECK_THAT(f.issue("[widgets]\n").message, !Catch::Contains("did you mean"));

  // The collector takes storage plugins only.
  ConfigIssue wrongProgram = f.issue("[sink.http]\nurl = u\n", {PluginKind::Storage});
  CHECK_THAT(wrongProgram.message, Catch::Contains("takes no sink plugins") &&
                                       Catch::Contains("(known: agent, storage.<name>)"));
}

TEST_CASE("validateConfig validates disabled instances but does not return them", "[validate]") {
  Fixture f;
  Result r = f.validate("[sink.http]\nenabled = false\nurl = u\n[sink.stdout]\nenabled = yes\n");
  CHECK(r.issues.empty());
  REQUIRE(r.validated.plugins.size() == 1);
  CHECK(r.validated.plugins[0].instance == "stdout");

  ConfigIssue bad = f.issue("[sink.http]\nenabled = off\nurl = u\ntimeout = never\n");
  CHECK(bad.where.line == 4);
  CHECK(bad.key == "timeout");
  CHECK(f.validate("[sink.http]\nenabled = off\nurl = u\ntimeout = never\n").validated.plugins.empty());

  ConfigIssue missing = f.issue("[sink.http]\nenabled = no\n");
  CHECK(missing.key == "url");

  ConfigIssue enabled = f.issue("[sink.stdout]\nenabled = perhaps\n");
  CHECK(enabled.where.line == 2);
  CHECK(enabled.key == "enabled");
  CHECK_THAT(enabled.message, Catch::Contains("not a boolean"));
}

TEST_CASE("validateConfig never quotes a secret value", "[validate]") {
  Fixture f;
  Result r = f.validate("[sink.http]\nurl = u\ntoken = hunter2 secret\nbogus = 1\n[agent]\napi_key = hunter2\n");
  REQUIRE(r.issues.size() == 1);
  for (const auto& issue : r.issues) CHECK_THAT(issue.str(), !Catch::Contains("hunter2"));
}

TEST_CASE("sectionPrefix names each plugin kind", "[validate]") {
  CHECK(std::string(sectionPrefix(PluginKind::Source)) == "source");
  CHECK(std::string(sectionPrefix(PluginKind::Sink)) == "sink");
  CHECK(std::string(sectionPrefix(PluginKind::Storage)) == "storage");
}
