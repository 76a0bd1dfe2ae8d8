// A connection's life as a state machine on its strand: wait for a request (idle timeout), read
// its head (header timeout, size and count bounds), read its body (size bound, minimum rate,
// memory budget), dispatch it, write the answer (write timeout), and again while kept alive.
// Every bound hit is counted in /metrics and answered with its status, or the connection closed
// where HTTP has no answer.
#include <limits>
#include <optional>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "api_error.h"
#include "http/client_key.h"
#include "http/session.h"
#include "kubecensus/util/logger.h"
#include "memory_budget.h"
#include "metrics.h"
#include "trusted_proxies.h"

namespace kubecensus::server {

using namespace net;

namespace {

using Clock = std::chrono::steady_clock;

// The target's path, percent-decoded (as Poco::URI did for the routes before); a target whose
// escapes do not decode is kept as sent, and matches no route.
std::string decodedPath(std::string_view target) {
  const std::string path(target.substr(0, target.find('?')));
  std::string decoded;
  try {
    Poco::URI::decode(path, decoded);
  } catch (const Poco::Exception&) {
    return path;
  }
  return decoded;
}

template <class Stream>
tcp::socket& socketOf(Stream& stream) {
  return beast::get_lowest_layer(stream).socket();
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... StreamArgs>
  Session(std::shared_ptr<SessionHost> host, std::string peer, std::string key,
          std::shared_ptr<asio::ssl::context> tls, StreamArgs&&... streamArgs)
      : host_(std::move(host)),
        settings_(host_->settings),
        tls_(std::move(tls)),
        stream_(std::forward<StreamArgs>(streamArgs)...),
        deadline_(stream_.get_executor()),
        // Bounded: Beast 1.74 checks header_limit only while reading the head's fields, so chunk
        // extensions or trailers without an end would otherwise grow the buffer without limit.
        buffer_(settings_.maxHeaderBytes + kBodyReadBytes),
        peer_(std::move(peer)),
        key_(std::move(key)) {}

  ~Session() override { host_->sessionEnded(this, key_); }

  // On the session's strand, like everything it does.
  void start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void closeIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->handling_) {
        boost::system::error_code ignored;
        socketOf(self->stream_).close(ignored);
      }
    });
  }

 private:
  void begin() {
    host_->sessionStarted(this, this->weak_from_this());
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      awaitRequest();
    } else {
      beast::get_lowest_layer(stream_).expires_after(settings_.headerTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::system::error_code error) {
                                if (error) {
                                  self->count(error == beast::error::timeout ? "tls_handshake_timeout"
                                                                             : "tls_handshake_failed");
                                  return self->close();
                                }
                                self->awaitRequest();
                              });
    }
  }

  // Waits for the first byte of the next request: a fresh connection within the header timeout,
  // a kept-alive one within the idle timeout. A plain idle connection holds no buffer (it waits
  // for the socket to be readable, not in a read), so 10,000 of them cost little. A TLS one reads:
  // the TLS engine may hold the next request already, which the socket would never signal.
  void awaitRequest() {
    if (host_->stopping) return close();
    if (buffer_.size() > 0) return readHead();  // pipelined: the next request is here already
    buffer_.shrink_to_fit();
    const bool fresh = served_ == 0;
    armDeadline(Clock::now() + (fresh ? settings_.headerTimeout : settings_.idleTimeout),
                fresh ? "header_timeout" : "idle_timeout");
    auto arrived = [self = this->shared_from_this()](boost::system::error_code error, std::size_t bytes) {
      ++self->armed_;
      self->deadline_.cancel();
      if (self->timedOut_) {
        self->count(self->timedOut_);
        return self->close();
      }
      if (error) return self->close();
      self->buffer_.commit(bytes);
      self->readHead();
    };
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      socketOf(stream_).async_wait(tcp::socket::wait_read,
                                   [arrived](boost::system::error_code error) mutable { arrived(error, 0); });
    } else {
      stream_.async_read_some(buffer_.prepare(4096), std::move(arrived));
    }
  }

  void readHead() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(settings_.maxHeaderBytes));
    // Set once the route is known. Not boost::none: Beast 1.74 compares the length with the
    // optional, and no limit compares as smaller than every length.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    armDeadline(Clock::now() + settings_.headerTimeout, "header_timeout");
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](boost::system::error_code error, std::size_t) {
                              self->onHead(error);
                            });
  }

  void onHead(boost::system::error_code error) {
    ++armed_;
    deadline_.cancel();
    if (timedOut_)
      return refuse(408, "the request head did not arrive within collector.header_timeout", "header_timeout");
    if (error == http::error::header_limit || error == http::error::buffer_overflow)
      return refuse(431, "the request head is larger than collector.max_header_size", "header_too_large");
    if (error == http::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset)
      return close();
    if (error) return refuse(400, "malformed request: " + error.message(), "bad_request");
    auto& head = parser_->get();
    if (static_cast<std::size_t>(std::distance(head.begin(), head.end())) > settings_.maxHeaders)
      return refuse(431, "the request has more than " + std::to_string(settings_.maxHeaders) +
                             " headers (collector.max_headers)",
                    "too_many_headers");
    request_ = HttpRequest();
    request_.method = std::string(head.method_string());
    request_.target = std::string(head.target());
    request_.path = decodedPath(request_.target);
    for (const auto& field : head) request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request_.peer = peer_;
    const auto length = parser_->content_length();
    const std::uint64_t limit = settings_.bodyLimit(request_.path);
    if (length && *length > limit)
      return refuse(413, "request body of " + std::to_string(*length) + " bytes is over the limit of " +
                             std::to_string(limit) + " bytes",
                    "body_too_large");
    try {
      if (settings_.memory) {
        std::string client = peer_;
        if (settings_.trustedProxies) client = settings_.trustedProxies->clientAddress(peer_, request_.headerLines("X-Forwarded-For"));
        request_.memory = settings_.memory->reserve(clientKey(client));
      }
    } catch (const ApiError& e) {
      return refuse(e);
    }
    parser_->body_limit(limit);
    bodyLimit_ = limit;
    if (parser_->is_done()) return handle();
    bodyStarted_ = Clock::now();
    if (head.version() == 11 && http::token_list(head[http::field::expect]).exists("100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      beast::get_lowest_layer(stream_).expires_after(settings_.writeTimeout);
      return asio::async_write(stream_, asio::buffer(kContinue),
                               [self = this->shared_from_this()](boost::system::error_code error, std::size_t) {
                                 if (error) return self->close();
                                 self->readBody();
                               });
    }
    readBody();
  }

  // The body must keep up the minimum rate all along, after a grace of one header timeout: by
  // each moment, what came so far and the next 16 KiB (or the rest, if less) at that rate.
  void readBody() {
    const double rate = static_cast<double>(std::max<std::uint64_t>(1, settings_.minBodyBytesPerSecond));
    const std::uint64_t received = parser_->get().body().size();  // decoded body bytes so far
    std::uint64_t next = 16384;
    if (const auto length = parser_->content_length(); length && *length > received)
      next = std::min<std::uint64_t>(next, *length - received);
    const double bytes = static_cast<double>(received + next);
    const auto allowed = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(bytes / rate));
    armDeadline(bodyStarted_ + settings_.headerTimeout + allowed, "slow_body");
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](boost::system::error_code error, std::size_t) {
                            self->onBody(error);
                          });
  }

  void onBody(boost::system::error_code error) {
    ++armed_;
    deadline_.cancel();
    if (timedOut_)
      return refuse(408, "the request body arrived slower than collector.min_body_rate", "slow_body");
    if (error == http::error::body_limit)
      return refuse(413, "request body is over the limit of " + std::to_string(bodyLimit_) + " bytes",
                    "body_too_large");
    if (error == http::error::buffer_overflow)
      return refuse(400, "a chunk header or trailer is longer than the collector reads", "bad_request");
    if (error == http::error::partial_message || error == http::error::end_of_stream || error == asio::error::eof)
      return refuse(400, "the request body ended before its end (Content-Length or the last chunk)", "truncated_body");
    if (error) return refuse(400, "malformed request body: " + error.message(), "bad_request");
    try {
      request_.memory.growTo(parser_->get().body().size());
    } catch (const ApiError& e) {
      return refuse(e);
    }
    if (!parser_->is_done()) return readBody();
    handle();
  }

  void handle() {
    handling_ = true;
    ++served_;
    keepAlive_ = parser_->get().keep_alive() && served_ < settings_.maxRequestsPerConnection;
    version_ = parser_->get().version();
    isHead_ = request_.method == "HEAD";
    try {
      // The arrived buffers and the text made of them, for a moment both.
      request_.memory.growTo(2 * parser_->get().body().size());
    } catch (const ApiError& e) {
      return refuse(e);
    }
    request_.body = beast::buffers_to_string(parser_->get().body().data());
    parser_.reset();
    dispatch(host_->routes, std::move(request_),
             [self = this->shared_from_this()](HttpResponse response) {
               asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
                 self->write(std::move(response));
               });
             },
             host_->dispatchContext);
  }

  void write(HttpResponse answer) {
    handling_ = true;  // until the answer is written
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(version_);
    response->result(static_cast<unsigned>(answer.status));
    response->set(http::field::server, "kubecensus-collector");
    for (auto& [name, value] : answer.headers) response->set(name, value);
    if (!answer.contentType.empty()) response->set(http::field::content_type, answer.contentType);
    response->body() = std::move(answer.body);
    response->keep_alive(keepAlive_ && !answer.close && !host_->stopping);
    response->prepare_payload();
    if (answer.status == 204 || answer.status == 304) response->erase(http::field::content_length);  // RFC 9110
    if (isHead_) {  // the GET's headers, its length included, and no body
      response->set(http::field::content_length, std::to_string(response->body().size()));
      response->body().clear();
      isHead_ = false;
    }
    beast::get_lowest_layer(stream_).expires_after(settings_.writeTimeout);
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response](boost::system::error_code error, std::size_t) {
                        self->handling_ = false;
                        if (error || !response->keep_alive()) return self->close();
                        self->awaitRequest();
                      });
  }

  // A bound was hit or the request is malformed: the answer, then the connection closes (what
  // follows in it cannot be trusted to start a request).
  void refuse(int status, const std::string& message, const char* reason) { refuse(ApiError(status, message), reason); }
  void refuse(const ApiError& error, const char* reason = nullptr) {
    timedOut_ = nullptr;
    linger_ = true;
    count(reason ? reason : error.status() == 413 ? "body_too_large" : "memory_budget");
    keepAlive_ = false;
    parser_.reset();
    HttpResponse answer = errorResponse(error);
    answer.close = true;
    write(std::move(answer));
  }

  // Reads from here on are bounded by `when` (and the stream's own expiry is off for them).
  void armDeadline(Clock::time_point when, const char* reason) {
    beast::get_lowest_layer(stream_).expires_never();
    timedOut_ = nullptr;
    deadline_.expires_at(when);
    deadline_.async_wait([self = this->shared_from_this(), reason, armed = ++armed_](boost::system::error_code error) {
      if (error || armed != self->armed_) return;  // cancelled, or late for a read that completed first
      self->timedOut_ = reason;
      boost::system::error_code ignored;
      // Cancel the read, and end the receiving side too: a read completion already queued would
      // otherwise start a new read the cancel never saw. Either way the next handler sees the
      // deadline and answers 408.
      socketOf(self->stream_).cancel(ignored);
      socketOf(self->stream_).shutdown(tcp::socket::shutdown_receive, ignored);
    });
  }

  void count(const char* reason) {
    if (host_->metrics) host_->metrics->countRefusal(reason);
  }

  void close() {
    boost::system::error_code ignored;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      socketOf(stream_).shutdown(tcp::socket::shutdown_send, ignored);
      if (linger_) return drainThenClose(0);
      socketOf(stream_).close(ignored);
    } else {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](boost::system::error_code) {
        boost::system::error_code ignored;
        socketOf(self->stream_).close(ignored);
      });
    }
  }

  // After a refusal the client may still be sending what we did not read: closing now would make
  // the kernel reset the connection and could destroy the answer before the client reads it. So
  // read and discard a little (up to 64 KiB, for a second) first.
  void drainThenClose(std::size_t discarded) {
    static thread_local char sink[16384];
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    beast::get_lowest_layer(stream_).async_read_some(
        asio::buffer(sink), [self = this->shared_from_this(), discarded](boost::system::error_code error, std::size_t n) {
          boost::system::error_code ignored;
          if (error || discarded + n >= 65536) return socketOf(self->stream_).close(ignored);
          self->drainThenClose(discarded + n);
        });
  }

  std::shared_ptr<SessionHost> host_;
  const FrontEndSettings& settings_;
  std::shared_ptr<asio::ssl::context> tls_;  // outlives stream_, which refers to it
  Stream stream_;
  // The head's and the body's deadline. Not the stream's own expiry: that closes the socket,
  // and these deadlines get an answer (408). Past it, the pending read is cancelled.
  asio::steady_timer deadline_;
  const char* timedOut_ = nullptr;  // the bound whose deadline cancelled the read
  std::uint64_t armed_ = 0;         // which deadline is the current one
  beast::flat_buffer buffer_;
  static constexpr std::size_t kBodyReadBytes = 65536;
  // A dynamic body grows as bytes arrive (string_body reserves the whole Content-Length up front,
  // which a client could claim without sending anything); the budget follows what arrived.
  std::optional<http::request_parser<http::dynamic_body>> parser_;
  HttpRequest request_;
  const std::string peer_, key_;
  Clock::time_point bodyStarted_;
  std::uint64_t bodyLimit_ = 0;
  bool isHead_ = false;
  std::size_t served_ = 0;
  unsigned version_ = 11;
  bool keepAlive_ = true;
  bool linger_ = false;
  bool handling_ = false;  // a request is dispatched, or its answer is being written
};

}  // namespace

std::shared_ptr<SessionBase> startSession(std::shared_ptr<SessionHost> host, tcp::socket socket, std::string peer,
                                          std::string key, std::shared_ptr<asio::ssl::context> tls) {
  if (tls) {
    auto& context = *tls;
    auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(host), std::move(peer), std::move(key), std::move(tls), std::move(socket), context);
    session->start();
    return session;
  }
  auto session = std::make_shared<Session<beast::tcp_stream>>(std::move(host), std::move(peer), std::move(key),
                                                              nullptr, std::move(socket));
  session->start();
  return session;
}

}  // namespace kubecensus::server
