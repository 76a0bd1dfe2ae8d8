#include "kubecensus/util/hmac.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace kubecensus;

TEST_CASE("hmacSha256Hex matches the RFC 4231 test vectors", "[hmac]") {
  // RFC 4231 section 4: test cases 1-4, 6 and 7 (case 5 is about truncation, checked below).
  CHECK(hmacSha256Hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hmacSha256Hex(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  std::string key4;
  for (char c = 0x01; c <= 0x19; ++c) key4 += c;
  CHECK(hmacSha256Hex(key4, std::string(50, '\xcd')) ==
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Keys longer than the 64-byte block are hashed first.
  CHECK(hmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(hmacSha256Hex(std::string(131, '\xaa'),
                      "This is a test using a larger than block-size key and a larger than block-size data. "
                      "The key needs to be hashed before being used by the HMAC algorithm.") ==
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  // Test case 5 gives only the first 128 bits.
  CHECK(hmacSha256Hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32) ==
        "a3b6167473100ee06e0c796c2955552b");
}

TEST_CASE("hmacSha256Hex uses every byte of key and data, NULs included", "[hmac]") {
  using namespace std::string_literals;
  // Reference values computed with Python's hmac module.
  CHECK(hmacSha256Hex("k\0ey"s, "da\0ta"s) ==
        "4f9c85c159275756e3761e92db1874738237297476f3ca6efb96f306a6125315");
  CHECK(hmacSha256Hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  // The key matters: same data, different salt, different ID.
  CHECK(hmacSha256Hex("salt-a", "machine-id:1") != hmacSha256Hex("salt-b", "machine-id:1"));
  CHECK(hmacSha256Hex("salt-a", "machine-id:1") == hmacSha256Hex("salt-a", "machine-id:1"));
}

TEST_CASE("sha256Hex of known inputs", "[hmac]") {
  CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // FIPS 180-2 example with a two-block message.
  CHECK(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("randomHex gives 2n lowercase hex characters, different every time", "[hmac]") {
  CHECK(randomHex(0).empty());
  for (std::size_t n : {1u, 16u, 32u, 1000u}) {
    std::string hex = randomHex(n);
    INFO("n = " << n << ": " << hex.substr(0, 80));
    CHECK(hex.size() == 2 * n);
    CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(randomHex(16));
  CHECK(seen.size() == 200);
  // Not stuck on a few values: over 1000 random bytes every hex digit shows up.
  std::string many = randomHex(1000);
  for (char digit : std::string("0123456789abcdef")) {
    INFO(digit);
    CHECK(many.find(digit) != std::string::npos);
  }
}
