#include "http/front_end.h"

#include <sched.h>
#include <sys/resource.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "api_error.h"
#include "http/asio.h"
#include "http/client_key.h"
#include "http/connection_limits.h"
#include "http/session.h"
#include "http/tls_config.h"
#include "kubecensus/util/logger.h"
#include "metrics.h"
#include "trusted_proxies.h"

namespace kubecensus::server {

using namespace net;

namespace {

// At most this many blocking routes wait for a thread of the pool per thread; beyond, 503.
constexpr std::size_t kBlockingQueuePerThread = 64;

// Enough descriptors for maxConnections: the soft limit raised to the hard one.
void raiseDescriptorLimit(std::size_t wanted, Logger& log) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted + 64)
    log.warning("collector.max_connections is " + std::to_string(wanted) + " but only " +
                std::to_string(limit.rlim_cur) +
                " file descriptors are allowed (ulimit -n): connections past that wait in the kernel's queue");
}

}  // namespace

struct HttpFrontEnd::Impl : SessionHost, std::enable_shared_from_this<HttpFrontEnd::Impl> {
  Impl(std::vector<Route> routes, FrontEndSettings settings, Logger& log, Metrics* metrics)
      : SessionHost{std::move(routes), std::move(settings), log, metrics},
        listenStrand(asio::make_strand(ioc)),
        acceptor(listenStrand),
        retryAccept(listenStrand),
        tlsTimer(listenStrand),
        blockingWork(asio::make_work_guard(blockingIoc)) {
    if (!this->settings.bodyLimit) throw std::invalid_argument("FrontEndSettings::bodyLimit is required");
    limits = std::make_unique<ConnectionLimits>(this->settings.maxConnections,
                                                this->settings.maxConnectionsPerClient);
    raiseDescriptorLimit(this->settings.maxConnections, log);
    if (!this->settings.tlsCertFile.empty())
      tls = std::make_unique<TlsConfig>(this->settings.tlsCertFile, this->settings.tlsKeyFile, log);
    dispatchContext.offload = [this](std::function<void()> task) { return offload(std::move(task)); };
    const int blockingThreads = std::max(1, this->settings.blockingThreads);
    blockingLimit = kBlockingQueuePerThread * static_cast<std::size_t>(blockingThreads);
    for (int i = 0; i < blockingThreads; ++i) blockingThreadsRunning.emplace_back([this] { blockingIoc.run(); });

    boost::system::error_code error;
    const auto address = asio::ip::make_address(this->settings.host, error);
    if (error) throw std::runtime_error("cannot listen on '" + this->settings.host + "': not an IP address");
    const tcp::endpoint endpoint(address, this->settings.port);
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(this->settings.backlog, error);
    if (error)
      throw std::runtime_error("cannot listen on " + this->settings.host + ":" +
                               std::to_string(this->settings.port) + ": " + error.message());
    boundPort = acceptor.local_endpoint().port();
  }

  bool offload(std::function<void()> task) {
    if (blockingQueued.fetch_add(1) >= blockingLimit) {
      blockingQueued.fetch_sub(1);
      if (metrics) metrics->countRefusal("blocking_queue");
      return false;
    }
    asio::post(blockingIoc, [this, task = std::move(task)] {
      task();
      blockingQueued.fetch_sub(1);
    });
    return true;
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), asio::bind_executor(listenStrand, [self = shared_from_this()](boost::system::error_code error,
                                                                              tcp::socket socket) {
      self->accepted(error, std::move(socket));
    }));
  }

  void accepted(boost::system::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || stopping) return;
    if (error) {
      // Out of descriptors (EMFILE/ENFILE) or a connection reset before it was taken: pause
      // briefly rather than spin; the kernel keeps the rest queued.
      if (metrics) metrics->countRefusal("accept_failed");
      retryAccept.expires_after(std::chrono::milliseconds(100));
      retryAccept.async_wait([self = shared_from_this()](boost::system::error_code) {
        if (!self->stopping) self->accept();
      });
      return;
    }
    accept();
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const std::string peer = socket.remote_endpoint(ignored).address().to_string();
    // A trusted proxy carries many clients: it is bounded only by the total.
    const bool proxy = settings.trustedProxies && settings.trustedProxies->trusted(peer);
    std::string key = proxy ? std::string() : clientKey(peer);
    const auto admission = limits->acquire(key);
    if (admission != ConnectionLimits::Admission::Admitted) {
      refuseConnection(std::move(socket), admission == ConnectionLimits::Admission::TooManyInAll);
      return;
    }
    if (metrics) metrics->connectionOpened();
    startSession(shared_from_this(), std::move(socket), peer, std::move(key), tls ? tls->current() : nullptr);
  }

  // Over a connection bound: a plain-HTTP client is told why (503 in all, 429 from one client),
  // then the connection closes; a TLS client is just closed.
  void refuseConnection(tcp::socket socket, bool inAll) {
    if (metrics) metrics->countRefusal(inAll ? "max_connections" : "max_connections_per_client");
    if (tls) return;
    ApiError error(inAll ? 503 : 429, inAll ? "the collector has as many connections as it takes "
                                              "(collector.max_connections); retry later"
                                            : "too many connections from your address "
                                              "(collector.max_connections_per_client); retry later");
    error.retryAfter = 1;
    const HttpResponse answer = errorResponse(error);
    std::string bytes = "HTTP/1.1 " + std::to_string(answer.status) + (inAll ? " Service Unavailable" : " Too Many Requests") +
                        "\r\nServer: kubecensus-collector\r\nConnection: close\r\nRetry-After: 1\r\n"
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(answer.body.size()) + "\r\n\r\n" + answer.body;
    auto held = std::make_shared<std::pair<tcp::socket, std::string>>(std::move(socket), std::move(bytes));
    asio::async_write(held->first, asio::buffer(held->second), [held](boost::system::error_code, std::size_t) {
      boost::system::error_code ignored;
      held->first.shutdown(tcp::socket::shutdown_both, ignored);
      held->first.close(ignored);
    });
  }

  void sessionStarted(SessionBase* session, std::weak_ptr<SessionBase> handle) override {
    std::lock_guard lock(sessionsMutex);
    sessions[session] = std::move(handle);
  }

  void sessionEnded(SessionBase* session, const std::string& key) override {
    limits->release(key);
    if (metrics) metrics->connectionClosed();
    std::lock_guard lock(sessionsMutex);
    sessions.erase(session);
  }

  void watchCertificate() {
    tlsTimer.expires_after(std::chrono::seconds(2));
    tlsTimer.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (error || self->stopping) return;
      self->tls->reloadIfChanged();
      self->watchCertificate();
    });
  }

  asio::io_context ioc;
  // The acceptor and the timers are used from one strand: accepts, retries, certificate checks
  // and the close at shutdown never run at once.
  asio::strand<asio::io_context::executor_type> listenStrand;
  tcp::acceptor acceptor;
  asio::steady_timer retryAccept;
  asio::steady_timer tlsTimer;
  std::unique_ptr<TlsConfig> tls;
  std::unique_ptr<ConnectionLimits> limits;
  asio::io_context blockingIoc;
  asio::executor_work_guard<asio::io_context::executor_type> blockingWork;
  std::vector<std::thread> blockingThreadsRunning;
  std::atomic<std::size_t> blockingQueued{0};
  std::size_t blockingLimit = 0;
  std::vector<std::thread> ioThreads;
  unsigned short boundPort = 0;
  bool stoppedCleanly = false;
  std::mutex sessionsMutex;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
};

HttpFrontEnd::HttpFrontEnd(std::vector<Route> routes, FrontEndSettings settings, Logger& log, Metrics* metrics)
    : impl_(std::make_shared<Impl>(std::move(routes), std::move(settings), log, metrics)) {}

HttpFrontEnd::~HttpFrontEnd() {
  if (impl_->ioThreads.empty() && impl_->blockingThreadsRunning.empty()) return;
  if (!stop()) {
    // Threads are still inside storage: they keep what they use, forever.
    for (auto& thread : impl_->ioThreads) thread.detach();
    for (auto& thread : impl_->blockingThreadsRunning) thread.detach();
    new std::shared_ptr<Impl>(impl_);  // deliberately leaked: the detached threads use it
  }
}

void HttpFrontEnd::start() {
  impl_->accept();
  if (impl_->tls) impl_->watchCertificate();
  int threads = impl_->settings.ioThreads;
  if (threads <= 0) {
    // The cores this process may run on (taskset, a container's cpuset), not the machine's.
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    threads = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus)
                                                           : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::max(1, threads);
  }
  for (int i = 0; i < threads; ++i) impl_->ioThreads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
}

bool HttpFrontEnd::stop() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return impl.stoppedCleanly;
  asio::post(impl.listenStrand, [&impl] {
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.retryAccept.cancel();
    impl.tlsTimer.cancel();
  });
  // Taken out under the lock, told outside it: the last reference to a session may be dropped
  // here, and its destructor takes the lock.
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(impl.sessionsMutex);
    for (auto& [raw, weak] : impl.sessions)
      if (auto session = weak.lock()) open.push_back(std::move(session));
  }
  for (auto& session : open) session->closeIfIdle();
  open.clear();
  // Requests in progress get their answer (with Connection: close) and their connections end.
  const auto deadline = std::chrono::steady_clock::now() + impl.settings.shutdownTimeout;
  while ((impl.limits->open() > 0 || impl.blockingQueued.load() > 0) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const bool clean = impl.limits->open() == 0 && impl.blockingQueued.load() == 0;
  impl.stoppedCleanly = clean;
  impl.ioc.stop();
  for (auto& thread : impl.ioThreads)
    if (thread.joinable()) thread.join();
  impl.ioThreads.clear();
  if (!clean) return false;
  impl.blockingWork.reset();
  for (auto& thread : impl.blockingThreadsRunning) thread.join();
  impl.blockingThreadsRunning.clear();
  return true;
}

unsigned short HttpFrontEnd::port() const {
  return impl_->boundPort;
}

const char* HttpFrontEnd::scheme() const {
  return impl_->tls ? "https" : "http";
}

}  // namespace kubecensus::server
