// Path-aware reading of an incoming report's JSON. Every failure is a ReportError that names
// the field as a JSON path ("nodes[1].capacity[0].value"), so a sender can find its mistake.
// Internal to the report module.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kubecensus::report_detail {

// "nodes[1]" + "capacity" -> "nodes[1].capacity"; "" + "clusterID" -> "clusterID".
std::string joinPath(std::string_view parent, std::string_view key);
// "nodes" + 1 -> "nodes[1]".
std::string indexPath(std::string_view parent, std::size_t index);

// The dump that name-based report IDs are derived from: compact, keys sorted (nlohmann keeps
// objects in a std::map), invalid UTF-8 replaced rather than thrown on.
std::string canonicalDump(const nlohmann::json& json);

// One JSON object of a report at a known path.
class ObjectReader {
 public:
  // Throws ReportError(path, "must be an object") unless json is an object.
  ObjectReader(const nlohmann::json& json, std::string path);

  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return joinPath(path_, key); }
  const nlohmann::json* find(std::string_view key) const;

  std::string requiredString(std::string_view key) const;
  std::string requiredNonEmptyString(std::string_view key) const;
  std::optional<std::string> optionalString(std::string_view key) const;
  const nlohmann::json& requiredObject(std::string_view key) const;
  // nullptr when the key is absent; throws when it is present with another type.
  const nlohmann::json* optionalObject(std::string_view key) const;
  const nlohmann::json* optionalArray(std::string_view key) const;

  // Privacy: a key outside the declared schema is refused rather than silently stored or
  // silently dropped, so a sender learns that its record carries something we do not accept.
  // Names the first unknown key (in sorted order, so the error is deterministic).
  void rejectUnknownKeys(std::span<const std::string_view> known, std::string_view schema) const;
  void rejectUnknownKeys(std::initializer_list<std::string_view> known, std::string_view schema) const {
    rejectUnknownKeys(std::span<const std::string_view>(known.begin(), known.size()), schema);
  }

 private:
  const nlohmann::json& json_;
  std::string path_;
};

}  // namespace kubecensus::report_detail
