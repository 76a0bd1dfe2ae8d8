#include "exec_credential.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>
#include <system_error>

#include "kubecensus/kube/kube_client.h"
#include "kubecensus/util/json_value.h"
#include "subprocess.h"

extern char** environ;

namespace kubecensus::kube {
namespace {

using json = nlohmann::json;

std::string trimmed(std::string text, std::size_t max = 2000) {
  auto end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  text.erase(0, std::min(text.find_first_not_of(" \t\r\n"), text.size()));
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

// RFC 3339 as Go writes it: 2024-05-01T12:00:00Z, with optional fractions and a numeric offset.
// (Poco's DateTimeParser is too lenient: it accepts "tomorrow".)
std::chrono::system_clock::time_point parseRfc3339(const std::string& text) {
  auto invalid = [&] {
    return std::runtime_error("status.expirationTimestamp \"" + text + "\" is not an RFC 3339 time");
  };
  auto digits = [&](std::size_t at, std::size_t count) {
    if (at + count > text.size()) throw invalid();
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) throw invalid();
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto expect = [&](std::size_t at, const char* chars) {
    if (at >= text.size() || !std::strchr(chars, text[at])) throw invalid();
  };
  std::tm tm{};
  tm.tm_year = digits(0, 4) - 1900;
  expect(4, "-");
  tm.tm_mon = digits(5, 2) - 1;
  expect(7, "-");
  tm.tm_mday = digits(8, 2);
  expect(10, "Tt ");
  tm.tm_hour = digits(11, 2);
  expect(13, ":");
  tm.tm_min = digits(14, 2);
  expect(16, ":");
  tm.tm_sec = digits(17, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    throw invalid();
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == start) throw invalid();
  }
  long offset = 0;
  expect(at, "Zz+-");
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else {
    int sign = text[at] == '-' ? -1 : 1;
    int hours = digits(at + 1, 2);
    expect(at + 3, ":");
    int minutes = digits(at + 4, 2);
    offset = sign * (hours * 3600L + minutes * 60L);
    at += 6;
  }
  if (at != text.size()) throw invalid();
  // system_clock counts nanoseconds: only about 1678 to 2262 can be represented (a year 4052
  // overflowed here; found by the exec_credential fuzz target).
  const std::int64_t seconds = static_cast<std::int64_t>(::timegm(&tm)) - offset;
  constexpr std::int64_t kLimit =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max()).count();
  if (seconds >= kLimit || seconds <= -kLimit)
    throw std::runtime_error("status.expirationTimestamp \"" + text + "\" is out of range");
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

std::string stringField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw std::runtime_error(std::string("status.") + name + " is not a string");
  return it->get<std::string>();
}

std::vector<std::string> environmentFor(const ExecConfig& config) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : config.env) env[name] = value;
  json info = {
      {"apiVersion", config.apiVersion}, {"kind", "ExecCredential"}, {"spec", {{"interactive", false}}}};
  env["KUBERNETES_EXEC_INFO"] = info.dump();
  std::vector<std::string> result;
  for (const auto& [name, value] : env) result.push_back(name + "=" + value);
  return result;
}

}  // namespace

ExecCredential parseExecCredential(const std::string& output, const std::string& expectedApiVersion) {
  json doc = json::parse(output, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw std::runtime_error("its output is not a JSON object");
  const std::string kind = stringOr(doc, "kind");
  if (kind != "ExecCredential")
    throw std::runtime_error("its output has kind \"" + kind + "\", not ExecCredential");
  const std::string apiVersion = stringOr(doc, "apiVersion");
  if (apiVersion != expectedApiVersion)
    throw std::runtime_error("it returned apiVersion \"" + apiVersion + "\" but is configured for \"" +
                             expectedApiVersion + "\"");
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_object()) throw std::runtime_error("its output has no status");

  ExecCredential credential;
  credential.token = stringField(*status, "token");
  credential.clientCertificatePem = stringField(*status, "clientCertificateData");
  credential.clientKeyPem = stringField(*status, "clientKeyData");
  if (credential.clientCertificatePem.empty() != credential.clientKeyPem.empty())
    throw std::runtime_error("status has only one of clientCertificateData and clientKeyData");
  if (credential.token.empty() && credential.clientCertificatePem.empty())
    throw std::runtime_error("status has neither a token nor clientCertificateData and clientKeyData");
  std::string expiry = stringField(*status, "expirationTimestamp");
  if (!expiry.empty()) credential.expiry = parseRfc3339(expiry);
  return credential;
}

ExecCredentialPlugin::ExecCredentialPlugin(ExecConfig config, std::string origin,
                                           std::chrono::milliseconds timeout)
    : config_(std::move(config)), origin_(std::move(origin)), timeout_(timeout) {}

const ExecCredential& ExecCredentialPlugin::get() {
  if (cached_ && cached_->expiry && std::chrono::system_clock::now() + kRefreshEarly >= *cached_->expiry)
    cached_.reset();
  if (!cached_) cached_ = run();
  return *cached_;
}

ExecCredential ExecCredentialPlugin::run() const {
  std::string what = "exec credential plugin \"" + config_.command + "\" of " + origin_;
  std::vector<std::string> argv{config_.command};
  argv.insert(argv.end(), config_.args.begin(), config_.args.end());
  ProcessResult result;
  try {
    result = runProcess(argv, environmentFor(config_), timeout_);
  } catch (const std::system_error& e) {
    std::string hint = config_.installHint.empty() ? "" : "\n" + trimmed(config_.installHint);
    throw KubeError(0, what + " could not be started: " + e.code().message() + hint);
  }
  if (result.timedOut)
    throw KubeError(0, what + " did not finish within " + std::to_string(timeout_.count()) + " ms" +
                           (result.err.empty() ? "" : ": " + trimmed(result.err)));
  if (result.exitStatus != 0)
    throw KubeError(0, what + " failed (exit status " + std::to_string(result.exitStatus) + ")" +
                           (result.err.empty() ? "" : ": " + trimmed(result.err)));
  try {
    return parseExecCredential(result.out, config_.apiVersion);
  } catch (const std::exception& e) {
    throw KubeError(0, what + " printed an unusable ExecCredential: " + e.what() +
                           (result.err.empty() ? "" : " (stderr: " + trimmed(result.err) + ")"));
  }
}

}  // namespace kubecensus::kube
