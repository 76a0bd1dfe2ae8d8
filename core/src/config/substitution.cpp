// ${...} expansion in configuration values, in the shell's syntax so it reads as expected:
// ${VAR}, ${VAR:-default}, ${VAR:?message}, plus ${file:/path} for mounted secrets and $$.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kubecensus/config/config_file.h"

namespace kubecensus {
namespace {

class Substituter {
 public:
  Substituter(const Location& where, const std::string& section, const std::string& key, const Environment& env)
      : where_(where), section_(section), key_(key), env_(env) {}

  std::string expand(std::string_view text) const {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c != '$' || i + 1 >= text.size()) {
        out += c;
      } else if (text[i + 1] == '$') {
        out += '$';
        ++i;
      } else if (text[i + 1] == '{') {
        std::size_t close = findClose(text, i + 2);
        out += expandReference(text.substr(i + 2, close - (i + 2)));
        i = close;
      } else {
        out += c;  // a lone '$' (as in a password) stays as written
      }
    }
    return out;
  }

 private:
  // The '}' that closes the reference opened before `from`; nested ${...} in a default
  // count, so ${A:-${B}} works.
  std::size_t findClose(std::string_view text, std::size_t from) const {
    int depth = 1;
    for (std::size_t i = from; i < text.size(); ++i) {
      if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
        ++i;
      } else if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
        ++depth;
        ++i;
      } else if (text[i] == '}' && --depth == 0) {
        return i;
      }
    }
    fail("unterminated '${' (references are written ${VAR}, ${VAR:-default} or ${file:/path})");
  }

  std::string expandReference(std::string_view body) const {
    if (body.starts_with("file:")) return readSecretFile(std::string(body.substr(5)));

    std::size_t nameEnd = 0;
    while (nameEnd < body.size() && isNameChar(body[nameEnd], nameEnd == 0)) ++nameEnd;
    std::string name(body.substr(0, nameEnd));
    std::string_view rest = body.substr(nameEnd);
    if (name.empty() || !(rest.empty() || rest.starts_with(":-") || rest.starts_with(":?"))) {
      fail("invalid reference '${" + std::string(body) +
           "}' (use ${VAR}, ${VAR:-default}, ${VAR:?message} or ${file:/path})");
    }

    auto it = env_.find(name);
    bool set = it != env_.end() && !it->second.empty();
    if (rest.empty()) {
      // Set but empty counts as set here: only the :- and :? forms treat empty as unset.
      if (it == env_.end()) {
        fail("environment variable " + name + " is not set (use ${" + name + ":-} for an empty default)");
      }
      return it->second;
    }
    if (set) return it->second;
    if (rest.starts_with(":-")) return expand(rest.substr(2));
    std::string message(rest.substr(2));
    fail(message.empty() ? "environment variable " + name + " is not set or empty"
                         : message + " (environment variable " + name + " is not set or empty)");
  }

  std::string readSecretFile(const std::string& path) const {
    if (path.empty()) fail("${file:} needs a path, e.g. ${file:/var/run/secrets/token}");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot read " + path + " for ${file:...}: " + std::strerror(errno));
    // A directory opens fine and then reads as nothing; say so instead of using "".
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) {
      fail("cannot read " + path + " for ${file:...}: " + std::strerror(EISDIR));
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) fail("cannot read " + path + " for ${file:...}: " + std::strerror(errno));
    std::string text = content.str();
    // Files written by editors or `echo` end with a newline that is not part of the secret.
    if (text.ends_with("\r\n")) {
      text.resize(text.size() - 2);
    } else if (text.ends_with('\n')) {
      text.pop_back();
    }
    return text;
  }

  static bool isNameChar(char c, bool first) {
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    return letter || (!first && c >= '0' && c <= '9');
  }

  [[noreturn]] void fail(std::string message) const {
    throw ConfigError(ConfigIssue{where_, section_, key_, std::move(message)});
  }

  const Location& where_;
  const std::string& section_;
  const std::string& key_;
  const Environment& env_;
};

}  // namespace

std::string substitute(std::string_view value, const Location& where, const std::string& section,
                       const std::string& key, const Environment& env) {
  return Substituter(where, section, key, env).expand(value);
}

}  // namespace kubecensus
