#include "kubecensus/sqlite/database.h"

#include <sqlite3.h>

#include <cctype>
#include <filesystem>

namespace kubecensus::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, const std::string& what) {
  throw SqliteError(what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)), code);
}

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "cannot prepare '" + sql.substr(0, 60) + "'");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}
void Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
}
void Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}
void Statement::bind(int index, const std::optional<std::string>& value) {
  if (value)
    bind(index, *value);
  else
    sqlite3_bind_null(stmt_, index);
}
void Statement::bind(int index, const std::optional<std::int64_t>& value) {
  if (value)
    bind(index, *value);
  else
    sqlite3_bind_null(stmt_, index);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "statement failed");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

double Statement::columnDouble(int index) const {
  return sqlite3_column_double(stmt_, index);
}
std::int64_t Statement::columnInt(int index) const {
  return sqlite3_column_int64(stmt_, index);
}
bool Statement::columnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::string Statement::columnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

Connection::Connection(const std::string& path, const ConnectionOptions& options) : path_(path) {
  std::string synchronous = options.synchronous;
  for (auto& c : synchronous) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (synchronous != "FULL" && synchronous != "NORMAL" && synchronous != "EXTRA")
    throw std::invalid_argument("synchronous: must be FULL, NORMAL or EXTRA, not '" + options.synchronous +
                                "'");
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error)
      throw SqliteError(
          "cannot create the directory " + parent.string() + " of database " + path + ": " + error.message(),
          SQLITE_CANTOPEN);
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        "cannot open SQLite database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(message, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    exec("PRAGMA busy_timeout = " + std::to_string(options.busyTimeoutMs));
    if (options.wal) exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = " + synchronous);
  } catch (...) {
    sqlite3_close_v2(db_);
    throw;
  }
}

Connection::~Connection() {
  sqlite3_close_v2(db_);
}

void Connection::exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message =
        path_ + ": " + (error ? error : sqlite3_errstr(rc)) + " (" + sql.substr(0, 40) + ")";
    sqlite3_free(error);
    throw SqliteError(message, rc);
  }
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

std::int64_t Connection::queryInt(const std::string& sql) {
  Statement query(db_, sql);
  if (!query.step()) throw SqliteError(path_ + ": '" + sql.substr(0, 60) + "' returned no row", SQLITE_ERROR);
  return query.columnInt(0);
}

void Connection::migrate(const std::vector<const char*>& migrations, const std::string& product) {
  Transaction transaction(*this);
  exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const auto latest = static_cast<std::int64_t>(migrations.size());
  std::int64_t version = queryInt("SELECT coalesce(max(version), 0) FROM schema_version");
  if (version > latest)
    throw SqliteError(path_ + ": schema version " + std::to_string(version) + " is newer than this " +
                          product + " understands (" + std::to_string(latest) + "); upgrade the " + product,
                      SQLITE_ERROR);
  for (auto v = version; v < latest; ++v) {
    exec(migrations[static_cast<std::size_t>(v)]);
    exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(v + 1) + ")");
  }
  transaction.commit();
}

Transaction::Transaction(Connection& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // Nothing to do: SQLite rolls back an abandoned transaction itself.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace kubecensus::sqlite
