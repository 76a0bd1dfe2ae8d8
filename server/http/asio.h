// Boost.Asio and Beast, included once for the front end's translation units. Boost 1.74's
// asio/awaitable.hpp uses std::exchange without including <utility>, which fails under C++20
// unless <utility> comes first (a known 1.74 bug).
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace kubecensus::server::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
}  // namespace kubecensus::server::net
