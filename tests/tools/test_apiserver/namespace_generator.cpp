#include "namespace_generator.h"

namespace kctest::apiserver {

nlohmann::json NamespaceGenerator::object(std::size_t index) const {
  using nlohmann::json;
  DeterministicRandom rng = naming_.random(Stream::kNamespace, index, 1);
  const std::string& name = shape_.namespaceName(index);
  const bool system = index < ClusterShape::kSystemNamespaces;
  json metadata{
      {"name", name},
      {"uid", index == 0 ? naming_.plainUuid(Stream::kNamespace, 0) : naming_.uid(Stream::kNamespace, index)},
      {"resourceVersion", std::to_string(rng.between(1, 8'999'999))},
      {"creationTimestamp", Naming::timestamp(shape_.namespaceCreated(index))},
      {"labels", {{"kubernetes.io/metadata.name", name}}}};
  if (!system) {
    metadata["labels"]["team"] = naming_.name({"team", naming_.tag(Stream::kNamespace, index, 2)});
    metadata["annotations"] = {
        {"owner.example.com/contact", naming_.name({"oncall", naming_.tag(Stream::kNamespace, index, 3)})}};
  }
  // A few namespaces are being deleted, as in any long-lived cluster.
  const bool terminating = !system && rng.chance(0.01);
  if (terminating)
    metadata["deletionTimestamp"] = Naming::timestamp(Naming::kReferenceTime - rng.between(60, 7200));
  return json{{"kind", "Namespace"},
              {"apiVersion", "v1"},
              {"metadata", metadata},
              {"spec", {{"finalizers", {"kubernetes"}}}},
              {"status", {{"phase", terminating ? "Terminating" : "Active"}}}};
}

}  // namespace kctest::apiserver
