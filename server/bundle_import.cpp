#include "bundle_import.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "kubecensus/report/bundle.h"
#include "kubecensus/report/formats.h"

namespace kubecensus::server {
namespace {

constexpr std::size_t kBatch = 500;

}  // namespace

BundleImport importBundle(Ingestor& ingestor, const std::string& bytes, std::uint64_t maxInflatedBytes,
                          const std::string& receivedFrom,
                          const std::function<void(std::size_t, std::size_t)>& progress,
                          MemoryBudget::Reservation* memory) {
  std::vector<std::string> lines;
  try {
    lines = readBundle(bytes, maxInflatedBytes, nullptr, [&](std::size_t inflated) {
      if (memory) memory->growTo(bytes.size() + 2 * inflated);  // the text, then its lines
    });
  } catch (const BundleError& e) {
    throw ApiError(e.tooLarge() ? 413 : 400, e.what());
  }
  // and the reports decoded from them, and the parse tree of one line at a time
  std::size_t inflated = 0;
  std::size_t longest = 0;
  for (const std::string& line : lines) {
    inflated += line.size() + 1;
    longest = std::max(longest, line.size());
  }
  if (memory) memory->growTo(bytes.size() + 4 * inflated + jsonParseCost(longest));
  std::vector<Report> reports;
  reports.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    try {
      reports.push_back(fromNativeJson(parseJson(lines[i])));
    } catch (const JsonTooLargeError& e) {
      throw ApiError(413, "report " + std::to_string(i + 1) + " of the bundle: " + e.detail());
    } catch (const ReportError& e) {
      const std::string field =
          "reports[" + std::to_string(i) + "]" + (e.field().empty() ? "" : "." + e.field());
      throw ApiError(e.isSyntaxError() ? 400 : 422,
                     "report " + std::to_string(i + 1) + " of the bundle: " + e.detail(), field);
    }
  }
  BundleImport result;
  result.reports = reports.size();
  for (std::size_t start = 0; start < reports.size(); start += kBatch) {
    const std::size_t end = std::min(reports.size(), start + kBatch);
    std::vector<Report> batch(std::make_move_iterator(reports.begin() + static_cast<std::ptrdiff_t>(start)),
                              std::make_move_iterator(reports.begin() + static_cast<std::ptrdiff_t>(end)));
    Ingestor::Outcome outcome = ingestor.ingest(std::move(batch), ReportFormat::Native, receivedFrom);
    result.accepted += outcome.accepted;
    result.duplicates += outcome.duplicates;
    // A refused report does not stop the rest of the bundle: it is listed, by its place in it.
    for (const auto& [index, why] : outcome.refused)
      result.refused.push_back("report " + std::to_string(start + index + 1) + " of the bundle: " + why);
    if (progress) progress(end, reports.size());
  }
  return result;
}

}  // namespace kubecensus::server
