// The `bigquery` storage in export mode: rows of the table schema written as NDJSON files for
// `bq load --source_format=NEWLINE_DELIMITED_JSON` (or any pipeline), with the schema beside
// them. Rows go to <directory>/reports-<UTC time>-<random>.ndjson.part, synced per batch; the
// file is finished (gzip-compressed unless compress = false, then renamed to .ndjson.gz or
// .ndjson) when it reaches rotate_size, when it is rotate_interval old, and when the collector
// stops. Only finished files are ever loaded. A .part left by a crash is finished at start
// (its torn last line, if any, cut off); one another collector still writes (flock) is left to it.
// Like the ndjson storage it cannot tell a re-sent report from a new one: rows carry reportID
// (docs/bigquery.md shows the de-duplicating query).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/storage.h"

namespace kubecensus::bigquery {

class ExportStorage : public Storage {
 public:
  explicit ExportStorage(const Options& options);
  ~ExportStorage() override;

  WriteResult write(const std::vector<const Report*>& batch) override;
  StorageHealth health() override;

 private:
  void openPart();                           // locked
  void finishPart();                         // locked; no-op without an open part
  void finish(const std::string& partPath);  // trim, then compress or rename one .part
  void finishLeftovers();                    // locked; the parts that failed to finish
  void rotateOnTime();                       // the timer thread

  std::string directory_;
  std::uint64_t rotateSize_;
  std::chrono::milliseconds rotateInterval_;
  bool compress_;
  bool sync_;

  std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  bool stopping_ = false;
  int fd_ = -1;
  std::string partPath_;
  std::uint64_t partBytes_ = 0;
  std::chrono::steady_clock::time_point partOpened_;
  std::string lastError_;
  std::vector<std::string> unfinished_;  // parts whose finishing failed (full disk): retried
  std::thread timer_;
};

}  // namespace kubecensus::bigquery
