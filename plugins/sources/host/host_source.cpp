#include "host_source.h"

#include "host_facts.h"

namespace kubecensus::host {

void HostSource::collect(CollectContext& context, ReportBuilder& report) {
  HostFacts facts = readHostFacts(root_);
  Node node;
  node.id = context.anonymize(facts.machineIdentity);
  node.operatingSystem = facts.operatingSystem;
  node.osImage = facts.osImage;
  node.kernelVersion = facts.kernelVersion;
  node.architecture = facts.architecture;
  node.capacity.push_back({"cpu", std::to_string(facts.cpus)});
  if (facts.memoryKi) node.capacity.push_back({"memory", std::to_string(*facts.memoryKi) + "Ki"});
  report.addNode(std::move(node));
}

}  // namespace kubecensus::host
