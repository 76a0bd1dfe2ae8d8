#include "kubecensus/agent/agent_program.h"

#include <unistd.h>
#include <cstdlib>

#include "kubecensus/report/privacy.h"

namespace kubecensus::agent {

std::string defaultStateDir() {
  if (::geteuid() == 0) return "/var/lib/kubecensus";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/kubecensus";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/state/kubecensus";
  return "./var/agent";
}

std::string stateDirectory(const ValidatedConfig& config) {
  const std::string configured = config.section("agent").getString("state_dir");
  return configured.empty() ? defaultStateDir() : configured;
}

std::string outboxPath(const ValidatedConfig& config) {
  const std::string configured = config.section("outbox").getString("path");
  return configured.empty() ? stateDirectory(config) + "/outbox.db" : configured;
}

ProgramSpec agentProgram() {
  ProgramSpec spec;
  spec.name = "kubecensus-agent";
  spec.usage =
      "Usage: kubecensus-agent run [flags]         collect and deliver a report every period\n"
      "       kubecensus-agent preview [flags]     collect once and print exactly what would be sent\n"
      "       kubecensus-agent rbac-check [flags]  ask the API server which sections the agent may read\n"
      "       kubecensus-agent status              the last pass's health (exit 0 healthy, 1 not)\n"
      "       kubecensus-agent history [--json]    the reports delivered, with each receiver's answer\n"
      "       kubecensus-agent spool list [--json] what the outbox holds (waiting, dead letters) and the "
      "spool\n"
      "       kubecensus-agent spool purge [--report ID]  delete dead letters and exported spooled reports\n"
      "       kubecensus-agent spool export --output FILE [--all]  write spooled reports as a bundle\n"
      "       kubecensus-agent spool import BUNDLE  add a bundle's reports to the spool\n"
      "       kubecensus-agent spool forward [--bundle FILE] --to URL  send spooled (or bundled) reports\n"
      "       (\"volunteer\" is accepted for \"run\", as Spartakus named it)\n\n"
      "Example: kubecensus-agent run --database http://127.0.0.1:8080 --period 1m";
  spec.coreSection = "agent";
  spec.sections = {
      {"agent",
       {
           {"enabled", OptionType::Boolean, "true",
            "false: send nothing at all (so do DO_NOT_TRACK=1 and KUBECENSUS_DISABLED=1 in the environment)",
            0},
           {"level", OptionType::String, "standard",
            "what reports contain (docs/privacy.md): off sends nothing; minimal versions and counts; "
            "standard "
            "adds node groups, histograms and extensions; detailed adds one row per node",
            0, "off,minimal,standard,detailed"},
           {"min_group_size", OptionType::Integer, "3",
            "node groups and histogram buckets with fewer members are merged into \"other\"", 0},
           {"opt_out_configmap", OptionType::String, "kube-system/kubecensus",
            "namespace/name of a ConfigMap the agent reads before each pass: data.disabled = \"true\" stops "
            "all reporting from this cluster (collection and delivery); empty: no such switch",
            0},
           {"cluster_id", OptionType::String, "",
            "cluster identifier sent with each report; empty: a random UUID made once and kept in state_dir",
            0},
           {"period", OptionType::Duration, "24h", "time between reports; 0 sends one report and exits", 0},
           {"jitter_percent", OptionType::Integer, "10",
            "each period is stretched or shrunk by a random amount up to this percentage, so a fleet "
            "started together does not report together",
            0},
           {"state_dir", OptionType::String, "",
            "where the agent keeps its secret salt and generated cluster ID; empty: /var/lib/kubecensus "
            "for root, else $XDG_STATE_HOME/kubecensus or ~/.local/state/kubecensus",
            0},
           {"plugin_dirs", OptionType::List, "", "more directories to load plugins from", 0},
           {"log_level", OptionType::String, "info", "how much to log", 0, "debug,info,warning,error"},
       }}};
  spec.sections.push_back(
      {"kubernetes",
       {
           {"access", OptionType::String, "auto",
            "how to reach the cluster: in-cluster (service account), kubeconfig, none, or auto (in-cluster "
            "inside a pod, else a kubeconfig if one is found, else none)",
            0, "auto,in-cluster,kubeconfig,none"},
           {"kubeconfig", OptionType::String, "",
            "kubeconfig file; empty: $KUBECONFIG (several files, merged as kubectl does), else "
            "~/.kube/config",
            0},
           {"context", OptionType::String, "", "kubeconfig context; empty: its current-context", 0},
           {"timeout", OptionType::Duration, "30s", "connect and read timeout of each API request", 0},
           {"page_size", OptionType::Integer, "500", "objects per LIST page: memory is bounded by one page",
            0},
           {"cluster_id_key", OptionType::Secret, "kubecensus",
            "key of the HMAC that turns the kube-system namespace UID into the default cluster ID, so it is "
            "stable across reinstalls but cannot be joined with the raw UID other tools send",
            0},
       }});
  spec.sections.push_back(
      {"outbox",
       {
           {"path", OptionType::String, "",
            "the SQLite file every report is kept in until each sink has it; empty: outbox.db in state_dir",
            0},
           {"max_reports", OptionType::Integer, "10000",
            "reports kept at most (waiting or dead letters); beyond it the oldest are evicted and the next "
            "report says how many were lost",
            0},
           {"max_bytes", OptionType::Size, "256MiB", "bytes of reports kept at most (oldest evicted first)",
            0},
           {"max_age", OptionType::Duration, "720h", "reports older than this are evicted", 0},
           {"synchronous", OptionType::String, "FULL",
            "SQLite durability: FULL survives a power loss, NORMAL an agent crash", 0, "FULL,NORMAL,EXTRA"},
           {"retry_initial", OptionType::Duration, "30s",
            "longest wait before the first retry of a delivery; each further retry may wait twice as long "
            "(a random wait up to that: full jitter), never less than the collector's Retry-After",
            0},
           {"retry_max", OptionType::Duration, "1h", "longest wait between retries (Retry-After aside)", 0},
       }});
  spec.pluginKinds = {PluginKind::Source, PluginKind::Sink};
  spec.crossChecks = [](const ValidatedConfig& config, std::vector<ConfigIssue>& issues) {
    const std::string level = config.section("agent").getString("level");
    if (level == "detailed" || level == "off") return;
    // Spartakus' record is one row per node: there is nothing to send it without them.
    for (const ConfiguredPlugin& plugin : config.plugins)
      if (plugin.kind == PluginKind::Sink && plugin.options.getString("format", "") == "spartakus-v1")
        issues.push_back(
            {plugin.where, std::string(sectionPrefix(plugin.kind)) + "." + plugin.instance, "format",
             "spartakus-v1 sends one row per node, which needs [agent] level = detailed (it is " + level +
                 ")"});
  };
  spec.flags = {
      {"level", "LEVEL", "privacy level: off, minimal, standard, detailed (agent.level; docs/privacy.md)"},
      {"explain", "", "preview: list each field sent with where it comes from and its level"},
      {"privacy-reference", "", "print every field a report may carry, by level, as Markdown, and exit"},
      {"cluster-id", "ID", "cluster identifier (agent.cluster_id)"},
      {"period", "DURATION", "time between reports, e.g. 24h, 30m (agent.period)"},
      {"once", "", "send one report and exit (same as --period 0)"},
      {"json", "", "spool list, history: one JSON object per line"},
      {"report", "ID", "spool purge: only this report's dead letters"},
      {"spool", "PATH", "spool commands: the spool file (default: the spool sink's path)"},
      {"output", "FILE", "spool export: the bundle to write"},
      {"all", "", "spool export: every spooled report, not only those never exported"},
      {"bundle", "FILE", "spool forward: send this bundle's reports instead of the spool's"},
      {"to", "URL", "spool forward: the collector to send to"},
      {"kubeconfig", "FILE", "kubeconfig to reach the cluster with (kubernetes.kubeconfig)"},
      {"context", "NAME", "kubeconfig context (kubernetes.context)"},
      {"extensions", "PATH",
       "report the key/value pairs of a JSON file or directory of them (source.extensions)"},
      {"database", "SPEC",
       "sink: http(s)://host[:port][/base], stdout, file:PATH; replaces the configured sinks", true},
  };
  return spec;
}

void applyAgentFlags(Startup& startup) {
  const CommandLine& cl = startup.commandLine();
  if (auto id = cl.value("cluster-id")) startup.setFromFlag("agent", "cluster_id", *id, "--cluster-id");
  if (auto period = cl.value("period")) startup.setFromFlag("agent", "period", *period, "--period");
  if (auto level = cl.value("level")) startup.setFromFlag("agent", "level", *level, "--level");
  if (cl.has("once")) startup.setFromFlag("agent", "period", "0", "--once");
  if (auto file = cl.value("kubeconfig")) {
    startup.setFromFlag("kubernetes", "kubeconfig", *file, "--kubeconfig");
    startup.setFromFlag("kubernetes", "access", "kubeconfig", "--kubeconfig");
  }
  if (auto context = cl.value("context")) startup.setFromFlag("kubernetes", "context", *context, "--context");
  if (auto path = cl.value("extensions"))
    startup.setFromFlag("source.extensions", "path", *path, "--extensions");
  if (cl.has("database")) {
    startup.config().removeWithPrefix("sink.");
    for (const auto& spec : cl.values("database"))
      startup.addDestination(PluginKind::Sink, spec, "--database");
    startup.applySetFlags("sink.");  // --set sink.http.token=... refines what --database made
  }
}

std::optional<std::string> reportingDisabled(const Options& agent) {
  for (const char* variable : {"DO_NOT_TRACK", "KUBECENSUS_DISABLED"})
    if (const char* value = std::getenv(variable); value && *value && std::string(value) != "0")
      return std::string(variable) + " is set";
  if (!agent.getBool("enabled")) return "agent.enabled is false";
  if (parsePrivacyLevel(agent.getString("level")) == PrivacyLevel::Off) return "agent.level is off";
  return std::nullopt;
}

}  // namespace kubecensus::agent
