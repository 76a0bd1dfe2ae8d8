#include "kubecensus/plugin/registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <system_error>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "descriptor_check.h"
#include "file_permissions.h"
#include "kubecensus/plugin/options.h"

namespace kubecensus {
namespace fs = std::filesystem;
namespace {

using DescriptorFn = const PluginDescriptor*();

// Boost.DLL wraps dlerror() as "boost::dll::shared_library::load() failed (dlerror system
// message: <dlerror>): <errno text>", and dlerror() itself starts with the file name. The
// refusal already names the file, so keep only what the dynamic loader said about it.
std::string loaderReason(const std::string& what, const std::vector<std::string>& paths) {
  static const std::string kMarker = "(dlerror system message: ";
  std::string reason = what;
  auto begin = what.find(kMarker);
  auto end = what.rfind("): ");
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    reason = what.substr(begin + kMarker.size(), end - begin - kMarker.size());
  }
  for (const std::string& path : paths) {
    if (reason.rfind(path + ": ", 0) == 0) return reason.substr(path.size() + 2);
  }
  return reason;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// URI schemes are case-insensitive (RFC 3986), so "HTTPS://..." finds the "https" sink.
bool hasScheme(const char* schemes, std::string_view scheme) {
  if (schemes == nullptr) return false;
  std::string_view rest = schemes;
  while (true) {
    auto comma = rest.find(',');
    if (equalsIgnoreCase(trim(rest.substr(0, comma)), scheme)) return true;
    if (comma == std::string_view::npos) return false;
    rest.remove_prefix(comma + 1);
  }
}

std::string kindMismatch(const LoadedPlugin& plugin, PluginKind wanted) {
  return std::string("plugin '") + plugin.descriptor->name + "' (" + plugin.path + ") is a " +
         toString(plugin.descriptor->kind) + " plugin, not a " + toString(wanted) + " plugin";
}

// The descriptor checks and the unique-name rule, shared by loadFile() and add().
bool registerPlugin(std::vector<LoadedPlugin>& plugins, std::vector<PluginRefusal>& refusals,
                    LoadedPlugin candidate) {
  if (std::string problem = descriptorProblem(candidate.descriptor); !problem.empty()) {
    refusals.push_back({candidate.path, problem});
    return false;
  }
  std::string_view name = candidate.descriptor->name;
  for (const LoadedPlugin& existing : plugins) {
    if (name == existing.descriptor->name) {
      refusals.push_back({candidate.path, "duplicate plugin name '" + std::string(name) +
                                              "': already loaded from " + existing.path});
      return false;
    }
  }
  plugins.push_back(std::move(candidate));
  return true;
}

}  // namespace

PluginRegistry::PluginRegistry() = default;
PluginRegistry::~PluginRegistry() = default;

void PluginRegistry::loadDirectory(const std::string& dir) {
  if (std::string problem = directoryPermissionProblem(dir); !problem.empty()) {
    refusals_.push_back({dir, "plugin directory " + problem});
    return;
  }
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".so") files.push_back(it->path());
  }
  if (error) {
    refusals_.push_back({dir, "cannot read plugin directory: " + error.message()});
    return;
  }
  // Name order, so which of two same-named plugins wins does not depend on the file system.
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) loadFile(file.string());
}

void PluginRegistry::loadFile(const std::string& path) {
  if (std::string problem = filePermissionProblem(path); !problem.empty()) {
    refusals_.push_back({path, "plugin file " + problem});
    return;
  }
  // The directory the file really lives in, even when reached through a symbolic link.
  std::error_code error;
  fs::path real = fs::canonical(path, error);
  if (error) {
    refusals_.push_back({path, "cannot resolve path: " + error.message()});
    return;
  }
  const std::string dir = real.parent_path().string();
  if (std::string problem = directoryPermissionProblem(dir); !problem.empty()) {
    refusals_.push_back({path, "plugin directory " + dir + " " + problem});
    return;
  }

  auto library = std::make_shared<boost::dll::shared_library>();
  const std::string absolute = fs::absolute(path).string();
  try {
    // Local binding keeps one plugin's symbols from resolving another's; immediate binding
    // reports a missing symbol now, as a refusal, rather than as a crash in the middle of a pass.
    library->load(absolute, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    refusals_.push_back(
        {path, "cannot load shared library: " + loaderReason(e.what(), {absolute, real.string(), path})});
    return;
  }
  if (!library->has(kPluginDescriptorSymbol)) {
    refusals_.push_back(
        {path, std::string("missing symbol ") + kPluginDescriptorSymbol + ": not a kubecensus plugin"});
    return;
  }
  const PluginDescriptor* descriptor = nullptr;
  try {
    descriptor = library->get<DescriptorFn>(kPluginDescriptorSymbol)();
  } catch (...) {
    // The descriptor function only returns a pointer; a throw means a broken plugin.
    refusals_.push_back({path, std::string(kPluginDescriptorSymbol) + "() threw an exception"});
    return;
  }
  if (descriptor == nullptr) {
    refusals_.push_back({path, std::string(kPluginDescriptorSymbol) + "() returned no descriptor (nullptr)"});
    return;
  }
  if (!acceptedKinds_.empty() && descriptorProblem(descriptor).empty() &&
      std::find(acceptedKinds_.begin(), acceptedKinds_.end(), descriptor->kind) == acceptedKinds_.end()) {
    unloaded_.push_back({descriptor->name, path, descriptor->kind});
    return;  // `library` goes with this scope: unloaded
  }
  registerPlugin(plugins_, refusals_, {descriptor, path, std::move(library)});
}

bool PluginRegistry::add(const PluginDescriptor* descriptor, const std::string& origin) {
  return registerPlugin(plugins_, refusals_, {descriptor, origin, nullptr});
}

const LoadedPlugin* PluginRegistry::find(std::string_view name) const {
  for (const LoadedPlugin& plugin : plugins_) {
    if (name == plugin.descriptor->name) return &plugin;
  }
  return nullptr;
}

const LoadedPlugin* PluginRegistry::findByScheme(PluginKind kind, std::string_view scheme) const {
  for (const LoadedPlugin& plugin : plugins_) {
    if (plugin.descriptor->kind == kind && hasScheme(plugin.descriptor->specSchemes, scheme)) {
      return &plugin;
    }
  }
  return nullptr;
}

const LoadedPlugin& PluginRegistry::require(PluginKind kind, std::string_view name) const {
  if (const LoadedPlugin* plugin = find(name)) {
    if (plugin->descriptor->kind != kind) throw PluginError(kindMismatch(*plugin, kind));
    return *plugin;
  }
  for (const Unloaded& plugin : unloaded_)
    if (plugin.name == name)
      throw PluginError(std::string("plugin '") + plugin.name + "' (" + plugin.path + ") is a " +
                        toString(plugin.kind) + " plugin, not a " + toString(kind) + " plugin");
  std::string known;
  for (const LoadedPlugin& plugin : plugins_) {
    if (plugin.descriptor->kind != kind) continue;
    known += (known.empty() ? "" : ", ") + std::string(plugin.descriptor->name);
  }
  const std::string kindName = toString(kind);
  throw PluginError("unknown " + kindName + " plugin '" + std::string(name) + "' (" +
                    (known.empty() ? "no " + kindName + " plugins are loaded"
                                   : "known " + kindName + " plugins: " + known) +
                    ")");
}

void PluginRegistry::checkKind(const LoadedPlugin& plugin, PluginKind kind) const {
  if (plugin.descriptor->kind != kind) throw PluginError(kindMismatch(plugin, kind));
}

Plugin* PluginRegistry::createRaw(const LoadedPlugin& plugin, const Options& options) const {
  std::string error;
  Plugin* object = plugin.descriptor->create(options, &error);
  if (object == nullptr) {
    if (error.empty()) error = "create() returned no instance and gave no reason";
    throw PluginError(std::string("cannot create ") + toString(plugin.descriptor->kind) + " plugin '" +
                      plugin.descriptor->name + "': " + error);
  }
  return object;
}

std::string defaultPluginDirectory() {
  // Next to the core library this code is in (lib/ -> lib/kubecensus/plugins), so a program
  // that embeds the agent finds the plugins installed with it wherever the program lives.
  // Linked into an executable instead (the unit tests), next to the executable's ../lib.
  // (For code in the main program dladdr names argv[0], which may be relative or a bare name
  // found on PATH; only a shared object's name is a path the loader resolved.)
  Dl_info self{};
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (::dladdr(reinterpret_cast<void*>(&defaultPluginDirectory), &self) != 0 && self.dli_fname != nullptr) {
    const fs::path library(self.dli_fname);
    if (library.is_absolute() && library.filename().string().find(".so") != std::string::npos)
      return (fs::weakly_canonical(library, error).parent_path() / "kubecensus" / "plugins").string();
  }
  if (executable.empty()) throw PluginError("cannot find the running executable through /proc/self/exe");
  return (executable.parent_path() / ".." / "lib" / "kubecensus" / "plugins").lexically_normal().string();
}

Options optionsWithDefaults(const PluginDescriptor& descriptor,
                            const std::map<std::string, std::string>& values) {
  std::map<std::string, std::string> all;
  for (std::uint32_t i = 0; i < descriptor.optionCount; ++i)
    if (descriptor.options[i].defaultValue)
      all[descriptor.options[i].name] = descriptor.options[i].defaultValue;
  for (const auto& [key, value] : values) all[key] = value;
  return Options(std::move(all));
}

}  // namespace kubecensus
