// How many connections the collector holds at once, in all and per client (client_key.h), so
// that neither idle keep-alive pools nor one address can take every slot. A slot is held for a
// connection's life and given back when it closes.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kubecensus::server {

class ConnectionLimits {
 public:
  ConnectionLimits(std::size_t total, std::size_t perClient) : total_(total), perClient_(perClient) {}

  enum class Admission { Admitted, TooManyInAll, TooManyFromClient };
  // `key`: clientKey() of the peer; empty for a peer exempt from the per-client bound (a
  // trusted proxy, which carries many clients).
  Admission acquire(const std::string& key);
  void release(const std::string& key);
  std::size_t open() const;
  std::size_t openFrom(const std::string& key) const;

 private:
  const std::size_t total_, perClient_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> byClient_;
};

}  // namespace kubecensus::server
