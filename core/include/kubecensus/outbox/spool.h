// The air-gapped spool: reports kept on the cluster (SQLite) until an operator carries them
// out as a bundle (`kubecensus-agent spool export`) or forwards them. The `spool` sink writes
// here; the agent's `spool` commands read, export, import and purge.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kubecensus {

struct SpoolStats {
  std::int64_t reports = 0;
  std::int64_t exported = 0;  // exported or forwarded at least once
  std::int64_t bytes = 0;
};

class Spool {
 public:
  // Opens or creates the spool file. Throws std::runtime_error naming the path.
  explicit Spool(const std::string& path, const std::string& synchronous = "FULL");
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Keeps a report; false if one with that ID is there already.
  bool add(const std::string& reportID, const std::string& body, std::int64_t now);
  // Keeps (reportID, body) pairs in one transaction, all or none; returns how many were new.
  std::size_t addAll(const std::vector<std::pair<std::string, std::string>>& reports, std::int64_t now);
  SpoolStats stats();
  // Calls `each` with every report (oldest first), or only those never exported.
  void forEach(bool unexportedOnly,
               const std::function<void(const std::string& reportID, const std::string& body)>& each);
  // In one transaction: one sync for any number of reports.
  void markExported(const std::vector<std::string>& reportIDs, std::int64_t now);
  // Deletes exported reports (or all); returns how many.
  std::int64_t purge(bool exportedOnly);
  const std::string& path() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubecensus
