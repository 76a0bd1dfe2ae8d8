#include "node_generator.h"

#include <vector>

namespace kctest::apiserver {

namespace {

struct InstanceType {
  const char* name;  // "" for no instance-type label (bare metal)
  int cpus;
  int memoryGi;
  int gpus;
  const char* gpuProduct;
  const char* arch;
};

struct OsImage {
  const char* osImage;
  const char* kernel;  // "%s" is replaced by the architecture's kernel suffix
  const char* runtime;
};

enum class Cloud { kAws, kGce, kAzure, kDigitalOcean, kLinode, kVSphere, kBareMetal };

struct CloudProfile {
  Cloud cloud;
  unsigned weight;
  std::vector<InstanceType> instances;
  std::vector<const char*> regions;
  std::vector<OsImage> images;
};

const std::vector<CloudProfile>& profiles() {
  static const std::vector<CloudProfile> all{
      {Cloud::kAws,
       30,
       {{"m5.xlarge", 4, 16, 0, "", "amd64"},
        {"m5.4xlarge", 16, 64, 0, "", "amd64"},
        {"c7g.large", 2, 4, 0, "", "arm64"},
        {"r6i.2xlarge", 8, 64, 0, "", "amd64"},
        {"g5.xlarge", 4, 16, 1, "NVIDIA-A10G", "amd64"},
        {"p3dn.24xlarge", 96, 768, 8, "Tesla-V100-SXM2-32GB", "amd64"}},
       {"us-east-1", "us-west-2", "eu-west-1"},
       {{"Amazon Linux 2", "5.10.223-211.872.amzn2.%s", "containerd://1.7.20"},
        {"Amazon Linux 2023.5.20240819", "6.1.102-111.182.amzn2023.%s", "containerd://1.7.20"},
        {"Bottlerocket OS 1.20.5 (aws-k8s-1.29)", "6.1.90", "containerd://1.6.31+bottlerocket"}}},
      {Cloud::kGce,
       25,
       {{"e2-standard-4", 4, 16, 0, "", "amd64"},
        {"n2-standard-8", 8, 32, 0, "", "amd64"},
        {"t2a-standard-4", 4, 16, 0, "", "arm64"},
        {"n1-standard-32", 32, 120, 8, "Tesla-T4", "amd64"},
        {"a2-highgpu-1g", 12, 85, 1, "NVIDIA-A100-SXM4-40GB", "amd64"}},
       {"us-central1", "europe-west4", "asia-east1"},
       {{"Container-Optimized OS from Google", "6.1.85+", "containerd://1.7.15"},
        {"Ubuntu 22.04.4 LTS", "5.15.0-1057-gke", "containerd://1.7.15"}}},
      {Cloud::kAzure,
       20,
       {{"Standard_D4s_v5", 4, 16, 0, "", "amd64"},
        {"Standard_D2s_v3", 2, 8, 0, "", "amd64"},
        {"Standard_D4ps_v5", 4, 16, 0, "", "arm64"},
        {"Standard_NC24ads_A100_v4", 24, 220, 1, "NVIDIA-A100-PCIE-80GB", "amd64"}},
       {"westus2", "eastus", "westeurope"},
       {{"Ubuntu 22.04.4 LTS", "5.15.0-1070-azure", "containerd://1.7.20-1"},
        {"CBL-Mariner/Linux", "5.15.158.2-1.cm2", "containerd://1.6.26"}}},
      {Cloud::kDigitalOcean,
       8,
       {{"s-4vcpu-8gb", 4, 8, 0, "", "amd64"}, {"g-8vcpu-32gb", 8, 32, 0, "", "amd64"}},
       {"nyc1", "fra1", "sgp1"},
       {{"Debian GNU/Linux 12 (bookworm)", "6.1.0-21-amd64", "containerd://1.6.31"}}},
      {Cloud::kLinode,
       5,
       {{"g6-standard-4", 4, 8, 0, "", "amd64"}, {"g1-gpu-rtx6000-1", 8, 32, 1, "Quadro-RTX-6000", "amd64"}},
       {"us-east", "eu-central"},
       {{"Debian GNU/Linux 12 (bookworm)", "6.1.0-22-cloud-amd64", "containerd://1.7.22"}}},
      {Cloud::kVSphere,
       6,
       {{"vsphere-vm.cpu-8.mem-32gb.os-rocky", 8, 32, 0, "", "amd64"}},
       {"dc1"},
       {{"Rocky Linux 8.10 (Green Obsidian)", "4.18.0-553.el8_10.x86_64", "containerd://1.6.32"}}},
      {Cloud::kBareMetal,
       6,
       {{"", 64, 256, 0, "", "amd64"},
        {"", 48, 384, 4, "NVIDIA-H100-80GB-HBM3", "amd64"},
        {"", 80, 512, 0, "", "arm64"}},
       {""},
       {{"Ubuntu 20.04.6 LTS", "5.4.0-182-generic", "docker://20.10.24"},
        {"Red Hat Enterprise Linux CoreOS 415.92.202402201450-0 (Plow)", "5.14.0-284.54.1.el9_2.x86_64",
         "cri-o://1.28.4-4.rhaos4.15.git92d1839.el9"}}},
  };
  return all;
}

constexpr std::uint64_t kPoolSize = 5;

std::string dashed(std::string ip) {
  for (char& c : ip)
    if (c == '.') c = '-';
  return ip;
}

}  // namespace

struct NodeGenerator::Pool {
  std::uint64_t number;
  const CloudProfile* profile;
  const InstanceType* instance;
  const OsImage* image;
  std::string region;
  std::string zone;
  std::string name;  // the pool's own name (node group, agent pool, ...)
  std::string kubeletVersion;
};

NodeGenerator::Pool NodeGenerator::pool(std::uint64_t index) const {
  const std::uint64_t number = index / kPoolSize;
  DeterministicRandom rng = naming_.random(Stream::kNodePool, number);
  std::vector<unsigned> weights;
  for (const auto& p : profiles()) weights.push_back(p.weight);
  const CloudProfile& profile = profiles()[rng.weighted(weights)];
  Pool pool{number, &profile, &rng.pick(profile.instances), &profile.images[0], "", "", "", ""};
  pool.image = &profile.images[rng.below(profile.images.size())];
  pool.region = rng.pick(profile.regions);
  const char* zoneLetter[] = {"a", "b", "c"};
  pool.zone = profile.cloud == Cloud::kAzure ? std::to_string(rng.between(1, 3))
              : pool.region.empty()          ? ""
                                             : pool.region + "-" + zoneLetter[rng.below(3)];
  pool.name = naming_.name({pool.instance->gpus ? "gpu" : "workers", naming_.tag(Stream::kNodePool, number)});

  // The cluster's minor version comes from the seed; some pools lag one minor behind.
  DeterministicRandom cluster = naming_.random(Stream::kNodePool, 0, 1);
  const int minor = static_cast<int>(cluster.between(27, 32)) - (rng.chance(0.25) ? 1 : 0);
  const std::string base = "v1." + std::to_string(minor) + "." + std::to_string(rng.between(1, 15));
  switch (profile.cloud) {
    case Cloud::kAws: pool.kubeletVersion = base + "-eks-" + rng.hex(7); break;
    case Cloud::kGce:
      pool.kubeletVersion = base + "-gke." + std::to_string(rng.between(1000, 2000)) + "000";
      break;
    case Cloud::kVSphere: pool.kubeletVersion = base + "+vmware.1"; break;
    case Cloud::kBareMetal:
      pool.kubeletVersion =
          std::string(pool.image->runtime).starts_with("cri-o") ? base + "+" + rng.hex(7) : base;
      break;
    default: pool.kubeletVersion = base;
  }
  return pool;
}

std::string NodeGenerator::internalIp(std::uint64_t index) const {
  return naming_.ipv4(10u << 24, 24, Stream::kNode, index, 1);
}

std::string NodeGenerator::name(std::uint64_t index) const {
  const Pool p = pool(index);
  const std::string tag = naming_.tag(Stream::kNode, index);
  switch (p.profile->cloud) {
    case Cloud::kAws:
      return naming_.marked("ip-" + dashed(internalIp(index))) + "." + p.region + ".compute.internal";
    case Cloud::kGce:
      return "gke-" + p.name + "-" + naming_.hexId(Stream::kNodePool, p.number, 2, 8) + "-" + tag;
    case Cloud::kAzure: return "aks-" + p.name + "-vmss" + tag;
    case Cloud::kDigitalOcean: return p.name + "-" + tag;
    case Cloud::kLinode: return "lke" + naming_.name({p.name, tag});
    case Cloud::kVSphere: return naming_.name({"tkg", "md-0", tag});
    case Cloud::kBareMetal: return naming_.name({"node", tag}) + ".lab.internal";
  }
  return tag;
}

nlohmann::json NodeGenerator::object(std::uint64_t index) const {
  using nlohmann::json;
  const Pool p = pool(index);
  const InstanceType& it = *p.instance;
  DeterministicRandom rng = naming_.random(Stream::kNode, index);
  const std::string nodeName = name(index);
  const std::string ip = internalIp(index);
  const bool controlPlane = count_ > 3 && index < 3;
  const std::int64_t created =
      Naming::kReferenceTime - (controlPlane ? Naming::kTwoYears - 600 : rng.between(600, Naming::kTwoYears));

  json labels{{"beta.kubernetes.io/arch", it.arch},
              {"beta.kubernetes.io/os", "linux"},
              {"kubernetes.io/arch", it.arch},
              {"kubernetes.io/os", "linux"},
              {"kubernetes.io/hostname", nodeName}};
  if (*it.name)
    labels["node.kubernetes.io/instance-type"] = labels["beta.kubernetes.io/instance-type"] = it.name;
  if (!p.zone.empty()) {
    labels["topology.kubernetes.io/region"] = labels["failure-domain.beta.kubernetes.io/region"] = p.region;
    labels["topology.kubernetes.io/zone"] = labels["failure-domain.beta.kubernetes.io/zone"] = p.zone;
  }
  json annotations = json::object();
  json spec = json::object();
  const std::string marker = naming_.marked(naming_.hexId(Stream::kNode, index, 3, 17));
  switch (p.profile->cloud) {
    case Cloud::kAws:
      labels["eks.amazonaws.com/nodegroup"] = p.name;
      labels["eks.amazonaws.com/capacityType"] = rng.chance(0.3) ? "SPOT" : "ON_DEMAND";
      spec["providerID"] = "aws:///" + p.zone + "/i-0" + marker;
      annotations["csi.volume.kubernetes.io/nodeid"] = "{\"ebs.csi.aws.com\":\"i-0" + marker + "\"}";
      break;
    case Cloud::kGce:
      labels["cloud.google.com/gke-nodepool"] = p.name;
      labels["cloud.google.com/gke-os-distribution"] =
          std::string(p.image->osImage).starts_with("Container") ? "cos" : "ubuntu";
      if (it.gpus) labels["cloud.google.com/gke-accelerator"] = "nvidia-tesla-t4";
      spec["providerID"] = "gce://" + naming_.name({"proj", naming_.tag(Stream::kNodePool, 0, 3)}) + "/" +
                           p.zone + "/" + nodeName;
      annotations["container.googleapis.com/instance_id"] =
          naming_.marked(naming_.decimalId(Stream::kNode, index, 4, 19));
      break;
    case Cloud::kAzure:
      labels["kubernetes.azure.com/agentpool"] = labels["agentpool"] = p.name;
      labels["kubernetes.azure.com/mode"] = index < kPoolSize ? "system" : "user";
      spec["providerID"] =
          "azure:///subscriptions/" + naming_.uid(Stream::kNodePool, 0, 4) + "/resourceGroups/mc_" +
          p.region + "/providers/Microsoft.Compute/virtualMachineScaleSets/aks-" + p.name +
          "-vmss/virtualMachines/" + naming_.marked(naming_.decimalId(Stream::kNode, index, 5, 10));
      break;
    case Cloud::kDigitalOcean:
      labels["doks.digitalocean.com/node-pool"] = p.name;
      spec["providerID"] = "digitalocean://" + naming_.marked(naming_.decimalId(Stream::kNode, index, 5, 10));
      break;
    case Cloud::kLinode:
      labels["lke.linode.com/pool-id"] =
          naming_.marked(naming_.decimalId(Stream::kNodePool, p.number, 5, 10));
      spec["providerID"] = "linode://" + naming_.marked(naming_.decimalId(Stream::kNode, index, 5, 10));
      break;
    case Cloud::kVSphere: spec["providerID"] = "vsphere://" + naming_.uid(Stream::kNode, index, 6); break;
    case Cloud::kBareMetal: annotations["machine.example.com/serial"] = marker; break;
  }
  annotations["alpha.kubernetes.io/provided-node-ip"] = ip;
  if (controlPlane) {
    labels["node-role.kubernetes.io/control-plane"] = "";
    spec["taints"] =
        json::array({{{"effect", "NoSchedule"}, {"key", "node-role.kubernetes.io/control-plane"}}});
  } else if (p.profile->cloud == Cloud::kBareMetal || p.profile->cloud == Cloud::kVSphere) {
    labels["node-role.kubernetes.io/worker"] = "";
  }
  if (it.gpus) {
    labels["nvidia.com/gpu.product"] = it.gpuProduct;
    labels["nvidia.com/gpu.count"] = std::to_string(it.gpus);
  }
  const std::string podCidr = naming_.ipv4((10u << 24) | (128u << 16), 15, Stream::kNode, index, 7);
  spec["podCIDR"] = podCidr.substr(0, podCidr.rfind('.')) + ".0/24";
  spec["podCIDRs"] = json::array({spec["podCIDR"]});
  if (rng.chance(0.01)) spec["unschedulable"] = true;

  const std::string pods = it.cpus >= 48 ? "250" : "110";
  const long long memoryKi = static_cast<long long>(it.memoryGi) * 1024 * 1024 - rng.between(100000, 600000);
  json capacity{{"cpu", std::to_string(it.cpus)},
                {"ephemeral-storage", std::to_string(rng.between(50, 500) * 1024 * 1024) + "Ki"},
                {"hugepages-1Gi", "0"},
                {"hugepages-2Mi", "0"},
                {"memory", std::to_string(memoryKi) + "Ki"},
                {"pods", pods}};
  json allocatable = capacity;
  allocatable["cpu"] = std::to_string(it.cpus * 1000 - 70 - it.cpus * 10) + "m";
  allocatable["memory"] = std::to_string(memoryKi * 93 / 100) + "Ki";
  if (it.gpus) capacity["nvidia.com/gpu"] = allocatable["nvidia.com/gpu"] = std::to_string(it.gpus);

  const std::string heartbeat = Naming::timestamp(Naming::kReferenceTime - rng.between(5, 40));
  const std::string since = Naming::timestamp(created + 30);
  auto condition = [&](const char* type, const char* status, const char* reason, const char* message) {
    return json{{"lastHeartbeatTime", heartbeat},
                {"lastTransitionTime", since},
                {"message", message},
                {"reason", reason},
                {"status", status},
                {"type", type}};
  };
  const std::uint64_t health = rng.below(100);
  json conditions = json::array(
      {condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                 "kubelet has sufficient memory available"),
       condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
       condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
       health < 97 ? condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")
       : health < 99
           ? condition("Ready", "False", "KubeletNotReady", "container runtime network not ready")
           : condition("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")});

  json addresses = json::array({{{"address", ip}, {"type", "InternalIP"}}});
  if (p.profile->cloud != Cloud::kBareMetal && p.profile->cloud != Cloud::kVSphere)
    addresses.push_back({{"address", naming_.ipv4(100u << 24 | 64u << 16, 22, Stream::kNode, index, 8)},
                         {"type", "ExternalIP"}});
  addresses.push_back({{"address", nodeName}, {"type", "Hostname"}});
  if (p.profile->cloud == Cloud::kAws) addresses.push_back({{"address", nodeName}, {"type", "InternalDNS"}});

  const std::string arch = it.arch;
  std::string kernel = p.image->kernel;
  if (auto at = kernel.find("%s"); at != std::string::npos)
    kernel.replace(at, 2, arch == "arm64" ? "aarch64" : "x86_64");
  json images = json::array();
  for (int i = 0; i < 2; ++i) {
    const std::string image =
        "registry.example.com/" + naming_.name({"node-agent", naming_.tag(Stream::kNode, index, 10 + i)});
    images.push_back(
        {{"names",
          {image + "@sha256:" + rng.hex(64), image + ":v" + std::to_string(rng.between(1, 9)) + ".0"}},
         {"sizeBytes", rng.between(5'000'000, 900'000'000)}});
  }

  return json{{"kind", "Node"},
              {"apiVersion", "v1"},
              {"metadata",
               {{"name", nodeName},
                {"uid", naming_.uid(Stream::kNode, index)},
                {"resourceVersion", std::to_string(rng.between(1000, 8'999'999))},
                {"creationTimestamp", Naming::timestamp(created)},
                {"labels", labels},
                {"annotations", annotations}}},
              {"spec", spec},
              {"status",
               {{"capacity", capacity},
                {"allocatable", allocatable},
                {"conditions", conditions},
                {"addresses", addresses},
                {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
                {"nodeInfo",
                 {{"machineID", naming_.marked(naming_.hexId(Stream::kNode, index, 11, 32))},
                  {"systemUUID", naming_.uid(Stream::kNode, index, 12)},
                  {"bootID", naming_.uid(Stream::kNode, index, 13)},
                  {"kernelVersion", kernel},
                  {"osImage", p.image->osImage},
                  {"containerRuntimeVersion", p.image->runtime},
                  {"kubeletVersion", p.kubeletVersion},
                  {"kubeProxyVersion", p.kubeletVersion},
                  {"operatingSystem", "linux"},
                  {"architecture", arch}}},
                {"images", images}}}};
}

}  // namespace kctest::apiserver
