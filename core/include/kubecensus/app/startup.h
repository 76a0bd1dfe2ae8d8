// What both executables do before their real work: parse the common flags, load plugins,
// assemble the configuration (files, then environment, then flags), validate it, and answer
// --help, --version, --list-plugins, --check-config and --print-config.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kubecensus/config/config.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/plugin/registry.h"
#include "kubecensus/util/command_line.h"

namespace kubecensus {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // runtime failure
inline constexpr int kExitUsage = 2;    // bad usage or configuration

// Location::file of the sections Startup adds for default plugins.
inline constexpr const char* kDefaultsOrigin = "default";

struct ProgramSpec {
  std::string name;                     // "kubecensus-agent"
  std::string usage;                    // first lines of --help
  std::string coreSection;              // "agent" / "collector": holds plugin_dirs, log_level
  std::vector<SectionSchema> sections;  // the program's own sections
  std::vector<PluginKind> pluginKinds;  // plugin sections it accepts
  std::vector<FlagSpec> flags;          // its own flags, added to the common ones
  // Rules between options (of several sections) that the option tables cannot say; run on a
  // configuration whose options are each valid. Problems are reported like any other.
  std::function<void(const ValidatedConfig&, std::vector<ConfigIssue>&)> crossChecks;
};

// The flags every program has: --config, --plugin-dir, --set, --log-level, --list-plugins,
// --check-config, --print-config, --version, --help.
std::vector<FlagSpec> commonFlags();

// The configuration after files, environment overrides and --set flags, before validation.
// The program maps its own flags onto it (e.g. --period) and then calls finish().
class Startup {
 public:
  // Throws UsageError for bad flags; ConfigError for unreadable or malformed files.
  Startup(ProgramSpec spec, const std::vector<std::string>& args);

  const CommandLine& commandLine() const { return commandLine_; }
  Config& config() { return config_; }
  PluginRegistry& registry() { return *registry_; }
  const ProgramSpec& spec() const { return spec_; }

  // Sets [section] key from a flag, recorded as coming from the command line.
  void setFromFlag(const std::string& section, const std::string& key, const std::string& value,
                   const std::string& flag);
  // Turns a destination spec ("http://host:8080", "stdout", "sqlite:./var/k.db") into a
  // plugin section of the given kind, found by the plugins' declared schemes.
  // Throws UsageError naming the spec if no plugin of that kind handles its scheme.
  void addDestination(PluginKind kind, const std::string& spec, const std::string& flag);
  // Applies the --set flags for sections starting with `sectionPrefix` (again: after a flag
  // such as --database replaced those sections, its --set values still count).
  void applySetFlags(const std::string& sectionPrefix = "");

  // Handles --help/--version/--list-plugins/--check-config/--print-config, or validates for
  // a real run. Returns an exit code to stop with, or -1 to go on with validated().
  int finish();
  const ValidatedConfig& validated() const { return validated_; }

 private:
  void loadPlugins();
  // For each plugin kind with no section in the configuration, adds a section for every
  // plugin of that kind flagged kPluginEnabledByDefault (the agent's host source, the
  // collector's sqlite storage).
  void addDefaultPlugins();
  std::string listPlugins() const;
  std::vector<const LoadedPlugin*> pluginsOfKind(PluginKind kind) const;  // sorted by name
  // Markdown: the program's own sections and every plugin's options (docs/configuration.md).
  std::string configReference() const;

  ProgramSpec spec_;
  CommandLine commandLine_;
  Config config_;
  std::unique_ptr<PluginRegistry> registry_;
  ValidatedConfig validated_;
};

// Runs a program's main body, turning what escapes it into a message on stderr and an exit
// code: usage, configuration and plugin errors exit 2, anything else 1.
int runMain(const std::string& program, const std::function<int()>& body);

// Parses "host:port" / "[v6]:port" / ":port"; throws UsageError naming the text.
struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};
ListenAddress parseListenAddress(const std::string& text);

}  // namespace kubecensus
