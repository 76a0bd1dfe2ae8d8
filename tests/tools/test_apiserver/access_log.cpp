#include "access_log.h"

#include <stdexcept>

namespace kctest::apiserver {

AccessLog::AccessLog(const std::string& path) {
  if (path.empty()) return;
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error("cannot open access log " + path);
  enabled_ = true;
}

void AccessLog::record(const std::string& method, const std::string& uri, const std::string& accept,
                       int status) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << method << '\t' << uri << '\t' << (accept.empty() ? "-" : accept) << '\t' << status << '\n';
  out_.flush();
}

}  // namespace kctest::apiserver
