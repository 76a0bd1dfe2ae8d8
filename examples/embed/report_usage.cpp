// An operator (or any program) reporting its own usage through the embedded agent: configured
// like kubecensus-agent, one report collected and delivered when the program decides. Here: once,
// to the collector given as the first argument, with the operator's own fact as an extension.
//   report-usage http://127.0.0.1:8080 [more kubecensus-agent flags...]
#include <iostream>
#include <vector>

#include "kubecensus/agent/embedded_agent.h"
#include "kubecensus/report/formats.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: report-usage COLLECTOR_URL [kubecensus-agent flags...]\n";
    return 2;
  }
  std::vector<std::string> flags{"--database", argv[1]};
  flags.insert(flags.end(), argv + 2, argv + argc);
  try {
    kubecensus::EmbeddedAgent agent(flags);
    if (auto off = agent.disabledBecause()) {
      std::cout << "usage reporting is off: " << *off << "\n";
      return 0;
    }
    // What only this program knows, under its own qualified name; the agent holds it to the
    // rules of any source's extensions (docs/privacy.md).
    const kubecensus::Report report = agent.collect({{"example.com/managed-databases", "3"}});
    std::cout << kubecensus::encodeReport(report, kubecensus::ReportFormat::Native) << "\n";
    const bool delivered = agent.deliver(report);
    std::cerr << (delivered ? "delivered" : "not delivered (see the log above)") << "\n";
    return delivered ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "report-usage: " << e.what() << "\n";
    return 2;
  }
}
