#include "kubecensus/config/config.h"

#include <algorithm>

extern char** environ;

namespace kubecensus {

std::string Location::str() const {
  if (line > 0) return file + ":" + std::to_string(line);
  if (!detail.empty()) return file + " (" + detail + ")";
  return file;
}

const ConfigEntry* ConfigSection::find(const std::string& key) const {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const ConfigEntry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

void ConfigSection::set(const std::string& key, std::string value, Location where) {
  for (auto& entry : entries) {
    if (entry.key == key) {
      entry.value = std::move(value);
      entry.where = std::move(where);
      return;
    }
  }
  entries.push_back(ConfigEntry{key, std::move(value), std::move(where)});
}

ConfigSection* Config::find(const std::string& name) {
  auto it = std::find_if(sections_.begin(), sections_.end(), [&](const ConfigSection& s) { return s.name == name; });
  return it == sections_.end() ? nullptr : &*it;
}

const ConfigSection* Config::find(const std::string& name) const {
  return const_cast<Config*>(this)->find(name);
}

ConfigSection& Config::getOrAdd(const std::string& name, const Location& where) {
  if (ConfigSection* existing = find(name)) return *existing;
  sections_.push_back(ConfigSection{name, where, {}});
  return sections_.back();
}

void Config::removeWithPrefix(const std::string& prefix) {
  std::erase_if(sections_, [&](const ConfigSection& s) { return s.name.starts_with(prefix); });
}

void Config::merge(const Config& other) {
  for (const auto& section : other.sections_) {
    ConfigSection& target = getOrAdd(section.name, section.where);
    for (const auto& entry : section.entries) target.set(entry.key, entry.value, entry.where);
  }
}

std::string ConfigIssue::str() const {
  // Issues about the configuration as a whole (a required section nobody wrote) have no file.
  std::string out = where.file.empty() ? std::string() : where.str() + ": ";
  if (!section.empty()) out += "[" + section + "] ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

namespace {

std::string joinIssues(const std::vector<ConfigIssue>& issues) {
  std::string text;
  for (const auto& issue : issues) {
    if (!text.empty()) text += '\n';
    text += issue.str();
  }
  return text.empty() ? "invalid configuration" : text;
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : std::runtime_error(joinIssues(issues)), issues_(std::move(issues)) {}

Environment currentEnvironment() {
  Environment env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    // The first definition wins, as getenv() would return it.
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

}  // namespace kubecensus
