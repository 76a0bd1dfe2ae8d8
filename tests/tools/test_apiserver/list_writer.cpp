#include "list_writer.h"

#include "table_converter.h"

namespace kctest::apiserver {

using nlohmann::json;
using Representation = ResponseFormat::Representation;

json ListWriter::partial(const json& object) const {
  return json{{"kind", "PartialObjectMetadata"},
              {"apiVersion", "meta.k8s.io/" + format_.metaVersion},
              {"metadata", object.value("metadata", json::object())}};
}

json ListWriter::row(const json& object) const {
  json r{{"cells", TableConverter::cells(type_, object, now_)}};
  if (includeObject_ == "Object")
    r["object"] = object;
  else if (includeObject_ != "None")
    r["object"] = partial(object);
  return r;
}

void ListWriter::writeList(std::ostream& out, const ObjectCollection& objects, const std::string& ns,
                           const ListPage& page) const {
  json metadata{{"resourceVersion", page.resourceVersion}};
  if (!page.continueToken.empty()) metadata["continue"] = page.continueToken;
  if (page.remainingItemCount) metadata["remainingItemCount"] = *page.remainingItemCount;

  json head;
  switch (format_.representation) {
    case Representation::kObject:
      head = {{"kind", type_.listKind()}, {"apiVersion", type_.apiVersion()}};
      break;
    case Representation::kMetadata:
      head = {{"kind", "PartialObjectMetadataList"}, {"apiVersion", "meta.k8s.io/" + format_.metaVersion}};
      break;
    case Representation::kTable:
      head = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/" + format_.metaVersion}};
      break;
  }
  std::string prefix = head.dump();
  prefix.pop_back();  // the closing brace: the document goes on
  out << prefix << ",\"metadata\":" << metadata.dump();
  if (format_.representation == Representation::kTable)
    out << ",\"columnDefinitions\":" << TableConverter::columnDefinitions(type_).dump() << ",\"rows\":[";
  else
    out << ",\"items\":[";

  for (std::size_t i = 0; i < page.count; ++i) {
    if (i > 0) out << ',';
    if (format_.representation == Representation::kMetadata) {
      out << partial(json{{"metadata", objects.metadataAt(ns, page.start + i)}}).dump();
      continue;
    }
    json object = objects.at(ns, page.start + i);
    if (format_.representation == Representation::kTable) {
      out << row(object).dump();
    } else {
      object.erase("kind");
      object.erase("apiVersion");
      out << object.dump();
    }
  }
  out << "]}";
}

json ListWriter::single(const json& object) const {
  switch (format_.representation) {
    case Representation::kMetadata: return partial(object);
    case Representation::kTable:
      return json{
          {"kind", "Table"},
          {"apiVersion", "meta.k8s.io/" + format_.metaVersion},
          {"metadata",
           {{"resourceVersion", object.value("/metadata/resourceVersion"_json_pointer, std::string())}}},
          {"columnDefinitions", TableConverter::columnDefinitions(type_)},
          {"rows", json::array({row(object)})}};
    case Representation::kObject: break;
  }
  return object;
}

}  // namespace kctest::apiserver
