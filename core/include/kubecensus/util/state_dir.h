// The agent's small persistent state: its secret salt and, when none is configured, its
// generated cluster ID. Files are written atomically (temp file, fsync, rename) with 0600.
#pragma once

#include <functional>
#include <string>

namespace kubecensus {

class StateDir {
 public:
  // Creates the directory (0700) if needed; throws std::runtime_error naming the path.
  explicit StateDir(std::string path);
  const std::string& path() const { return path_; }

  // The content of file `name`, created with make() on first use.
  std::string readOrCreate(const std::string& name, const std::function<std::string()>& make);

 private:
  std::string path_;
};

// Writes content to path atomically: a crash leaves the old or the new file, never a mix.
void writeFileAtomically(const std::string& path, const std::string& content, unsigned mode);
std::string readFile(const std::string& path);  // throws std::runtime_error naming the path

}  // namespace kubecensus
