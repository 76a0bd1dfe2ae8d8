// The validated option values of one plugin instance (or of a core config section).
// Values arrive as strings from INI/YAML/env/flags; the config validator has already checked
// each against its OptionSpec type, so the typed getters below do not fail on valid input.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kubecensus {

class Options {
 public:
  Options() = default;
  explicit Options(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // Throws std::out_of_range naming the option if it has no value and no default.
  const std::string& getString(const std::string& name) const;
  std::string getString(const std::string& name, const std::string& fallback) const;
  std::int64_t getInt(const std::string& name) const;
  bool getBool(const std::string& name) const;
  std::chrono::milliseconds getDuration(const std::string& name) const;
  std::uint64_t getSize(const std::string& name) const;
  std::vector<std::string> getList(const std::string& name) const;

  void set(const std::string& name, std::string value) { values_[name] = std::move(value); }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace kubecensus
