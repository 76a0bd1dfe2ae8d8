#include "kubecensus/plugin/options.h"

#include <stdexcept>

#include "kubecensus/util/value_parse.h"

namespace kubecensus {
namespace {

// The validator has checked every value against its type, so a parse failure here means a
// plugin asked for an option with the wrong getter, or Options were built by hand: say which.
[[noreturn]] void throwBadValue(const std::string& name, const std::string& value, const char* what) {
  throw std::invalid_argument("option '" + name + "': \"" + value + "\" is not " + what);
}

}  // namespace

const std::string& Options::getString(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range("option '" + name + "' is not set and has no default");
  return it->second;
}

std::string Options::getString(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::int64_t Options::getInt(const std::string& name) const {
  const std::string& value = getString(name);
  auto parsed = parseInteger(value);
  if (!parsed) throwBadValue(name, value, "an integer");
  return *parsed;
}

bool Options::getBool(const std::string& name) const {
  const std::string& value = getString(name);
  auto parsed = parseBool(value);
  if (!parsed) throwBadValue(name, value, "a boolean");
  return *parsed;
}

std::chrono::milliseconds Options::getDuration(const std::string& name) const {
  const std::string& value = getString(name);
  auto parsed = parseDuration(value);
  if (!parsed) throwBadValue(name, value, "a duration");
  return *parsed;
}

std::uint64_t Options::getSize(const std::string& name) const {
  const std::string& value = getString(name);
  auto parsed = parseSize(value);
  if (!parsed) throwBadValue(name, value, "a size");
  return *parsed;
}

std::vector<std::string> Options::getList(const std::string& name) const {
  // An unset list is an empty list: a List option without a default is naturally optional,
  // and plugins should not need has() before every getList().
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return splitList(it->second);
}

}  // namespace kubecensus
