#include "sqlite_storage.h"

#include <cctype>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "sqlite_connection.h"

namespace kubecensus::sqlite {
namespace {

// Migrations, in order: entry i takes the schema from version i to version i + 1.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE reports (
      report_id      TEXT PRIMARY KEY,
      cluster_id     TEXT NOT NULL,
      received_at    INTEGER NOT NULL,   -- microseconds since the epoch, collector clock
      received_from  TEXT,
      received_as    TEXT NOT NULL,      -- wire format: kubecensus.report/v2, spartakus-v1, tectonic
      generated_at   INTEGER,            -- microseconds, agent clock (informational)
      master_version TEXT,
      node_count     INTEGER NOT NULL,
      report         TEXT NOT NULL       -- the report as native JSON
    ) WITHOUT ROWID;
    CREATE INDEX reports_by_received_at ON reports (received_at);
    CREATE INDEX reports_by_cluster ON reports (cluster_id, received_at);
    )sql",
};

}  // namespace

SqliteStorage::SqliteStorage(const Options& options) {
  std::string synchronous = options.getString("synchronous");
  for (auto& c : synchronous) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (synchronous != "FULL" && synchronous != "NORMAL" && synchronous != "EXTRA")
    throw std::invalid_argument("synchronous: must be FULL, NORMAL or EXTRA, not '" +
                                options.getString("synchronous") + "'");
  std::string path = options.getString("path");
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error)
      throw std::runtime_error("cannot create the directory " + parent.string() + " of database " + path +
                               ": " + error.message());
  }
  db_ = std::make_unique<Connection>(path);
  db_->exec("PRAGMA busy_timeout = " + std::to_string(options.getDuration("busy_timeout").count()));
  db_->exec("PRAGMA journal_mode = WAL");
  db_->exec("PRAGMA synchronous = " + synchronous);
  migrate();
  insert_ = std::make_unique<Statement>(db_->handle(), R"sql(
      INSERT INTO reports (report_id, cluster_id, received_at, received_from, received_as,
                           generated_at, master_version, node_count, report)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
      ON CONFLICT (report_id) DO NOTHING)sql");
}

SqliteStorage::~SqliteStorage() = default;

void SqliteStorage::migrate() {
  db_->exec("BEGIN IMMEDIATE");
  try {
    db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    Statement read(db_->handle(), "SELECT max(version) FROM schema_version");
    read.step();
    int version = static_cast<int>(read.columnInt(0));
    if (version > kSchemaVersion)
      throw std::runtime_error(db_->path() + ": schema version " + std::to_string(version) +
                               " is newer than this collector understands (" +
                               std::to_string(kSchemaVersion) + "); upgrade the collector");
    for (int v = version; v < kSchemaVersion; ++v) {
      db_->exec(kMigrations[v]);
      db_->exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(v + 1) + ")");
    }
    db_->exec("COMMIT");
  } catch (...) {
    db_->exec("ROLLBACK");
    throw;
  }
}

WriteResult SqliteStorage::write(const std::vector<const Report*>& batch) {
  WriteResult result;
  result.duplicate.reserve(batch.size());
  std::lock_guard<std::mutex> lock(mutex_);
  db_->exec("BEGIN IMMEDIATE");
  try {
    for (const Report* report : batch) {
      insert_->reset();
      insert_->bind(1, report->reportID);
      insert_->bind(2, report->clusterID);
      insert_->bind(3, report->receivedAt.value_or(0));
      insert_->bind(4, report->receivedFrom);
      insert_->bind(5, std::string(toString(report->receivedAs)));
      insert_->bind(6, report->generatedAt);
      insert_->bind(7, report->masterVersion);
      insert_->bind(8, static_cast<std::int64_t>(report->nodes.size()));
      insert_->bind(9, toNativeJson(*report).dump());
      insert_->step();
      result.duplicate.push_back(db_->changes() == 0);
    }
    insert_->reset();
    db_->exec("COMMIT");
  } catch (...) {
    insert_->reset();
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  return result;
}

StorageHealth SqliteStorage::health() {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    Statement check(db_->handle(), "SELECT count(*) FROM schema_version");
    check.step();
    return {true, db_->path()};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace kubecensus::sqlite
