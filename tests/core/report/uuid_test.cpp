#include "kubecensus/report/uuid.h"

#include <catch2/catch.hpp>
#include <set>

using kubecensus::isUuid;
using kubecensus::nameBasedUuid;
using kubecensus::randomUuid;

TEST_CASE("isUuid accepts the canonical form in either case", "[report][uuid]") {
  CHECK(isUuid("2f9c93d3-156c-47aa-8802-578ffca9b50e"));
  CHECK(isUuid("2F9C93D3-156C-47AA-8802-578FFCA9B50E"));
  CHECK(isUuid("00000000-0000-0000-0000-000000000000"));
  CHECK(isUuid(kubecensus::kUuidNamespace));

  CHECK_FALSE(isUuid(""));
  CHECK_FALSE(isUuid("2f9c93d3156c47aa8802578ffca9b50e"));        // no dashes
  CHECK_FALSE(isUuid("{2f9c93d3-156c-47aa-8802-578ffca9b50e}"));  // braces
  CHECK_FALSE(isUuid("2f9c93d3-156c-47aa-8802-578ffca9b50"));     // short
  CHECK_FALSE(isUuid("2f9c93d3-156c-47aa-8802-578ffca9b50e0"));   // long
  CHECK_FALSE(isUuid("2f9c93d3-156c-47aa-8802_578ffca9b50e"));    // wrong separator
  CHECK_FALSE(isUuid("2f9c93d3-156c-47aa-880-2578ffca9b50e"));    // dash misplaced
  CHECK_FALSE(isUuid("gf9c93d3-156c-47aa-8802-578ffca9b50e"));    // not hex
  CHECK_FALSE(isUuid(" 2f9c93d3-156c-47aa-8802-578ffca9b50"));
}

TEST_CASE("randomUuid is a lowercase version 4 UUID and differs every call", "[report][uuid]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = randomUuid();
    INFO(id);
    REQUIRE(isUuid(id));
    CHECK(id[14] == '4');                                          // version
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);  // RFC 4122 variant
    CHECK(id.find_first_of("ABCDEF") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("nameBasedUuid is RFC 4122 version 5 in the kubecensus namespace", "[report][uuid]") {
  // Known answers from Python: uuid.uuid5(uuid.UUID(kUuidNamespace), name).
  CHECK(nameBasedUuid("hello") == "3fd2b0ba-945b-5849-8b98-8f8b2f2d9a3e");
  CHECK(nameBasedUuid("") == "02737c38-32eb-51ba-a7d9-03be4430edb6");
  CHECK(nameBasedUuid("hello") == nameBasedUuid(std::string("hel") + "lo"));
  CHECK(nameBasedUuid("hello") != nameBasedUuid("hello "));
}
