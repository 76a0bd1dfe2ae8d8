#include "file_permissions.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kubecensus {
namespace {

std::string octalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string permissionProblem(const std::string& path, bool wantDirectory) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return "does not exist";
    return std::string("cannot be examined: ") + std::strerror(errno);
  }
  if (wantDirectory && !S_ISDIR(info.st_mode)) return "is not a directory";
  if (!wantDirectory && !S_ISREG(info.st_mode)) return "is not a regular file";

  // Owner first: an owner other than us could restore any mode we would ask for.
  const uid_t self = ::geteuid();
  if (info.st_uid != 0 && info.st_uid != self) {
    return "is owned by uid " + std::to_string(info.st_uid) +
           ", which is neither root nor the current user (uid " + std::to_string(self) + ")";
  }
  // Even with the sticky bit (/tmp), others may add files to a directory, so it is refused too.
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return "is writable by group/others (mode " + octalMode(info.st_mode) + "); run chmod go-w " +
           path;
  }
  return {};
}

}  // namespace

std::string directoryPermissionProblem(const std::string& path) {
  return permissionProblem(path, true);
}

std::string filePermissionProblem(const std::string& path) {
  return permissionProblem(path, false);
}

}  // namespace kubecensus
