#include "kubecensus/util/hmac.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <sys/random.h>
#include <cerrno>
#include <stdexcept>

namespace kubecensus {
namespace {

// Poco's HMACEngine wants the block and digest sizes as members of the engine type.
class Sha256 : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

}  // namespace

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
  Poco::HMACEngine<Sha256> hmac{std::string(key)};
  hmac.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string sha256Hex(std::string_view data) {
  Sha256 engine;
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string randomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t filled = 0;
  while (filled < bytes) {  // the kernel's CSPRNG; blocks only before it is first seeded
    ssize_t n = getrandom(raw.data() + filled, bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    filled += static_cast<std::size_t>(n);
  }
  Poco::DigestEngine::Digest digest(raw.begin(), raw.end());
  return Poco::DigestEngine::digestToHex(digest);
}

}  // namespace kubecensus
