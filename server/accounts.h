// Collector accounts for auth = account (tectonic's accountID/accountSecret): kept in a small
// SQLite file, managed with `kubecensus-collector accounts add|list|disable`. A secret is made
// here, 192 random bits, so it cannot be guessed and needs no slow KDF: it is stored only as a
// keyed hash, HMAC-SHA256 under the account's random salt (iterations = 0 in the table).
// verify() does the same work whatever the ID: one lookup and one HMAC, against a fixed dummy
// when the ID is unknown or disabled, compared in constant time, so its time does not tell
// which IDs exist, and a flood of wrong secrets costs microseconds each, not a PBKDF2.
// Accounts made by releases that stored PBKDF2-HMAC-SHA256 (iterations > 0) still verify; the
// first time one does, its row is rewritten as the keyed hash, so PBKDF2 runs no more for it.
// Until then a legacy account is the exception: each attempt on it runs PBKDF2 (one at a time,
// so a flood of them holds one core, not all).
#pragma once

#include <cstdint>
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
  bool verifyLegacy(const std::string& id, const std::string& secret);

  std::unique_ptr<sqlite::Connection> db_;
  std::mutex mutex_;        // db_: one connection shared by the request threads
  std::mutex legacyMutex_;  // PBKDF2 of a legacy row: one at a time, so it takes one core at most
};

}  // namespace kubecensus::server
