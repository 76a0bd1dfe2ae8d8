// INI in the style of Fluent Bit's classic files and git config:
//   ; comment            # comment
//   [sink.http]
//   url = https://example.com/v1   ; inline comment after whitespace
//   token = "a value; with a semicolon and \"quotes\""
#include <optional>

#include "config_builder.h"
#include "kubecensus/config/config_file.h"

namespace kubecensus {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool isCommentStart(char c) { return c == ';' || c == '#'; }

// What may follow a closing quote or bracket: nothing but whitespace and a comment.
bool onlyCommentLeft(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || isCommentStart(rest.front());
}

// The value of an unquoted entry: up to a ';' or '#' that starts it or follows whitespace
// (so that "http://host/#frag" and "a;b" survive), ignoring any inside double quotes.
std::string_view stripInlineComment(std::string_view value) {
  bool quoted = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && isCommentStart(c) && (i == 0 || isSpace(value[i - 1]))) return trim(value.substr(0, i));
  }
  return trim(value);
}

struct Quoted {
  std::string value;
  std::string_view rest;  // what follows the closing quote
};

// Parses "..." at the start of text, with \" and \\ as the only escapes; any other
// backslash is kept as written (paths and regular expressions stay readable).
std::optional<Quoted> parseQuoted(std::string_view text) {
  Quoted out;
  for (std::size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
      out.value += text[++i];
    } else if (c == '"') {
      out.rest = text.substr(i + 1);
      return out;
    } else {
      out.value += c;
    }
  }
  return std::nullopt;
}

void parseLine(std::string_view line, int number, ConfigBuilder& builder) {
  line = trim(line);
  if (line.empty() || isCommentStart(line.front())) return;

  if (line.front() == '[') {
    auto close = line.find(']');
    if (close == std::string_view::npos) {
      builder.error(number, "", "", "section header without closing ']'");
      builder.skipSection();  // its entries must not land in the section before
      return;
    }
    std::string name(trim(line.substr(1, close - 1)));
    if (!onlyCommentLeft(line.substr(close + 1))) {
      builder.error(number, name, "", "unexpected text after section header");
    }
    builder.beginSection(name, number);
    return;
  }

  auto eq = line.find('=');
  if (eq == std::string_view::npos) {
    // The line is not echoed: it may be a secret written with the wrong syntax.
    builder.error(number, builder.currentSection(), "", "expected 'key = value' or '[section]'");
    return;
  }
  std::string key(trim(line.substr(0, eq)));
  std::string_view value = trim(line.substr(eq + 1));
  if (key.empty()) {
    builder.error(number, builder.currentSection(), "", "missing key before '='");
    return;
  }
  if (!value.empty() && value.front() == '"') {
    auto quoted = parseQuoted(value);
    if (!quoted) {
      builder.error(number, builder.currentSection(), key, "unterminated double-quoted value");
      return;
    }
    if (!onlyCommentLeft(quoted->rest)) {
      builder.error(number, builder.currentSection(), key, "unexpected text after closing quote");
      return;
    }
    builder.addEntry(key, quoted->value, number);
    return;
  }
  builder.addEntry(key, stripInlineComment(value), number);
}

}  // namespace

Config parseIni(std::string_view text, const std::string& fileName, const Environment& env) {
  ConfigBuilder builder(fileName, env);
  int number = 0;
  while (!text.empty() || number == 0) {
    ++number;
    auto newline = text.find('\n');
    parseLine(text.substr(0, newline), number, builder);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return builder.finish();
}

}  // namespace kubecensus
