// A small file read at use time and read again when it changes: a bound service-account token
// is rotated by the kubelet (an atomic symlink swap), a CA bundle may be too.
#pragma once

#include <sys/types.h>
#include <ctime>
#include <string>

namespace kubecensus::kube {

class WatchedFile {
 public:
  // `what` names the file in errors: "token file", "CA file".
  WatchedFile(std::string path, std::string what) : path_(std::move(path)), what_(std::move(what)) {}

  const std::string& path() const { return path_; }
  // The content, read again when the file's inode, size or modification time changed since the
  // last read. Throws KubeError (status 0) naming the file.
  const std::string& read();
  // How many times the file was actually read (for logging rotations).
  int reads() const { return reads_; }

 private:
  std::string path_;
  std::string what_;
  std::string content_;
  bool loaded_ = false;
  ino_t inode_ = 0;
  off_t size_ = 0;
  timespec mtime_{};
  int reads_ = 0;
};

}  // namespace kubecensus::kube
