// --access-log: one line per request, written and flushed when the answer is complete, so a
// test can read the file while the server runs. Fields are separated by a tab:
//   METHOD <tab> PATH?QUERY <tab> ACCEPT ("-" when absent) <tab> STATUS
// e.g. "GET\t/api/v1/nodes?limit=2\tapplication/json\t200".
#pragma once

#include <fstream>
#include <mutex>
#include <string>

namespace kctest::apiserver {

class AccessLog {
 public:
  // An empty path logs nothing.
  explicit AccessLog(const std::string& path);

  void record(const std::string& method, const std::string& uri, const std::string& accept, int status);

 private:
  std::mutex mutex_;
  std::ofstream out_;
  bool enabled_ = false;
};

}  // namespace kctest::apiserver
