// A request as the collector's routes see it and the answer they give, independent of the
// transport: the front end (front_end.h) fills an HttpRequest from a connection, whole (the body
// read within its bounds), and writes the HttpResponse back; a unit test or the fuzz target can
// build one by hand and call dispatch() without a socket.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memory_budget.h"

namespace kubecensus::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as sent ("POST")
  std::string target;  // as sent ("/api/v2/stats/versions?interval=week")
  std::string path;    // the target's path, percent-decoded
  HeaderList headers;  // in the order received; a name may occur more than once
  std::string body;
  std::string peer;    // the connection's peer address ("192.0.2.7", "2001:db8::1")
  // What the body holds of collector.max_inflight_memory; the routes grow it as they inflate and
  // parse. Its lifetime is the request's unless a route moves it on.
  MemoryBudget::Reservation memory;

  // The first value of a header (names compared without case), or `fallback`.
  std::string header(std::string_view name, std::string_view fallback = {}) const;
  // Every value of a header, in the order received.
  std::vector<std::string> headerLines(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // besides Content-Type and Content-Length, which the front end writes
  std::string contentType;
  std::string body;
  bool close = false;  // close the connection after this answer

  HttpResponse& set(std::string name, std::string value);
};

// Where a route delivers its answer, exactly once, from any thread.
using Respond = std::function<void(HttpResponse)>;

// A JSON answer.
HttpResponse jsonResponse(int status, std::string body);

}  // namespace kubecensus::server
