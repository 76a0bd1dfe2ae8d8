#include "kubecensus/util/state_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kubecensus {
namespace {

std::runtime_error systemError(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

StateDir::StateDir(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  if (ec) throw std::runtime_error("cannot create state directory " + path_ + ": " + ec.message());
  ::chmod(path_.c_str(), 0700);
  if (::access(path_.c_str(), W_OK) != 0) throw systemError("state directory is not writable:", path_);
}

std::string StateDir::readOrCreate(const std::string& name, const std::function<std::string()>& make) {
  std::string file = path_ + "/" + name;
  if (std::filesystem::exists(file)) {
    std::string content = readFile(file);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
    if (!content.empty()) return content;
  }
  std::string content = make();
  writeFileAtomically(file, content + "\n", 0600);
  return content;
}

void writeFileAtomically(const std::string& path, const std::string& content, unsigned mode) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw systemError("cannot create", temp);
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      errno = saved;
      throw systemError("cannot write", temp);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    throw systemError("cannot sync", temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw systemError("cannot rename onto", path);
  }
  // Make the rename itself durable.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw systemError("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace kubecensus
