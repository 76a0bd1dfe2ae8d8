#pragma once

#include <string>

namespace kctest {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to file(name) and returns its path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string readFile(const std::string& path);
// A file under tests/fixtures, e.g. fixture("seeds/spartakus-v1.json").
std::string fixturePath(const std::string& relative);
std::string fixture(const std::string& relative);

}  // namespace kctest
