#include "json_reader.h"

#include <algorithm>

#include "kubecensus/report/report_error.h"

namespace kubecensus::report_detail {
namespace {

// Keys come from untrusted input and end up in error messages, logs and JSON error responses:
// keep them short and plain ASCII (cutting UTF-8 short could make the message invalid UTF-8).
constexpr std::size_t kMaxKeyInPath = 64;

std::string printableKey(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, kMaxKeyInPath)) {
    auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte >= 0x7f) ? '?' : c;
  }
  if (key.size() > kMaxKeyInPath) out += "...";
  return out;
}

}  // namespace

std::string joinPath(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += printableKey(key);
  return out;
}

std::string indexPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string canonicalDump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ObjectReader::ObjectReader(const nlohmann::json& json, std::string path)
    : json_(json), path_(std::move(path)) {
  if (!json_.is_object()) {
    throw ReportError(path_, path_.empty() ? "the report must be a JSON object" : "must be an object");
  }
}

const nlohmann::json* ObjectReader::find(std::string_view key) const {
  auto it = json_.find(key);
  return it == json_.end() ? nullptr : &*it;
}

std::string ObjectReader::requiredString(std::string_view key) const {
  const nlohmann::json* value = find(key);
  if (value == nullptr) throw ReportError(pathOf(key), "is required");
  if (!value->is_string()) throw ReportError(pathOf(key), "must be a string");
  return value->get<std::string>();
}

std::string ObjectReader::requiredNonEmptyString(std::string_view key) const {
  std::string value = requiredString(key);
  if (value.empty()) throw ReportError(pathOf(key), "must not be empty");
  return value;
}

std::optional<std::string> ObjectReader::optionalString(std::string_view key) const {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) throw ReportError(pathOf(key), "must be a string");
  return value->get<std::string>();
}

const nlohmann::json& ObjectReader::requiredObject(std::string_view key) const {
  const nlohmann::json* value = optionalObject(key);
  if (value == nullptr) throw ReportError(pathOf(key), "is required");
  return *value;
}

const nlohmann::json* ObjectReader::optionalObject(std::string_view key) const {
  const nlohmann::json* value = find(key);
  if (value != nullptr && !value->is_object()) throw ReportError(pathOf(key), "must be an object");
  return value;
}

const nlohmann::json* ObjectReader::optionalArray(std::string_view key) const {
  const nlohmann::json* value = find(key);
  if (value != nullptr && !value->is_array()) throw ReportError(pathOf(key), "must be an array");
  return value;
}

void ObjectReader::rejectUnknownKeys(std::span<const std::string_view> known, std::string_view schema) const {
  for (const auto& item : json_.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      throw ReportError(pathOf(item.key()), "unknown field; only the fields of the " + std::string(schema) +
                                                " schema are accepted");
    }
  }
}

}  // namespace kubecensus::report_detail
