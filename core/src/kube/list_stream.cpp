// A Kubernetes list page parsed with simdjson (SIMD code chosen at run time for the CPU): the
// page's bytes are read into one buffer and cut into items (page_splitter.h), then each item
// is parsed alone, turned into a small nlohmann::json of just the fields asked for, handed over
// and dropped. Of everything else only kind, apiVersion and
// metadata.continue / metadata.resourceVersion are kept.
//
// simdjson rather than nlohmann's SAX parser: the agent's CPU time on a large cluster is almost
// all JSON (150,000 pods are hundreds of MB), and simdjson reads it several times faster.
#include "kubecensus/kube/list_stream.h"

#include "page_splitter.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <utility>

namespace kubecensus {
namespace {

using json = nlohmann::json;
namespace dom = simdjson::dom;

// The fields to keep as a tree: "metadata.name" and "metadata.labels" make
// {metadata: {name: all, labels: all}}. A node without children keeps its whole subtree.
struct FieldTree {
  std::map<std::string, FieldTree, std::less<>> children;

  static FieldTree of(const std::vector<std::string>& paths) {
    FieldTree root;
    for (const std::string& path : paths) {
      FieldTree* node = &root;
      std::size_t start = 0;
      for (;;) {
        std::size_t dot = path.find('.', start);
        node = &node->children[path.substr(start, dot - start)];
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      node->children.clear();  // a shorter path wins: "status" keeps all of status
      node->whole = true;
    }
    return root;
  }

  bool whole = false;
};

// `keep` == nullptr: the whole value. Otherwise only an object's fields in `keep`; a value
// that is not an object where the tree expects one is kept whole (it is small).
json toJson(dom::element value, const FieldTree* keep) {
  switch (value.type()) {
    case dom::element_type::OBJECT: {
      json out = json::object();
      for (auto [key, field] : dom::object(value)) {
        if (keep == nullptr) {
          out[std::string(key)] = toJson(field, nullptr);
          continue;
        }
        auto child = keep->children.find(key);
        if (child == keep->children.end()) continue;
        out[std::string(key)] = toJson(field, child->second.whole ? nullptr : &child->second);
      }
      return out;
    }
    case dom::element_type::ARRAY: {
      json out = json::array();
      for (dom::element element : dom::array(value)) out.push_back(toJson(element, nullptr));
      return out;
    }
    case dom::element_type::INT64: return std::int64_t(value);
    case dom::element_type::UINT64: return std::uint64_t(value);
    case dom::element_type::DOUBLE: return double(value);
    case dom::element_type::STRING: return std::string(std::string_view(value));
    case dom::element_type::BOOL: return bool(value);
    case dom::element_type::NULL_VALUE: return nullptr;
  }
  return nullptr;
}

std::string typeName(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

// The stream's bytes, with room for the padding simdjson reads past the end.
std::string readPadded(std::istream& in) {
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0)
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  return text;
}

// object[key] when it is a string, else "".
std::string stringField(dom::object object, std::string_view key) {
  std::string_view value;
  return object[key].get(value) ? std::string() : std::string(value);
}

// The page's skeleton (everything but its items) is parsed first, then each item alone, so the
// parser's buffers follow the largest item. An item that is not valid JSON ends the page with
// ListParseError after the items before it were handed over.
ListPage readPage(const std::string& text, const std::function<void(const json&)>& onItem,
                  const FieldTree* keep) {
  const kube::PageSplit split = kube::splitPage(text);
  // One parser per thread: it keeps its buffers, sized by the largest document seen.
  thread_local dom::parser parser;
  dom::element doc;
  if (auto error = parser.parse(split.skeleton).get(doc))
    throw ListParseError(std::string("malformed list: ") + simdjson::error_message(error));
  if (!doc.is_object())
    throw ListParseError("malformed list: a list must be a JSON object, not " + typeName(doc.type()));
  ListPage page;
  const dom::object list(doc);
  page.kind = stringField(list, "kind");
  page.apiVersion = stringField(list, "apiVersion");
  dom::object metadata;
  if (!list["metadata"].get(metadata)) {
    page.continueToken = stringField(metadata, "continue");
    page.resourceVersion = stringField(metadata, "resourceVersion");
  }
  dom::element items;
  if (list["items"].get(items)) throw ListParseError("malformed list: no \"items\" array");
  if (items.is_null()) return page;  // Go encodes an empty list's nil slice as null
  if (!items.is_array())
    throw ListParseError("malformed list: \"items\" must be an array, not " + typeName(items.type()));

  for (std::string_view itemText : split.items) {
    // The page's text goes on after the item, and ends in padding: nothing to copy.
    dom::element item;
    if (auto error = parser.parse(itemText.data(), itemText.size(), false).get(item))
      throw ListParseError("malformed list: item " + std::to_string(page.itemCount + 1) + ": " +
                           simdjson::error_message(error));
    onItem(toJson(item, keep));
    ++page.itemCount;
  }
  return page;
}

}  // namespace

ListPage parseListStream(std::istream& in, const std::function<void(const json& item)>& onItem,
                         const std::vector<std::string>& fields) {
  const std::string text = readPadded(in);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ListParseError("malformed list: empty body");
  const FieldTree tree = FieldTree::of(fields);
  return readPage(text, onItem, fields.empty() ? nullptr : &tree);
}

}  // namespace kubecensus
