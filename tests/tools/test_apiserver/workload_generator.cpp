#include "workload_generator.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace kctest::apiserver {

using nlohmann::json;

namespace {

const std::vector<std::string> kApps{"api",       "web",     "worker",   "frontend", "backend",
                                     "cache",     "redis",   "postgres", "kafka",    "consumer",
                                     "scheduler", "gateway", "auth",     "ingest",   "exporter",
                                     "fluentd",   "metrics", "search",   "indexer",  "notifier"};
const std::vector<std::string> kRegistries{
    "registry.example.com/apps", "ghcr.io/example-org", "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "gcr.io/example-project",    "quay.io/example",     "docker.io/example"};
const std::vector<std::string> kSchedules{"*/5 * * * *", "0 * * * *", "30 2 * * *", "0 0 * * 0",
                                          "*/15 * * * *"};

Stream streamOf(const ResourceType& type) {
  const std::string key = type.key();
  if (key == "pods") return Stream::kPod;
  if (key == "services") return Stream::kService;
  if (key == "deployments.apps") return Stream::kDeployment;
  if (key == "statefulsets.apps") return Stream::kStatefulSet;
  if (key == "daemonsets.apps") return Stream::kDaemonSet;
  if (key == "jobs.batch") return Stream::kJob;
  if (key == "cronjobs.batch") return Stream::kCronJob;
  throw std::logic_error("no generator for " + key);
}

std::string app(const Naming& naming, Stream stream, std::uint64_t index) {
  DeterministicRandom rng = naming.random(stream, index, 1);
  return rng.pick(kApps);
}

}  // namespace

std::string WorkloadGenerator::name(const ResourceType& type, std::uint64_t index) const {
  const Stream stream = streamOf(type);
  const std::string tag = naming_.tag(stream, index);
  if (stream != Stream::kPod) return naming_.name({app(naming_, stream, index), tag});
  DeterministicRandom rng = naming_.random(stream, index, 2);
  return naming_.name({app(naming_, stream, index), tag, rng.suffix(5)});
}

json WorkloadGenerator::metadata(const ResourceType& type, std::uint64_t index) const {
  const Stream stream = streamOf(type);
  // Its own random stream, so that metadata-only lists need not make whole objects.
  DeterministicRandom rng = naming_.random(stream, index, 40);
  const std::size_t ns = shape_.namespaceOf(type.key(), index);
  const std::int64_t nsCreated = shape_.namespaceCreated(ns);
  const std::int64_t created =
      nsCreated + rng.between(60, std::max<std::int64_t>(120, Naming::kReferenceTime - nsCreated - 60));
  json meta = json::object();
  meta["name"] = name(type, index);
  meta["namespace"] = shape_.namespaceName(ns);
  meta["uid"] = naming_.uid(stream, index);
  meta["resourceVersion"] = std::to_string(rng.between(1000, 8'999'999));
  meta["creationTimestamp"] = Naming::timestamp(created);
  json& labels = meta["labels"];
  labels["app.kubernetes.io/name"] =
      naming_.name({app(naming_, stream, index), naming_.tag(stream, index, 3)});
  labels["app.kubernetes.io/instance"] = naming_.name({"release", naming_.tag(stream, index, 4)});
  meta["annotations"]["example.com/git-commit"] = naming_.marked(naming_.hexId(stream, index, 5, 40));

  std::string owner;
  if (stream == Stream::kPod) {
    static const std::vector<std::string> kOwners{"ReplicaSet", "StatefulSet", "DaemonSet", "Job", ""};
    owner = kOwners[rng.weighted({60, 10, 12, 8, 10})];
    if (owner == "ReplicaSet") labels["pod-template-hash"] = naming_.hexId(Stream::kPod, index, 8, 10);
  } else if (stream == Stream::kJob && rng.chance(0.5)) {
    owner = "CronJob";
  } else if (stream != Stream::kService) {
    meta["generation"] = rng.between(1, 20);
  }
  if (!owner.empty()) {
    json reference = json::object();
    reference["apiVersion"] = owner == "Job" || owner == "CronJob" ? "batch/v1" : "apps/v1";
    reference["kind"] = owner;
    reference["name"] = naming_.name({app(naming_, stream, index), naming_.tag(stream, index, 6)});
    reference["uid"] = naming_.uid(stream, index, 7);
    reference["controller"] = true;
    reference["blockOwnerDeletion"] = true;
    meta["ownerReferences"] = json::array({std::move(reference)});
  }
  return meta;
}

json WorkloadGenerator::podSpec(Stream stream, std::uint64_t index, DeterministicRandom& rng) const {
  json containers = json::array();
  const int count = static_cast<int>(rng.weighted({70, 22, 8})) + 1;
  const bool gpu = rng.chance(0.02);
  for (int c = 0; c < count; ++c) {
    const std::string containerName =
        c == 0 ? app(naming_, stream, index)
               : rng.pick(std::vector<std::string>{"sidecar", "proxy", "log-shipper"}) + std::to_string(c);
    const std::string image =
        rng.pick(kRegistries) + "/" +
        naming_.name({app(naming_, stream, index), naming_.tag(stream, index, 20 + c)}) + ":" +
        std::to_string(rng.between(1, 4)) + "." + std::to_string(rng.between(0, 30)) + "." +
        std::to_string(rng.between(0, 9));
    json resources{
        {"requests",
         {{"cpu", std::to_string(rng.pick(std::vector<int>{50, 100, 250, 500, 1000, 2000})) + "m"},
          {"memory", std::to_string(rng.pick(std::vector<int>{64, 128, 256, 512, 1024, 4096})) + "Mi"}}}};
    if (rng.chance(0.6)) resources["limits"] = {{"memory", resources["requests"]["memory"]}};
    if (gpu && c == 0)
      resources["limits"]["nvidia.com/gpu"] = std::to_string(rng.pick(std::vector<int>{1, 1, 2, 4, 8}));
    containers.push_back({{"name", containerName},
                          {"image", image},
                          {"ports", {{{"containerPort", 8080 + c}, {"protocol", "TCP"}}}},
                          {"resources", resources},
                          {"terminationMessagePath", "/dev/termination-log"},
                          {"terminationMessagePolicy", "File"},
                          {"imagePullPolicy", "IfNotPresent"}});
  }
  return json{{"containers", containers},
              {"restartPolicy", "Always"},
              {"terminationGracePeriodSeconds", 30},
              {"dnsPolicy", "ClusterFirst"},
              {"serviceAccountName", "default"},
              {"schedulerName", "default-scheduler"}};
}

json WorkloadGenerator::podTemplate(Stream stream, std::uint64_t index, const json& labels,
                                    DeterministicRandom& rng) const {
  return json{{"metadata", {{"creationTimestamp", nullptr}, {"labels", labels}}},
              {"spec", podSpec(stream, index, rng)}};
}

json WorkloadGenerator::object(const ResourceType& type, std::uint64_t index) const {
  switch (streamOf(type)) {
    case Stream::kPod: return pod(type, index);
    case Stream::kService: return service(type, index);
    case Stream::kJob: return job(type, index);
    case Stream::kCronJob: return cronJob(type, index);
    default: return controller(type, index);
  }
}

json WorkloadGenerator::pod(const ResourceType& type, std::uint64_t index) const {
  DeterministicRandom rng = naming_.random(Stream::kPod, index);
  json meta = metadata(type, index);
  const std::string owner = meta.value("/ownerReferences/0/kind"_json_pointer, std::string());
  json spec = podSpec(Stream::kPod, index, rng);
  if (owner == "Job") spec["restartPolicy"] = "Never";

  static const std::vector<std::string> kPhases{"Running", "Succeeded", "Pending", "Failed", "Unknown"};
  const std::string phase =
      owner == "Job" ? kPhases[rng.weighted({20, 65, 5, 10, 0})] : kPhases[rng.weighted({88, 2, 5, 4, 1})];
  const bool scheduled = nodes_.count() > 0 && !(phase == "Pending" && rng.chance(0.6));
  json status{{"phase", phase}, {"qosClass", "Burstable"}};
  const std::string start = Naming::timestamp(Naming::kReferenceTime - rng.between(60, 30 * 86400));
  if (scheduled) {
    const std::uint64_t node = rng.below(nodes_.count());
    spec["nodeName"] = nodes_.name(node);
    status["hostIP"] = nodes_.internalIp(node);
    status["hostIPs"] = {{{"ip", status["hostIP"]}}};
    status["startTime"] = start;
    if (phase != "Pending") {
      status["podIP"] = naming_.ipv4((10u << 24) | (128u << 16), 23, Stream::kPod, index, 9);
      status["podIPs"] = {{{"ip", status["podIP"]}}};
    }
  }
  const bool ready = phase == "Running" && rng.chance(0.95);
  status["conditions"] = {{{"type", "PodScheduled"},
                           {"status", scheduled ? "True" : "False"},
                           {"lastProbeTime", nullptr},
                           {"lastTransitionTime", start}},
                          {{"type", "Ready"},
                           {"status", ready ? "True" : "False"},
                           {"lastProbeTime", nullptr},
                           {"lastTransitionTime", start}}};
  if (!scheduled) {
    status["conditions"][0]["reason"] = "Unschedulable";
    status["conditions"][0]["message"] =
        "0/" + std::to_string(nodes_.count()) + " nodes are available: insufficient cpu.";
  }
  json containerStatuses = json::array();
  if (scheduled) {
    for (const auto& container : spec["containers"]) {
      json state;
      if (phase == "Running")
        state = {{"running", {{"startedAt", start}}}};
      else if (phase == "Succeeded")
        state = {{"terminated",
                  {{"exitCode", 0}, {"reason", "Completed"}, {"startedAt", start}, {"finishedAt", start}}}};
      else if (phase == "Failed")
        state = {{"terminated",
                  {{"exitCode", 1}, {"reason", "Error"}, {"startedAt", start}, {"finishedAt", start}}}};
      else
        state = {{"waiting", {{"reason", rng.chance(0.5) ? "ContainerCreating" : "ImagePullBackOff"}}}};
      const std::string image = container["image"];
      containerStatuses.push_back(
          {{"name", container["name"]},
           {"state", state},
           {"lastState", json::object()},
           {"ready", ready},
           {"restartCount", rng.chance(0.8) ? 0 : rng.between(1, 40)},
           {"image", image},
           {"imageID", image.substr(0, image.rfind(':')) + "@sha256:" + rng.hex(64)},
           {"containerID",
            "containerd://" + naming_.hexId(Stream::kPod, index, 10 + containerStatuses.size(), 64)},
           {"started", phase == "Running"}});
    }
    status["containerStatuses"] = containerStatuses;
  }
  return json{{"kind", "Pod"}, {"apiVersion", "v1"}, {"metadata", meta}, {"spec", spec}, {"status", status}};
}

json WorkloadGenerator::service(const ResourceType& type, std::uint64_t index) const {
  DeterministicRandom rng = naming_.random(Stream::kService, index);
  json meta = metadata(type, index);
  static const std::vector<std::string> kTypes{"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"};
  const std::string serviceType = kTypes[rng.weighted({80, 8, 10, 2})];
  json spec{{"type", serviceType}, {"sessionAffinity", "None"}};
  json status{{"loadBalancer", json::object()}};
  if (serviceType == "ExternalName") {
    spec["externalName"] = naming_.name({"db", naming_.tag(Stream::kService, index, 6)}) + ".example.com";
  } else {
    const bool headless = serviceType == "ClusterIP" && rng.chance(0.06);
    const std::string ip =
        headless ? "None" : naming_.ipv4((10u << 24) | (96u << 16), 20, Stream::kService, index, 7);
    spec["clusterIP"] = ip;
    spec["clusterIPs"] = {ip};
    spec["ipFamilies"] = {"IPv4"};
    spec["ipFamilyPolicy"] = "SingleStack";
    spec["internalTrafficPolicy"] = "Cluster";
    spec["selector"] = {{"app.kubernetes.io/name", meta["labels"]["app.kubernetes.io/name"]}};
    json ports = json::array();
    for (int p = 0, n = static_cast<int>(rng.between(1, 2)); p < n; ++p) {
      json port{{"name", p == 0 ? "http" : "metrics"},
                {"protocol", "TCP"},
                {"port", p == 0 ? 80 : 9090},
                {"targetPort", 8080 + p}};
      if (serviceType != "ClusterIP") port["nodePort"] = rng.between(30000, 32767);
      ports.push_back(port);
    }
    spec["ports"] = ports;
    if (serviceType == "LoadBalancer") {
      spec["externalTrafficPolicy"] = "Cluster";
      status["loadBalancer"]["ingress"] =
          rng.chance(0.5)
              ? json{{{"hostname", "a" + naming_.marked(naming_.hexId(Stream::kService, index, 8, 32)) +
                                       ".elb.us-east-1.amazonaws.com"}}}
              : json{{{"ip", naming_.ipv4(100u << 24 | 96u << 16, 20, Stream::kService, index, 9)},
                      {"ipMode", "VIP"}}};
    }
  }
  return json{
      {"kind", "Service"}, {"apiVersion", "v1"}, {"metadata", meta}, {"spec", spec}, {"status", status}};
}

json WorkloadGenerator::controller(const ResourceType& type, std::uint64_t index) const {
  const Stream stream = streamOf(type);
  DeterministicRandom rng = naming_.random(stream, index);
  json meta = metadata(type, index);
  const json selector{{"app.kubernetes.io/name", meta["labels"]["app.kubernetes.io/name"]}};
  json spec{{"selector", {{"matchLabels", selector}}},
            {"template", podTemplate(stream, index, selector, rng)}};
  json status{{"observedGeneration", meta["generation"]}};
  if (stream == Stream::kDaemonSet) {
    const std::int64_t desired =
        static_cast<std::int64_t>(nodes_.count()) - (rng.chance(0.3) ? rng.between(0, 3) : 0);
    const std::int64_t scheduled = std::max<std::int64_t>(desired, 0);
    const std::int64_t readyCount = rng.chance(0.9) ? scheduled : scheduled * 9 / 10;
    status.update({{"currentNumberScheduled", scheduled},
                   {"desiredNumberScheduled", scheduled},
                   {"numberMisscheduled", 0},
                   {"numberReady", readyCount},
                   {"numberAvailable", readyCount},
                   {"updatedNumberScheduled", scheduled}});
    spec["updateStrategy"] = {{"type", "RollingUpdate"},
                              {"rollingUpdate", {{"maxUnavailable", 1}, {"maxSurge", 0}}}};
  } else {
    const std::int64_t replicas =
        std::vector<std::int64_t>{0, 1, 2, 3, 5, 10}[rng.weighted({3, 30, 25, 25, 10, 7})];
    const std::int64_t readyCount = rng.chance(0.9) ? replicas : replicas / 2;
    spec["replicas"] = replicas;
    status.update({{"replicas", replicas},
                   {"readyReplicas", readyCount},
                   {"availableReplicas", readyCount},
                   {"updatedReplicas", replicas}});
    if (stream == Stream::kStatefulSet) {
      spec["serviceName"] = meta["name"];
      spec["podManagementPolicy"] = "OrderedReady";
      const std::string storage = std::to_string(rng.pick(std::vector<int>{1, 10, 50, 100})) + "Gi";
      json claimSpec{{"accessModes", {"ReadWriteOnce"}},
                     {"resources", {{"requests", {{"storage", storage}}}}}};
      spec["volumeClaimTemplates"] = json::array({{{"metadata", {{"name", "data"}}}, {"spec", claimSpec}}});
      status["currentReplicas"] = replicas;
    } else {
      spec["strategy"] = {{"type", "RollingUpdate"},
                          {"rollingUpdate", {{"maxUnavailable", "25%"}, {"maxSurge", "25%"}}}};
      status["conditions"] = {
          {{"type", "Available"},
           {"status", readyCount == replicas ? "True" : "False"},
           {"reason", readyCount == replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"}},
          {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"}}};
    }
  }
  return json{{"kind", type.kind},
              {"apiVersion", type.apiVersion()},
              {"metadata", meta},
              {"spec", spec},
              {"status", status}};
}

json WorkloadGenerator::job(const ResourceType& type, std::uint64_t index) const {
  DeterministicRandom rng = naming_.random(Stream::kJob, index);
  json meta = metadata(type, index);
  const json labels{{"batch.kubernetes.io/job-name", meta["name"]}};
  json templ = podTemplate(Stream::kJob, index, labels, rng);
  templ["spec"]["restartPolicy"] = "Never";
  const std::int64_t start = Naming::kReferenceTime - rng.between(60, 60 * 86400);
  json status{{"startTime", Naming::timestamp(start)}};
  switch (rng.weighted({75, 15, 10})) {
    case 0:
      status.update({{"succeeded", 1}, {"completionTime", Naming::timestamp(start + rng.between(5, 3600))}});
      break;
    case 1: status["failed"] = rng.between(1, 6); break;
    default: status["active"] = 1;
  }
  return json{{"kind", "Job"},
              {"apiVersion", "batch/v1"},
              {"metadata", meta},
              {"spec", {{"parallelism", 1}, {"completions", 1}, {"backoffLimit", 6}, {"template", templ}}},
              {"status", status}};
}

json WorkloadGenerator::cronJob(const ResourceType& type, std::uint64_t index) const {
  DeterministicRandom rng = naming_.random(Stream::kCronJob, index);
  json meta = metadata(type, index);
  const json labels{{"app.kubernetes.io/name", meta["labels"]["app.kubernetes.io/name"]}};
  json templ = podTemplate(Stream::kCronJob, index, labels, rng);
  templ["spec"]["restartPolicy"] = "OnFailure";
  const std::string last = Naming::timestamp(Naming::kReferenceTime - rng.between(60, 86400));
  return json{{"kind", "CronJob"},
              {"apiVersion", "batch/v1"},
              {"metadata", meta},
              {"spec",
               {{"schedule", rng.pick(kSchedules)},
                {"suspend", rng.chance(0.1)},
                {"concurrencyPolicy", "Forbid"},
                {"successfulJobsHistoryLimit", 3},
                {"failedJobsHistoryLimit", 1},
                {"jobTemplate", {{"spec", {{"template", templ}}}}}}},
              {"status", {{"lastScheduleTime", last}, {"lastSuccessfulTime", last}}}};
}

}  // namespace kctest::apiserver
