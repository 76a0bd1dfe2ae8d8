// kubecensus-agent: collects an anonymized usage report and delivers it, every period.
#include <cstdlib>
#include <iostream>

#include "agent_options.h"
#include "agent_runtime.h"
#include "rbac_check.h"
#include "run_loop.h"
#include "spool_command.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/value_parse.h"
#include "kubecensus/version.h"

using namespace kubecensus;

namespace {

enum class Command { Run, Preview, RbacCheck, Spool };

// Reporting is off when the user said so, in any of the ways users expect.
std::optional<std::string> optOutReason(const Options& agent) {
  if (const char* dnt = std::getenv("DO_NOT_TRACK"); dnt && *dnt && std::string(dnt) != "0")
    return "DO_NOT_TRACK is set";
  if (!agent.getBool("enabled")) return "agent.enabled is false";
  return std::nullopt;
}

int run(Startup& startup, Command command) {
  const Options& options = startup.validated().section("agent");
  Logger log("agent", parseLogLevel(options.getString("log_level")).value_or(LogLevel::Info));
  if (command == Command::Spool) {
    const CommandLine& cl = startup.commandLine();
    const auto& words = cl.positional();
    return agent::spoolCommand(startup.validated(), {words.begin() + 1, words.end()}, cl.has("json"),
                               cl.value("report").value_or(""), std::cout, log);
  }
  if (command == Command::RbacCheck) {
    agent::AgentRuntime runtime(startup.validated(), startup.registry(), log);
    return agent::rbacCheck(runtime, std::cout);
  }
  if (command == Command::Preview) {
    agent::AgentRuntime runtime(startup.validated(), startup.registry(), log);
    Report report = runtime.collect();
    // Exactly the bytes the http sink sends in the native format.
    std::cout << encodeReport(report, ReportFormat::Native) << std::endl;
    return kExitOk;
  }
  if (auto reason = optOutReason(options)) {
    log.info("reporting is disabled (" + *reason + "); nothing is collected or sent");
    return kExitOk;
  }
  agent::AgentRuntime runtime(startup.validated(), startup.registry(), log);
  if (runtime.sinkCount() == 0) {
    std::cerr << "kubecensus-agent: no sink configured (use --database or a [sink.*] section)\n";
    return kExitUsage;
  }
  return agent::runLoop(startup.validated(), runtime, log);
}

}  // namespace

int main(int argc, char** argv) {
  Shutdown::install();
  std::vector<std::string> args(argv + 1, argv + argc);
  return runMain("kubecensus-agent", [&] {
    Startup startup(agent::agentProgram(), args);
    agent::applyAgentFlags(startup);
    if (int code = startup.finish(); code >= 0) return code;
    const auto& words = startup.commandLine().positional();
    if (words.empty() || (words.size() != 1 && words[0] != "spool"))
      throw UsageError("expected one command: run, preview, rbac-check or spool (see --help)");
    Command command;
    if (words[0] == "spool")
      command = Command::Spool;
    else if (words[0] == "run" || words[0] == "volunteer")
      command = Command::Run;
    else if (words[0] == "preview")
      command = Command::Preview;
    else if (words[0] == "rbac-check")
      command = Command::RbacCheck;
    else
      throw UsageError("unknown command '" + words[0] + "' (expected run, preview, rbac-check or spool)");
    return run(startup, command);
  });
}
