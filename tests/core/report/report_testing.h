// Helpers shared by the report module's tests.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kubecensus/report/formats.h"

namespace kctest {

// Runs decode(json); returns the ReportError it threw, failing the test when it threw none.
inline kubecensus::ReportError decodeFailure(
    const std::function<kubecensus::Report(const nlohmann::json&)>& decode, const nlohmann::json& json) {
  try {
    decode(json);
  } catch (const kubecensus::ReportError& error) {
    return error;
  }
  FAIL("decoded without error: " << json.dump());
  return kubecensus::ReportError("", "unreachable");
}

// The smallest valid native report document.
inline nlohmann::json minimalNative() {
  return {{"schema", "kubecensus.report/v2"},
          {"reportID", "9b2f8a36-0a39-4e5e-9d6c-0e6d4e3c1a77"},
          {"clusterID", "cluster-1"}};
}

// A report with every field set, so a round trip that drops one is caught.
inline kubecensus::Report fullReport() {
  kubecensus::Report report;
  report.reportID = "9b2f8a36-0a39-4e5e-9d6c-0e6d4e3c1a77";
  report.clusterID = "2f9c93d3-156c-47aa-8802-578ffca9b50e";
  report.generatedAt = 1795456800123456;
  report.agent = {"kubecensus-agent", "0.1.0"};
  report.masterVersion = "v1.31.2";
  kubecensus::Node node;
  node.id = "c8863d09ecc5be8d9791f72acd275fc2";
  node.operatingSystem = "linux";
  node.osImage = "Container-Optimized OS from Google";
  node.kernelVersion = "6.1.100+";
  node.architecture = "amd64";
  node.containerRuntimeVersion = "containerd://1.7.22";
  node.kubeletVersion = "v1.31.2-gke.1";
  node.cloudProvider = "gce";
  node.capacity = {{"cpu", "4"}, {"memory", "15437428Ki"}, {"nvidia.com/gpu", "1"}};
  node.allocatable = {{"cpu", "3920m"}, {"memory", "12880148Ki"}, {"nvidia.com/gpu", "1"}};
  node.roles = {"control-plane", "gpu"};
  report.nodes = {node, kubecensus::Node{}};  // and one that knows nothing
  report.masterPlatform = "linux/amd64";
  const std::vector<std::int64_t> ageBounds = {3600,    86400,    604800,   2592000,
                                               7776000, 15552000, 31536000, 63072000};
  report.namespaces = kubecensus::NamespaceSummary{9, kubecensus::AgeSummary{{ageBounds, {0, 1, 0, 2, 0, 0, 0, 6, 0}}, 41306829.5}};
  const std::vector<std::int64_t> namespaceBounds = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
  kubecensus::WorkloadSummary pods;
  pods.kind = "pods";
  pods.total = 21;
  pods.perNamespace = kubecensus::Histogram{namespaceBounds, {1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}};  // 1 + 20 pods
  pods.ages = kubecensus::AgeSummary{{ageBounds, {0, 0, 0, 0, 0, 0, 0, 21, 0}}, 38000000};
  pods.phases = {{"Pending", 4}, {"Running", 15}, {"Succeeded", 2}, {"Failed", 0}, {"Unknown", 0}};
  kubecensus::WorkloadSummary jobs;  // none in the cluster: empty histograms, no phases
  jobs.kind = "jobs";
  jobs.perNamespace = kubecensus::Histogram{namespaceBounds, std::vector<std::uint64_t>(11, 0)};
  jobs.ages = kubecensus::AgeSummary{{ageBounds, std::vector<std::uint64_t>(9, 0)}, 0};
  report.workloads = {pods, jobs};
  report.extensions = {{"flavor", "gke"}, {"empty", ""}};
  report.errors = {{"workloads", "forbidden: cannot list jobs"}};
  report.accountID = "238dcbc5-4562-4fe3-9d8b-dc67911a7376";
  report.receivedAt = 1795456801000000;
  report.receivedFrom = "192.0.2.145";
  report.receivedAs = kubecensus::ReportFormat::SpartakusV1;
  return report;
}

}  // namespace kctest
