#include "fixture_collection.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace kctest::apiserver {

namespace {

unsigned long long numericVersion(const nlohmann::json& metadata) {
  if (!metadata.is_object()) return 0;
  auto it = metadata.find("resourceVersion");
  if (it == metadata.end() || !it->is_string()) return 0;
  try {
    return std::stoull(it->get<std::string>());
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

void FixtureCollection::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not JSON: " + e.what());
  }

  nlohmann::json items;
  if (document.is_array()) {
    items = std::move(document);
  } else if (document.is_object() && document.contains("items") && document["items"].is_array()) {
    const std::string kind = document.value("kind", "");
    if (kind != "List" && kind != type_.listKind())
      throw std::runtime_error(path + ": a " + kind + " cannot be served as " + type_.key());
    maxResourceVersion_ = std::max(maxResourceVersion_, numericVersion(document["metadata"]));
    items = std::move(document["items"]);
  } else if (document.is_object() && document.contains("metadata")) {
    items = nlohmann::json::array({std::move(document)});
  } else {
    throw std::runtime_error(path + ": neither a List, an array nor an object with metadata");
  }

  for (auto& item : items) {
    if (!item.is_object() || !item.contains("metadata") || !item["metadata"].contains("name"))
      throw std::runtime_error(path + ": an item without metadata.name");
    const std::string kind = item.value("kind", type_.kind);
    if (kind != type_.kind) throw std::runtime_error(path + ": a " + kind + " among the " + type_.key());
    // Some captures (insights-operator, one sonobuoy format) lost the type; a server has it.
    item["kind"] = type_.kind;
    item["apiVersion"] = type_.apiVersion();
    maxResourceVersion_ = std::max(maxResourceVersion_, numericVersion(item["metadata"]));
    const std::string ns = item["metadata"].value("namespace", "");
    if (type_.namespaced) byNamespace_[ns].push_back(items_.size());
    items_.push_back(std::move(item));
  }
}

std::size_t FixtureCollection::count(const std::string& ns) const {
  if (ns.empty()) return items_.size();
  auto it = byNamespace_.find(ns);
  return it == byNamespace_.end() ? 0 : it->second.size();
}

nlohmann::json FixtureCollection::at(const std::string& ns, std::size_t position) const {
  if (ns.empty()) return items_.at(position);
  return items_.at(byNamespace_.at(ns).at(position));
}

std::optional<nlohmann::json> FixtureCollection::find(const std::string& ns, const std::string& name) const {
  for (std::size_t i = 0, n = count(ns); i < n; ++i) {
    nlohmann::json item = at(ns, i);
    if (item["metadata"].value("name", "") == name) return item;
  }
  return std::nullopt;
}

}  // namespace kctest::apiserver
