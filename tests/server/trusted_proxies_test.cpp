#include "trusted_proxies.h"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace kubecensus::server;

namespace {

std::string rejection(const std::string& entry) {
  try {
    TrustedProxies proxies(std::vector<std::string>{entry});
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("trusted proxies: from an untrusted peer, X-Forwarded-For is ignored", "[proxies]") {
  const TrustedProxies proxies({"10.0.0.0/8"});
  CHECK(proxies.clientAddress("203.0.113.9", {"198.51.100.1"}) == "203.0.113.9");
  CHECK(proxies.clientAddress("203.0.113.9", {"198.51.100.1", "10.0.0.5"}) == "203.0.113.9");
  CHECK(proxies.clientAddress("10.0.0.2", {}) == "10.0.0.2");
  // Nothing configured: nobody is trusted.
  CHECK(TrustedProxies().clientAddress("10.0.0.2", {"198.51.100.1"}) == "10.0.0.2");
}

TEST_CASE("trusted proxies: the list is read from the right, skipping trusted hops", "[proxies]") {
  const TrustedProxies proxies({"10.0.0.0/8", "192.168.1.7"});
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1"}) == "198.51.100.1");
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1, 192.168.1.7 ,10.9.9.9"}) == "198.51.100.1");
  // Left of the first untrusted hop is whatever the client wrote.
  CHECK(proxies.clientAddress("10.0.0.2", {"10.1.1.1, 192.0.2.66, 198.51.100.1, 10.0.0.5"}) ==
        "198.51.100.1");
  // Every hop trusted: the leftmost is the best we know.
  CHECK(proxies.clientAddress("10.0.0.2", {"10.0.0.7, 10.0.0.5"}) == "10.0.0.7");
}

TEST_CASE("trusted proxies: every X-Forwarded-For line counts, so a forged first line does not win",
          "[proxies]") {
  const TrustedProxies proxies({"10.0.0.0/8"});
  // The client sent its own line; the proxy (as HAProxy does) added a line with the real peer.
  CHECK(proxies.clientAddress("10.0.0.2", {"192.0.2.66", "203.0.113.7"}) == "203.0.113.7");
  // A forged line naming a trusted address gains nothing either.
  CHECK(proxies.clientAddress("10.0.0.2", {"10.0.0.3", "203.0.113.7"}) == "203.0.113.7");
  // Two proxies, the second appending to the last line.
  CHECK(proxies.clientAddress("10.0.0.2", {"192.0.2.66", "203.0.113.7, 10.0.0.5"}) == "203.0.113.7");
  // The lines are one list: when the last line holds only trusted hops, the reading goes on
  // into the line before it.
  CHECK(proxies.clientAddress("10.0.0.2", {"192.0.2.66, 203.0.113.7", "10.0.0.5"}) == "203.0.113.7");
  CHECK(proxies.clientAddress("10.0.0.2", {"203.0.113.7", "10.0.0.5", "10.0.0.6"}) == "203.0.113.7");
}

TEST_CASE("trusted proxies: a hop that is not an address stops the reading", "[proxies]") {
  const TrustedProxies proxies({"10.0.0.0/8"});
  // The last address we could trust is the answer.
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1, garbage, 10.0.0.5"}) == "10.0.0.5");
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1", "garbage"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1, unknown"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1, "}) == "10.0.0.2");    // an empty element
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1", ""}) == "10.0.0.2");  // an empty last line
  CHECK(proxies.clientAddress("10.0.0.2", {""}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"198.51.100.1:4711"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"[2001:db8::1]"}) == "10.0.0.2");
  // Only the strict spellings are addresses: none of inet_aton's shorthands, no interface zone.
  CHECK(proxies.clientAddress("10.0.0.2", {"10.1"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"3405803783"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"0x0a.0.0.1"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {"fe80::1%eth0"}) == "10.0.0.2");
  CHECK(proxies.clientAddress("10.0.0.2", {std::string("198.51.100.1\0x", 14)}) == "10.0.0.2");
}

TEST_CASE("trusted proxies: IPv6 and IPv4-mapped addresses", "[proxies]") {
  const TrustedProxies proxies({"fd00::/8", "10.0.0.0/8"});
  CHECK(proxies.clientAddress("fd00::1", {"2001:db8::7"}) == "2001:db8::7");
  CHECK(proxies.clientAddress("fd12:3456::1", {"198.51.100.1, fd00::9"}) == "198.51.100.1");
  CHECK(proxies.clientAddress("2001:db8::1", {"198.51.100.1"}) == "2001:db8::1");
  // An IPv4 peer on a dual-stack socket is IPv4-mapped: it is in the IPv4 range.
  CHECK(proxies.trusted("::ffff:10.1.2.3"));
  CHECK_FALSE(proxies.trusted("::ffff:11.1.2.3"));
  CHECK(proxies.clientAddress("::ffff:10.0.0.2", {"198.51.100.1"}) == "198.51.100.1");
  CHECK(proxies.clientAddress("::ffff:10.0.0.2", {"198.51.100.1, ::ffff:10.0.0.5"}) == "198.51.100.1");
  CHECK(proxies.clientAddress("::ffff:203.0.113.9", {"198.51.100.1"}) == "::ffff:203.0.113.9");
  // A mapped entry covers the IPv4 spelling too.
  CHECK(TrustedProxies({"::ffff:192.168.1.7"}).trusted("192.168.1.7"));
  // IPv4-compatible (::a.b.c.d) is not IPv4-mapped.
  CHECK_FALSE(proxies.trusted("::10.0.0.2"));
  // A link-local peer carries its zone; the zone does not change the range.
  CHECK(TrustedProxies({"fe80::/10"}).trusted("fe80::1%2"));
}

TEST_CASE("trusted proxies: ranges match on the prefix bits only", "[proxies]") {
  const TrustedProxies proxies({"192.168.1.0/25", "172.16.0.0/12", "2001:db8:1::/48", "198.51.100.7"});
  CHECK(proxies.trusted("192.168.1.127"));
  CHECK_FALSE(proxies.trusted("192.168.1.128"));
  CHECK(proxies.trusted("172.31.255.255"));
  CHECK_FALSE(proxies.trusted("172.32.0.0"));
  CHECK(proxies.trusted("2001:db8:1:ffff::1"));
  CHECK_FALSE(proxies.trusted("2001:db8:2::1"));
  CHECK(proxies.trusted("198.51.100.7"));
  CHECK_FALSE(proxies.trusted("198.51.100.8"));
  CHECK_FALSE(proxies.trusted("garbage"));
  CHECK(TrustedProxies({"0.0.0.0/0"}).trusted("203.0.113.9"));
  CHECK_FALSE(TrustedProxies({"0.0.0.0/0"}).trusted("2001:db8::1"));
}

TEST_CASE("trusted proxies: an entry that is not an address or CIDR range names itself", "[proxies]") {
  CHECK_THAT(rejection("nonsense"), Catch::Contains("'nonsense' is not an address or CIDR range"));
  CHECK_THAT(rejection("10.0.0.0/33"), Catch::Contains("'10.0.0.0/33' has an invalid prefix length"));
  CHECK_THAT(rejection("fd00::/129"), Catch::Contains("'fd00::/129' has an invalid prefix length"));
  CHECK_THAT(rejection("10.0.0.0/"), Catch::Contains("'10.0.0.0/'"));
  CHECK_THAT(rejection("10.0.0.0/8x"), Catch::Contains("'10.0.0.0/8x'"));
  CHECK_THAT(rejection("10.0.0.0/-1"), Catch::Contains("'10.0.0.0/-1'"));
  CHECK_THAT(rejection("10.0.0.0/0008"), Catch::Contains("'10.0.0.0/0008'"));
  CHECK_THAT(rejection("/8"), Catch::Contains("'/8' is not an address"));
  CHECK_THAT(rejection(""), Catch::Contains("'' is not an address"));
  // inet_aton's shorthand would have read "10/8" as 0.0.0.10/8: refused instead.
  CHECK_THAT(rejection("10/8"), Catch::Contains("'10/8' is not an address"));
  CHECK_THAT(rejection("010.0.0.1"), Catch::Contains("'010.0.0.1'"));
  CHECK_THAT(rejection("10.0.0.0/8"), Catch::Equals("(accepted)"));
  CHECK_THAT(rejection("::/0"), Catch::Equals("(accepted)"));
  CHECK_THROWS_AS(TrustedProxies({"10.0.0.0/8", "bad"}), std::invalid_argument);
}
