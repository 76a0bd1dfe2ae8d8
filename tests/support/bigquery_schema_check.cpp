#include "bigquery_schema_check.h"

#include <cerrno>
#include <cstdlib>
#include <regex>

namespace kctest {
namespace {

std::optional<RowProblem> checkObject(const nlohmann::json& object, const nlohmann::json& fields,
                                      const std::string& prefix);

bool isInt64Text(const std::string& text) {
  static const std::regex kInteger(R"([+-]?[0-9]+)");
  if (!std::regex_match(text, kInteger)) return false;
  errno = 0;
  (void)std::strtoll(text.c_str(), nullptr, 10);
  return errno != ERANGE;
}

std::optional<RowProblem> checkValue(const nlohmann::json& value, const nlohmann::json& field,
                                     const std::string& location) {
  const std::string type = field.at("type");
  const auto wrong = [&](const std::string& what) {
    return RowProblem{location, "Cannot convert value to " + what + "."};
  };
  if (type == "STRING") {
    if (!value.is_string()) return wrong("string");
  } else if (type == "INTEGER" || type == "INT64") {
    if (value.is_number_unsigned()) {
      if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        return wrong("integer (out of range)");
    } else if (value.is_string()) {
      if (!isInt64Text(value.get<std::string>())) return wrong("integer");
    } else if (!value.is_number_integer()) {
      return wrong("integer");
    }
  } else if (type == "FLOAT" || type == "FLOAT64") {
    if (!value.is_number()) return wrong("float");
  } else if (type == "BOOLEAN" || type == "BOOL") {
    if (!value.is_boolean()) return wrong("boolean");
  } else if (type == "TIMESTAMP") {
    static const std::regex kTimestamp(
        R"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z| ?UTC|[+-]\d{2}:\d{2})?)");
    if (!(value.is_number() || (value.is_string() && std::regex_match(value.get<std::string>(), kTimestamp))))
      return wrong("timestamp");
  } else if (type == "RECORD" || type == "STRUCT") {
    if (!value.is_object()) return RowProblem{location, "This field is not a record."};
    return checkObject(value, field.at("fields"), location + ".");
  } else {
    return RowProblem{location, "unknown schema type " + type};
  }
  return std::nullopt;
}

std::optional<RowProblem> checkObject(const nlohmann::json& object, const nlohmann::json& fields,
                                      const std::string& prefix) {
  for (const auto& [key, value] : object.items()) {
    const nlohmann::json* field = nullptr;
    for (const auto& candidate : fields)
      if (candidate.at("name") == key) field = &candidate;
    if (!field) return RowProblem{prefix + key, "no such field: " + key + "."};
    const std::string mode = field->value("mode", "NULLABLE");
    if (value.is_null()) {
      if (mode == "REQUIRED") return RowProblem{prefix + key, "Missing required field: " + key + "."};
      continue;
    }
    if (mode == "REPEATED") {
      if (!value.is_array())
        return RowProblem{prefix + key, "Array specified for non-repeated field: " + key + "."};
      for (const auto& element : value)
        if (auto problem = checkValue(element, *field, prefix + key)) return problem;
    } else {
      if (value.is_array())
        return RowProblem{prefix + key, "Array specified for non-repeated field: " + key + "."};
      if (auto problem = checkValue(value, *field, prefix + key)) return problem;
    }
  }
  for (const auto& field : fields)
    if (field.value("mode", "NULLABLE") == "REQUIRED" &&
        !object.contains(field.at("name").get<std::string>()))
      return RowProblem{prefix + field.at("name").get<std::string>(),
                        "Missing required field: " + field.at("name").get<std::string>() + "."};
  return std::nullopt;
}

}  // namespace

std::optional<RowProblem> checkRow(const nlohmann::json& row, const nlohmann::json& schemaFields) {
  if (!row.is_object()) return RowProblem{"", "The row is not a JSON object."};
  return checkObject(row, schemaFields, "");
}

}  // namespace kctest
