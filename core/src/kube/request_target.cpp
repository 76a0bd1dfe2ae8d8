#include "kubecensus/kube/request_target.h"

#include <vector>

namespace kubecensus::kube {
namespace {

std::vector<std::string> segmentsOf(const std::string& path) {
  std::vector<std::string> segments;
  std::string current;
  for (char c : path.substr(0, path.find('?'))) {
    if (c == '/') {
      if (!current.empty()) segments.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) segments.push_back(current);
  return segments;
}

}  // namespace

RequestTarget listTarget(const ApiResource& resource) {
  RequestTarget target;
  target.verb = "list";
  target.group = resource.group;
  target.resource = resource.resource;
  return target;
}

RequestTarget getTarget(const std::string& path) {
  RequestTarget target;
  target.verb = "get";
  auto segments = segmentsOf(path);
  std::size_t rest = 0;
  if (segments.size() >= 3 && segments[0] == "api") {
    rest = 2;
  } else if (segments.size() >= 4 && segments[0] == "apis") {
    target.group = segments[1];
    rest = 3;
  } else {
    target.nonResourceUrl = path.substr(0, path.find('?'));
    return target;
  }
  std::vector<std::string> parts(segments.begin() + static_cast<std::ptrdiff_t>(rest), segments.end());
  if (parts.size() >= 3 && parts[0] == "namespaces") {
    target.ns = parts[1];
    parts.erase(parts.begin(), parts.begin() + 2);
  }
  target.resource = parts[0];
  if (parts.size() == 1) target.verb = "list";
  if (parts.size() >= 2) target.name = parts[1];
  if (parts.size() >= 3) target.resource += "/" + parts[2];
  return target;
}

std::string describe(const RequestTarget& target) {
  if (!target.nonResourceUrl.empty()) return target.verb + " " + target.nonResourceUrl;
  std::string text = target.verb + " " + target.resource;
  if (!target.group.empty()) {
    // "deployments.apps", "deployments/scale.apps" reads oddly: put the group on the resource.
    auto slash = text.find('/');
    if (slash == std::string::npos) {
      text += "." + target.group;
    } else {
      text.insert(slash, "." + target.group);
    }
  }
  if (!target.name.empty()) text += " \"" + target.name + "\"";
  text += target.ns.empty() ? " at the cluster scope" : " in namespace \"" + target.ns + "\"";
  return text;
}

std::string rbacRule(const RequestTarget& target) {
  if (!target.nonResourceUrl.empty())
    return "{nonResourceURLs: [\"" + target.nonResourceUrl + "\"], verbs: [\"" + target.verb + "\"]}";
  return "{apiGroups: [\"" + target.group + "\"], resources: [\"" + target.resource + "\"], verbs: [\"" +
         target.verb + "\"]}";
}

}  // namespace kubecensus::kube
