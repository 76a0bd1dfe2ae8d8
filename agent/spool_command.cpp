#include "spool_command.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include "kubecensus/agent/agent_program.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/outbox/outbox.h"
#include "kubecensus/outbox/spool.h"
#include "kubecensus/plugin/registry.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/bundle.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/command_line.h"
#include "kubecensus/util/progress.h"
#include "kubecensus/util/state_dir.h"

namespace kubecensus::agent {
namespace {

std::string when(std::int64_t micros) {
  return micros > 0 ? formatRfc3339(micros).substr(0, 19) + "Z" : "now";
}

int list(Outbox& outbox, bool json, std::ostream& out) {
  const auto rows = outbox.rows();
  if (json) {
    for (const auto& row : rows)
      out << nlohmann::json{{"reportID", row.reportID},
                            {"sink", row.sink},
                            {"state", row.state},
                            {"attempts", row.attempts},
                            {"createdAt", formatRfc3339(row.createdAt)},
                            {"nextAttemptAt", row.state == "pending" ? nlohmann::json(when(row.nextAttemptAt))
                                                                     : nlohmann::json(nullptr)},
                            {"detail", row.detail}}
                 .dump()
          << "\n";
    return kExitOk;
  }
  std::size_t pending = 0, rejected = 0;
  out << std::left << std::setw(38) << "REPORT" << std::setw(20) << "SINK" << std::setw(10) << "STATE"
      << std::setw(9) << "ATTEMPTS" << std::setw(22) << "CREATED"
      << "NEXT ATTEMPT / DETAIL\n";
  for (const auto& row : rows) {
    (row.state == "pending" ? pending : rejected) += 1;
    out << std::setw(38) << row.reportID << std::setw(20) << row.sink << std::setw(10) << row.state
        << std::setw(9) << row.attempts << std::setw(22) << when(row.createdAt)
        << (row.state == "pending"
                ? when(row.nextAttemptAt) + (row.detail.empty() ? "" : "  last: " + row.detail)
                : row.detail)
        << "\n";
  }
  out << pending << " waiting, " << rejected << " dead letters\n";
  return kExitOk;
}

// --spool, else the configured spool sink's path; empty when neither.
std::string spoolPath(const ValidatedConfig& config, const CommandLine& flags) {
  if (auto path = flags.value("spool")) return *path;
  for (const auto& plugin : config.plugins)
    if (plugin.kind == PluginKind::Sink && plugin.plugin == "spool") return plugin.options.getString("path");
  return {};
}

std::string requireSpoolPath(const ValidatedConfig& config, const CommandLine& flags) {
  std::string path = spoolPath(config, flags);
  if (path.empty())
    throw UsageError("no spool: give --spool PATH or configure a spool sink ([sink.spool] path = ...)");
  return path;
}

constexpr std::uint64_t kMaxBundleInflated = 4ull << 30;

int exportBundle(Spool& spool, const CommandLine& flags, std::ostream& out) {
  const auto output = flags.value("output");
  if (!output) throw UsageError("spool export needs --output FILE");
  const bool all = flags.has("all");
  BundleWriter writer;
  std::vector<std::string> ids;
  spool.forEach(!all, [&](const std::string& id, const std::string& body) {
    writer.add(body);
    ids.push_back(id);
  });
  if (ids.empty()) {
    out << "no reports to export from " << spool.path()
        << (all ? " (the spool is empty)\n" : " (all were exported already; --all exports them again)\n");
    return kExitOk;
  }
  BundleManifest manifest;
  const std::string bytes = writer.finish(formatRfc3339(nowMicros()), &manifest);
  writeFileAtomically(*output, bytes, 0644);
  spool.markExported(ids, nowMicros());
  out << "exported " << ids.size() << " reports to " << *output << " (" << bytes.size() << " bytes, sha256 "
      << manifest.sha256 << ")\n";
  return kExitOk;
}

int importBundle(Spool& spool, const std::vector<std::string>& words, std::ostream& out) {
  if (words.size() != 2) throw UsageError("spool import needs the bundle file: spool import BUNDLE");
  std::vector<std::string> reports;
  try {
    reports = readBundle(readFile(words[1]), kMaxBundleInflated);
  } catch (const BundleError& e) {
    throw std::runtime_error(words[1] + ": " + e.what() + "; nothing imported");
  }
  // Every report is checked before any is kept, and all are kept in one transaction.
  std::vector<std::pair<std::string, std::string>> checked;
  {
    Progress progress("checking " + words[1], reports.size());
    for (auto& body : reports) {
      try {
        checked.emplace_back(fromNativeJson(parseJson(body)).reportID, std::move(body));
      } catch (const ReportError& e) {
        throw std::runtime_error(words[1] + ": report " + std::to_string(checked.size() + 1) + ": " +
                                 e.what() + "; nothing imported");
      }
      progress.advance();
    }
  }
  const std::size_t added = spool.addAll(checked, nowMicros());
  out << "imported " << added << " reports from " << words[1] << " (" << reports.size() - added
      << " were in the spool already)\n";
  return kExitOk;
}

// The configured http sink's options (token, CA, client certificate, proxy, format...) with
// `url` replaced, or the plugin's defaults when none is configured.
Options forwardingOptions(const ValidatedConfig& config, const LoadedPlugin& http, const std::string& url) {
  std::map<std::string, std::string> values{{"url", url}};
  for (const auto& plugin : config.plugins) {
    if (plugin.kind != PluginKind::Sink || plugin.plugin != "http") continue;
    values = plugin.options.values();
    values["url"] = url;
    break;
  }
  return optionsWithDefaults(*http.descriptor, values);
}

int forward(Spool* spool, const ValidatedConfig& config, const PluginRegistry& registry,
            const CommandLine& flags, std::ostream& out) {
  const auto to = flags.value("to");
  if (!to) throw UsageError("spool forward needs --to URL (the collector)");
  std::vector<std::pair<std::string, std::string>> reports;  // id, body
  if (auto bundle = flags.value("bundle")) {
    try {
      for (auto& body : readBundle(readFile(*bundle), kMaxBundleInflated))
        reports.emplace_back(std::string(), std::move(body));
    } catch (const BundleError& e) {
      throw std::runtime_error(*bundle + ": " + e.what() + "; nothing forwarded");
    }
  } else {
    if (spool == nullptr) throw UsageError("spool forward needs a spool (--spool) or --bundle FILE");
    spool->forEach(true,
                   [&](const std::string& id, const std::string& body) { reports.emplace_back(id, body); });
  }
  const LoadedPlugin& http = registry.require(PluginKind::Sink, "http");
  PluginHandle<Sink> sink = registry.create<Sink>(http, forwardingOptions(config, http, *to));
  std::size_t delivered = 0, rejected = 0;
  std::vector<std::string> sent;  // spooled reports the collector took or refused
  auto markSent = [&] {
    if (spool != nullptr && !sent.empty()) spool->markExported(sent, nowMicros());
  };
  Progress progress("forwarding to " + *to, reports.size());
  for (const auto& [id, body] : reports) {
    DeliveryResult result = sink->deliver(fromNativeJson(parseJson(body)));
    if (result.outcome == DeliveryResult::Outcome::RetryLater) {
      markSent();
      out << "stopped after " << delivered << " of " << reports.size() << ": " << result.detail
          << "; run it again to send the rest\n";
      return kExitFailure;
    }
    if (result.outcome == DeliveryResult::Outcome::Rejected) {
      ++rejected;
      out << "rejected: " << result.detail << "\n";
    } else {
      ++delivered;
    }
    if (!id.empty()) sent.push_back(id);
    progress.advance();
  }
  markSent();
  out << "forwarded " << delivered << " reports to " << *to
      << (rejected ? ", " + std::to_string(rejected) + " rejected" : "") << "\n";
  return rejected == 0 ? kExitOk : kExitFailure;
}

}  // namespace

int spoolCommand(const ValidatedConfig& config, const PluginRegistry& registry, const CommandLine& flags,
                 const std::vector<std::string>& words, std::ostream& out, Logger& log) {
  static const std::vector<std::string> kCommands = {"list", "purge", "export", "import", "forward"};
  if (words.empty() || std::find(kCommands.begin(), kCommands.end(), words[0]) == kCommands.end())
    throw UsageError("expected: spool list | purge | export | import | forward (see --help)");
  const std::string& command = words[0];
  if (command != "import" && words.size() != 1) throw UsageError("spool " + command + " takes no arguments");

  if (command == "export") {
    Spool spool(requireSpoolPath(config, flags));
    return exportBundle(spool, flags, out);
  }
  if (command == "import") {
    Spool spool(requireSpoolPath(config, flags));
    return importBundle(spool, words, out);
  }
  if (command == "forward") {
    const std::string path = spoolPath(config, flags);
    std::unique_ptr<Spool> spool;
    if (!path.empty() && !flags.has("bundle")) spool = std::make_unique<Spool>(path);
    return forward(spool.get(), config, registry, flags, out);
  }

  // list and purge: the outbox, and the spool when there is one.
  OutboxSettings settings;
  settings.path = outboxPath(config);
  settings.inspectOnly = true;
  const std::string spoolFile = spoolPath(config, flags);
  std::unique_ptr<Spool> spool;
  if (!spoolFile.empty() && std::filesystem::exists(spoolFile)) spool = std::make_unique<Spool>(spoolFile);
  std::unique_ptr<Outbox> outbox;
  if (std::filesystem::exists(settings.path)) outbox = std::make_unique<Outbox>(settings, log);
  if (command == "list") {
    if (outbox) {
      list(*outbox, flags.has("json"), out);
    } else if (!flags.has("json")) {
      out << "no outbox at " << settings.path << " (nothing was ever kept there)\n";
    }
    if (spool && !flags.has("json")) {
      SpoolStats stats = spool->stats();
      out << "spool " << spool->path() << ": " << stats.reports << " reports (" << stats.exported
          << " exported or forwarded), " << stats.bytes << " bytes\n";
    }
    return kExitOk;
  }
  const std::int64_t purged = outbox ? outbox->purgeRejected(flags.value("report").value_or("")) : 0;
  out << "purged " << purged << " dead letters";
  // --report names one report's dead letters; the spool is left alone then.
  if (spool && !flags.has("report"))
    out << " and " << spool->purge(true) << " exported reports from the spool";
  out << "\n";
  return kExitOk;
}

}  // namespace kubecensus::agent
