#include "support/postgres_server.h"

#include <Poco/Net/ServerSocket.h>

#include <signal.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/process.h"

namespace kctest {
namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin/";

unsigned short freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

}  // namespace

bool PostgresServer::available() {
  return std::filesystem::exists(kBin + "initdb") && std::filesystem::exists(kBin + "pg_ctl");
}

std::string PostgresServer::run(const std::vector<std::string>& command) const {
  std::vector<std::string> args = command;
  std::string program = args.front();
  args.erase(args.begin());
  if (geteuid() == 0) {
    args.insert(args.begin(), {"-u", "postgres", "--", program});
    program = "/usr/sbin/runuser";
  }
  RunResult result = kctest::run(program, args, {}, std::chrono::seconds(60));
  if (result.exitCode != 0)
    throw std::runtime_error(command.front() + " failed (exit " + std::to_string(result.exitCode) + "):\n" +
                             result.output);
  return result.output;
}

PostgresServer::PostgresServer() {
  if (!available())
    throw std::runtime_error("PostgreSQL 15 is not installed (scripts/install-deps installs it)");
  if (geteuid() == 0) kctest::run("/bin/chown", {"-R", "postgres:postgres", dir_.path()});
  run({kBin + "initdb", "-D", dir_.file("data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
       "--no-sync"});
  port_ = freePort();
  start();
}

PostgresServer::~PostgresServer() {
  try {
    stop();
  } catch (...) {
  }
  if (geteuid() == 0) kctest::run("/bin/chown", {"-R", "root:root", dir_.path()});
}

void PostgresServer::start() {
  if (running_) return;
  run({kBin + "pg_ctl", "-D", dir_.file("data"), "-l", dir_.file("server.log"), "-w", "-t", "60", "-o",
       "-p " + std::to_string(port_) + " -c listen_addresses=127.0.0.1 -k " + dir_.path() + " -c fsync=off",
       "start"});
  running_ = true;
}

void PostgresServer::stop() {
  if (!running_) return;
  thaw();  // a frozen server would not stop
  run({kBin + "pg_ctl", "-D", dir_.file("data"), "-w", "-m", "fast", "stop"});
  running_ = false;
}

void PostgresServer::freeze() {
  if (frozen_ || !running_) return;
  signalAll(SIGSTOP);
  frozen_ = true;
}

void PostgresServer::thaw() {
  if (!frozen_) return;
  signalAll(SIGCONT);
  frozen_ = false;
}

// The postmaster first, so that it forks no child the scan of /proc below would miss; then its
// children (backends, checkpointer, walwriter...), found by their parent's PID.
void PostgresServer::signalAll(int signal) const {
  std::ifstream pidFile(dir_.file("data") + "/postmaster.pid");
  pid_t postmaster = 0;
  if (!(pidFile >> postmaster) || postmaster <= 0)
    throw std::runtime_error("no PID in " + dir_.file("data") + "/postmaster.pid");
  if (::kill(postmaster, signal) != 0) throw std::runtime_error("cannot signal the postmaster");
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;  // gone meanwhile
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so from the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    pid_t parent = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &parent) == 2 && parent == postmaster)
      ::kill(static_cast<pid_t>(std::stoi(name)), signal);
  }
}

std::string PostgresServer::dsn(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::query(const std::string& sql, const std::string& database) const {
  RunResult result = kctest::run("/usr/bin/psql",
                                 {"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn(database), "-c", sql},
                                 {}, std::chrono::seconds(30));
  if (result.exitCode != 0) throw std::runtime_error("psql: " + result.output);
  return result.output;
}

}  // namespace kctest
