#include "descriptor_check.h"

#include <cstddef>
#include <cstring>
#include <set>
#include <string_view>

namespace kubecensus {
namespace {

// The size of a descriptor of this major ABI, minor 0: the end of its last field. Spelled as an offset rather
// than sizeof so it stays right when later minors append fields.
constexpr std::size_t kMinorZeroDescriptorSize =
    offsetof(PluginDescriptor, kubernetesAccess) + sizeof(const char*);

std::string version(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool validName(std::string_view name) {
  if (name.empty()) return false;
  auto lowerOrDigit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lowerOrDigit(name.front())) return false;
  for (char c : name) {
    if (!lowerOrDigit(c) && c != '-') return false;
  }
  return true;
}

bool validOptionType(OptionType type) {
  auto value = static_cast<std::uint32_t>(type);
  return value >= static_cast<std::uint32_t>(OptionType::String) &&
         value <= static_cast<std::uint32_t>(OptionType::List);
}

bool validKind(PluginKind kind) {
  return kind == PluginKind::Source || kind == PluginKind::Sink || kind == PluginKind::Storage;
}

std::string versionProblem(const PluginDescriptor& d) {
  const std::string host = version(kPluginAbiMajor, kPluginAbiMinor);
  const std::string plugin = version(d.abiMajor, d.abiMinor);
  if (d.abiMajor != kPluginAbiMajor) {
    return "plugin ABI " + plugin + " is not supported by this host (ABI " + host +
           "): rebuild the plugin against this kubecensus SDK";
  }
  if (d.abiMinor > kPluginAbiMinor) {
    return "plugin ABI " + plugin + " is newer than this host supports (ABI " + host +
           "): upgrade kubecensus or rebuild the plugin against this kubecensus SDK";
  }
  if (d.structSize < kMinorZeroDescriptorSize) {
    return "descriptor size " + std::to_string(d.structSize) +
           " is smaller than an ABI " + std::to_string(kPluginAbiMajor) + ".0 descriptor (" + std::to_string(kMinorZeroDescriptorSize) +
           " bytes): the plugin is damaged or was not built with the SDK";
  }
  if (d.buildFingerprint == nullptr) {
    return "descriptor has no build fingerprint: rebuild the plugin against this kubecensus SDK";
  }
  if (std::strcmp(d.buildFingerprint, buildFingerprint()) != 0) {
    return std::string("plugin was built as '") + d.buildFingerprint + "' but this host as '" +
           buildFingerprint() + "': rebuild the plugin with the same compiler and library versions";
  }
  return {};
}

std::string optionsProblem(const PluginDescriptor& d) {
  const std::string plugin = std::string("plugin '") + d.name + "'";
  if (d.optionCount > 0 && d.options == nullptr) {
    return plugin + " declares " + std::to_string(d.optionCount) +
           " options but has no option table";
  }
  std::set<std::string_view> seen;
  for (std::uint32_t i = 0; i < d.optionCount; ++i) {
    const OptionSpec& option = d.options[i];
    if (option.name == nullptr || *option.name == '\0') {
      return "option " + std::to_string(i + 1) + " of " + plugin + " has no name";
    }
    if (!seen.insert(option.name).second) {
      return plugin + " declares option '" + option.name + "' twice";
    }
    if (!validOptionType(option.type)) {
      return std::string("option '") + option.name + "' of " + plugin + " has invalid type " +
             std::to_string(static_cast<std::uint32_t>(option.type));
    }
  }
  return {};
}

}  // namespace

std::string descriptorProblem(const PluginDescriptor* descriptor) {
  if (descriptor == nullptr) return "no descriptor (nullptr)";
  const PluginDescriptor& d = *descriptor;
  if (std::string problem = versionProblem(d); !problem.empty()) return problem;

  if (!validKind(d.kind)) {
    return "invalid plugin kind " + std::to_string(static_cast<std::uint32_t>(d.kind)) +
           " (expected source, sink or storage)";
  }
  if (d.name == nullptr || *d.name == '\0') return "plugin has no name";
  if (!validName(d.name)) {
    return std::string("invalid plugin name '") + d.name +
           "': use lowercase letters, digits and '-', starting with a letter or digit";
  }
  if (d.create == nullptr) return std::string("plugin '") + d.name + "' has no create function";
  return optionsProblem(d);
}

}  // namespace kubecensus
