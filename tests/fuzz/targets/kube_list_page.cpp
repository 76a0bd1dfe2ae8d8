// Kubernetes list pages as the agent reads them from an API server (or a proxy in between):
// whole items, and items cut down to the fields a source keeps.
#include <sstream>

#include "fuzz_support.h"
#include "kubecensus/kube/list_stream.h"

using namespace kubecensus;

namespace {

void parse(std::string_view page, const std::vector<std::string>& fields) {
  std::istringstream in{std::string(page)};
  std::size_t handed = 0;
  try {
    const ListPage result = parseListStream(
        in, [&](const nlohmann::json&) { ++handed; }, fields);
    fuzz::expect(result.itemCount == handed, "itemCount differs from the items handed over");
  } catch (const ListParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parse(fuzz::text(data, size), {});
  parse(fuzz::text(data, size), {"metadata.namespace", "metadata.creationTimestamp", "status.nodeInfo"});
  return 0;
}
