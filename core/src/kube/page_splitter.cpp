#include "page_splitter.h"

#include <array>
#include <cstring>

#include "kubecensus/kube/list_stream.h"

namespace kubecensus::kube {
namespace {

// Characters that matter inside a container: brackets and the start of a string.
constexpr std::array<bool, 256> kStructural = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("{}[]\"")) table[c] = true;
  return table;
}();

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::size_t position() const { return pos_; }
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }
  void advance() { ++pos_; }

  void skipSpace() {
    while (!atEnd() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }

  // At a '"': past the closing quote. A quote is escaped exactly when an odd number of
  // backslashes precede it.
  void skipString() {
    std::size_t from = pos_ + 1;
    for (;;) {
      const void* found = std::memchr(text_.data() + from, '"', text_.size() - from);
      if (found == nullptr) fail("a string is not terminated");
      std::size_t quote = static_cast<const char*>(found) - text_.data();
      std::size_t backslashes = 0;
      while (quote - backslashes > pos_ + 1 && text_[quote - backslashes - 1] == '\\') ++backslashes;
      from = quote + 1;
      if (backslashes % 2 == 0) break;
    }
    pos_ = from;
  }

  void skipValue() {
    skipSpace();
    char c = peek();
    if (c == '"') return skipString();
    if (c == '{' || c == '[') return skipContainer();
    while (!atEnd() && std::strchr(",}] \t\r\n", text_[pos_]) == nullptr) ++pos_;  // a literal
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw ListParseError("malformed list: " + why + " (byte " + std::to_string(pos_) + ")");
  }

 private:
  void skipContainer() {
    int depth = 0;
    do {
      while (pos_ < text_.size() && !kStructural[static_cast<unsigned char>(text_[pos_])]) ++pos_;
      if (atEnd()) fail("an object or array is not closed");
      char c = text_[pos_];
      if (c == '"') {
        skipString();
        continue;
      }
      depth += (c == '{' || c == '[') ? 1 : -1;
      ++pos_;
    } while (depth > 0);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

PageSplit splitPage(std::string_view text) {
  PageSplit split;
  Scanner in(text);
  in.skipSpace();
  if (in.peek() != '{') {
    split.skeleton = text;
    return split;
  }
  in.advance();
  std::size_t itemsOpen = std::string_view::npos, itemsClose = 0;
  for (;;) {
    in.skipSpace();
    if (in.peek() == '}') break;
    if (in.peek() != '"') in.fail("expected a key");
    const std::size_t keyStart = in.position();
    in.skipString();
    const std::string_view key = text.substr(keyStart, in.position() - keyStart);
    in.skipSpace();
    if (in.peek() != ':') in.fail("expected ':' after a key");
    in.advance();
    in.skipSpace();
    if (key == "\"items\"" && in.peek() == '[' && itemsOpen == std::string_view::npos) {
      itemsOpen = in.position();
      in.advance();
      in.skipSpace();
      if (in.peek() != ']') {
        for (;;) {
          in.skipSpace();
          const std::size_t start = in.position();
          in.skipValue();
          split.items.push_back(text.substr(start, in.position() - start));
          in.skipSpace();
          if (in.peek() == ',') {
            in.advance();
            continue;
          }
          if (in.peek() == ']') break;
          in.fail("expected ',' or ']' after an item");
        }
      }
      in.advance();  // the ']'
      itemsClose = in.position();
    } else {
      in.skipValue();
    }
    in.skipSpace();
    if (in.peek() == ',') {
      in.advance();
      continue;
    }
    if (in.peek() != '}') in.fail("expected ',' or '}' after a value");
    break;
  }
  if (itemsOpen == std::string_view::npos) {
    split.skeleton = text;
  } else {
    split.skeleton.reserve(text.size() - (itemsClose - itemsOpen) + 2);
    split.skeleton.append(text.substr(0, itemsOpen)).append("[]").append(text.substr(itemsClose));
  }
  return split;
}

}  // namespace kubecensus::kube
