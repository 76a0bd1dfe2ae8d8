#include "kubecensus/util/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace kubecensus {

AppendFile::AppendFile(std::string path, bool sync) : path_(std::move(path)), sync_(sync) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
}

AppendFile::~AppendFile() {
  ::close(fd_);
}

void AppendFile::append(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  const ssize_t n = ::write(fd_, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("cannot write " + path_ + ": " + (n < 0 ? std::strerror(errno) : "short write"));
  if (sync_ && ::fdatasync(fd_) != 0)
    throw std::runtime_error("cannot sync " + path_ + ": " + std::strerror(errno));
}

}  // namespace kubecensus
