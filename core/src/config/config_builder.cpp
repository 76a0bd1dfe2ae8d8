#include "config_builder.h"

#include "kubecensus/config/config_file.h"

namespace kubecensus {

void ConfigBuilder::beginSection(const std::string& name, int line) {
  if (!isValidSectionName(name)) {
    error(line, name, "",
          "invalid section name (use lower-case letters, digits, '_' and '-', with '.' between "
          "kind and instance, e.g. [agent] or [sink.http])");
    skipSection();
    return;
  }
  skipping_ = false;
  current_ = &config_.getOrAdd(name, at(line));
}

const std::string& ConfigBuilder::currentSection() const {
  static const std::string kNone;
  return current_ ? current_->name : kNone;
}

void ConfigBuilder::addEntry(const std::string& key, std::string_view rawValue, int line) {
  if (!acceptKey(key, line)) return;
  if (auto value = expand(rawValue, line, key)) store(key, std::move(*value), line);
}

bool ConfigBuilder::acceptKey(const std::string& key, int line) {
  if (!current_) {
    if (!skipping_) error(line, "", key, "entry outside of any section (start with a header such as [agent])");
    return false;
  }
  if (!isValidKey(key)) {
    error(line, current_->name, key, "invalid key (use lower-case letters, digits and '_')");
    return false;
  }
  if (const ConfigEntry* first = current_->find(key)) {
    error(line, current_->name, key, "duplicate key (first set at " + first->where.str() + ")");
    return false;
  }
  return true;
}

std::optional<std::string> ConfigBuilder::expand(std::string_view rawValue, int line, const std::string& key) {
  try {
    return substitute(rawValue, at(line), currentSection(), key, env_);
  } catch (const ConfigError& e) {
    issues_.insert(issues_.end(), e.issues().begin(), e.issues().end());
    return std::nullopt;
  }
}

void ConfigBuilder::store(const std::string& key, std::string value, int line) {
  current_->entries.push_back(ConfigEntry{key, std::move(value), at(line)});
}

void ConfigBuilder::error(int line, const std::string& section, const std::string& key, std::string message) {
  issues_.push_back(ConfigIssue{at(line), section, key, std::move(message)});
}

Config ConfigBuilder::finish() {
  if (!issues_.empty()) throw ConfigError(std::move(issues_));
  current_ = nullptr;
  return std::move(config_);
}

bool ConfigBuilder::isValidKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool ConfigBuilder::isValidSectionName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char previous = 0;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

}  // namespace kubecensus
