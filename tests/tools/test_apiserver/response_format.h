// Content negotiation on the Accept header, as kube-apiserver does it for JSON: a media range
// may ask for a different representation with as=/g=/v= parameters. Supported: the object or
// list itself, PartialObjectMetadata(List) (metadata clients) and Table (kubectl get).
// Protobuf, YAML and unknown `as=` ranges are skipped, so the next range of the header
// applies; when none is left the answer is 406.
#pragma once

#include <optional>
#include <string>

namespace kctest::apiserver {

struct ResponseFormat {
  enum class Representation { kObject, kMetadata, kTable };
  Representation representation = Representation::kObject;
  std::string metaVersion = "v1";  // of meta.k8s.io, for kMetadata and kTable

  // `list`: the request is for a collection. `metadataSupported`: false with
  // --no-metadata-lists, when an as=PartialObjectMetadata(List) range gets the full objects.
  static std::optional<ResponseFormat> negotiate(const std::string& accept, bool list,
                                                 bool metadataSupported);

  // The Content-Type header of the answer.
  std::string contentType(bool list) const;
};

}  // namespace kctest::apiserver
