// parseJson: strict RFC 8259 through nlohmann, plus what nlohmann does not do for us — a
// nesting limit, the one tolerated deviation (a trailing comma, legacy endpoint only) and
// error messages a sender can act on.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "kubecensus/report/formats.h"

namespace kubecensus {
namespace {

// No report needs more than a handful of levels; a hostile body with thousands would only cost
// memory and time (and stack in any recursive consumer downstream).
constexpr std::size_t kMaxDepth = 64;

bool isJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Error text echoes input bytes; keep it printable ASCII so it is safe in logs and in a JSON
// error response (nlohmann's "last read" can hold invalid UTF-8).
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    }
  }
  return out;
}

// index: 0-based byte index into text (text.size() for "at the end").
[[noreturn]] void throwSyntaxError(std::string_view text, std::size_t index, std::string_view what) {
  if (index > text.size()) index = text.size();
  std::size_t line = 1;
  std::size_t lineStart = 0;
  for (std::size_t i = 0; i < index; ++i) {
    if (text[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  }
  const std::size_t column = index - lineStart + 1;
  const std::size_t position = index + 1;  // 1-based, so it is never 0 (see ReportError)
  throw ReportError("",
                    "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                        " (byte " + std::to_string(position) + "): " + std::string(what),
                    position);
}

// One pass over the text outside string literals: refuses nesting deeper than kMaxDepth and,
// when asked, blanks a trailing comma (',' whose next non-space character is '}' or ']' and
// which follows a value, so "[,]" stays invalid). Blanking with a space keeps every byte
// offset, so later error positions still point into the text the sender sent.
// Returns true when `rewritten` holds a changed copy of the text.
bool prescan(std::string_view text, bool allowTrailingCommas, std::string& rewritten) {
  std::size_t depth = 0;
  bool inString = false;
  char lastToken = '\0';  // last non-space character outside strings ('"' for a string)
  bool changed = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        inString = false;
        lastToken = '"';
      }
      continue;
    }
    if (isJsonSpace(c)) continue;
    switch (c) {
      case '"': inString = true; break;
      case '[':
      case '{':
        if (++depth > kMaxDepth) {
          throwSyntaxError(text, i, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case ',':
        if (allowTrailingCommas && lastToken != '\0' && lastToken != '[' && lastToken != '{' &&
            lastToken != ',') {
          std::size_t next = i + 1;
          while (next < text.size() && isJsonSpace(text[next])) ++next;
          if (next < text.size() && (text[next] == '}' || text[next] == ']')) {
            if (!changed) rewritten.assign(text);
            changed = true;
            rewritten[i] = ' ';
            continue;  // the comma is gone: lastToken stays the value before it
          }
        }
        break;
      default: break;
    }
    lastToken = c;
  }
  return changed;
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 2: <detail>";
// we compute line and column ourselves and keep only the detail.
std::string_view nlohmannDetail(std::string_view what) {
  std::size_t column = what.find("column ");
  std::size_t colon = column == std::string_view::npos ? column : what.find(": ", column);
  if (colon != std::string_view::npos) return what.substr(colon + 2);
  std::size_t bracket = what.find("] ");  // "[json.exception.out_of_range.406] number overflow ..."
  return bracket == std::string_view::npos ? what : what.substr(bracket + 2);
}

// Builds the document through nlohmann's SAX interface rather than json::parse, because
// json::parse reports some errors (a number such as 1e999 that overflows a double) as
// out_of_range without a position. Here every error arrives in parse_error() with its byte.
class DocumentBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  nlohmann::json& document() { return document_; }
  // The path of a name the text gave twice in one object ("nodes[3].id"), or empty.
  const std::string& duplicateKey() const { return duplicate_; }
  // True when the text holds more than kMaxJsonValues values (building stopped there).
  bool tooManyValues() const { return tooMany_; }
  std::size_t errorByte() const { return errorByte_; }
  const std::string& errorText() const { return errorText_; }

  bool null() override { return add(nullptr); }
  bool boolean(bool value) override { return add(value); }
  bool number_integer(number_integer_t value) override { return add(value); }
  bool number_unsigned(number_unsigned_t value) override { return add(value); }
  bool number_float(number_float_t value, const string_t& /*text*/) override { return add(value); }
  bool string(string_t& value) override { return add(std::move(value)); }
  bool binary(binary_t& value) override { return add(nlohmann::json::binary(std::move(value))); }
  bool start_object(std::size_t /*size*/) override { return open(nlohmann::json::object()); }
  bool key(string_t& key) override {
    // A name twice in one object: parsers disagree on which value counts (nlohmann keeps the
    // last, others the first), so a report saying two things at once is refused.
    if (open_.back()->contains(key)) {
      duplicate_ = pathHere() + (pathHere().empty() ? "" : ".") + key;
      return false;
    }
    key_ = std::move(key);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*size*/) override { return open(nlohmann::json::array()); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string& /*lastToken*/,
                   const nlohmann::json::exception& error) override {
    errorByte_ = position;
    errorText_ = error.what();
    return false;
  }

 private:
  // Places a value where the parser is: the root, the end of an array, or the pending key.
  nlohmann::json* place(nlohmann::json&& value) {
    ++values_;
    if (open_.empty()) {
      document_ = std::move(value);
      return &document_;
    }
    nlohmann::json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    nlohmann::json& slot = parent[key_];  // new: key() refused a repeated one
    slot = std::move(value);
    return &slot;
  }
  bool add(nlohmann::json&& value) {
    if (full()) return false;
    place(std::move(value));
    return true;
  }
  bool open(nlohmann::json&& container) {
    if (full()) return false;
    std::string segment;
    if (!open_.empty())
      segment = open_.back()->is_array() ? "[" + std::to_string(open_.back()->size()) + "]" : key_;
    open_.push_back(place(std::move(container)));
    segments_.push_back(std::move(segment));
    return true;
  }
  bool close() {
    open_.pop_back();
    segments_.pop_back();
    return true;
  }
  bool full() {
    tooMany_ = values_ == kMaxJsonValues;
    return tooMany_;
  }
  // Where the innermost open container is, as a field path.
  std::string pathHere() const {
    std::string path;
    for (std::size_t i = 1; i < segments_.size(); ++i)
      path +=
          (path.empty() || (!segments_[i].empty() && segments_[i].front() == '[') ? "" : ".") + segments_[i];
    return path;
  }

  nlohmann::json document_;
  std::vector<nlohmann::json*> open_;  // containers being filled; pointers stay valid because
                                       // only the innermost one is ever appended to
  std::vector<std::string> segments_;  // per open container: its key or [index] in its parent
  std::string duplicate_;
  std::string key_;
  std::size_t values_ = 0;
  bool tooMany_ = false;
  std::size_t errorByte_ = 0;
  std::string errorText_;
};

}  // namespace

nlohmann::json parseJson(std::string_view text, bool allowTrailingCommas) {
  std::string rewritten;
  const std::string_view input = prescan(text, allowTrailingCommas, rewritten) ? rewritten : text;
  DocumentBuilder builder;
  if (nlohmann::json::sax_parse(input.begin(), input.end(), &builder)) return std::move(builder.document());
  if (!builder.duplicateKey().empty())
    throw ReportError(builder.duplicateKey(), "appears twice in one object (a name must be unique)");
  if (builder.tooManyValues())
    throw JsonTooLargeError("the document holds more than " + std::to_string(kMaxJsonValues) +
                            " JSON values; no report needs that many");

  // errorByte is 1-based: the character the parser stopped at, size()+1 at the end.
  const std::size_t index = builder.errorByte() > 0 ? builder.errorByte() - 1 : 0;
  // The most common mistake in hand-written JSON (and in the tectonic README) is a trailing
  // comma; point at the comma itself rather than at the bracket after it.
  if (index < input.size() && (input[index] == '}' || input[index] == ']')) {
    std::size_t before = index;
    while (before > 0 && isJsonSpace(input[before - 1])) --before;
    if (before > 0 && input[before - 1] == ',') {
      throwSyntaxError(
          text, before - 1,
          std::string("trailing comma before '") + input[index] + "' (not allowed in strict JSON)");
    }
  }
  throwSyntaxError(text, index, printable(nlohmannDetail(builder.errorText())));
}

}  // namespace kubecensus
