#include "kubecensus/report/extension_rules.h"

#include <cctype>

namespace kubecensus {
namespace {

bool isAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::optional<std::string> invalidName(std::string_view name) {
  if (name.empty()) return "the name part is empty";
  if (name.size() > 63) return "the name part is longer than 63 characters";
  if (!isAlnum(name.front()) || !isAlnum(name.back()))
    return "the name part must start and end with a letter or digit";
  for (char c : name)
    if (!isAlnum(c) && c != '-' && c != '_' && c != '.')
      return "the name part may hold only letters, digits, '-', '_' and '.'";
  return std::nullopt;
}

// RFC 1123 subdomain: dot-separated labels of [a-z0-9-], each starting and ending alphanumeric.
std::optional<std::string> invalidPrefix(std::string_view prefix) {
  if (prefix.empty()) return "the prefix before '/' is empty";
  if (prefix.size() > 253) return "the prefix is longer than 253 characters";
  std::size_t start = 0;
  while (start <= prefix.size()) {
    std::size_t dot = prefix.find('.', start);
    std::string_view label =
        prefix.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return "the prefix must be a DNS subdomain (e.g. example.com)";
    for (char c : label)
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
            c == '-'))
        return "the prefix must be a lower-case DNS subdomain (e.g. example.com)";
    if (label.front() == '-' || label.back() == '-') return "a prefix label must not start or end with '-'";
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> invalidExtensionKeyReason(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return invalidName(key);
  if (key.find('/', slash + 1) != std::string_view::npos) return "a key may hold at most one '/'";
  if (auto reason = invalidPrefix(key.substr(0, slash))) return reason;
  return invalidName(key.substr(slash + 1));
}

}  // namespace kubecensus
