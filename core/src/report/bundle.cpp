#include "kubecensus/report/bundle.h"

#include <nlohmann/json.hpp>

#include "kubecensus/util/gzip.h"
#include "kubecensus/util/hmac.h"
#include "kubecensus/util/json_value.h"

namespace kubecensus {
namespace {

constexpr std::size_t kMaxManifestBytes = 4096;

}  // namespace

void BundleWriter::add(std::string_view nativeJson) {
  if (nativeJson.find('\n') != std::string_view::npos)
    throw BundleError("a report in a bundle must be one line of JSON");
  lines_.append(nativeJson);
  lines_ += '\n';
  ++count_;
}

std::string BundleWriter::finish(const std::string& createdAt, BundleManifest* manifest) const {
  BundleManifest made{static_cast<std::int64_t>(count_), sha256Hex(lines_), createdAt};
  nlohmann::json line = {
      {"kind", kBundleKind}, {"count", made.count}, {"sha256", made.sha256}, {"createdAt", made.createdAt}};
  if (manifest) *manifest = made;
  return gzipCompress(lines_ + line.dump() + "\n");
}

std::vector<std::string> readBundle(const std::string& bytes, std::uint64_t maxInflatedBytes,
                                    BundleManifest* manifest,
                                    const std::function<void(std::size_t inflated)>& onInflate) {
  std::string text;
  try {
    text = gzipDecompress(bytes, maxInflatedBytes, onInflate);
  } catch (const GzipError& e) {
    throw BundleError(std::string("the bundle ") + (e.tooLarge() ? "" : "is ") + e.what() +
                          (e.tooLarge() ? "" : " (truncated or damaged in transit?)"),
                      e.tooLarge());
  }
  if (text.empty() || text.back() != '\n')
    throw BundleError("the bundle does not end with its manifest line");
  const std::size_t previousNewline = text.rfind('\n', text.size() - 2);
  const std::size_t lastStart = previousNewline == std::string::npos ? 0 : previousNewline + 1;
  const std::string_view body(text.data(), lastStart);
  // A manifest is one short line; anything longer is not one (and is not parsed: its tree could
  // cost many times the bundle's memory).
  if (text.size() - lastStart > kMaxManifestBytes)
    throw BundleError(std::string("the bundle's last line is not a ") + kBundleKind + " manifest (" +
                      std::to_string(text.size() - lastStart) + " bytes long)");
  nlohmann::json line = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(lastStart),
                                              text.end(), nullptr, false);
  if (line.is_discarded() || !line.is_object() || stringOr(line, "kind") != kBundleKind)
    throw BundleError(std::string("the bundle's last line is not a ") + kBundleKind + " manifest");
  BundleManifest read;
  if (!line["count"].is_number_integer() || !line["sha256"].is_string())
    throw BundleError("the bundle's manifest needs an integer count and a sha256 string");
  read.count = line["count"].get<std::int64_t>();
  read.sha256 = line["sha256"].get<std::string>();
  read.createdAt = stringOr(line, "createdAt");
  if (sha256Hex(body) != read.sha256)
    throw BundleError("the bundle's reports do not match its manifest's SHA-256 (altered or damaged)");
  std::vector<std::string> reports;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    reports.emplace_back(body.substr(start, end - start));
    start = end + 1;
  }
  if (static_cast<std::int64_t>(reports.size()) != read.count)
    throw BundleError("the bundle holds " + std::to_string(reports.size()) +
                      " reports but its manifest says " + std::to_string(read.count));
  if (manifest) *manifest = read;
  return reports;
}

}  // namespace kubecensus
