#include "host_facts.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <sys/utsname.h>
#include <unistd.h>

namespace kubecensus::host {
namespace {

std::optional<std::string> readText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

std::string joinRoot(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + path;
}

}  // namespace

std::string goArchitecture(const std::string& m) {
  static const std::map<std::string, std::string> names{
      {"x86_64", "amd64"},    {"amd64", "amd64"}, {"aarch64", "arm64"},   {"arm64", "arm64"},
      {"armv7l", "arm"},      {"armv6l", "arm"},  {"i386", "386"},        {"i686", "386"},
      {"ppc64le", "ppc64le"}, {"s390x", "s390x"}, {"riscv64", "riscv64"}, {"loongarch64", "loong64"}};
  auto it = names.find(m);
  return it == names.end() ? m : it->second;
}

std::optional<std::string> osImageFromOsRelease(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos || line[0] == '#') continue;
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    fields[trim(line.substr(0, eq))] = value;
  }
  if (!fields["PRETTY_NAME"].empty()) return fields["PRETTY_NAME"];
  if (!fields["NAME"].empty()) return trim(fields["NAME"] + " " + fields["VERSION"]);
  return std::nullopt;
}

std::optional<long long> memTotalKiFromMeminfo(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("MemTotal:", 0) != 0) continue;
    std::istringstream fields(line.substr(9));
    long long kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB" && kib > 0) return kib;
    return std::nullopt;
  }
  return std::nullopt;
}

HostFacts readHostFacts(const std::string& root) {
  HostFacts facts;
  utsname u{};
  if (uname(&u) != 0) throw std::runtime_error("uname failed");
  facts.operatingSystem = u.sysname;
  for (auto& c : facts.operatingSystem) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  facts.kernelVersion = u.release;
  facts.architecture = goArchitecture(u.machine);
  facts.cpus = sysconf(_SC_NPROCESSORS_ONLN);

  std::optional<std::string> osRelease = readText(joinRoot(root, "/etc/os-release"));
  if (!osRelease) osRelease = readText(joinRoot(root, "/usr/lib/os-release"));
  if (!osRelease)
    throw std::runtime_error("cannot read " + joinRoot(root, "/etc/os-release") + " or /usr/lib/os-release");
  auto image = osImageFromOsRelease(*osRelease);
  if (!image) throw std::runtime_error("os-release has neither PRETTY_NAME nor NAME");
  facts.osImage = *image;

  if (auto meminfo = readText(joinRoot(root, "/proc/meminfo")))
    facts.memoryKi = memTotalKiFromMeminfo(*meminfo);

  for (const char* path : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    if (auto id = readText(joinRoot(root, path)); id && !trim(*id).empty()) {
      facts.machineIdentity = "machine-id:" + trim(*id);
      break;
    }
  }
  if (facts.machineIdentity.empty()) facts.machineIdentity = std::string("hostname:") + u.nodename;
  return facts;
}

}  // namespace kubecensus::host
