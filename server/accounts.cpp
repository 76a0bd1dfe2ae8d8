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

constexpr std::size_t kKeyBytes = 32;

// iterations = 0 marks a keyed hash: hash is hex of HMAC-SHA256(key = salt, data = secret).
// Rows with iterations > 0 are PBKDF2, written by older releases. The meaning of the column
// widened rather than the schema changing, so there is no migration to run or to refuse.
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

struct Stored {
  std::string salt, hash;
  std::int64_t iterations = 0;
  bool real = false;  // false: the dummy, which never verifies
};

// What an unknown or disabled ID is compared against: shaped like a real row, so the HMAC and
// the comparison cost the same as for one.
const Stored kDummy{std::string(32, '0'), std::string(64, '0'), 0, false};

Stored lookup(sqlite::Connection& db, const std::string& id) {
  sqlite::Statement query(db.handle(), "SELECT salt, iterations, hash, disabled FROM accounts WHERE id = ?1");
  query.bind(1, id);
  if (!query.step() || query.columnInt(3) != 0) return kDummy;
  return {query.columnText(0), query.columnText(2), query.columnInt(1), true};
}

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

// A keyed-hash row or the dummy: the HMAC and the comparison run before `real` is looked at.
bool matchesKeyed(const Stored& stored, const std::string& secret) {
  const bool same = sameBytes(hmacSha256Hex(stored.salt, secret), stored.hash);
  return stored.real && same;
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
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Statement insert(
      db_->handle(),
      "INSERT INTO accounts (id, salt, iterations, hash, created_at) VALUES (?1, ?2, 0, ?3, ?4) "
      "ON CONFLICT (id) DO NOTHING");
  insert.bind(1, id);
  insert.bind(2, salt);
  insert.bind(3, hmacSha256Hex(salt, secret));
  insert.bind(4, nowMicros());
  insert.step();
  if (db_->changes() == 0) throw std::invalid_argument("account '" + id + "' exists already");
  return secret;
}

std::vector<AccountInfo> Accounts::list() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<AccountInfo> accounts;
  sqlite::Statement query(db_->handle(), "SELECT id, created_at, disabled FROM accounts ORDER BY id");
  while (query.step()) accounts.push_back({query.columnText(0), query.columnInt(1), query.columnInt(2) != 0});
  return accounts;
}

void Accounts::disable(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite::Statement update(db_->handle(), "UPDATE accounts SET disabled = 1 WHERE id = ?1");
  update.bind(1, id);
  update.step();
  if (db_->changes() == 0) throw std::invalid_argument("no account '" + id + "'");
}

bool Accounts::verify(const std::string& id, const std::string& secret) {
  Stored stored;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stored = lookup(*db_, id);
  }
  if (stored.iterations > 0) return verifyLegacy(id, secret);
  return matchesKeyed(stored, secret);
}

bool Accounts::verifyLegacy(const std::string& id, const std::string& secret) {
  std::lock_guard<std::mutex> legacy(legacyMutex_);
  Stored stored;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stored = lookup(*db_, id);  // again: the request we waited for may have rewritten the row
  }
  if (stored.iterations <= 0) return matchesKeyed(stored, secret);
  if (!sameBytes(toHex(pbkdf2(secret, stored.salt, static_cast<int>(stored.iterations))), stored.hash))
    return false;
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    // Only the row that was read: another replica, or `accounts`, may have changed it since.
    sqlite::Statement update(db_->handle(),
                             "UPDATE accounts SET iterations = 0, hash = ?1 "
                             "WHERE id = ?2 AND iterations = ?3 AND hash = ?4");
    update.bind(1, hmacSha256Hex(stored.salt, secret));
    update.bind(2, id);
    update.bind(3, stored.iterations);
    update.bind(4, stored.hash);
    update.step();
  } catch (const sqlite::SqliteError&) {
    // The secret is right whether or not the row could be rewritten (another writer held the
    // file past busy_timeout): the next success tries again.
  }
  return true;
}

}  // namespace kubecensus::server
