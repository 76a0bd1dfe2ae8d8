// Parses a Kubernetes list page (NodeList, PodList, PartialObjectMetadataList, a kubectl `List`)
// one item at a time: memory is bounded by the page, not by the list.
// KubeClient reads every LIST page through it; sources may feed it recorded lists in tests.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kubecensus {

// What a list says about itself besides its items. Fields absent from the list stay empty.
struct ListPage {
  std::string kind;  // "NodeList", "PartialObjectMetadataList", "List", ...
  std::string apiVersion;
  std::string continueToken;    // metadata.continue: non-empty when more pages follow
  std::string resourceVersion;  // metadata.resourceVersion
  std::size_t itemCount = 0;    // items handed to onItem
};

// Malformed JSON, or a document that is not a JSON object with an "items" array.
class ListParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the page from `in`, then calls onItem with each element of the top-level "items" array
// in turn (the reference is valid during the call only). "metadata" may come before or after
// "items". `fields` are dotted paths ("metadata.namespace", "status") of what to keep of each
// item, a path keeping its whole subtree; the rest is skipped unparsed. Empty: whole items.
// Exceptions thrown by onItem or by the stream (a network error) propagate unchanged. A page
// whose strings or brackets do not balance throws ListParseError before any item is handed
// over; an item that is not valid JSON throws it after the items before it were.
ListPage parseListStream(std::istream& in, const std::function<void(const nlohmann::json& item)>& onItem,
                         const std::vector<std::string>& fields = {});

}  // namespace kubecensus
