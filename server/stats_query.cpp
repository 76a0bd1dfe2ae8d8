#include "stats_query.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "kubecensus/plugin/storage.h"

namespace kubecensus::server {
namespace {

using nlohmann::json;
using stats::Day;
using stats::StatShape;

constexpr const char* kOther = "other";

// Integral amounts as integers, the rest with two decimals: nodes and bytes stay exact.
json number(double value) {
  if (std::abs(value) < 9e15 && value == std::floor(value)) return static_cast<std::int64_t>(value);
  return std::round(value * 100) / 100;
}

std::vector<Day> periodsOf(const StatQuery& query) {
  std::vector<Day> periods;
  for (Day day = query.from; day <= query.to; day = stats::nextPeriod(day, query.interval))
    periods.push_back(day);
  return periods;
}

std::vector<AggregateRow> rowsOf(Storage& storage, const StatQuery& query, const std::string& dimension) {
  auto rows = storage.aggregates(query.interval, dimension, query.from, query.to);
  if (!rows) throw std::runtime_error("this storage keeps no statistics");
  return std::move(*rows);
}

json header(const StatQuery& query) {
  return {{"stat", query.spec->name},
          {"description", query.spec->description},
          {"interval", stats::toString(query.interval)},
          {"from", stats::formatDay(query.from)},
          {"to", stats::formatDay(query.to)},
          {"minClusters", query.minClusters}};
}

json series(Storage& storage, const StatQuery& query) {
  const bool reports = query.spec->dimension == stats::kReportsDimension;
  std::map<Day, double> byPeriod;
  for (const AggregateRow& row : rowsOf(storage, query, std::string(query.spec->dimension)))
    byPeriod[row.period] += reports ? row.amount : static_cast<double>(row.clusters);
  json answer = header(query);
  json& periods = answer["periods"] = json::array();
  for (Day period : periodsOf(query))
    periods.push_back(
        {{"period", stats::formatDay(period)}, {reports ? "reports" : "clusters", number(byPeriod[period])}});
  return answer;
}

json totals(Storage& storage, const StatQuery& query) {
  std::map<Day, std::map<std::string, AggregateRow>> byPeriod;
  for (AggregateRow& row : rowsOf(storage, query, stats::kTotalsDimension))
    byPeriod[row.period][row.value] = row;
  json answer = header(query);
  json& periods = answer["periods"] = json::array();
  for (Day period : periodsOf(query)) {
    auto& values = byPeriod[period];
    const std::int64_t clusters = values.count("nodes") ? values["nodes"].clusters : 0;
    json item{{"period", stats::formatDay(period)}, {"clusters", clusters}};
    for (const char* name : {"nodes", "cores", "memoryBytes"}) {
      // A total over fewer than k clusters would be close to one cluster's own size.
      item[name] =
          clusters >= query.minClusters || clusters == 0 ? number(values[name].amount) : json(nullptr);
    }
    periods.push_back(std::move(item));
  }
  return answer;
}

// Splits counted values into those published by name and "other": a value of fewer than k
// clusters goes into "other", and while "other" itself holds fewer than k (but some), the
// smallest named values join it, so no published count stands for fewer than k clusters.
AggregateRow mergeRare(std::vector<AggregateRow>& rows, std::int64_t k) {
  AggregateRow other{0, kOther, 0, 0};
  std::vector<AggregateRow> kept;
  for (AggregateRow& row : rows) {
    if (row.clusters <= 0) continue;
    if (row.clusters < k || row.value == kOther) {
      other.clusters += row.clusters;
      other.amount += row.amount;
    } else {
      kept.push_back(std::move(row));
    }
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.clusters != b.clusters ? a.clusters > b.clusters : a.value < b.value;
  });
  while (other.clusters > 0 && other.clusters < k && !kept.empty()) {
    other.clusters += kept.back().clusters;
    other.amount += kept.back().amount;
    kept.pop_back();
  }
  rows = std::move(kept);
  return other;
}

// The values of one period, in bucket order or by clusters (most first), "other" last. A
// period of fewer than k active clusters publishes none. "other" carries no amount: in the
// node breakdowns one cluster may stand behind several of its values.
json breakdownValues(std::vector<AggregateRow> rows, std::int64_t active, const StatQuery& query) {
  json values = json::array();
  if (active < query.minClusters) return values;
  const AggregateRow other = mergeRare(rows, query.minClusters);
  if (const auto* buckets = query.spec->buckets) {
    auto rank = [&](const std::string& value) {
      return std::find(buckets->begin(), buckets->end(), value) - buckets->begin();
    };
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const auto& a, const auto& b) { return rank(a.value) < rank(b.value); });
  }
  auto share = [&](std::int64_t clusters) {
    return std::round(static_cast<double>(clusters) / static_cast<double>(active) * 10000) / 10000;
  };
  const std::string amount(query.spec->amount);
  for (const AggregateRow& row : rows)
    values.push_back({{"value", row.value},
                      {"clusters", row.clusters},
                      {"share", share(row.clusters)},
                      {amount, number(row.amount)}});
  if (other.clusters > 0)
    values.push_back({{"value", kOther},
                      {"clusters", other.clusters},
                      {"share", share(other.clusters)},
                      {amount, nullptr}});
  return values;
}

json breakdown(Storage& storage, const StatQuery& query) {
  const std::string dimension = query.spec->name == "workload-sizes"
                                    ? stats::workloadSizeDimension(query.kind)
                                    : std::string(query.spec->dimension);
  std::map<Day, std::vector<AggregateRow>> byPeriod;
  for (AggregateRow& row : rowsOf(storage, query, dimension)) byPeriod[row.period].push_back(std::move(row));
  std::map<Day, std::int64_t> active;
  for (const AggregateRow& row : rowsOf(storage, query, stats::kActiveDimension))
    active[row.period] += row.clusters;
  json answer = header(query);
  answer["amount"] = query.spec->amount;
  if (query.spec->name == "workload-sizes") answer["kind"] = query.kind;
  json& periods = answer["periods"] = json::array();
  for (Day period : periodsOf(query)) {
    json item{{"period", stats::formatDay(period)},
              {"clusters", active[period]},
              {"values", breakdownValues(std::move(byPeriod[period]), active[period], query)}};
    if (active[period] > 0 && active[period] < query.minClusters) item["withheld"] = true;
    periods.push_back(std::move(item));
  }
  return answer;
}

json lifetimes(Storage& storage, const StatQuery& query) {
  const Micros from = stats::startOf(query.from);
  const Micros to = stats::startOf(stats::nextPeriod(query.to, query.interval));
  auto spans = storage.clusterSpans(from, to);
  if (!spans) throw std::runtime_error("this storage keeps no statistics");
  const auto& labels = stats::lifetimeBuckets();
  // Upper bounds in whole days of the buckets but the last: <1, 1-7, 8-30, 31-90, 91-180, 181-365.
  static constexpr std::int64_t kUpTo[] = {0, 7, 30, 90, 180, 365};
  std::vector<std::int64_t> counts(labels.size(), 0);
  std::vector<double> days;
  for (const ClusterSpan& span : *spans) {
    const double lived =
        static_cast<double>(span.lastSeen - span.firstSeen) / static_cast<double>(stats::kMicrosPerDay);
    days.push_back(lived);
    const auto whole = static_cast<std::int64_t>(lived);
    std::size_t bucket = 0;
    while (bucket < std::size(kUpTo) && whole > kUpTo[bucket]) ++bucket;
    ++counts[bucket];
  }
  double median = 0;
  if (!days.empty()) {
    std::sort(days.begin(), days.end());
    const std::size_t n = days.size();
    median = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
  }
  json answer = header(query);
  answer.erase("interval");
  const bool enough = static_cast<std::int64_t>(spans->size()) >= query.minClusters;
  answer["clusters"] = spans->size();
  answer["medianDays"] = enough ? json(std::round(median * 10) / 10) : json(nullptr);
  std::vector<AggregateRow> rows;
  for (std::size_t i = 0; i < labels.size(); ++i) rows.push_back({0, labels[i], counts[i], 0});
  const AggregateRow other = mergeRare(rows, query.minClusters);
  json& buckets = answer["buckets"] = json::array();
  for (const std::string& label : labels) {
    auto shown = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.value == label; });
    buckets.push_back({{"value", label}, {"clusters", shown == rows.end() ? 0 : shown->clusters}});
  }
  if (other.clusters > 0) buckets.push_back({{"value", kOther}, {"clusters", other.clusters}});
  return answer;
}

// RFC 4180 quoting; a leading = + - @ tab or CR gets a ' so a spreadsheet shows it as text.
std::string csvField(const json& value) {
  if (value.is_null()) return "";
  if (!value.is_string()) return value.dump();
  std::string text = value.get<std::string>();
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    text = "'" + text;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csvRow(const std::vector<json>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + csvField(fields[i]);
  return line + "\r\n";
}

}  // namespace

json answerStat(Storage& storage, const StatQuery& query) {
  switch (query.spec->shape) {
    case StatShape::Series: return series(storage, query);
    case StatShape::Totals: return totals(storage, query);
    case StatShape::Breakdown: return breakdown(storage, query);
    case StatShape::Lifetimes: return lifetimes(storage, query);
  }
  return json::object();
}

std::string statCsv(const StatQuery& query, const json& answer) {
  std::string csv;
  switch (query.spec->shape) {
    case StatShape::Series: {
      const char* column = query.spec->dimension == stats::kReportsDimension ? "reports" : "clusters";
      csv = csvRow({"period", column});
      for (const json& p : answer.at("periods")) csv += csvRow({p.at("period"), p.at(column)});
      break;
    }
    case StatShape::Totals:
      csv = csvRow({"period", "clusters", "nodes", "cores", "memoryBytes"});
      for (const json& p : answer.at("periods"))
        csv += csvRow({p.at("period"), p.at("clusters"), p.at("nodes"), p.at("cores"), p.at("memoryBytes")});
      break;
    case StatShape::Breakdown: {
      const std::string amount(query.spec->amount);
      csv = csvRow({"period", "value", "clusters", "share", amount});
      for (const json& p : answer.at("periods"))
        for (const json& v : p.at("values"))
          csv += csvRow({p.at("period"), v.at("value"), v.at("clusters"), v.at("share"), v.at(amount)});
      break;
    }
    case StatShape::Lifetimes:
      csv = csvRow({"lifetime", "clusters"});
      for (const json& b : answer.at("buckets")) csv += csvRow({b.at("value"), b.at("clusters")});
      break;
  }
  return csv;
}

}  // namespace kubecensus::server
