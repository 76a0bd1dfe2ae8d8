// `resource-count`: a source plugin that counts the objects of one API resource — a vendor's
// custom resource (certificates.cert-manager.io) or any other — and reports the number as an
// extension, "<group>/<resource>": "<count>". Nothing else of the objects leaves the agent:
// the list is read as metadata only and each item is only counted.
#include <string>

#include "kubecensus/kube/kube_client.h"
#include "kubecensus/plugin/define_plugin.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/source.h"
#include "kubecensus/util/logger.h"

namespace {

using namespace kubecensus;

class ResourceCount final : public Source {
 public:
  explicit ResourceCount(const Options& options) {
    // "certificates.cert-manager.io": the plural, then its API group ("deployments.apps";
    // "pods" for the core group).
    const std::string name = options.getString("resource");
    const auto dot = name.find('.');
    resource_ = {dot == std::string::npos ? "" : name.substr(dot + 1), options.getString("version"),
                 name.substr(0, dot)};
    if (resource_.resource.empty()) throw std::invalid_argument("resource must be <plural>[.<group>]");
  }

  void collect(CollectContext& context, ReportBuilder& report) override {
    KubeClient* kube = context.kube();
    if (kube == nullptr) return;  // not in a cluster: nothing to count, nothing wrong
    std::uint64_t count = 0;
    ListOptions metadataOnly;
    metadataOnly.metadataOnly = true;
    metadataOnly.fields = {"metadata.uid"};
    try {
      kube->list(
          resource_, metadataOnly, [&](const nlohmann::json&) { ++count; }, [&] { count = 0; });
    } catch (const KubeError& e) {
      // A resource that is not installed (404) or not readable (403) is worth saying, not fatal.
      report.addError("list " + resource_.str() + ": " + e.what());
      return;
    }
    const std::string key =
        resource_.group.empty() ? resource_.resource : resource_.group + "/" + resource_.resource;
    report.addExtension(key, std::to_string(count));
    context.log().debug("resource-count: " + std::to_string(count) + " " + resource_.str());
  }

 private:
  ApiResource resource_;
};

const OptionSpec kOptions[] = {
    {"resource", OptionType::String, nullptr,
     "the resource to count, <plural>.<group> (certificates.cert-manager.io) or a core one (pods)",
     kOptionRequired},
    {"version", OptionType::String, "v1", "the API version to list it at", 0},
};

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Source, "resource-count", "how many objects of one API resource the cluster has", kOptions,
    &createPlugin<ResourceCount>, {kPluginNeedsKubernetes});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
