#include "kubecensus/util/progress.h"

#include <unistd.h>

#include <cstdio>

namespace kubecensus {

Progress::Progress(std::string what, std::size_t total)
    : what_(std::move(what)), total_(total), terminal_(isatty(STDERR_FILENO) != 0) {
  draw();
}

Progress::~Progress() {
  if (terminal_) std::fputc('\n', stderr);
}

void Progress::advance(std::size_t steps) {
  done_ += steps;
  draw();
}

void Progress::set(std::size_t done) {
  done_ = done;
  draw();
}

void Progress::draw() {
  const std::size_t percent = total_ == 0 ? 100 : done_ * 100 / total_;
  if (terminal_) {
    constexpr std::size_t kWidth = 30;
    std::string bar(percent * kWidth / 100, '#');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r%s [%s] %3zu%% %zu/%zu", what_.c_str(), bar.c_str(), percent, done_, total_);
    std::fflush(stderr);
    return;
  }
  const int tenth = static_cast<int>(percent / 10);
  if (tenth == lastTenth_) return;
  lastTenth_ = tenth;
  std::fprintf(stderr, "%s: %zu of %zu (%zu%%)\n", what_.c_str(), done_, total_, percent);
}

}  // namespace kubecensus
