#include "table_converter.h"

#include <ctime>
#include <set>

namespace kctest::apiserver {

using nlohmann::json;

namespace {

json column(const std::string& name, const std::string& description, int priority = 0,
            const std::string& type = "string", const std::string& format = "") {
  return json{{"name", name},
              {"type", type},
              {"format", format},
              {"description", description},
              {"priority", priority}};
}

std::int64_t parseTimestamp(const std::string& text) {
  std::tm tm{};
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string str(const json& object, const json::json_pointer& pointer,
                const std::string& fallback = "<none>") {
  if (!object.contains(pointer)) return fallback;
  const json& value = object.at(pointer);
  if (value.is_string()) return value.get<std::string>().empty() ? fallback : value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  return fallback;
}

long long num(const json& object, const json::json_pointer& pointer) {
  return object.contains(pointer) && object.at(pointer).is_number_integer()
             ? object.at(pointer).get<long long>()
             : 0;
}

std::string nodeStatus(const json& node) {
  std::string status = "Unknown";
  for (const auto& c : node.value("/status/conditions"_json_pointer, json::array()))
    if (c.value("type", "") == "Ready") status = c.value("status", "") == "True" ? "Ready" : "NotReady";
  if (node.value("/spec/unschedulable"_json_pointer, false)) status += ",SchedulingDisabled";
  return status;
}

std::string nodeRoles(const json& node) {
  std::set<std::string> roles;
  const json labels = node.value("/metadata/labels"_json_pointer, json::object());
  for (const auto& [key, value] : labels.items()) {
    const std::string prefix = "node-role.kubernetes.io/";
    if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size()) roles.insert(key.substr(prefix.size()));
    if (key == "kubernetes.io/role" && value.is_string()) roles.insert(value.get<std::string>());
  }
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out.empty() ? "<none>" : out;
}

std::string address(const json& node, const std::string& type) {
  for (const auto& a : node.value("/status/addresses"_json_pointer, json::array()))
    if (a.value("type", "") == type) return a.value("address", "<none>");
  return "<none>";
}

json podCells(const json& pod) {
  const std::size_t total = pod.value("/spec/containers"_json_pointer, json::array()).size();
  int ready = 0;
  long long restarts = 0;
  std::string reason = pod.value("/status/phase"_json_pointer, std::string("Unknown"));
  for (const auto& s : pod.value("/status/containerStatuses"_json_pointer, json::array())) {
    if (s.value("ready", false)) ++ready;
    restarts += s.value("restartCount", 0LL);
    if (s.contains("/state/waiting/reason"_json_pointer))
      reason = s["state"]["waiting"]["reason"];
    else if (s.contains("/state/terminated/reason"_json_pointer) && reason != "Succeeded")
      reason = s["state"]["terminated"]["reason"];
  }
  if (pod.contains("/metadata/deletionTimestamp"_json_pointer)) reason = "Terminating";
  return json{std::to_string(ready) + "/" + std::to_string(total), reason, std::to_string(restarts)};
}

std::string servicePorts(const json& service) {
  std::string out;
  for (const auto& p : service.value("/spec/ports"_json_pointer, json::array())) {
    out += (out.empty() ? "" : ",") + std::to_string(p.value("port", 0));
    if (p.contains("nodePort")) out += ":" + std::to_string(p.value("nodePort", 0));
    out += "/" + p.value("protocol", std::string("TCP"));
  }
  return out.empty() ? "<none>" : out;
}

std::string serviceExternal(const json& service) {
  std::string out;
  for (const auto& i : service.value("/status/loadBalancer/ingress"_json_pointer, json::array()))
    out += (out.empty() ? "" : ",") + i.value("ip", i.value("hostname", std::string()));
  if (!out.empty()) return out;
  if (service.value("/spec/type"_json_pointer, std::string()) == "ExternalName")
    return service.value("/spec/externalName"_json_pointer, std::string("<none>"));
  return service.value("/spec/type"_json_pointer, std::string()) == "LoadBalancer" ? "<pending>" : "<none>";
}

}  // namespace

json TableConverter::columnDefinitions(const ResourceType& type) {
  json columns =
      json::array({column("Name", "Name must be unique within a namespace.", 0, "string", "name")});
  const std::string key = type.key();
  if (key == "nodes") {
    columns += column("Status", "The status of the node");
    columns += column("Roles", "The roles of the node");
    columns += column(
        "Age", "CreationTimestamp is a timestamp representing the server time when this object was created.");
    columns += column("Version", "Kubelet Version reported by the node.");
    columns +=
        column("Internal-IP",
               "List of addresses reachable to the node. Queried from cloud provider, if available.", 1);
    columns +=
        column("External-IP",
               "List of addresses reachable to the node. Queried from cloud provider, if available.", 1);
    columns +=
        column("OS-Image",
               "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1);
    columns += column("Kernel-Version",
                      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1);
    columns += column(
        "Container-Runtime",
        "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
        1);
    return columns;
  }
  if (key == "namespaces") {
    columns += column("Status", "The status of the namespace");
  } else if (key == "pods") {
    columns += column("Ready", "The aggregate readiness state of this pod for accepting traffic.");
    columns += column("Status", "The aggregate status of the containers in this pod.");
    columns += column("Restarts",
                      "The number of times the containers in this pod have been restarted and when the last "
                      "container in this pod has restarted.");
  } else if (key == "services") {
    columns += column("Type", "Type determines how the Service is exposed.");
    columns += column("Cluster-IP", "ClusterIP is the IP address of the service.");
    columns += column("External-IP",
                      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
                      "traffic for this service.");
    columns += column("Port(s)", "The list of ports that are exposed by this service.");
  } else if (key == "deployments.apps" || key == "statefulsets.apps") {
    columns += column("Ready", "Number of the pod with ready state");
    if (key == "deployments.apps") {
      columns += column("Up-to-date",
                        "Total number of non-terminated pods targeted by this deployment that have the "
                        "desired template spec.",
                        0, "integer");
      columns += column(
          "Available",
          "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
          0, "integer");
    }
  } else if (key == "daemonsets.apps") {
    columns +=
        column("Desired", "The total number of nodes that should be running the daemon pod.", 0, "integer");
    columns += column("Current", "The number of nodes that are running at least 1 daemon pod.", 0, "integer");
    columns += column("Ready",
                      "The number of nodes that should be running the daemon pod and have one or more of the "
                      "daemon pod running and ready.",
                      0, "integer");
  } else if (key == "jobs.batch") {
    columns +=
        column("Completions", "The desired number of successfully finished pods the job should be run with.");
  } else if (key == "cronjobs.batch") {
    columns += column("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.");
    columns +=
        column("Suspend", "This flag tells the controller to suspend subsequent executions.", 0, "boolean");
  }
  columns += column(
      "Age", "CreationTimestamp is a timestamp representing the server time when this object was created.");
  return columns;
}

json TableConverter::cells(const ResourceType& type, const json& object, std::int64_t now) {
  const std::string key = type.key();
  const std::string name = object.value("/metadata/name"_json_pointer, std::string());
  const std::string created = object.value("/metadata/creationTimestamp"_json_pointer, std::string());
  const std::string age = created.empty() ? "<unknown>" : humanDuration(now - parseTimestamp(created));
  if (key == "nodes") {
    return json{name,
                nodeStatus(object),
                nodeRoles(object),
                age,
                str(object, "/status/nodeInfo/kubeletVersion"_json_pointer),
                address(object, "InternalIP"),
                address(object, "ExternalIP"),
                str(object, "/status/nodeInfo/osImage"_json_pointer, "<unknown>"),
                str(object, "/status/nodeInfo/kernelVersion"_json_pointer, "<unknown>"),
                str(object, "/status/nodeInfo/containerRuntimeVersion"_json_pointer, "<unknown>")};
  }
  json row{name};
  if (key == "namespaces") {
    row += str(object, "/status/phase"_json_pointer, "Active");
  } else if (key == "pods") {
    for (auto& cell : podCells(object)) row += cell;
  } else if (key == "services") {
    row += str(object, "/spec/type"_json_pointer, "ClusterIP");
    row += str(object, "/spec/clusterIP"_json_pointer);
    row += serviceExternal(object);
    row += servicePorts(object);
  } else if (key == "deployments.apps" || key == "statefulsets.apps") {
    row += std::to_string(num(object, "/status/readyReplicas"_json_pointer)) + "/" +
           std::to_string(num(object, "/spec/replicas"_json_pointer));
    if (key == "deployments.apps") {
      row += num(object, "/status/updatedReplicas"_json_pointer);
      row += num(object, "/status/availableReplicas"_json_pointer);
    }
  } else if (key == "daemonsets.apps") {
    row += num(object, "/status/desiredNumberScheduled"_json_pointer);
    row += num(object, "/status/currentNumberScheduled"_json_pointer);
    row += num(object, "/status/numberReady"_json_pointer);
  } else if (key == "jobs.batch") {
    row += std::to_string(num(object, "/status/succeeded"_json_pointer)) + "/" +
           std::to_string(num(object, "/spec/completions"_json_pointer));
  } else if (key == "cronjobs.batch") {
    row += str(object, "/spec/schedule"_json_pointer);
    row += object.value("/spec/suspend"_json_pointer, false);
  }
  row += age;
  return row;
}

std::string TableConverter::humanDuration(std::int64_t seconds) {
  auto s = [](std::int64_t v) { return std::to_string(v); };
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return s(seconds) + "s";
  const std::int64_t minutes = seconds / 60;
  if (minutes < 10) return seconds % 60 == 0 ? s(minutes) + "m" : s(minutes) + "m" + s(seconds % 60) + "s";
  if (minutes < 180) return s(minutes) + "m";
  const std::int64_t hours = seconds / 3600;
  if (hours < 8) return minutes % 60 == 0 ? s(hours) + "h" : s(hours) + "h" + s(minutes % 60) + "m";
  if (hours < 48) return s(hours) + "h";
  if (hours < 24 * 8)
    return hours % 24 == 0 ? s(hours / 24) + "d" : s(hours / 24) + "d" + s(hours % 24) + "h";
  if (hours < 24 * 365 * 2) return s(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    const std::int64_t days = (hours / 24) % 365;
    return days == 0 ? s(hours / 24 / 365) + "y" : s(hours / 24 / 365) + "y" + s(days) + "d";
  }
  return s(hours / 24 / 365) + "y";
}

}  // namespace kctest::apiserver
