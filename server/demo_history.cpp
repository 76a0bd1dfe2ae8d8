#include "demo_history.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "kubecensus/report/time.h"
#include "kubecensus/report/uuid.h"

namespace kubecensus::server {
namespace {

constexpr Micros kDay = 86'400'000'000;

struct Choice {
  const char* value;
  double weight;
};

template <std::size_t N>
const char* pick(std::mt19937_64& random, const Choice (&choices)[N]) {
  double total = 0;
  for (const Choice& choice : choices) total += choice.weight;
  double at = std::uniform_real_distribution<double>(0, total)(random);
  for (const Choice& choice : choices) {
    if (at < choice.weight) return choice.value;
    at -= choice.weight;
  }
  return choices[N - 1].value;
}

constexpr Choice kClouds[] = {{"aws", 38}, {"gce", 22},      {"azure", 18},
                              {"", 17},    {"openstack", 3}, {"vsphere", 2}};
constexpr Choice kImages[] = {{"Ubuntu 22.04.4 LTS", 30},
                              {"Container-Optimized OS from Google", 14},
                              {"Amazon Linux 2", 16},
                              {"Bottlerocket OS 1.20.0 (aws-k8s-1.29)", 8},
                              {"Flatcar Container Linux by Kinvolk 3815.2.2 (Oklo)", 6},
                              {"Red Hat Enterprise Linux CoreOS 415.92", 9},
                              {"Debian GNU/Linux 12 (bookworm)", 10},
                              {"Talos (v1.7.6)", 4},
                              {"Windows Server 2022 Datacenter", 3}};
constexpr Choice kRuntimes[] = {{"containerd://1.7.22", 78}, {"cri-o://1.30.4", 15}, {"docker://24.0.7", 7}};
constexpr Choice kArchitectures[] = {{"amd64", 80}, {"arm64", 20}};

// A new minor version every four months; the history's last one is 1.32.
int newestMinorAt(Micros t, Micros end) {
  return 32 - static_cast<int>((end - t) / (122 * kDay));
}

struct Cluster {
  std::string id;
  Micros born = 0;
  Micros dies = 0;  // stops reporting after this
  int minor = 0;    // master minor version
  double nodes = 3;
  const char* cloud = "";
  const char* image = "";
  const char* runtime = "";
  const char* arch = "amd64";
  double lag = 1;  // how long after a release it upgrades, in months
};

Report reportOf(const Cluster& cluster, Micros at, std::mt19937_64& random) {
  Report report;
  report.reportID = randomUuid();
  report.clusterID = cluster.id;
  report.generatedAt = at;
  report.receivedAt = at + 2'000'000;
  report.receivedFrom = "192.0.2.0";
  report.agent = {"kubecensus-agent", "0.3.0"};
  const std::string version =
      "v1." + std::to_string(cluster.minor) + "." + std::to_string(2 + cluster.minor % 5);
  report.masterVersion = version;
  report.masterPlatform = std::string("linux/") + cluster.arch;
  report.level = "standard";
  const auto nodes = static_cast<std::uint64_t>(std::max(1.0, std::round(cluster.nodes)));
  report.nodeCount = nodes;
  NodeGroup group;
  group.operatingSystem = std::string(cluster.image).rfind("Windows", 0) == 0 ? "windows" : "linux";
  group.osImage = cluster.image;
  group.kernelVersion = group.operatingSystem == "windows"
                            ? "10.0.20348.2655"
                            : "6.1.0-" + std::to_string(18 + cluster.minor % 7) + "-cloud-amd64";
  group.architecture = cluster.arch;
  group.containerRuntimeVersion = cluster.runtime;
  group.kubeletVersion = version;
  if (*cluster.cloud) group.cloudProvider = cluster.cloud;
  group.count = nodes;
  const double cores = std::pow(2, std::uniform_int_distribution<int>(1, 5)(random));
  Distribution cpu{cores, cores, cores, cores, cores, cores, cores, cores};
  Distribution memory = cpu;
  for (double Distribution::*field :
       {&Distribution::min, &Distribution::p25, &Distribution::p50, &Distribution::p75, &Distribution::p90,
        &Distribution::p99, &Distribution::max, &Distribution::mean})
    memory.*field = cpu.*field * 4 * 1024 * 1024 * 1024;
  group.capacity = {{"cpu", cpu}, {"memory", memory}};
  report.nodeGroups.push_back(group);
  const auto namespaces = static_cast<std::uint64_t>(4 + nodes / 2 + random() % 20);
  report.namespaces = NamespaceSummary{namespaces, std::nullopt};
  const auto pods = static_cast<std::uint64_t>(nodes * (8 + random() % 30));
  report.workloads = {{"pods", pods, std::nullopt, std::nullopt, {}},
                      {"deployments", pods / 3, std::nullopt, std::nullopt, {}},
                      {"services", pods / 3 + 2, std::nullopt, std::nullopt, {}},
                      {"statefulsets", pods / 25, std::nullopt, std::nullopt, {}},
                      {"daemonsets", 3 + random() % 6, std::nullopt, std::nullopt, {}}};
  return report;
}

}  // namespace

std::uint64_t generateDemoHistory(const DemoSettings& settings, std::size_t batchSize,
                                  const std::function<void(const std::vector<Report>&)>& deliver) {
  std::mt19937_64 random(settings.seed);
  const Micros end = settings.end ? settings.end : nowMicros();
  const Micros start = end - static_cast<Micros>(settings.days) * kDay;
  std::vector<Cluster> clusters;
  for (int i = 0; i < settings.clusters; ++i) {
    Cluster cluster;
    cluster.id = nameBasedUuid("demo-cluster-" + std::to_string(settings.seed) + "-" + std::to_string(i));
    // A fifth were there from the start; the rest appear over the history.
    const double bornAt =
        i < settings.clusters / 5 ? 0 : std::uniform_real_distribution<double>(0, 0.95)(random);
    cluster.born = start + static_cast<Micros>(bornAt * static_cast<double>(end - start));
    // Many short-lived (tests, CI), most long-lived.
    const double lifeDays = std::uniform_real_distribution<double>(0, 1)(random) < 0.3
                                ? std::exponential_distribution<double>(1.0 / 6)(random)
                                : std::exponential_distribution<double>(1.0 / 400)(random);
    cluster.dies = cluster.born + static_cast<Micros>(lifeDays * static_cast<double>(kDay));
    cluster.lag = std::uniform_real_distribution<double>(0.5, 10)(random);
    cluster.minor = newestMinorAt(cluster.born, end) - static_cast<int>(random() % 3);
    cluster.nodes = std::exp(std::normal_distribution<double>(2.2, 1.3)(random));
    cluster.cloud = pick(random, kClouds);
    cluster.image = pick(random, kImages);
    cluster.runtime = pick(random, kRuntimes);
    cluster.arch = pick(random, kArchitectures);
    clusters.push_back(cluster);
  }
  std::uint64_t made = 0;
  std::vector<Report> batch;
  const Micros step = kDay / std::max(1, settings.reportsPerDay);
  for (Micros day = start; day < end; day += kDay) {
    for (Cluster& cluster : clusters) {
      if (day < cluster.born - kDay || day > cluster.dies) continue;
      // Upgrades: `lag` months after a newer minor version came out.
      const int available =
          newestMinorAt(day - static_cast<Micros>(cluster.lag * 30 * static_cast<double>(kDay)), end);
      if (cluster.minor < available && random() % 20 == 0) ++cluster.minor;
      cluster.nodes = std::clamp(cluster.nodes * std::exp(std::normal_distribution<double>(0, 0.03)(random)),
                                 1.0, 3000.0);
      for (int r = 0; r < settings.reportsPerDay; ++r) {
        const Micros at = day + r * step + static_cast<Micros>(random() % static_cast<std::uint64_t>(step));
        if (at < cluster.born || at > cluster.dies || at >= end) continue;
        batch.push_back(reportOf(cluster, at, random));
        ++made;
        if (batch.size() >= batchSize) {
          deliver(batch);
          batch.clear();
        }
      }
    }
  }
  if (!batch.empty()) deliver(batch);
  return made;
}

}  // namespace kubecensus::server
