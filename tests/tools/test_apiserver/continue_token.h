// The opaque `continue` value of a paginated list. Like kube-apiserver's (base64url of a small
// JSON document), it records where the next page starts and the resourceVersion of the list's
// snapshot, plus when that snapshot was taken (the first page), which is what --continue-ttl
// compares against: a real server answers 410 Expired once etcd compacted the snapshot away.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kctest::apiserver {

struct ContinueToken {
  std::string resource;  // key, e.g. "pods"
  std::string ns;        // "" for all namespaces
  std::uint64_t position = 0;
  std::uint64_t resourceVersion = 0;
  std::int64_t snapshotMillis = 0;  // Unix time of the first page, in milliseconds

  std::string encode() const;
  // nullopt if `text` is not a token this server made.
  static std::optional<ContinueToken> decode(const std::string& text);
};

}  // namespace kctest::apiserver
