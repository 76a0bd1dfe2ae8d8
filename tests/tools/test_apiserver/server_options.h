// The command line of kubecensus-test-apiserver (see usage() for the text of --help).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "resource_catalog.h"

namespace kctest::apiserver {

struct ServerOptions {
  std::string listenHost = "127.0.0.1";
  unsigned short listenPort = 0;
  std::string tlsCert;
  std::string tlsKey;
  std::string token;
  std::string clientCa;  // optional: client certificates signed by it authenticate too
  std::string versionFile;
  std::vector<std::pair<std::string, std::string>> objects;  // resource key, file
  std::map<std::string, std::uint64_t> generate;             // resource key, count
  std::uint64_t seed = 1;
  std::string canary;
  std::int64_t continueTtlSeconds = 300;
  bool noMetadataLists = false;
  std::set<std::string> forbidden;  // resource keys
  // Fault injection into list answers once failAfterPages pages were served, for at most
  // faultCount answers (then the server is well again).
  enum class Fault { Status500, Garbage, Truncated, Slow };
  std::optional<std::uint64_t> failAfterPages;
  std::string faultResource;  // only lists of this resource key (--fault-on); empty: any
  Fault fault = Fault::Status500;
  std::optional<std::uint64_t> faultCount;
  std::uint64_t faultDelayMillis = 5000;  // Fault::Slow: the wait before the page
  std::string accessLog;

  // Throws std::invalid_argument with a message for the user on a bad command line.
  // `help` is set (and nothing else checked) for --help.
  static ServerOptions parse(const std::vector<std::string>& args, const ResourceCatalog& catalog,
                             bool& help);
  static std::string usage();
};

}  // namespace kctest::apiserver
