// Collector accounts for auth = account (tectonic's accountID/accountSecret): kept in a small
// SQLite file, each secret only as a salted PBKDF2-HMAC-SHA256 hash, compared in constant
// time. Managed with `kubecensus-collector accounts add|list|disable`. A secret that verified
// once is remembered (as its SHA-256) for the process's life, so PBKDF2 does not run per request.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubecensus::sqlite {
class Connection;
}

namespace kubecensus::server {

struct AccountInfo {
  std::string id;
  std::int64_t createdAt = 0;  // µs since the epoch
  bool disabled = false;
};

class Accounts {
 public:
  explicit Accounts(const std::string& path);
  ~Accounts();

  // Creates the account and returns its secret (shown once, never stored). Throws
  // std::invalid_argument if the ID exists or is not [A-Za-z0-9._-]{1,128}.
  std::string add(const std::string& id);
  std::vector<AccountInfo> list();
  // Throws std::invalid_argument for an unknown ID.
  void disable(const std::string& id);
  // True when the account exists, is enabled and the secret is its own.
  bool verify(const std::string& id, const std::string& secret);

 private:
  std::unique_ptr<sqlite::Connection> db_;
  std::mutex mutex_;
  std::map<std::string, std::string> verified_;  // id -> SHA-256 of the secret that verified
};

}  // namespace kubecensus::server
