#include "accounts.h"

#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "kubecensus/sqlite/database.h"
#include "kubecensus/util/hmac.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using namespace kubecensus::server;

namespace {

struct Row {
  std::string salt, hash;
  std::int64_t iterations = -1;
};

// The row as stored, read through a connection of its own (as another process would).
Row storedRow(const std::string& path, const std::string& id) {
  sqlite::Connection db(path);
  sqlite::Statement query(db.handle(), "SELECT salt, hash, iterations FROM accounts WHERE id = ?1");
  query.bind(1, id);
  REQUIRE(query.step());
  return {query.columnText(0), query.columnText(1), query.columnInt(2)};
}

// What a release that stored PBKDF2 wrote: hex of PBKDF2-HMAC-SHA256(secret, salt as text).
std::string pbkdf2Hex(const std::string& secret, const std::string& salt, int iterations) {
  unsigned char key[32];
  REQUIRE(PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                            reinterpret_cast<const unsigned char*>(salt.data()),
                            static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof key, key) == 1);
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : key) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

void insertLegacy(const std::string& path, const std::string& id, const std::string& secret, int iterations) {
  const std::string salt = "0123456789abcdef0123456789abcdef";
  sqlite::Connection db(path);
  sqlite::Statement insert(
      db.handle(),
      "INSERT INTO accounts (id, salt, iterations, hash, created_at) VALUES (?1, ?2, ?3, ?4, 1)");
  insert.bind(1, id);
  insert.bind(2, salt);
  insert.bind(3, static_cast<std::int64_t>(iterations));
  insert.bind(4, pbkdf2Hex(secret, salt, iterations));
  insert.step();
}

}  // namespace

TEST_CASE("accounts: the secret add() returns verifies, and nothing else does", "[accounts]") {
  kctest::TempDir dir;
  Accounts accounts(dir.file("accounts.db"));
  const std::string secret = accounts.add("cluster-a");
  CHECK(secret.size() == 48);  // 192 random bits, hex
  CHECK(accounts.verify("cluster-a", secret));
  CHECK(accounts.verify("cluster-a", secret));
  CHECK_FALSE(accounts.verify("cluster-a", secret.substr(1)));
  CHECK_FALSE(accounts.verify("cluster-a", secret + "0"));
  CHECK_FALSE(accounts.verify("cluster-a", ""));
  std::string flipped = secret;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  CHECK_FALSE(accounts.verify("cluster-a", flipped));
  CHECK_FALSE(accounts.verify("cluster-A", secret));
  CHECK_FALSE(accounts.verify("", secret));

  const std::string other = accounts.add("cluster-b");
  CHECK(other != secret);
  CHECK_FALSE(accounts.verify("cluster-a", other));
  CHECK(accounts.verify("cluster-b", other));
}

TEST_CASE("accounts: unknown and disabled IDs never verify", "[accounts]") {
  kctest::TempDir dir;
  Accounts accounts(dir.file("accounts.db"));
  CHECK_FALSE(accounts.verify("nobody", "anything"));
  // The dummy an unknown ID is compared against is not a secret of its own.
  CHECK_FALSE(accounts.verify("nobody", ""));
  CHECK_FALSE(accounts.verify("nobody", std::string(48, '0')));
  CHECK_FALSE(accounts.verify("nobody", std::string(64, '0')));

  const std::string secret = accounts.add("cluster-a");
  accounts.disable("cluster-a");
  CHECK_FALSE(accounts.verify("cluster-a", secret));
  CHECK_THROWS_AS(accounts.disable("nobody"), std::invalid_argument);
  const auto listed = accounts.list();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == "cluster-a");
  CHECK(listed[0].disabled);
}

TEST_CASE("accounts: only a keyed hash of the secret is stored", "[accounts]") {
  kctest::TempDir dir;
  const std::string path = dir.file("accounts.db");
  Accounts accounts(path);
  const std::string secret = accounts.add("cluster-a");
  const Row row = storedRow(path, "cluster-a");
  CHECK(row.iterations == 0);
  CHECK(row.hash != secret);
  CHECK(row.hash.find(secret) == std::string::npos);
  CHECK(row.salt.find(secret) == std::string::npos);
  CHECK(row.salt.size() == 32);
  CHECK(row.hash == hmacSha256Hex(row.salt, secret));
  // A second account with the same secret would not share its hash: the salt is per account.
  accounts.add("cluster-b");
  CHECK(storedRow(path, "cluster-b").salt != row.salt);
}

TEST_CASE("accounts: a PBKDF2 row of an older release verifies once slowly, then as a keyed hash",
          "[accounts]") {
  kctest::TempDir dir;
  const std::string path = dir.file("accounts.db");
  Accounts accounts(path);  // creates the schema
  const std::string secret = randomHex(24);
  insertLegacy(path, "legacy", secret, 100000);

  CHECK_FALSE(accounts.verify("legacy", secret + "x"));
  CHECK(storedRow(path, "legacy").iterations == 100000);  // a wrong secret rewrites nothing

  CHECK(accounts.verify("legacy", secret));
  const Row upgraded = storedRow(path, "legacy");
  CHECK(upgraded.iterations == 0);
  CHECK(upgraded.salt == "0123456789abcdef0123456789abcdef");
  CHECK(upgraded.hash == hmacSha256Hex(upgraded.salt, secret));
  CHECK(upgraded.hash != secret);

  CHECK(accounts.verify("legacy", secret));
  CHECK_FALSE(accounts.verify("legacy", secret + "x"));
  // And from a fresh process, which has nothing in memory.
  Accounts reopened(path);
  CHECK(reopened.verify("legacy", secret));
}

TEST_CASE("accounts: a legacy account verified by many requests at once is rewritten once", "[accounts]") {
  kctest::TempDir dir;
  const std::string path = dir.file("accounts.db");
  Accounts accounts(path);
  const std::string secret = randomHex(24);
  insertLegacy(path, "legacy", secret, 20000);
  bool results[4] = {};
  std::vector<std::thread> threads;
  for (bool& result : results) threads.emplace_back([&] { result = accounts.verify("legacy", secret); });
  for (auto& thread : threads) thread.join();
  for (bool result : results) CHECK(result);
  CHECK(storedRow(path, "legacy").iterations == 0);
}

TEST_CASE("accounts: a disabled legacy account does not verify and is not rewritten", "[accounts]") {
  kctest::TempDir dir;
  const std::string path = dir.file("accounts.db");
  Accounts accounts(path);
  const std::string secret = randomHex(24);
  insertLegacy(path, "legacy", secret, 1000);
  accounts.disable("legacy");
  CHECK_FALSE(accounts.verify("legacy", secret));
  CHECK(storedRow(path, "legacy").iterations == 1000);
}

TEST_CASE("accounts: wrong secrets cost no key derivation, for known and unknown IDs", "[accounts]") {
  kctest::TempDir dir;
  Accounts accounts(dir.file("accounts.db"));
  accounts.add("cluster-a");
  // 400 PBKDF2 runs of 100,000 iterations would take many seconds; 400 HMACs take milliseconds.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    CHECK_FALSE(accounts.verify("cluster-a", "wrong"));
    CHECK_FALSE(accounts.verify("nobody-" + std::to_string(i), "wrong"));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

TEST_CASE("accounts: IDs are 1 to 128 of A-Z a-z 0-9 . _ -, each used once", "[accounts]") {
  kctest::TempDir dir;
  Accounts accounts(dir.file("accounts.db"));
  for (const std::string bad :
       {"", "has space", "a/b", "a:b", "caf\xc3\xa9", "a\nb", "x'; DROP TABLE accounts; --"}) {
    INFO(bad);
    CHECK_THROWS_AS(accounts.add(bad), std::invalid_argument);
  }
  CHECK_THROWS_AS(accounts.add(std::string(129, 'a')), std::invalid_argument);
  CHECK_NOTHROW(accounts.add(std::string(128, 'a')));
  CHECK_NOTHROW(accounts.add("Cluster_1.prod-eu"));
  CHECK_THROWS_AS(accounts.add("Cluster_1.prod-eu"), std::invalid_argument);
  CHECK(accounts.list().size() == 2);
}
