#include "support/test_proxy.h"

#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sstream>

namespace kctest {
namespace {

using Poco::Net::Socket;
using Poco::Net::StreamSocket;

// Reads up to the blank line that ends the request head; returns the head and, in `rest`,
// whatever came after it in the same reads.
bool readHead(StreamSocket& socket, std::string& head, std::string& rest) {
  std::string data;
  char buffer[4096];
  while (data.find("\r\n\r\n") == std::string::npos && data.size() < 65536) {
    int n = socket.receiveBytes(buffer, sizeof buffer);
    if (n <= 0) return false;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  auto end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  head = data.substr(0, end + 4);
  rest = data.substr(end + 4);
  return true;
}

void sendAll(StreamSocket& socket, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    int n = socket.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
    if (n <= 0) throw Poco::Net::NetException("send failed");
    sent += static_cast<std::size_t>(n);
  }
}

// Copies bytes both ways until either side closes or `stopping`.
void pump(StreamSocket& a, StreamSocket& b, const std::atomic<bool>& stopping) {
  char buffer[16384];
  while (!stopping) {
    Socket::SocketList readable{a, b}, writable, failed;
    if (Socket::select(readable, writable, failed, Poco::Timespan(0, 100000)) == 0) continue;
    for (auto& socket : readable) {
      StreamSocket from(socket);
      StreamSocket& to = from == a ? b : a;
      int n = from.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) return;
      sendAll(to, std::string(buffer, static_cast<std::size_t>(n)));
    }
  }
}

std::string header(const std::string& head, const std::string& name) {
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    if (Poco::icompare(key, name) != 0) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return value;
  }
  return {};
}

}  // namespace

TestProxy::TestProxy() : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
  port_ = listener_.address().port();
  acceptor_ = std::thread([this] { acceptLoop(); });
}

TestProxy::~TestProxy() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& worker : workers) worker.join();
}

std::vector<ProxiedRequest> TestProxy::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void TestProxy::acceptLoop() {
  while (!stopping_) {
    if (!listener_.poll(Poco::Timespan(0, 100000), Socket::SELECT_READ)) continue;
    try {
      StreamSocket client = listener_.acceptConnection();
      client.setReceiveTimeout(Poco::Timespan(10, 0));  // a silent client cannot hold the proxy
      std::lock_guard<std::mutex> lock(mutex_);
      workers_.emplace_back([this, client] { serve(client); });
    } catch (const Poco::Exception&) {
      // The client went away before it was accepted.
    }
  }
}

void TestProxy::serve(StreamSocket client) {
  try {
    std::string head, rest;
    if (!readHead(client, head, rest)) return;
    const std::string requestLine = head.substr(0, head.find("\r\n"));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back({requestLine, header(head, "Proxy-Authorization")});
    }
    std::istringstream words(requestLine);
    std::string method, target, version;
    words >> method >> target >> version;
    StreamSocket upstream;
    if (method == "CONNECT") {
      upstream.connect(Poco::Net::SocketAddress(target));
      sendAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
      if (!rest.empty()) sendAll(upstream, rest);
    } else {
      Poco::URI uri(target);
      upstream.connect(Poco::Net::SocketAddress(uri.getHost(), uri.getPort()));
      std::string forwarded = method + " " + uri.getPathEtc() + " " + version + "\r\n";
      std::istringstream lines(head.substr(head.find("\r\n") + 2));
      for (std::string line; std::getline(lines, line);) {
        if (line == "\r" || line.empty()) break;
        if (Poco::icompare(line.substr(0, 6), "proxy-") == 0) continue;
        forwarded += line + "\n";
      }
      sendAll(upstream, forwarded + "\r\n" + rest);
    }
    pump(client, upstream, stopping_);
  } catch (const Poco::Exception&) {
    // The client or the upstream went away: the test sees it in what it gets back.
  }
}

}  // namespace kctest
