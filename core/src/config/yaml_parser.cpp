// YAML with the same sections and keys as INI:
//   agent:                      [agent]
//     period: 1m                period = 1m
//   sink:
//     http:                     [sink.http]
//       url: https://...        url = https://...
//       headers: [a, b]         headers = a,b
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "config_builder.h"
#include "kubecensus/config/config_file.h"

namespace kubecensus {
namespace {

// Groups of plugin instances. A key of these is always a group, so that `sink: {stdout: }`
// (an instance with every option at its default) is not mistaken for a section [sink].
constexpr std::array<std::string_view, 3> kPluginGroups{"source", "sink", "storage"};

int lineOf(const YAML::Node& node) { return node.Mark().line + 1; }

const char* describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Scalar: return "a value";
    case YAML::NodeType::Null: return "empty";
    case YAML::NodeType::Undefined: break;
  }
  return "undefined";
}

class YamlReader {
 public:
  explicit YamlReader(ConfigBuilder& builder) : builder_(builder) {}

  void readDocument(const YAML::Node& root) {
    if (root.IsNull()) return;  // an empty file is an empty configuration
    if (!root.IsMap()) {
      builder_.error(lineOf(root), "", "", std::string("the top level must be a mapping of sections, not ") +
                                               describe(root));
      return;
    }
    for (const auto& item : root) {
      std::string name;
      if (!keyName(item.first, "", name)) continue;
      readTopLevel(name, item.first, item.second);
    }
  }

 private:
  bool keyName(const YAML::Node& key, const std::string& section, std::string& name) {
    if (!key.IsScalar()) {
      builder_.error(lineOf(key), section, "", "keys must be plain names");
      return false;
    }
    name = key.Scalar();
    return true;
  }

  void readTopLevel(const std::string& name, const YAML::Node& key, const YAML::Node& value) {
    if (!value.IsMap()) {
      builder_.error(lineOf(key), name, "",
                     std::string("a top-level key must be a section (a mapping such as '") + name +
                         ": {key: value}'), not " + describe(value));
      return;
    }
    bool group = std::find(kPluginGroups.begin(), kPluginGroups.end(), name) != kPluginGroups.end();
    for (const auto& item : value) group = group || item.second.IsMap();
    if (!group) {
      readSection(name, key, value);
      return;
    }
    for (const auto& item : value) {
      std::string instance;
      if (!keyName(item.first, name, instance)) continue;
      std::string section = name + "." + instance;
      if (item.second.IsNull()) {
        builder_.beginSection(section, lineOf(item.first));
      } else if (item.second.IsMap()) {
        readSection(section, item.first, item.second);
      } else {
        builder_.error(lineOf(item.first), name, instance,
                       std::string("expected the options of [") + section + "] as a mapping (" + name + ": {" +
                           instance + ": {key: value}}), not " + describe(item.second));
      }
    }
  }

  void readSection(const std::string& section, const YAML::Node& key, const YAML::Node& body) {
    builder_.beginSection(section, lineOf(key));
    if (!builder_.inSection()) return;
    for (const auto& item : body) {
      std::string name;
      if (!keyName(item.first, section, name)) continue;
      readEntry(section, name, lineOf(item.first), item.second);
    }
  }

  void readEntry(const std::string& section, const std::string& key, int line, const YAML::Node& value) {
    if (value.IsMap()) {
      builder_.error(line, section, key, "nested too deep: a value must be a scalar or a list of scalars");
      return;
    }
    if (!builder_.acceptKey(key, line)) return;
    if (!value.IsSequence()) {
      std::string raw = value.IsScalar() ? value.Scalar() : std::string();
      if (auto expanded = builder_.expand(raw, line, key)) builder_.store(key, std::move(*expanded), line);
      return;
    }
    // A List option is comma-separated underneath, so each item is expanded on its own and
    // the items joined.
    std::string joined;
    bool ok = true;
    bool first = true;
    for (const auto& item : value) {
      int itemLine = lineOf(item);
      if (item.IsMap() || item.IsSequence()) {
        builder_.error(itemLine, section, key, "list items must be scalars");
        ok = false;
        continue;
      }
      std::string raw = item.IsScalar() ? item.Scalar() : std::string();
      if (raw.find(',') != std::string::npos) {
        builder_.error(itemLine, section, key, "list items cannot contain ',' (lists are comma-separated)");
        ok = false;
        continue;
      }
      auto expanded = builder_.expand(raw, itemLine, key);
      if (!expanded) {
        ok = false;
        continue;
      }
      if (!first) joined += ',';
      joined += *expanded;
      first = false;
    }
    if (ok) builder_.store(key, std::move(joined), line);
  }

  ConfigBuilder& builder_;
};

}  // namespace

Config parseYaml(std::string_view text, const std::string& fileName, const Environment& env) {
  ConfigBuilder builder(fileName, env);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    builder.error(e.mark.line + 1, "", "", "YAML syntax error: " + e.msg);
    return builder.finish();
  }
  YamlReader(builder).readDocument(root);
  return builder.finish();
}

}  // namespace kubecensus
