// Factory of the `k8s-workloads` source plugin.
#include "../k8s-common/kube_source.h"
#include "kubecensus/plugin/define_plugin.h"
#include "workload_summarizer.h"

namespace {

using namespace kubecensus;

// Must match workloadKinds() (workload_summarizer.cpp); a test checks that it does.
constexpr const char* kAccess =
    "list pods;list services;list deployments.apps;list statefulsets.apps;list daemonsets.apps;"
    "list jobs.batch;list cronjobs.batch";

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Source, "k8s-workloads",
    "pods, services, deployments, statefulsets, daemonsets, jobs, cronjobs: totals, spread over "
    "namespaces, ages, pod phases (never names)",
    &createPlugin<k8s::KubeSource<k8s::collectWorkloads>>,
    {kPluginEnabledByDefault | kPluginNeedsKubernetes, nullptr, nullptr, kAccess});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
