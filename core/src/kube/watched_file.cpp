#include "watched_file.h"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kubecensus/kube/kube_client.h"

namespace kubecensus::kube {

const std::string& WatchedFile::read() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0)
    throw KubeError(0, "cannot read " + what_ + " " + path_ + ": " + std::strerror(errno));
  if (loaded_ && st.st_ino == inode_ && st.st_size == size_ && st.st_mtim.tv_sec == mtime_.tv_sec &&
      st.st_mtim.tv_nsec == mtime_.tv_nsec)
    return content_;
  std::ifstream in(path_, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) throw KubeError(0, "cannot read " + what_ + " " + path_ + ": " + std::strerror(errno));
  content_ = text.str();
  inode_ = st.st_ino;
  size_ = st.st_size;
  mtime_ = st.st_mtim;
  loaded_ = true;
  ++reads_;
  return content_;
}

}  // namespace kubecensus::kube
