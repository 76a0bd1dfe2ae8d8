#pragma once

namespace kubecensus {

// Base of every plugin instance. Instances are created by a descriptor's create() and
// destroyed by the host (through this virtual destructor) before their library unloads.
// Methods of the derived interfaces may throw std::exception; the host catches and reports.
class Plugin {
 public:
  virtual ~Plugin() = default;
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
};

}  // namespace kubecensus
