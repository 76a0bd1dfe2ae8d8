#include "http/connection_limits.h"

namespace kubecensus::server {

ConnectionLimits::Admission ConnectionLimits::acquire(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (open_ >= total_) return Admission::TooManyInAll;
  if (!key.empty()) {
    std::size_t& mine = byClient_[key];
    if (mine >= perClient_) {
      if (mine == 0) byClient_.erase(key);
      return Admission::TooManyFromClient;
    }
    ++mine;
  }
  ++open_;
  return Admission::Admitted;
}

void ConnectionLimits::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  --open_;
  if (key.empty()) return;
  auto it = byClient_.find(key);
  if (it != byClient_.end() && --it->second == 0) byClient_.erase(it);
}

std::size_t ConnectionLimits::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionLimits::openFrom(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = byClient_.find(key);
  return it == byClient_.end() ? 0 : it->second;
}

}  // namespace kubecensus::server
