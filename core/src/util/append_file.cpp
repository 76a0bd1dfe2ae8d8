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
  // O_APPEND keeps each write() whole against other writers; a short write or EINTR goes on
  // where it stopped, so a line is never left half written.
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error("cannot write " + path_ + ": " +
                               (n < 0 ? std::strerror(errno) : "no progress"));
    written += static_cast<std::size_t>(n);
  }
  if (sync_ && ::fdatasync(fd_) != 0)
    throw std::runtime_error("cannot sync " + path_ + ": " + std::strerror(errno));
}

}  // namespace kubecensus
