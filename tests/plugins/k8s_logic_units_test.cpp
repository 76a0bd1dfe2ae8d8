// The k8s-* plugins' logic, compiled into this test executable.
//
// A plugin is a MODULE library that exports nothing but its descriptor, so a test cannot call
// its functions through the library. Its logic files (everything except the *_source.cpp glue
// around KubeClient and plugin.cpp) are therefore compiled here once more, and the other
// k8s_*_test.cpp files test them through their headers. Include each file only here.
#include "../../plugins/sources/k8s-common/age_histogram.cpp"
#include "../../plugins/sources/k8s-common/list_errors.cpp"
#include "../../plugins/sources/k8s-namespaces/namespace_summarizer.cpp"
#include "../../plugins/sources/k8s-nodes/cloud_provider.cpp"
#include "../../plugins/sources/k8s-nodes/node_summarizer.cpp"
#include "../../plugins/sources/k8s-nodes/nodes_section.cpp"
#include "../../plugins/sources/k8s-version/server_version.cpp"
#include "../../plugins/sources/k8s-workloads/per_namespace_counter.cpp"
#include "../../plugins/sources/k8s-workloads/pod_phase_counter.cpp"
#include "../../plugins/sources/k8s-workloads/workload_summarizer.cpp"

// The plugins themselves, loaded from the build tree as the agent loads them.
#include <catch2/catch.hpp>

#include "kubecensus/plugin/source.h"
#include "plugins_test_support.h"

using namespace kubecensus;

TEST_CASE("the k8s sources load, are enabled by default and need Kubernetes", "[plugins][k8s]") {
  const std::map<std::string, std::string> access = {
      {"k8s-version", "get /version"},
      {"k8s-nodes", "list nodes"},
      {"k8s-namespaces", "list namespaces"},
      {"k8s-workloads", ""},  // checked against the kinds below
  };
  for (const auto& [name, expected] : access) {
    INFO(name);
    const PluginDescriptor& d = *kctest::realPlugin(name).descriptor;
    CHECK(d.kind == PluginKind::Source);
    CHECK((d.flags & kPluginEnabledByDefault) != 0);
    CHECK((d.flags & kPluginNeedsKubernetes) != 0);
    REQUIRE(d.kubernetesAccess != nullptr);
    if (!expected.empty()) CHECK(std::string(d.kubernetesAccess) == expected);
  }
  // The workloads plugin declares exactly the lists it makes, so rbac-check and the shipped
  // RBAC manifests grant what it needs.
  std::string lists;
  for (const auto& kind : k8s::workloadKinds()) {
    if (!lists.empty()) lists += ";";
    lists += "list " + kind.resource.str();
  }
  CHECK(std::string(kctest::realPlugin("k8s-workloads").descriptor->kubernetesAccess) == lists);
}

TEST_CASE("without cluster access the k8s sources add nothing and no error", "[plugins][k8s]") {
  for (const char* name : {"k8s-version", "k8s-nodes", "k8s-namespaces", "k8s-workloads"}) {
    INFO(name);
    auto source = kctest::makePlugin<Source>(name);
    Report report;
    ReportBuilder builder(report, std::string("source.") + name);
    kctest::TestCollectContext context;  // kube() is nullptr
    source->collect(context, builder);
    CHECK(report == Report{});
  }
}
