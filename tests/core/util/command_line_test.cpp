#include "kubecensus/util/command_line.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace kubecensus;
using Args = std::vector<std::string>;

namespace {

const std::vector<FlagSpec> kSpecs = {
    {"config", "FILE", "configuration file", true},
    {"period", "DURATION", "time between reports"},
    {"once", "", "send one report and exit"},
    {"database", "SPEC", "where reports go", true},
};

std::string usageErrorOf(const Args& args) {
  try {
    CommandLine parsed(args, kSpecs);
  } catch (const UsageError& e) {
    return e.what();
  }
  FAIL("no UsageError for the arguments");
  return {};
}

}  // namespace

TEST_CASE("flags take values as --name=value and --name value", "[command_line]") {
  CommandLine cl({"--period=1h", "--config", "agent.ini"}, kSpecs);
  CHECK(cl.has("period"));
  CHECK(cl.value("period") == "1h");
  CHECK(cl.value("config") == "agent.ini");
  CHECK(cl.values("config") == Args{"agent.ini"});
  CHECK_FALSE(cl.has("once"));
  CHECK_FALSE(cl.value("once").has_value());
  CHECK(cl.values("database").empty());
  CHECK(cl.positional().empty());
}

TEST_CASE("a value may contain '=' and be empty", "[command_line]") {
  CommandLine cl({"--database=http://h/x?a=b", "--period="}, kSpecs);
  CHECK(cl.value("database") == "http://h/x?a=b");
  CHECK(cl.has("period"));
  CHECK(cl.value("period") == "");
}

TEST_CASE("the word after a flag that takes a value is its value, whatever it looks like", "[command_line]") {
  CommandLine cl({"--period", "--once", "run"}, kSpecs);
  CHECK(cl.value("period") == "--once");
  CHECK_FALSE(cl.has("once"));
  CHECK(cl.positional() == Args{"run"});
}

TEST_CASE("repeatable flags keep every value in order", "[command_line]") {
  CommandLine cl({"--config", "a.ini", "--database=stdout", "--config=b.yaml", "--database", "file:/tmp/x"},
                 kSpecs);
  CHECK(cl.values("config") == Args{"a.ini", "b.yaml"});
  CHECK(cl.value("config") == "b.yaml");  // the last one
  CHECK(cl.values("database") == Args{"stdout", "file:/tmp/x"});
}

TEST_CASE("switches take no value", "[command_line]") {
  CommandLine cl({"--once"}, kSpecs);
  CHECK(cl.has("once"));
  CHECK(cl.value("once") == "");
  CHECK_THAT(usageErrorOf({"--once=true"}), Catch::Contains("--once") && Catch::Contains("takes no value"));
}

TEST_CASE("positional words stay in order between flags", "[command_line]") {
  CommandLine cl({"run", "--once", "extra", "-", "--period", "1m", "last"}, kSpecs);
  CHECK(cl.positional() == Args{"run", "extra", "-", "last"});
  CHECK(cl.has("once"));
  CHECK(cl.value("period") == "1m");
}

TEST_CASE("a double dash ends the flags", "[command_line]") {
  CommandLine cl({"--once", "--", "--period", "1m", "--unknown", "--"}, kSpecs);
  CHECK(cl.has("once"));
  CHECK_FALSE(cl.has("period"));
  CHECK(cl.positional() == Args{"--period", "1m", "--unknown", "--"});
}

TEST_CASE("mistakes are usage errors naming the flag", "[command_line]") {
  CHECK_THAT(usageErrorOf({"--cluster-id", "x"}), Catch::Contains("unknown flag --cluster-id"));
  CHECK_THAT(usageErrorOf({"--cluster-id=x"}), Catch::Contains("unknown flag --cluster-id"));
  CHECK_THAT(usageErrorOf({"-x"}), Catch::Contains("unknown flag"));
  CHECK_THAT(usageErrorOf({"--period"}),
             Catch::Contains("--period") && Catch::Contains("needs a value") && Catch::Contains("DURATION"));
  CHECK_THAT(usageErrorOf({"--once", "--config"}),
             Catch::Contains("--config") && Catch::Contains("needs a value"));
  CHECK_THAT(usageErrorOf({"--period=1h", "--period", "2h"}),
             Catch::Contains("--period") && Catch::Contains("more than once"));
  CHECK_THAT(usageErrorOf({"--once", "--once"}),
             Catch::Contains("--once") && Catch::Contains("more than once"));
}

TEST_CASE("no arguments, nothing set", "[command_line]") {
  CommandLine cl({}, kSpecs);
  CHECK(cl.positional().empty());
  for (const auto& spec : kSpecs) CHECK_FALSE(cl.has(spec.name));
}

TEST_CASE("help lists every flag with its metavar, help text aligned, repeatable marked", "[command_line]") {
  std::string help = CommandLine::help(kSpecs);
  std::istringstream in(help);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == kSpecs.size());
  CHECK(help.back() == '\n');

  CHECK(lines[0].rfind("  --config FILE ", 0) == 0);
  CHECK_THAT(lines[0], Catch::EndsWith("configuration file (repeatable)"));
  CHECK(lines[1].rfind("  --period DURATION ", 0) == 0);
  CHECK_THAT(lines[1], Catch::EndsWith("time between reports"));
  CHECK(lines[2].rfind("  --once ", 0) == 0);
  CHECK_THAT(lines[2], Catch::EndsWith("send one report and exit"));
  CHECK_THAT(lines[3], Catch::EndsWith("where reports go (repeatable)"));

  // The help texts start in one column, at least two spaces after the longest "--flag METAVAR".
  std::size_t column = lines[0].find("configuration file");
  CHECK(lines[1].find("time between reports") == column);
  CHECK(lines[2].find("send one report") == column);
  CHECK(lines[3].find("where reports go") == column);
  CHECK(column >= std::string("  --period DURATION").size() + 2);
}
