// kubecensus-agent: collects an anonymized usage report and delivers it, every period.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "agent_status.h"
#include "history_command.h"
#include "kubecensus/agent/agent_program.h"
#include "kubecensus/agent/agent_runtime.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/privacy.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/value_parse.h"
#include "kubecensus/version.h"
#include "preview.h"
#include "rbac_check.h"
#include "run_loop.h"
#include "spool_command.h"

using namespace kubecensus;

namespace {

enum class Command { Run, Preview, RbacCheck, Spool, Status, History };

// The configuration from the command line and the files it names, or nullptr when it has
// problems (printed, with file:line, by finish()).
std::unique_ptr<Startup> loadStartup(const std::vector<std::string>& args) {
  auto startup = std::make_unique<Startup>(agent::agentProgram(), args);
  agent::applyAgentFlags(*startup);
  return startup->finish() == -1 ? std::move(startup) : nullptr;
}

// `run` until SIGTERM/SIGINT (or one pass with period 0). SIGHUP reads the configuration again
// and builds new sources and sinks from it; a configuration with problems, or plugins that
// cannot start, leave the old ones running.
int runReporting(std::unique_ptr<Startup> startup, const std::vector<std::string>& args, Logger& log) {
  auto runtime = std::make_unique<agent::AgentRuntime>(startup->validated(), startup->registry(), log);
  if (runtime->sinkCount() == 0) {
    std::cerr << "kubecensus-agent: no sink configured (use --database or a [sink.*] section)\n";
    return kExitUsage;
  }
  bool reloaded = false;
  for (;;) {
    const int code = agent::runLoop(startup->validated(), *runtime, log, reloaded);
    reloaded = true;
    if (code != agent::kReloadRequested) return code;
    try {
      auto fresh = loadStartup(args);
      if (!fresh) {
        log.error("configuration not reloaded: it has problems (see above); the old one stays in force");
        continue;
      }
      if (auto reason = agent::reportingDisabled(fresh->validated().section("agent"))) {
        log.info("reporting is now disabled (" + *reason + "); stopping");
        return kExitOk;
      }
      auto freshRuntime = std::make_unique<agent::AgentRuntime>(fresh->validated(), fresh->registry(), log);
      if (freshRuntime->sinkCount() == 0) {
        log.error("configuration not reloaded: it has no sink; the old one stays in force");
        continue;
      }
      runtime = std::move(freshRuntime);  // the old plugins go before the registry that loaded them
      startup = std::move(fresh);
      log.info("configuration reloaded");
    } catch (const std::exception& e) {
      log.error(std::string("configuration not reloaded (") + e.what() + "); the old one stays in force");
    }
  }
}

int run(std::unique_ptr<Startup> startup, Command command, const std::vector<std::string>& args) {
  const Options& options = startup->validated().section("agent");
  Logger log("agent", parseLogLevel(options.getString("log_level")).value_or(LogLevel::Info));
  if (command == Command::Spool) {
    const CommandLine& cl = startup->commandLine();
    const auto& words = cl.positional();
    return agent::spoolCommand(startup->validated(), startup->registry(), cl,
                               {words.begin() + 1, words.end()}, std::cout, log);
  }
  if (command == Command::Status) return agent::statusCommand(startup->validated(), std::cout, nowMicros());
  if (command == Command::History)
    return agent::historyCommand(startup->validated(), startup->commandLine().has("json"), std::cout, log);
  if (command == Command::RbacCheck) {
    agent::AgentRuntime runtime(startup->validated(), startup->registry(), log);
    return agent::rbacCheck(runtime, std::cout);
  }
  if (command == Command::Preview) {
    if (auto reason = agent::reportingDisabled(options)) {
      std::cerr << "kubecensus-agent: reporting is disabled (" << *reason << "): nothing would be sent\n";
      return kExitOk;
    }
    agent::AgentRuntime runtime(startup->validated(), startup->registry(), log);
    const Report report = runtime.collect();
    agent::printPreview(report, startup->validated(), startup->commandLine().has("explain"), std::cout,
                        std::cerr);
    return kExitOk;
  }
  if (auto reason = agent::reportingDisabled(options)) {
    log.info("reporting is disabled (" + *reason + "); nothing is collected or sent");
    return kExitOk;
  }
  return runReporting(std::move(startup), args, log);
}

}  // namespace

int main(int argc, char** argv) {
  Shutdown::install();
  std::vector<std::string> args(argv + 1, argv + argc);
  return runMain("kubecensus-agent", [&] {
    auto startup = std::make_unique<Startup>(agent::agentProgram(), args);
    if (startup->commandLine().has("privacy-reference")) {
      std::cout << privacyReference();
      return kExitOk;
    }
    agent::applyAgentFlags(*startup);
    if (int code = startup->finish(); code >= 0) return code;
    const auto& words = startup->commandLine().positional();
    if (words.empty() || (words.size() != 1 && words[0] != "spool"))
      throw UsageError(
          "expected one command: run, preview, rbac-check, spool, status or history (see --help)");
    Command command;
    if (words[0] == "spool")
      command = Command::Spool;
    else if (words[0] == "run" || words[0] == "volunteer")
      command = Command::Run;
    else if (words[0] == "preview")
      command = Command::Preview;
    else if (words[0] == "rbac-check")
      command = Command::RbacCheck;
    else if (words[0] == "status")
      command = Command::Status;
    else if (words[0] == "history")
      command = Command::History;
    else
      throw UsageError("unknown command '" + words[0] +
                       "' (expected run, preview, rbac-check, spool, status or history)");
    return run(std::move(startup), command, args);
  });
}
