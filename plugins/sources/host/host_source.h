#pragma once

#include <string>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/source.h"

namespace kubecensus::host {

// Reports the machine the agent runs on as one node, in the Spartakus node shape.
class HostSource : public Source {
 public:
  explicit HostSource(const Options& options) : root_(options.getString("root")) {}
  void collect(CollectContext& context, ReportBuilder& report) override;

 private:
  std::string root_;
};

}  // namespace kubecensus::host
