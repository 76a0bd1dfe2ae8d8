// Checks a Config against option tables, the way Fluent Bit's config_map does: the same
// table that documents an option rejects unknown keys, checks types and supplies defaults.
#include "kubecensus/config/validate.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "closest_match.h"
#include "kubecensus/plugin/registry.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus {
namespace {

// Keys every plugin section has besides the plugin's own options.
constexpr const char* kTypeKey = "type";
constexpr const char* kEnabledKey = "enabled";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates,
                       const std::string& prefix = "", const std::string& suffix = "") {
  auto match = closestMatch(word, candidates);
  return match ? "; did you mean '" + prefix + *match + suffix + "'?" : "";
}

// Why `value` is not one of the option's choices (compared ignoring case), or "".
std::string choiceProblem(const OptionSpec& spec, const std::string& value) {
  if (!spec.choices) return "";
  auto lower = [](std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::vector<std::string> choices = splitList(spec.choices);
  for (const auto& choice : choices)
    if (lower(choice) == lower(value)) return "";
  return "\"" + value + "\" is not one of: " + join(choices);
}

// Why `value` does not fit the option's type, or "" if it does. Never quotes a Secret (and
// accepts anything for it, so that no secret reaches an error message).
std::string typeProblem(const OptionSpec& spec, const std::string& value) {
  std::string quoted = "\"" + value + "\"";
  switch (spec.type) {
    case OptionType::Integer:
      return parseInteger(value) ? "" : quoted + " is not an integer";
    case OptionType::Boolean:
      return parseBool(value) ? "" : quoted + " is not a boolean (use true/false, yes/no, on/off, 1/0)";
    case OptionType::Duration:
      return parseDuration(value) ? "" : quoted + " is not a duration (examples: 30s, 5m, 24h, 1h30m)";
    case OptionType::Size:
      return parseSize(value) ? "" : quoted + " is not a size (examples: 512, 64KiB, 1MiB, 10MB)";
    case OptionType::Path:
      return value.empty() ? "a path must not be empty" : "";
    case OptionType::String:
      return choiceProblem(spec, value);
    case OptionType::Secret:
    case OptionType::List:
      return "";
  }
  return "";
}

class Validator {
 public:
  Validator(const std::vector<SectionSchema>& core, const std::vector<PluginKind>& pluginKinds,
            const PluginRegistry& registry, std::vector<ConfigIssue>& issues)
      : core_(core), pluginKinds_(pluginKinds), registry_(registry), issues_(issues) {}

  ValidatedConfig run(const Config& config) {
    ValidatedConfig result;
    for (const auto& schema : core_) {
      const ConfigSection* section = config.find(schema.name);
      Location where = section ? section->where : Location{};
      result.sections.emplace_back(schema.name, checkOptions(schema.name, where, section, schema.options.data(),
                                                             schema.options.size(), {}));
    }
    for (const auto& section : config.sections()) {
      if (std::any_of(core_.begin(), core_.end(), [&](const SectionSchema& s) { return s.name == section.name; })) {
        continue;
      }
      auto dot = section.name.find('.');
      std::string prefix = section.name.substr(0, dot);
      const PluginKind* kind = acceptedKind(prefix);
      if (kind && dot != std::string::npos && dot + 1 < section.name.size()) {
        auto plugin = checkPlugin(section, *kind, section.name.substr(dot + 1));
        if (plugin) result.plugins.push_back(std::move(*plugin));
      } else {
        unknownSection(section, kind != nullptr);
      }
    }
    return result;
  }

 private:
  void issue(const Location& where, const std::string& section, const std::string& key, std::string message) {
    issues_.push_back(ConfigIssue{where, section, key, std::move(message)});
  }

  const PluginKind* acceptedKind(const std::string& prefix) const {
    auto it = std::find_if(pluginKinds_.begin(), pluginKinds_.end(),
                           [&](PluginKind kind) { return prefix == sectionPrefix(kind); });
    return it == pluginKinds_.end() ? nullptr : &*it;
  }

  // Checks a section's entries against an option table and returns the options with
  // defaults filled in. `extraKeys` are allowed and handled by the caller (type, enabled).
  Options checkOptions(const std::string& name, const Location& sectionWhere, const ConfigSection* section,
                       const OptionSpec* specs, std::size_t specCount, const std::vector<std::string>& extraKeys) {
    std::vector<std::string> known;
    for (std::size_t i = 0; i < specCount; ++i) known.emplace_back(specs[i].name);
    known.insert(known.end(), extraKeys.begin(), extraKeys.end());

    Options options;
    if (section) {
      for (const auto& entry : section->entries) {
        if (std::find(extraKeys.begin(), extraKeys.end(), entry.key) != extraKeys.end()) continue;
        const OptionSpec* spec = std::find_if(specs, specs + specCount, [&](const OptionSpec& s) {
          return entry.key == s.name;
        });
        if (spec == specs + specCount) {
          std::string knownText = known.empty() ? "this section has no options" : "known keys: " + join(known);
          issue(entry.where, name, entry.key,
                "unknown key '" + entry.key + "' (" + knownText + ")" + didYouMean(entry.key, known));
          continue;
        }
        if (std::string problem = typeProblem(*spec, entry.value); !problem.empty()) {
          issue(entry.where, name, entry.key, problem);
          continue;
        }
        if ((spec->flags & kOptionRequired) && entry.value.empty()) {
          issue(entry.where, name, entry.key, "required option is empty");
          continue;
        }
        options.set(entry.key, entry.value);
      }
    }
    for (std::size_t i = 0; i < specCount; ++i) {
      const OptionSpec& spec = specs[i];
      if (section && section->find(spec.name)) continue;
      if (spec.defaultValue) {
        options.set(spec.name, spec.defaultValue);
      } else if (spec.flags & kOptionRequired) {
        std::string description = spec.description && *spec.description ? std::string(" (") + spec.description + ")" : "";
        issue(sectionWhere, name, spec.name, "missing required option '" + std::string(spec.name) + "'" + description);
      }
    }
    return options;
  }

  std::optional<ConfiguredPlugin> checkPlugin(const ConfigSection& section, PluginKind kind,
                                              const std::string& instance) {
    const ConfigEntry* typeEntry = section.find(kTypeKey);
    const ConfigEntry* enabledEntry = section.find(kEnabledKey);
    std::string pluginName = typeEntry ? typeEntry->value : instance;
    const Location& typeWhere = typeEntry ? typeEntry->where : section.where;
    std::string typeKey = typeEntry ? kTypeKey : "";

    bool enabled = true;
    if (enabledEntry) {
      if (auto parsed = parseBool(enabledEntry->value)) {
        enabled = *parsed;
      } else {
        issue(enabledEntry->where, section.name, kEnabledKey,
              "\"" + enabledEntry->value + "\" is not a boolean (use true/false, yes/no, on/off, 1/0)");
      }
    }

    std::string kindName = sectionPrefix(kind);
    const LoadedPlugin* loaded = registry_.find(pluginName);
    if (!loaded) {
      std::vector<std::string> sameKind;
      for (const auto& p : registry_.plugins()) {
        if (p.descriptor->kind == kind) sameKind.emplace_back(p.descriptor->name);
      }
      std::string known = sameKind.empty() ? "no " + kindName + " plugins are loaded"
                                           : "known " + kindName + " plugins: " + join(sameKind);
      std::string hint = typeEntry ? "" : "; `type` names the plugin, by default the instance name";
      issue(typeWhere, section.name, typeKey,
            "unknown " + kindName + " plugin '" + pluginName + "' (" + known + hint + ")" +
                didYouMean(pluginName, sameKind));
      return std::nullopt;
    }
    const PluginDescriptor* descriptor = loaded->descriptor;
    if (descriptor->kind != kind) {
      issue(typeWhere, section.name, typeKey,
            "plugin '" + pluginName + "' is a " + sectionPrefix(descriptor->kind) + " plugin, not a " + kindName +
                " plugin");
      return std::nullopt;
    }

    ConfiguredPlugin plugin;
    plugin.kind = kind;
    plugin.instance = instance;
    plugin.plugin = pluginName;
    plugin.descriptor = descriptor;
    plugin.where = section.where;
    plugin.options = checkOptions(section.name, section.where, &section, descriptor->options,
                                  descriptor->options ? descriptor->optionCount : 0, {kTypeKey, kEnabledKey});
    // Validated all the same, so that turning an instance back on does not reveal old mistakes.
    if (!enabled) return std::nullopt;
    return plugin;
  }

  void unknownSection(const ConfigSection& section, bool acceptedPrefix) {
    std::vector<std::string> known;
    std::vector<std::string> sectionNames;
    for (const auto& schema : core_) {
      known.push_back(schema.name);
      sectionNames.push_back(schema.name);
    }
    std::vector<std::string> prefixes;
    for (PluginKind kind : pluginKinds_) {
      known.push_back(std::string(sectionPrefix(kind)) + ".<name>");
      prefixes.emplace_back(sectionPrefix(kind));
    }
    std::string message = "unknown section [" + section.name + "]";
    auto dot = section.name.find('.');
    std::string prefix = section.name.substr(0, dot);
    std::string rest = dot == std::string::npos ? "" : section.name.substr(dot);
    bool pluginKind = prefix == "source" || prefix == "sink" || prefix == "storage";
    if (acceptedPrefix) {
      message += ": a " + prefix + " section needs an instance name, e.g. [" + prefix + ".<name>]";
    } else if (pluginKind) {
      message += ": this program takes no " + prefix + " plugins";
    }
    message += " (known: " + join(known) + ")";
    if (!acceptedPrefix && !pluginKind) {
      if (dot == std::string::npos) {
        message += didYouMean(section.name, sectionNames, "[", "]");
      } else if (auto match = closestMatch(prefix, prefixes)) {
        message += "; did you mean '[" + *match + rest + "]'?";
      }
    }
    issue(section.where, section.name, "", message);
  }

  const std::vector<SectionSchema>& core_;
  const std::vector<PluginKind>& pluginKinds_;
  const PluginRegistry& registry_;
  std::vector<ConfigIssue>& issues_;
};

}  // namespace

const Options& ValidatedConfig::section(const std::string& name) const {
  for (const auto& [sectionName, options] : sections) {
    if (sectionName == name) return options;
  }
  throw std::out_of_range("no configuration section [" + name + "]");
}

const char* sectionPrefix(PluginKind kind) {
  switch (kind) {
    case PluginKind::Source: return "source";
    case PluginKind::Sink: return "sink";
    case PluginKind::Storage: return "storage";
  }
  return "invalid";
}

ValidatedConfig validateConfig(const Config& config, const std::vector<SectionSchema>& core,
                               const std::vector<PluginKind>& pluginKinds, const PluginRegistry& registry,
                               std::vector<ConfigIssue>& issues) {
  return Validator(core, pluginKinds, registry, issues).run(config);
}

}  // namespace kubecensus
