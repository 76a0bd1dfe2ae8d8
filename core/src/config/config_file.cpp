#include "kubecensus/config/config_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kubecensus {
namespace {

[[noreturn]] void fail(const std::string& path, std::string message) {
  throw ConfigError(ConfigIssue{Location{path, 0, {}}, "", "", std::move(message)});
}

}  // namespace

Config loadConfigFile(const std::string& path, const Environment& env) {
  // The format is chosen by extension, not sniffed, so that a YAML file with a syntax error
  // gets a YAML error rather than a confusing INI one.
  std::string extension = std::filesystem::path(path).extension().string();
  bool ini = extension == ".ini" || extension == ".conf";
  bool yaml = extension == ".yaml" || extension == ".yml";
  if (!ini && !yaml) fail(path, "unknown config format (use .ini, .conf, .yaml or .yml)");

  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot read config file: ") + std::strerror(errno));
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) fail(path, std::string("cannot read config file: ") + std::strerror(EISDIR));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, std::string("cannot read config file: ") + std::strerror(errno));
  return ini ? parseIni(text.str(), path, env) : parseYaml(text.str(), path, env);
}

}  // namespace kubecensus
