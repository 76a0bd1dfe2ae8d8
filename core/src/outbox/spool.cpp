#include "kubecensus/outbox/spool.h"

#include "kubecensus/sqlite/database.h"

namespace kubecensus {
namespace {

const std::vector<const char*> kMigrations = {
    R"sql(
    CREATE TABLE spool (
      seq         INTEGER PRIMARY KEY AUTOINCREMENT,
      report_id   TEXT NOT NULL UNIQUE,
      created_at  INTEGER NOT NULL,      -- microseconds since the epoch
      exported_at INTEGER,               -- last export or forward, if any
      body        TEXT NOT NULL          -- native JSON
    );
    )sql",
};

}  // namespace

class Spool::Impl {
 public:
  Impl(const std::string& path, const std::string& synchronous) {
    sqlite::ConnectionOptions options;
    options.synchronous = synchronous;
    db = std::make_unique<sqlite::Connection>(path, options);
    db->migrate(kMigrations, "agent");
  }
  std::unique_ptr<sqlite::Connection> db;
};

Spool::Spool(const std::string& path, const std::string& synchronous)
    : impl_(std::make_unique<Impl>(path, synchronous)) {}
Spool::~Spool() = default;

const std::string& Spool::path() const {
  return impl_->db->path();
}

bool Spool::add(const std::string& reportID, const std::string& body, std::int64_t now) {
  sqlite::Statement insert(impl_->db->handle(),
                           "INSERT INTO spool (report_id, created_at, body) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT (report_id) DO NOTHING");
  insert.bind(1, reportID);
  insert.bind(2, now);
  insert.bind(3, body);
  insert.step();
  return impl_->db->changes() > 0;
}

std::size_t Spool::addAll(const std::vector<std::pair<std::string, std::string>>& reports, std::int64_t now) {
  sqlite::Transaction transaction(*impl_->db);
  std::size_t added = 0;
  for (const auto& [reportID, body] : reports) added += add(reportID, body, now) ? 1 : 0;
  transaction.commit();
  return added;
}

SpoolStats Spool::stats() {
  sqlite::Statement query(impl_->db->handle(),
                          "SELECT count(*), count(exported_at), coalesce(sum(length(body)), 0) FROM spool");
  query.step();
  return {query.columnInt(0), query.columnInt(1), query.columnInt(2)};
}

void Spool::forEach(bool unexportedOnly,
                    const std::function<void(const std::string&, const std::string&)>& each) {
  sqlite::Statement query(impl_->db->handle(),
                          unexportedOnly
                              ? "SELECT report_id, body FROM spool WHERE exported_at IS NULL ORDER BY seq"
                              : "SELECT report_id, body FROM spool ORDER BY seq");
  while (query.step()) each(query.columnText(0), query.columnText(1));
}

void Spool::markExported(const std::vector<std::string>& reportIDs, std::int64_t now) {
  sqlite::Transaction transaction(*impl_->db);
  sqlite::Statement update(impl_->db->handle(), "UPDATE spool SET exported_at = ?2 WHERE report_id = ?1");
  for (const auto& reportID : reportIDs) {
    update.reset();
    update.bind(1, reportID);
    update.bind(2, now);
    update.step();
  }
  transaction.commit();
}

std::int64_t Spool::purge(bool exportedOnly) {
  impl_->db->exec(exportedOnly ? "DELETE FROM spool WHERE exported_at IS NOT NULL" : "DELETE FROM spool");
  return impl_->db->changes();
}

}  // namespace kubecensus
