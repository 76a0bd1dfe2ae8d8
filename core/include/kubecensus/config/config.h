// The configuration as read: sections of key = value entries, each remembering where it came
// from, so every error can name file, line and key. INI and YAML produce the same structure:
//   INI  [sink.http]\n url = ...          YAML  sink: { http: { url: ... } }
// both give section "sink.http", key "url".
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace kubecensus {

// Where a value came from: a file and line, an environment variable, or a command-line flag.
struct Location {
  std::string file;  // a path, "environment" or "command line"
  int line = 0;      // 0 when not from a file
  std::string detail;  // e.g. the variable or flag name
  std::string str() const;  // "agent.ini:12", "environment (KUBECENSUS_AGENT_PERIOD)", ...
};

struct ConfigEntry {
  std::string key;
  std::string value;  // after ${...} substitution; YAML sequences are joined with ','
  Location where;
};

struct ConfigSection {
  std::string name;
  Location where;
  std::vector<ConfigEntry> entries;  // in file order

  const ConfigEntry* find(const std::string& key) const;
  // Replaces the entry's value and location, or appends a new entry.
  void set(const std::string& key, std::string value, Location where);
};

class Config {
 public:
  std::vector<ConfigSection>& sections() { return sections_; }
  const std::vector<ConfigSection>& sections() const { return sections_; }
  ConfigSection* find(const std::string& name);
  const ConfigSection* find(const std::string& name) const;
  ConfigSection& getOrAdd(const std::string& name, const Location& where);
  // Removes every section whose name starts with prefix (e.g. "sink.").
  void removeWithPrefix(const std::string& prefix);
  // Later sections/entries override earlier ones key by key (files loaded in order).
  void merge(const Config& other);

 private:
  std::vector<ConfigSection> sections_;
};

// One problem with a configuration, as --check-config prints it:
//   agent.ini:12: [sink.http] timeout: "ten" is not a duration (examples: 30s, 5m, 24h)
struct ConfigIssue {
  Location where;
  std::string section;
  std::string key;  // empty when the problem is the section itself
  std::string message;
  std::string str() const;
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues);
  explicit ConfigError(ConfigIssue issue) : ConfigError(std::vector<ConfigIssue>{std::move(issue)}) {}
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

// The process environment as a map, so parsing can be tested without touching the real one.
using Environment = std::map<std::string, std::string>;
Environment currentEnvironment();

}  // namespace kubecensus
