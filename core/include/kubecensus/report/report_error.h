#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace kubecensus {

// A report that cannot be parsed or violates the schema. `field` is a JSON path such as
// "nodes[2].capacity[0].value" (empty for a syntax error); `position` is the 1-based byte
// offset of a syntax error (one past the end for truncated input), or 0.
class ReportError : public std::runtime_error {
 public:
  ReportError(std::string field, const std::string& message, std::size_t position = 0)
      : std::runtime_error(field.empty() ? message : field + ": " + message),
        field_(std::move(field)),
        detail_(message),
        position_(position) {}
  const std::string& field() const { return field_; }
  const std::string& detail() const { return detail_; }
  std::size_t position() const { return position_; }
  bool isSyntaxError() const { return position_ != 0; }

 private:
  std::string field_;
  std::string detail_;
  std::size_t position_;
};

// A document larger in values than any report can be (kMaxJsonValues): refused when its tree
// reaches the limit, so its memory stays bounded (the collector answers 413).
class JsonTooLargeError : public ReportError {
 public:
  explicit JsonTooLargeError(const std::string& message) : ReportError("", message) {}
};

}  // namespace kubecensus
