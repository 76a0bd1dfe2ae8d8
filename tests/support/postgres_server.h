// A real PostgreSQL (Debian's postgresql 15) for a test: initdb in a temporary directory, a
// server on 127.0.0.1 and a free port, trust authentication, stopped (pg_ctl stop -m fast) on
// destruction. PostgreSQL refuses to run as root, so as root the directory is given to the
// postgres user and the server's commands run through `runuser -u postgres`.
//
//   kctest::PostgresServer pg;
//   pg.dsn()        "host=127.0.0.1 port=PORT user=postgres dbname=postgres"
//   pg.url()        "postgres://postgres@127.0.0.1:PORT/postgres"
//   pg.stop(); pg.start();   // a database restart in the middle of a test
//   pg.freeze(); pg.thaw();  // SIGSTOP/SIGCONT every server process: a database that stops
//                            // answering (the kernel still accepts and acknowledges)
#pragma once

#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace kctest {

class PostgresServer {
 public:
  PostgresServer();  // throws std::runtime_error with initdb's or pg_ctl's output
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  unsigned short port() const { return port_; }
  std::string dsn(const std::string& database = "postgres") const;
  std::string url(const std::string& database = "postgres") const;
  void start();
  void stop();
  void freeze();
  void thaw();  // stop() and the destructor thaw first
  // Runs SQL with psql and returns its unaligned, tuples-only output.
  std::string query(const std::string& sql, const std::string& database = "postgres") const;

  static bool available();  // the PostgreSQL binaries are installed

 private:
  std::string run(const std::vector<std::string>& command) const;
  void signalAll(int signal) const;

  TempDir dir_;
  unsigned short port_ = 0;
  bool running_ = false;
  bool frozen_ = false;
};

}  // namespace kctest
