#include "kubecensus/app/startup.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include <Poco/Exception.h>

#include "kubecensus/config/config_file.h"
#include "kubecensus/util/value_parse.h"
#include "kubecensus/version.h"

namespace kubecensus {
namespace {

Location commandLineLocation(const std::string& flag) {
  return Location{"command line", 0, flag};
}

// Every (section, keys) pair an environment override may target: the program's own sections
// and the plugin sections present in the config (their keys from the plugin's descriptor).
std::vector<std::pair<std::string, std::vector<std::string>>> knownKeys(const ProgramSpec& spec,
                                                                        const Config& config,
                                                                        const PluginRegistry& registry) {
  std::vector<std::pair<std::string, std::vector<std::string>>> known;
  for (const auto& section : spec.sections) {
    std::vector<std::string> keys;
    for (const auto& option : section.options) keys.emplace_back(option.name);
    known.emplace_back(section.name, keys);
  }
  for (const auto& section : config.sections()) {
    auto dot = section.name.find('.');
    if (dot == std::string::npos) continue;
    std::vector<std::string> keys{"type", "enabled"};
    const ConfigEntry* type = section.find("type");
    const LoadedPlugin* plugin = registry.find(type ? type->value : section.name.substr(dot + 1));
    if (plugin) {
      for (std::uint32_t i = 0; i < plugin->descriptor->optionCount; ++i)
        keys.emplace_back(plugin->descriptor->options[i].name);
    }
    known.emplace_back(section.name, keys);
  }
  return known;
}

void printIssues(const std::vector<ConfigIssue>& issues) {
  for (const auto& issue : issues) std::cerr << issue.str() << '\n';
}

}  // namespace

std::vector<FlagSpec> commonFlags() {
  return {
      {"config", "FILE", "configuration file (.ini or .yaml); later files override earlier", true},
      {"plugin-dir", "DIR", "also load plugins from DIR", true},
      {"set", "SECTION.KEY=VALUE", "set one configuration value, e.g. --set agent.period=1h", true},
      {"log-level", "LEVEL", "debug, info, warning or error"},
      {"list-plugins", "", "print every plugin found, with its options, and exit"},
      {"config-reference", "", "print every configuration section and option as Markdown, and exit"},
      {"check-config", "", "validate the configuration, print each problem, exit 2 if any"},
      {"print-config", "", "print the effective configuration (secrets masked) and exit"},
      {"version", "", "print the version and exit"},
      {"help", "", "print this help and exit"},
  };
}

Startup::Startup(ProgramSpec spec, const std::vector<std::string>& args)
    : spec_(std::move(spec)),
      commandLine_(args,
                   [&] {
                     auto flags = commonFlags();
                     flags.insert(flags.end(), spec_.flags.begin(), spec_.flags.end());
                     return flags;
                   }()),
      registry_(std::make_unique<PluginRegistry>()) {
  if (commandLine_.has("help") || commandLine_.has("version")) return;
  Environment env = currentEnvironment();
  for (const auto& path : commandLine_.values("config")) config_.merge(loadConfigFile(path, env));
  loadPlugins();
  addDefaultPlugins();
  for (const auto& name : applyEnvironmentOverrides(config_, env, knownKeys(spec_, config_, *registry_)))
    std::cerr << spec_.name << ": warning: environment variable " << name
              << " matches no configuration key; ignored\n";
  applySetFlags();
  if (auto level = commandLine_.value("log-level"))
    setFromFlag(spec_.coreSection, "log_level", *level, "--log-level");
}

void Startup::applySetFlags(const std::string& sectionPrefix) {
  for (const auto& assignment : commandLine_.values("set")) {
    auto eq = assignment.find('=');
    auto dot = assignment.rfind('.', eq);
    if (eq == std::string::npos || dot == std::string::npos || dot == 0)
      throw UsageError("--set expects SECTION.KEY=VALUE, got '" + assignment + "'");
    const std::string section = assignment.substr(0, dot);
    if (section.rfind(sectionPrefix, 0) != 0) continue;
    setFromFlag(section, assignment.substr(dot + 1, eq - dot - 1), assignment.substr(eq + 1),
                "--set " + assignment.substr(0, eq));
  }
}

void Startup::loadPlugins() {
  registry_->acceptOnly(spec_.pluginKinds);
  std::vector<std::string> dirs{defaultPluginDirectory()};
  if (const ConfigSection* core = config_.find(spec_.coreSection)) {
    if (const ConfigEntry* extra = core->find("plugin_dirs"))
      for (const auto& dir : splitList(extra->value)) dirs.push_back(dir);
  }
  for (const auto& dir : commandLine_.values("plugin-dir")) dirs.push_back(dir);
  for (const auto& dir : dirs) registry_->loadDirectory(dir);
}

void Startup::addDefaultPlugins() {
  for (PluginKind kind : spec_.pluginKinds) {
    std::string prefix = std::string(sectionPrefix(kind)) + ".";
    bool configured = false;
    for (const auto& section : config_.sections()) configured |= section.name.rfind(prefix, 0) == 0;
    if (configured) continue;
    for (const auto& plugin : registry_->plugins()) {
      const PluginDescriptor& d = *plugin.descriptor;
      if (d.kind == kind && (d.flags & kPluginEnabledByDefault))
        config_.getOrAdd(prefix + d.name, Location{kDefaultsOrigin, 0, {}});
    }
  }
}

void Startup::setFromFlag(const std::string& section, const std::string& key, const std::string& value,
                          const std::string& flag) {
  config_.getOrAdd(section, commandLineLocation(flag)).set(key, value, commandLineLocation(flag));
}

void Startup::addDestination(PluginKind kind, const std::string& spec, const std::string& flag) {
  auto colon = spec.find(':');
  std::string scheme = spec.substr(0, colon);
  const LoadedPlugin* plugin = registry_->findByScheme(kind, scheme);
  if (!plugin) {
    std::string known;
    for (const auto& p : registry_->plugins())
      if (p.descriptor->kind == kind && p.descriptor->specSchemes)
        known += std::string(known.empty() ? "" : ", ") + p.descriptor->specSchemes;
    throw UsageError(flag + " " + spec + ": no " + toString(kind) + " plugin handles '" + scheme +
                     "' (known: " + known + ")");
  }
  std::string base = std::string(sectionPrefix(kind)) + "." + plugin->descriptor->name;
  std::string section = base;
  for (int n = 2; config_.find(section); ++n) section = base + "-" + std::to_string(n);
  setFromFlag(section, "type", plugin->descriptor->name, flag);
  if (plugin->descriptor->specOption && colon != std::string::npos) {
    bool urlLike = spec.compare(colon, 3, "://") == 0;
    setFromFlag(section, plugin->descriptor->specOption, urlLike ? spec : spec.substr(colon + 1), flag);
  }
}

int Startup::finish() {
  if (commandLine_.has("help")) {
    auto flags = spec_.flags;
    auto common = commonFlags();
    flags.insert(flags.end(), common.begin(), common.end());
    std::cout << spec_.usage << "\nFlags:\n"
              << CommandLine::help(flags)
              << "\nExit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.\n";
    return kExitOk;
  }
  if (commandLine_.has("version")) {
    std::cout << spec_.name << " " << kVersion << " (plugin ABI " << kPluginAbiMajor << "." << kPluginAbiMinor
              << ", " << buildFingerprint() << ")\n";
    return kExitOk;
  }
  for (const auto& refusal : registry_->refusals())
    std::cerr << spec_.name << ": plugin refused: " << refusal.str() << '\n';
  if (commandLine_.has("config-reference")) {
    std::cout << configReference();
    return registry_->refusals().empty() ? kExitOk : kExitUsage;
  }
  if (commandLine_.has("list-plugins")) {
    std::cout << listPlugins();
    return registry_->refusals().empty() ? kExitOk : kExitUsage;
  }
  std::vector<ConfigIssue> issues;
  validated_ = validateConfig(config_, spec_.sections, spec_.pluginKinds, *registry_, issues);
  if (issues.empty() && spec_.crossChecks) spec_.crossChecks(validated_, issues);
  if (commandLine_.has("print-config") && issues.empty()) {
    std::cout << printConfig(config_, validated_, spec_.sections);
    return registry_->refusals().empty() ? kExitOk : kExitUsage;
  }
  printIssues(issues);
  bool ok = issues.empty() && registry_->refusals().empty();
  if (commandLine_.has("check-config") || commandLine_.has("print-config")) {
    if (ok) std::cout << "configuration ok\n";
    return ok ? kExitOk : kExitUsage;
  }
  return ok ? -1 : kExitUsage;
}

std::vector<const LoadedPlugin*> Startup::pluginsOfKind(PluginKind kind) const {
  std::vector<const LoadedPlugin*> plugins;
  for (const auto& p : registry_->plugins())
    if (p.descriptor->kind == kind) plugins.push_back(&p);
  std::sort(plugins.begin(), plugins.end(),
            [](auto* a, auto* b) { return std::string(a->descriptor->name) < b->descriptor->name; });
  return plugins;
}

std::string Startup::listPlugins() const {
  std::ostringstream out;
  for (PluginKind kind : spec_.pluginKinds) {
    std::vector<const LoadedPlugin*> plugins = pluginsOfKind(kind);
    out << toString(kind) << " plugins:\n";
    if (plugins.empty()) out << "  (none)\n";
    for (const auto* p : plugins) {
      const PluginDescriptor& d = *p->descriptor;
      out << "  " << d.name << " — " << d.description << "\n";
      if (d.specSchemes) out << "    destination schemes: " << d.specSchemes << "\n";
      out << "    file: " << p->path << "\n";
      for (std::uint32_t i = 0; i < d.optionCount; ++i) {
        const OptionSpec& o = d.options[i];
        out << "    " << o.name << " (" << toString(o.type);
        if (o.flags & kOptionRequired) out << ", required";
        if (o.defaultValue && *o.defaultValue) out << ", default " << o.defaultValue;
        out << "): " << o.description;
        if (o.choices) out << " (one of: " << o.choices << ")";
        out << "\n";
      }
    }
    out << "\n";
  }
  return out.str();
}

int runMain(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    for (const auto& issue : e.issues()) std::cerr << issue.str() << "\n";
    return kExitUsage;
  } catch (const PluginError& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const Poco::Exception& e) {
    std::cerr << program << ": " << e.displayText() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

namespace {

void optionTable(std::ostringstream& out, const OptionSpec* options, std::size_t count) {
  out << "| key | type | default | description |\n|---|---|---|---|\n";
  for (std::size_t i = 0; i < count; ++i) {
    const OptionSpec& o = options[i];
    std::string def = (o.flags & kOptionRequired)           ? "*required*"
                      : (o.defaultValue && *o.defaultValue) ? "`" + std::string(o.defaultValue) + "`"
                                                            : "";
    out << "| `" << o.name << "` | " << toString(o.type) << " | " << def << " | " << o.description;
    if (o.choices) out << " (one of: " << o.choices << ")";
    out << " |\n";
  }
  out << "\n";
}

}  // namespace

std::string Startup::configReference() const {
  std::ostringstream out;
  out << "## " << spec_.name << "\n\n";
  for (const auto& section : spec_.sections) {
    out << "### [" << section.name << "]\n\n";
    optionTable(out, section.options.data(), section.options.size());
  }
  out << "Every plugin section below also takes `type` (the plugin to run; default: the section's "
         "name, so `[sink.backup]` with `type = http` is a second http sink) and `enabled` "
         "(default `true`).\n\n";
  for (PluginKind kind : spec_.pluginKinds) {
    for (const auto* p : pluginsOfKind(kind)) {
      const PluginDescriptor& d = *p->descriptor;
      out << "### [" << sectionPrefix(kind) << "." << d.name << "] — " << toString(kind) << " plugin `"
          << d.name << "`\n\n"
          << (d.description ? d.description : "") << ".";
      if (d.specSchemes) out << " Destination schemes: `" << d.specSchemes << "`.";
      out << "\n\n";
      optionTable(out, d.options, d.optionCount);
    }
  }
  return out.str();
}

ListenAddress parseListenAddress(const std::string& text) {
  ListenAddress address;
  std::string portText;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw UsageError("listen address '" + text + "': expected [IPv6]:PORT");
    address.host = text.substr(1, close - 1);
    portText = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw UsageError("listen address '" + text + "': expected HOST:PORT");
    address.host = text.substr(0, colon);
    portText = text.substr(colon + 1);
  }
  if (address.host.empty()) address.host = "0.0.0.0";
  auto port = parseInteger(portText);
  if (!port || *port < 0 || *port > 65535)
    throw UsageError("listen address '" + text + "': port must be 0..65535");
  address.port = static_cast<unsigned short>(*port);
  return address;
}

}  // namespace kubecensus
