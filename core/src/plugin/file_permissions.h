// Safe-permission checks for plugin files and directories, after osquery's safePermissions.
//
// Loading a library runs its code inside the agent, so a plugin is only as trustworthy as the
// people who can change it: a file or directory that a third user could write (or that such a
// user owns) would let them replace the plugin. The directory matters as much as the file,
// because whoever can write the directory can rename another library into place.
#pragma once

#include <string>

namespace kubecensus {

// Each returns an empty string when only root or the current effective user can change the
// path, or else the problem as a phrase to follow the path's description, e.g.
// "is writable by group/others (mode 0775); run chmod go-w /opt/plugins".
// Symbolic links are followed: what counts is the file that would be opened.
std::string directoryPermissionProblem(const std::string& path);
std::string filePermissionProblem(const std::string& path);

}  // namespace kubecensus
