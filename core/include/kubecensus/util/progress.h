// Progress of a long operation (exporting or importing a bundle) on stderr: on a terminal a
// bar redrawn in place, otherwise a plain line at every tenth, so logs stay readable.
#pragma once

#include <cstddef>
#include <string>

namespace kubecensus {

class Progress {
 public:
  Progress(std::string what, std::size_t total);
  ~Progress();  // ends the line of a bar
  void advance(std::size_t steps = 1);
  void set(std::size_t done);

 private:
  void draw();

  std::string what_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool terminal_;
  int lastTenth_ = -1;
};

}  // namespace kubecensus
