// Checks a JSON row against a BigQuery table schema the way tabledata.insertAll does (the
// field modes REQUIRED/NULLABLE/REPEATED; STRING, INTEGER (int64, as a number or decimal text),
// FLOAT, BOOLEAN, TIMESTAMP and nested RECORD fields; unknown fields refused). Used by the
// stand-in BigQuery server and by the tests of the shipped schema.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kctest {

struct RowProblem {
  std::string location;  // dotted field path, e.g. "workloads.total"
  std::string message;
};

// schemaFields: the JSON array of fields (the content of a schema file).
std::optional<RowProblem> checkRow(const nlohmann::json& row, const nlohmann::json& schemaFields);

}  // namespace kctest
