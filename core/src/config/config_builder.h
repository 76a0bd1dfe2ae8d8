// Internal to the config module: what the INI and YAML parsers share, so that both formats
// apply the same rules (key syntax, duplicates, substitution) and report them the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kubecensus/config/config.h"

namespace kubecensus {

class ConfigBuilder {
 public:
  ConfigBuilder(std::string fileName, const Environment& env) : fileName_(std::move(fileName)), env_(env) {}

  // Starts a section, or resumes it: a repeated header merges into the first one.
  void beginSection(const std::string& name, int line);
  // Drops the entries that follow, up to the next section, without reporting them: their
  // header was already reported as broken.
  void skipSection() {
    current_ = nullptr;
    skipping_ = true;
  }
  bool inSection() const { return current_ != nullptr; }
  const std::string& currentSection() const;
  // Adds key = value to the current section after ${...} substitution: acceptKey(), then
  // expand(), then store().
  void addEntry(const std::string& key, std::string_view rawValue, int line);
  // Whether the key may be added to the current section: a valid name not yet set there
  // (a duplicate is an error naming both lines). Records the problem otherwise.
  bool acceptKey(const std::string& key, int line);
  // The value after ${...} substitution, or nullopt with the problem recorded.
  std::optional<std::string> expand(std::string_view rawValue, int line, const std::string& key);
  // Adds an entry that acceptKey() allowed, with its value already expanded.
  void store(const std::string& key, std::string value, int line);
  // Records a problem and carries on, so one run reports every syntax error in the file.
  void error(int line, const std::string& section, const std::string& key, std::string message);
  Location at(int line) const { return Location{fileName_, line, {}}; }
  // The configuration read, or ConfigError with every issue recorded.
  Config finish();

  // Keys are lower-case so that they map one to one onto KUBECENSUS_<SECTION>_<KEY>.
  static bool isValidKey(std::string_view key);
  // Section names and their parts: "agent", "sink.http", "source.host-2".
  static bool isValidSectionName(std::string_view name);

 private:
  std::string fileName_;
  const Environment& env_;
  Config config_;
  // Points into config_; beginSection() is the only place sections are added, and it resets it.
  ConfigSection* current_ = nullptr;
  bool skipping_ = false;  // inside a section whose header was rejected
  std::vector<ConfigIssue> issues_;
};

}  // namespace kubecensus
