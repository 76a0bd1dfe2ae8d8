// A small command-line parser shared by both executables: GNU-style long flags
// (--name=value, --name value, repeatable), positional words, and generated --help text.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kubecensus {

struct FlagSpec {
  std::string name;      // without dashes: "cluster-id"
  std::string metavar;   // empty for a switch that takes no value
  std::string help;
  bool repeatable = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CommandLine {
 public:
  // Throws UsageError for an unknown flag, a missing value, a value given to a switch,
  // or a non-repeatable flag given twice.
  CommandLine(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;  // last occurrence
  std::vector<std::string> values(const std::string& name) const;   // all, in order
  const std::vector<std::string>& positional() const { return positional_; }

  static std::string help(const std::vector<FlagSpec>& specs);

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace kubecensus
