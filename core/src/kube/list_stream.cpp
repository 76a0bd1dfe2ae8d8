// A SAX handler over a Kubernetes list: each element of the top-level "items" array is built
// as its own small json, handed over, and dropped; of everything else only kind, apiVersion and
// metadata.continue / metadata.resourceVersion are kept.
#include "kubecensus/kube/list_stream.h"

#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

namespace kubecensus {
namespace {

using json = nlohmann::json;

// Builds one item from SAX events, like nlohmann's own DOM parser but for a sub-tree.
class ItemBuilder {
 public:
  bool active() const { return !stack_.empty(); }
  void value(json v) { add(std::move(v)); }
  void open(json container) { stack_.push_back(add(std::move(container))); }
  // Returns true when the container closed was the item itself.
  bool close() {
    stack_.pop_back();
    return stack_.empty();
  }
  void key(std::string k) { key_ = std::move(k); }
  json& item() { return item_; }

 private:
  json* add(json v) {
    if (stack_.empty()) {
      item_ = std::move(v);
      return &item_;
    }
    // Pointers on the stack stay valid: only the innermost open container is ever modified.
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }

  json item_;
  std::vector<json*> stack_;
  std::string key_;
};

class ListHandler : public nlohmann::json_sax<json> {
 public:
  explicit ListHandler(const std::function<void(const json&)>& onItem) : onItem_(onItem) {}

  bool null() override { return scalar(json(nullptr)); }
  bool boolean(bool v) override { return scalar(json(v)); }
  bool number_integer(number_integer_t v) override { return scalar(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(json(v)); }
  bool binary(binary_t& v) override { return scalar(json::binary(v)); }

  bool string(string_t& v) override {
    if (!builder_.active() && !inItems_) {
      if (depth_ == 1 && topKey_ == "kind") page_.kind = v;
      if (depth_ == 1 && topKey_ == "apiVersion") page_.apiVersion = v;
      if (depth_ == 2 && inMetadata_ && metadataKey_ == "continue") page_.continueToken = v;
      if (depth_ == 2 && inMetadata_ && metadataKey_ == "resourceVersion") page_.resourceVersion = v;
    }
    return scalar(json(std::move(v)));
  }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (builder_.active()) {
      builder_.key(std::move(k));
    } else if (depth_ == 1) {
      topKey_ = std::move(k);
    } else if (depth_ == 2 && inMetadata_) {
      metadataKey_ = std::move(k);
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }

  const std::string& error() const { return error_; }
  bool sawItems() const { return sawItems_; }
  ListPage& page() { return page_; }

 private:
  bool scalar(json v) {
    if (builder_.active()) {
      builder_.value(std::move(v));
    } else if (depth_ == 0) {
      error_ = "a list must be a JSON object, not " + std::string(v.type_name());
      return false;
    } else if (inItems_ && depth_ == 2) {
      deliver(v);  // an item that is not an object: odd, but hand it over as it is
    } else if (depth_ == 1 && topKey_ == "items") {
      if (!v.is_null()) {
        error_ = "\"items\" must be an array, not " + std::string(v.type_name());
        return false;
      }
      sawItems_ = true;  // Go encodes an empty list's nil slice as null
    }
    return true;
  }

  bool open(json container) {
    if (depth_ == 0 && !container.is_object()) {
      error_ = "a list must be a JSON object, not an array";
      return false;
    }
    if (builder_.active() || (inItems_ && depth_ == 2)) {
      builder_.open(std::move(container));
    } else if (depth_ == 1 && topKey_ == "items") {
      if (!container.is_array()) {
        error_ = "\"items\" must be an array, not an object";
        return false;
      }
      inItems_ = true;
      sawItems_ = true;
    } else if (depth_ == 1 && topKey_ == "metadata") {
      inMetadata_ = container.is_object();
      metadataKey_.clear();
    }
    ++depth_;
    return true;
  }

  bool close() {
    --depth_;
    if (builder_.active()) {
      if (builder_.close()) deliver(builder_.item());
    } else if (depth_ == 1) {
      inItems_ = false;
      inMetadata_ = false;
    }
    return true;
  }

  void deliver(const json& item) {
    onItem_(item);
    ++page_.itemCount;
    builder_.item() = json();  // drop it now, not when the next one replaces it
  }

  const std::function<void(const json&)>& onItem_;
  ItemBuilder builder_;
  ListPage page_;
  int depth_ = 0;
  std::string topKey_;
  std::string metadataKey_;
  bool inItems_ = false;
  bool inMetadata_ = false;
  bool sawItems_ = false;
  std::string error_;
};

}  // namespace

ListPage parseListStream(std::istream& in, const std::function<void(const json& item)>& onItem) {
  ListHandler handler(onItem);
  bool ok = false;
  try {
    ok = json::sax_parse(in, &handler);
  } catch (const json::exception& e) {
    throw ListParseError(std::string("malformed list: ") + e.what());
  }
  if (!ok) throw ListParseError("malformed list: " + handler.error());
  if (!handler.sawItems()) throw ListParseError("malformed list: no \"items\" array");
  return std::move(handler.page());
}

}  // namespace kubecensus
