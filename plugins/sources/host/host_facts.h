// Facts about the machine the agent runs on, read the way the kubelet reports them, so a
// plain host and a Kubernetes node are described in the same words.
#pragma once

#include <optional>
#include <string>

namespace kubecensus::host {

struct HostFacts {
  std::string operatingSystem;        // "linux" (lower-cased uname sysname, as GOOS)
  std::string osImage;                // PRETTY_NAME from os-release, e.g. "Debian GNU/Linux 12 (bookworm)"
  std::string kernelVersion;          // uname release
  std::string architecture;           // GOARCH spelling: amd64, arm64, ...
  long cpus = 0;                      // online CPUs
  std::optional<long long> memoryKi;  // MemTotal, KiB
  std::string machineIdentity;        // machine-id (or hostname if none): hashed before it leaves
};

// Reads facts under `root` ("/" normally; "/host" when the host's filesystem is mounted into
// a container). Throws std::runtime_error naming what could not be read.
HostFacts readHostFacts(const std::string& root);

// uname machine -> Go's GOARCH, which is what Kubernetes reports ("x86_64" -> "amd64").
std::string goArchitecture(const std::string& unameMachine);
// PRETTY_NAME (or NAME VERSION) from the text of an os-release file.
std::optional<std::string> osImageFromOsRelease(const std::string& text);
// MemTotal in KiB from the text of /proc/meminfo.
std::optional<long long> memTotalKiFromMeminfo(const std::string& text);

}  // namespace kubecensus::host
