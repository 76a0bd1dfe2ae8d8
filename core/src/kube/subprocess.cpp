#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <system_error>
#include <thread>

namespace kubecensus::kube {
namespace {

class Fd {
 public:
  Fd() = default;
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

void makePipe(Fd& readEnd, Fd& writeEnd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  readEnd.reset(fds[0]);
  writeEnd.reset(fds[1]);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
}

// Reads what is available; returns false at end of file.
bool drain(int fd, std::string& into, std::size_t maxOutput) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      std::size_t room = into.size() < maxOutput ? maxOutput - into.size() : 0;
      into.append(buf, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;  // another error: treat as closed
  }
}

int statusOf(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int out, int err) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);

  // Its own process group, so a timeout kills whatever it started too; and the default signal
  // dispositions and an empty mask, whatever the agent set up for its own shutdown handling.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), argv[0]);
  return pid;
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout, std::size_t maxOutput) {
  if (argv.empty() || argv[0].empty()) throw std::system_error(ENOENT, std::generic_category(), "no command");
  Fd outRead, outWrite, errRead, errWrite;
  makePipe(outRead, outWrite);
  makePipe(errRead, errWrite);
  pid_t pid = spawn(argv, env, outWrite.get(), errWrite.get());
  outWrite.reset();
  errWrite.reset();

  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool outOpen = true, errOpen = true;
  int status = 0;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ::kill(-pid, SIGKILL);  // its process group: whatever it started too
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timedOut = true;
      result.exitStatus = 128 + SIGKILL;
      return result;
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      // Whatever it wrote is in the pipes now; a grandchild holding them open is not waited for.
      if (outOpen) drain(outRead.get(), result.out, maxOutput);
      if (errOpen) drain(errRead.get(), result.err, maxOutput);
      break;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (outOpen) fds[n++] = {outRead.get(), POLLIN, 0};
    if (errOpen) fds[n++] = {errRead.get(), POLLIN, 0};
    auto slice = std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(20), std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    if (n == 0) {  // both closed, still running
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(slice, std::chrono::milliseconds(5)));
      continue;
    }
    if (::poll(fds, n, static_cast<int>(slice.count()) + 1) < 0 && errno != EINTR) {
      int error = errno;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw std::system_error(error, std::generic_category(), "poll");
    }
    if (outOpen) outOpen = drain(outRead.get(), result.out, maxOutput);
    if (errOpen) errOpen = drain(errRead.get(), result.err, maxOutput);
  }
  result.exitStatus = statusOf(status);
  return result;
}

}  // namespace kubecensus::kube
