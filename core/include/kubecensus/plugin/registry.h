// Finds, checks and loads plugin libraries, and creates plugin instances.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/plugin.h"

namespace kubecensus {

class Options;

struct LoadedPlugin {
  const PluginDescriptor* descriptor = nullptr;
  std::string path;
  std::shared_ptr<void> library;  // keeps the shared library loaded
};

// A plugin file the loader would not load, and why.
struct PluginRefusal {
  std::string path;
  std::string reason;
  std::string str() const { return path + ": " + reason; }
};

class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An instance together with the library it came from; the object is destroyed first.
template <class T>
class PluginHandle {
 public:
  PluginHandle() = default;
  PluginHandle(std::shared_ptr<void> library, std::unique_ptr<T> object)
      : library_(std::move(library)), object_(std::move(object)) {}
  T* operator->() const { return object_.get(); }
  T& operator*() const { return *object_; }
  T* get() const { return object_.get(); }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  std::shared_ptr<void> library_;  // declared first: destroyed after object_
  std::unique_ptr<T> object_;
};

class PluginRegistry {
 public:
  PluginRegistry();
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Loads every "*.so" in the directory, in name order. Problems do not throw: each refused
  // file (or the directory itself) is recorded in refusals(). Refused for: a directory or file
  // writable by group or others, or not owned by root or the current user; no descriptor
  // symbol; an ABI major that differs or a minor newer than the host's; a structSize too
  // small; a different build fingerprint; an invalid kind or name; a name already loaded.
  void loadDirectory(const std::string& dir);
  // Before loading: plugins of other kinds are checked like any other, then unloaded and only
  // remembered by name (the agent does not keep the collector's storage plugins, and the
  // libraries they pull in, in memory).
  void acceptOnly(std::vector<PluginKind> kinds) { acceptedKinds_ = std::move(kinds); }
  // Loads one file with the same checks.
  void loadFile(const std::string& path);
  // Registers a descriptor linked into the program itself (embedding, tests), with the same
  // descriptor checks; `origin` stands in for the path in messages. Returns false if refused.
  bool add(const PluginDescriptor* descriptor, const std::string& origin);

  const std::vector<PluginRefusal>& refusals() const { return refusals_; }
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }

  const LoadedPlugin* find(std::string_view name) const;
  // The plugin of this kind whose specSchemes contain `scheme`, or nullptr.
  const LoadedPlugin* findByScheme(PluginKind kind, std::string_view scheme) const;
  // The named plugin, which must be of the given kind. Throws PluginError: "unknown <kind>
  // plugin 'x' (known: a, b)" or "plugin 'x' (path) is a sink plugin, not a source".
  const LoadedPlugin& require(PluginKind kind, std::string_view name) const;

  // Creates an instance through the descriptor's create(). T is Source, Sink or Storage and
  // must match the plugin's kind (checked: the cast is static, because typeinfo is not
  // shared across hidden-visibility plugin libraries). Throws PluginError with the plugin's
  // message if create() fails.
  template <class T>
  PluginHandle<T> create(const LoadedPlugin& plugin, const Options& options) const {
    checkKind(plugin, T::kKind);
    Plugin* object = createRaw(plugin, options);
    return PluginHandle<T>(plugin.library, std::unique_ptr<T>(static_cast<T*>(object)));
  }

 private:
  void checkKind(const LoadedPlugin& plugin, PluginKind kind) const;
  Plugin* createRaw(const LoadedPlugin& plugin, const Options& options) const;

  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginRefusal> refusals_;
  std::vector<PluginKind> acceptedKinds_;  // empty: every kind
  struct Unloaded {
    std::string name;
    std::string path;
    PluginKind kind;
  };
  std::vector<Unloaded> unloaded_;  // valid plugins of kinds not accepted
};

// <directory of libkubecensus-core>/kubecensus/plugins — right for the build tree (build/lib),
// an installed tree (prefix/lib) and a program embedding the agent alike; when the core is
// linked into an executable, <its directory>/../lib/kubecensus/plugins.
std::string defaultPluginDirectory();

// Options for creating a plugin outside a configuration file: the descriptor's defaults,
// overridden by `values`.
Options optionsWithDefaults(const PluginDescriptor& descriptor,
                            const std::map<std::string, std::string>& values);

}  // namespace kubecensus
