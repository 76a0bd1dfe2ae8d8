#include <catch2/catch.hpp>

#include "http/client_key.h"
#include "http/connection_limits.h"

using namespace kubecensus::server;

TEST_CASE("client keys: IPv4 as it is, IPv6 by its /64, IPv4-mapped as IPv4", "[limits]") {
  CHECK(clientKey("192.0.2.7") == "192.0.2.7");
  CHECK(clientKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(clientKey("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64");
  CHECK(clientKey("::ffff:198.51.100.1") == "198.51.100.1");
  CHECK(clientKey("not an address") == "not an address");
}

TEST_CASE("connection limits: per client and in all, slots given back on release", "[limits]") {
  ConnectionLimits limits(3, 2);
  using A = ConnectionLimits::Admission;
  CHECK(limits.acquire("a") == A::Admitted);
  CHECK(limits.acquire("a") == A::Admitted);
  CHECK(limits.acquire("a") == A::TooManyFromClient);  // one client cannot take every slot
  CHECK(limits.acquire("b") == A::Admitted);
  CHECK(limits.acquire("c") == A::TooManyInAll);
  CHECK(limits.acquire("") == A::TooManyInAll);  // exempt from the per-client bound, not the total
  limits.release("a");
  CHECK(limits.openFrom("a") == 1);
  CHECK(limits.acquire("") == A::Admitted);
  CHECK(limits.open() == 3);
  limits.release("");
  limits.release("a");
  limits.release("b");
  CHECK(limits.open() == 0);
  CHECK(limits.openFrom("a") == 0);
}
