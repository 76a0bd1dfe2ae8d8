// A file that only grows, line by line (NDJSON): opened with O_APPEND and written with one
// write() per call, so lines from several writers never interleave, optionally synced to disk
// before a write counts as done. Used by the agent's `file` sink and the collector's `file`
// storage.
#pragma once

#include <mutex>
#include <string>

namespace kubecensus {

class AppendFile {
 public:
  // Creates the file (0600) if missing. Throws std::runtime_error naming the path.
  AppendFile(std::string path, bool sync);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Appends `text` (whole lines, newline included) in one write, then syncs if asked. Throws
  // std::runtime_error naming the path and the system's reason.
  void append(const std::string& text);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool sync_;
  int fd_ = -1;
  std::mutex mutex_;
};

}  // namespace kubecensus
