// Encoding and decoding of reports in the three wire formats.
//
// Decoders validate the shape and throw ReportError naming the JSON field. Legacy formats
// carry no report ID: the decoder derives a name-based UUID from the record's content, so a
// record sent twice is recognised as the same report (see docs/formats.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "kubecensus/report/report.h"
#include "kubecensus/report/report_error.h"

namespace kubecensus {

// The tectonic envelope's credentials. Kept apart from Report so a secret can never be stored.
struct TectonicAccount {
  std::string accountID;
  std::string accountSecret;
};

// Most values (objects, arrays, strings, numbers, literals) one parsed document may hold: a
// report of 10,000 detailed nodes has about 300,000. The tree of a document costs up to ~96
// bytes a value, so this bounds what one body can cost to parse (docs/reliability.md).
inline constexpr std::size_t kMaxJsonValues = 1'000'000;

// Parses JSON text strictly (RFC 8259); on a syntax error throws ReportError with the byte
// position, nested deeper than 64 levels too; beyond kMaxJsonValues values JsonTooLargeError.
// With allowTrailingCommas, a comma directly before '}' or ']' is accepted — the tectonic
// README's own example has one.
nlohmann::json parseJson(std::string_view text, bool allowTrailingCommas = false);

// Which format a legacy /api/v1 body is, recognised by shape: an object with "payload" and
// "accountID" is tectonic, anything else is a Spartakus record.
ReportFormat detectLegacyFormat(const nlohmann::json& body);

nlohmann::json toNativeJson(const Report& report);
// toNativeJson(report) as text, built without holding the whole document (see encodeReport).
std::string encodeNativeJson(const Report& report);
Report fromNativeJson(const nlohmann::json& json);

nlohmann::json toSpartakusJson(const Report& report);
Report fromSpartakusJson(const nlohmann::json& json);

nlohmann::json toTectonicJson(const Report& report, const TectonicAccount& account);
// Returns the report; the envelope's account is written to *account when given.
Report fromTectonicJson(const nlohmann::json& json, TectonicAccount* account = nullptr);

// Encodes in the given format (tectonic needs the account).
std::string encodeReport(const Report& report, ReportFormat format, const TectonicAccount* account = nullptr);

}  // namespace kubecensus
