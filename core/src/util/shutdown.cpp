#include "kubecensus/util/shutdown.h"

#include <pthread.h>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

namespace kubecensus {
namespace {

std::mutex mutex;
std::condition_variable wakeUp;
std::atomic<bool> flag{false};
std::atomic<int> lastSignal{0};
std::atomic<bool> reload{false};

}  // namespace

void Shutdown::install() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is an error return, not death
  std::thread([set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGHUP) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          reload = true;
        }
        wakeUp.notify_all();
        continue;
      }
      lastSignal = sig;
      request();
    }
  }).detach();
}

bool Shutdown::requested() {
  return flag.load();
}

void Shutdown::request() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    flag = true;
  }
  wakeUp.notify_all();
}

bool Shutdown::waitFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex);
  return wakeUp.wait_for(lock, timeout, [] { return flag.load(); });
}

Shutdown::Wake Shutdown::waitForEvent(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex);
  wakeUp.wait_for(lock, timeout, [] { return flag.load() || reload.load(); });
  if (flag) return Wake::Shutdown;
  if (reload.exchange(false)) return Wake::Reload;
  return Wake::Timeout;
}

int Shutdown::signal() {
  return lastSignal.load();
}

}  // namespace kubecensus
