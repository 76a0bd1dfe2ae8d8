#include "accounts.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <regex>
#include <stdexcept>

#include "kubecensus/report/time.h"
#include "kubecensus/sqlite/database.h"
#include "kubecensus/util/hmac.h"

namespace kubecensus::server {
namespace {

constexpr int kIterations = 100000;
constexpr std::size_t kKeyBytes = 32;

const std::vector<const char*> kMigrations = {
    R"sql(
    CREATE TABLE accounts (
      id          TEXT PRIMARY KEY,
      salt        TEXT NOT NULL,          -- hex of 16 random bytes, used as the salt as it is
      iterations  INTEGER NOT NULL,
      hash        TEXT NOT NULL,          -- hex of PBKDF2-HMAC-SHA256(secret, salt, iterations)
      created_at  INTEGER NOT NULL,
      disabled    INTEGER NOT NULL DEFAULT 0
    );
    )sql",
};

std::string toHex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

std::string pbkdf2(const std::string& secret, const std::string& salt, int iterations) {
  std::string key(kKeyBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(kKeyBytes),
                        reinterpret_cast<unsigned char*>(key.data())) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return key;
}

bool sameBytes(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Accounts::Accounts(const std::string& path) : db_(std::make_unique<sqlite::Connection>(path)) {
  db_->migrate(kMigrations, "collector");
}

Accounts::~Accounts() = default;

std::string Accounts::add(const std::string& id) {
  static const std::regex kValid("[A-Za-z0-9._-]{1,128}");
  if (!std::regex_match(id, kValid))
    throw std::invalid_argument("account ID '" + id + "' must be 1 to 128 of A-Z a-z 0-9 . _ -");
  const std::string secret = randomHex(24);
  const std::string salt = randomHex(16);
  sqlite::Statement insert(
      db_->handle(),
      "INSERT INTO accounts (id, salt, iterations, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (id) DO NOTHING");
  insert.bind(1, id);
  insert.bind(2, salt);
  insert.bind(3, static_cast<std::int64_t>(kIterations));
  insert.bind(4, toHex(pbkdf2(secret, salt, kIterations)));
  insert.bind(5, nowMicros());
  insert.step();
  if (db_->changes() == 0) throw std::invalid_argument("account '" + id + "' exists already");
  return secret;
}

std::vector<AccountInfo> Accounts::list() {
  std::vector<AccountInfo> accounts;
  sqlite::Statement query(db_->handle(), "SELECT id, created_at, disabled FROM accounts ORDER BY id");
  while (query.step()) accounts.push_back({query.columnText(0), query.columnInt(1), query.columnInt(2) != 0});
  return accounts;
}

void Accounts::disable(const std::string& id) {
  sqlite::Statement update(db_->handle(), "UPDATE accounts SET disabled = 1 WHERE id = ?1");
  update.bind(1, id);
  update.step();
  if (db_->changes() == 0) throw std::invalid_argument("no account '" + id + "'");
}

bool Accounts::verify(const std::string& id, const std::string& secret) {
  const std::string digest = sha256Hex(secret);
  std::string salt, hash;
  int iterations = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sqlite::Statement query(db_->handle(),
                            "SELECT salt, iterations, hash, disabled FROM accounts WHERE id = ?1");
    query.bind(1, id);
    if (!query.step() || query.columnInt(3) != 0) {
      verified_.erase(id);
      return false;
    }
    if (auto known = verified_.find(id); known != verified_.end()) return sameBytes(known->second, digest);
    salt = query.columnText(0);
    iterations = static_cast<int>(query.columnInt(1));
    hash = query.columnText(2);
  }
  // PBKDF2 outside the lock: a wrong secret for one account does not hold up the others.
  const bool ok = sameBytes(toHex(pbkdf2(secret, salt, iterations)), hash);
  if (ok) {
    std::lock_guard<std::mutex> lock(mutex_);
    verified_[id] = digest;
  }
  return ok;
}

}  // namespace kubecensus::server
