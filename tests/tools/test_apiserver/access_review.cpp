#include "access_review.h"

#include <cstdint>
#include <functional>

namespace kctest::apiserver {

namespace {

// Calls `field(number, bytes)` for each length-delimited field of a protobuf message (the
// only wire type the attributes use) and skips the others; false on malformed input.
bool forEachField(const std::string& message, const std::function<void(int, const std::string&)>& field) {
  std::size_t at = 0;
  auto varint = [&](std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && at < message.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(message[at++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  };
  while (at < message.size()) {
    std::uint64_t key = 0, length = 0;
    if (!varint(key)) return false;
    switch (key & 7) {
      case 0:
        if (!varint(length)) return false;
        break;
      case 1: at += 8; break;
      case 5: at += 4; break;
      case 2:
        if (!varint(length) || length > message.size() - at) return false;
        field(static_cast<int>(key >> 3), message.substr(at, length));
        at += length;
        break;
      default: return false;
    }
  }
  return at == message.size();
}

}  // namespace

std::optional<AccessReview> AccessReview::parse(const std::string& body, const std::string& contentType) {
  if (contentType.find("protobuf") != std::string::npos) return parseProtobuf(body);
  nlohmann::json review = nlohmann::json::parse(body, nullptr, false);
  if (review.is_discarded() || !review.is_object() || review.value("kind", "") != "SelfSubjectAccessReview")
    return std::nullopt;
  AccessReview out;
  const nlohmann::json spec = review.value("spec", nlohmann::json::object());
  if (spec.contains("resourceAttributes")) {
    const nlohmann::json& a = spec["resourceAttributes"];
    out.resourceRequest_ = true;
    out.attributes_ = {a.value("namespace", ""), a.value("verb", ""),     a.value("group", ""),
                       a.value("version", ""),   a.value("resource", ""), a.value("subresource", ""),
                       a.value("name", "")};
  } else if (spec.contains("nonResourceAttributes")) {
    out.path_ = spec["nonResourceAttributes"].value("path", "");
    out.nonResourceVerb_ = spec["nonResourceAttributes"].value("verb", "");
  } else {
    return std::nullopt;
  }
  return out;
}

std::optional<AccessReview> AccessReview::parseProtobuf(const std::string& body) {
  static const std::string kMagic("k8s\0", 4);
  if (body.compare(0, 4, kMagic) != 0) return std::nullopt;
  // runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType.
  std::string kind, raw;
  bool ok = forEachField(body.substr(4), [&](int number, const std::string& bytes) {
    if (number == 2) raw = bytes;
    if (number == 1)
      forEachField(bytes, [&](int n, const std::string& b) {
        if (n == 2) kind = b;
      });
  });
  if (!ok || kind != "SelfSubjectAccessReview") return std::nullopt;
  // SelfSubjectAccessReview: 2 spec {1 resourceAttributes, 2 nonResourceAttributes}.
  // ResourceAttributes: 1 namespace, 2 verb, 3 group, 4 version, 5 resource, 6 subresource, 7 name.
  // NonResourceAttributes: 1 path, 2 verb.
  AccessReview out;
  bool any = false;
  ok = forEachField(raw, [&](int number, const std::string& spec) {
    if (number != 2) return;
    forEachField(spec, [&](int part, const std::string& attributes) {
      if (part == 1) {
        out.resourceRequest_ = any = true;
        Attributes& a = out.attributes_;
        std::string* fields[] = {&a.ns, &a.verb, &a.group, &a.version, &a.resource, &a.subresource, &a.name};
        forEachField(attributes, [&](int n, const std::string& value) {
          if (n >= 1 && n <= 7) *fields[n - 1] = value;
        });
      } else if (part == 2) {
        any = true;
        forEachField(attributes, [&](int n, const std::string& value) {
          if (n == 1) out.path_ = value;
          if (n == 2) out.nonResourceVerb_ = value;
        });
      }
    });
  });
  if (!ok || !any) return std::nullopt;
  return out;
}

std::string AccessReview::resourceKey() const {
  if (!resourceRequest_) return "";
  return attributes_.group.empty() ? attributes_.resource : attributes_.resource + "." + attributes_.group;
}

nlohmann::json AccessReview::answer(bool allowed, const std::string& reason) const {
  nlohmann::json spec;
  if (resourceRequest_) {
    nlohmann::json a = nlohmann::json::object();
    const std::pair<const char*, const std::string*> fields[] = {
        {"namespace", &attributes_.ns},      {"verb", &attributes_.verb},
        {"group", &attributes_.group},       {"version", &attributes_.version},
        {"resource", &attributes_.resource}, {"subresource", &attributes_.subresource},
        {"name", &attributes_.name}};
    for (const auto& [key, value] : fields)
      if (!value->empty()) a[key] = *value;
    spec["resourceAttributes"] = a;
  } else {
    spec["nonResourceAttributes"] = {{"path", path_}, {"verb", nonResourceVerb_}};
  }
  nlohmann::json status{{"allowed", allowed}};
  if (!reason.empty()) status["reason"] = reason;
  return {{"kind", "SelfSubjectAccessReview"},
          {"apiVersion", "authorization.k8s.io/v1"},
          {"metadata", {{"creationTimestamp", nullptr}}},
          {"spec", spec},
          {"status", status}};
}

}  // namespace kctest::apiserver
