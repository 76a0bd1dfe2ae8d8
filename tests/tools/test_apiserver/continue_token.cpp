#include "continue_token.h"

#include <nlohmann/json.hpp>

namespace kctest::apiserver {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64Url(const std::string& in) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> fromBase64Url(const std::string& in) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!at) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 255);
    }
  }
  return out;
}

}  // namespace

std::string ContinueToken::encode() const {
  nlohmann::json doc{{"v", "meta.k8s.io/v1"},
                     {"rv", resourceVersion},
                     {"start", resource + "/" + ns + "/" + std::to_string(position)},
                     {"snapshot", snapshotMillis}};
  return base64Url(doc.dump());
}

std::optional<ContinueToken> ContinueToken::decode(const std::string& text) {
  auto raw = fromBase64Url(text);
  if (!raw) return std::nullopt;
  try {
    nlohmann::json doc = nlohmann::json::parse(*raw);
    if (doc.at("v") != "meta.k8s.io/v1") return std::nullopt;
    const std::string start = doc.at("start");
    auto first = start.find('/');
    auto last = start.rfind('/');
    if (first == std::string::npos || first == last) return std::nullopt;
    ContinueToken token;
    token.resource = start.substr(0, first);
    token.ns = start.substr(first + 1, last - first - 1);
    token.position = std::stoull(start.substr(last + 1));
    token.resourceVersion = doc.at("rv");
    token.snapshotMillis = doc.at("snapshot");
    return token;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace kctest::apiserver
