// The plugin ABI: what a plugin shared library exports and what the loader checks.
//
// A plugin exports exactly one symbol, kubecensus_plugin_descriptor (see KUBECENSUS_PLUGIN),
// returning a pointer to a static PluginDescriptor. The first four fields of the descriptor
// are frozen for every ABI version so that any loader can read them and explain a mismatch.
//
// Version rule: a plugin loads when its abiMajor equals the host's and its abiMinor is not
// newer than the host's (minors only add fields at the end; structSize tells which).
// The build fingerprint must match too, because the C++ interfaces behind create() (std::string,
// the Report model, nlohmann::json) are only compatible when compiler and libraries are.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>  // only for NLOHMANN_JSON_VERSION_* in the fingerprint

namespace kubecensus {

inline constexpr std::uint32_t kPluginAbiMajor = 3;  // 3: Storage statistics (aggregates, clusterSpans)
inline constexpr std::uint32_t kPluginAbiMinor = 0;
inline constexpr const char* kPluginDescriptorSymbol = "kubecensus_plugin_descriptor";

enum class PluginKind : std::uint32_t { Source = 1, Sink = 2, Storage = 3 };

const char* toString(PluginKind kind);

enum class OptionType : std::uint32_t {
  String = 1,
  Secret = 2,    // a string that is never logged and is masked by --print-config
  Integer = 3,
  Boolean = 4,   // true/false, yes/no, on/off, 1/0
  Duration = 5,  // 90s, 30m, 24h, 1h30m; a bare number is seconds
  Size = 6,      // bytes: 512, 64KiB, 1MiB, 1GiB
  Path = 7,
  List = 8,      // comma-separated in INI, a sequence in YAML
};

const char* toString(OptionType type);

enum OptionFlags : std::uint32_t {
  kOptionRequired = 1u << 0,
};

// One option a plugin accepts. All strings are static, owned by the plugin library.
struct OptionSpec {
  const char* name;
  OptionType type;
  const char* defaultValue;  // nullptr: no default
  const char* description;
  std::uint32_t flags;
  const char* choices = nullptr;  // String options: comma-separated allowed values (any case)
};

enum PluginFlags : std::uint32_t {
  kPluginEnabledByDefault = 1u << 0,  // used when the config names no plugin of its kind
  // A source that reads the Kubernetes API. Among the default sources, these run when the
  // agent has cluster access and the others (host) when it has none.
  kPluginNeedsKubernetes = 1u << 1,
};

class Plugin;
class Options;

// Creates an instance from validated options. Must not throw: on failure it returns nullptr
// and stores a message in *error. The caller owns the returned object and destroys it before
// the library is unloaded.
using PluginCreateFn = Plugin* (*)(const Options& options, std::string* error) noexcept;

struct PluginDescriptor {
  // --- frozen for every ABI version ---
  std::uint32_t abiMajor;
  std::uint32_t abiMinor;
  std::uint32_t structSize;       // sizeof(PluginDescriptor) as the plugin was compiled
  const char* buildFingerprint;   // kubecensus::buildFingerprint() of the SDK it was built with
  // --- ABI 1.0 ---
  PluginKind kind;
  const char* name;               // unique among loaded plugins: [a-z0-9-]+
  const char* description;        // one line
  std::uint32_t flags;            // PluginFlags
  const OptionSpec* options;      // static array of optionCount entries
  std::uint32_t optionCount;
  // Destination spec schemes (sinks and storage), e.g. "http,https" or "sqlite"; nullptr if none.
  // A spec "scheme://..." is given whole to specOption; "scheme:rest" gives it "rest".
  const char* specSchemes;
  const char* specOption;
  PluginCreateFn create;
  // Sources: the Kubernetes API access they need, "verb resource[.group]" items separated by
  // ';', e.g. "list nodes;get namespaces;list deployments.apps". `rbac-check` asks the API
  // server about each; the shipped RBAC manifests grant exactly these. nullptr: none.
  const char* kubernetesAccess = nullptr;
};

// The fingerprint the host was built with (KUBECENSUS_BUILD_FINGERPRINT as compiled into core).
const char* buildFingerprint();

}  // namespace kubecensus

#define KUBECENSUS_STRINGIFY_(x) #x
#define KUBECENSUS_STRINGIFY(x) KUBECENSUS_STRINGIFY_(x)
#if defined(__clang__)
#define KUBECENSUS_COMPILER_ID "clang-" KUBECENSUS_STRINGIFY(__clang_major__)
#else
#define KUBECENSUS_COMPILER_ID "gcc-" KUBECENSUS_STRINGIFY(__GNUC__)
#endif
// Compiler, C++ library ABI and the versions of the libraries whose types appear in the
// plugin interfaces. Expanded in the plugin's own translation unit, so it says how the
// plugin was built; the loader compares it with the host's.
#define KUBECENSUS_BUILD_FINGERPRINT                                                   \
  KUBECENSUS_COMPILER_ID " libstdc++-" KUBECENSUS_STRINGIFY(_GLIBCXX_RELEASE)          \
  " cxx11abi-" KUBECENSUS_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)                             \
  " nlohmann-json-" KUBECENSUS_STRINGIFY(NLOHMANN_JSON_VERSION_MAJOR) "."               \
  KUBECENSUS_STRINGIFY(NLOHMANN_JSON_VERSION_MINOR)

#define KUBECENSUS_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Defines the exported descriptor function of a plugin. Use once per plugin library:
//   KUBECENSUS_PLUGIN(descriptor)   where `descriptor` is a static PluginDescriptor.
#define KUBECENSUS_PLUGIN(descriptor)                                                    \
  KUBECENSUS_PLUGIN_EXPORT const ::kubecensus::PluginDescriptor* kubecensus_plugin_descriptor() { \
    return &(descriptor);                                                                \
  }
