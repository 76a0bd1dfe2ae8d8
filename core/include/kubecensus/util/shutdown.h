// Turns SIGINT/SIGTERM into a flag and a wake-up, so long waits (the agent's period, the
// collector's main loop) end promptly and cleanly, and SIGHUP into a reload request that only
// waitForEvent() reports (a program that does not reload ignores SIGHUP instead of dying).
// install() blocks the signals in every thread and handles them in one dedicated thread, so
// no work runs in a signal handler.
#pragma once

#include <chrono>

namespace kubecensus {

class Shutdown {
 public:
  // Call once, early in main(), before any other thread starts.
  static void install();
  static bool requested();
  // Waits up to `timeout`; returns true if shutdown was requested (at once or meanwhile).
  static bool waitFor(std::chrono::milliseconds timeout);
  enum class Wake { Timeout, Shutdown, Reload };
  // Like waitFor, but a SIGHUP also ends the wait (and is consumed): Reload.
  static Wake waitForEvent(std::chrono::milliseconds timeout);
  // Requests shutdown from within the program (tests, fatal errors).
  static void request();
  // The signal that requested shutdown, or 0.
  static int signal();
};

}  // namespace kubecensus
