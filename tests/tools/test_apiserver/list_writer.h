// Writes what a GET returns in the negotiated representation: a list page as the typed list
// (NodeList, PodList, ...; items without kind and apiVersion, as kube-apiserver sends them),
// a PartialObjectMetadataList or a Table, streamed item by item so that a page of any size
// is never held in memory; or one object as itself, PartialObjectMetadata or a one-row Table.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "object_collection.h"
#include "resource_catalog.h"
#include "response_format.h"

namespace kctest::apiserver {

struct ListPage {
  std::size_t start = 0;  // position of the first item in the collection's namespace
  std::size_t count = 0;
  std::string resourceVersion;
  std::string continueToken;                        // "" on the last page
  std::optional<std::uint64_t> remainingItemCount;  // set when more pages follow
};

class ListWriter {
 public:
  // `includeObject` is the Table request's includeObject parameter: "None", "Object" or
  // (default) "PartialObjectMetadata". `now` (Unix seconds) is for Table ages.
  ListWriter(const ResourceType& type, ResponseFormat format, std::string includeObject, std::int64_t now)
      : type_(type), format_(std::move(format)), includeObject_(std::move(includeObject)), now_(now) {}

  void writeList(std::ostream& out, const ObjectCollection& objects, const std::string& ns,
                 const ListPage& page) const;
  nlohmann::json single(const nlohmann::json& object) const;

 private:
  nlohmann::json partial(const nlohmann::json& object) const;
  nlohmann::json row(const nlohmann::json& object) const;

  const ResourceType& type_;
  ResponseFormat format_;
  std::string includeObject_;
  std::int64_t now_;
};

}  // namespace kctest::apiserver
