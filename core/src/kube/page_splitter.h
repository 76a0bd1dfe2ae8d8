// Cuts the text of a Kubernetes list page into its items and the rest, so that each item is
// parsed alone: the parser's memory then follows the largest item, not the page (simdjson needs
// about ten times the bytes it parses).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kubecensus::kube {

struct PageSplit {
  std::string skeleton;                 // the page with "items":[...] emptied to "items":[]
  std::vector<std::string_view> items;  // each element of the top-level "items" array, in order
};

// Only strings and brackets are checked here; the skeleton and each item are left for a JSON
// parser to validate. Text that is not an object goes into the skeleton whole. Throws
// ListParseError when a string or a bracket is not closed, or items are not separated by commas.
PageSplit splitPage(std::string_view text);

}  // namespace kubecensus::kube
