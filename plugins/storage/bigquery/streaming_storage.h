// The `bigquery` storage in stream mode: each batch goes to tabledata.insertAll with the
// reportID as insertId, so a batch sent again (a retry, a second collector) is de-duplicated by
// BigQuery (best effort, as BigQuery documents). Requests are atomic (skipInvalidRows=false):
// when BigQuery refuses some rows, the rows it only "stopped" are sent again without them, and
// the refused reports are returned as rejected, each with BigQuery's reason and location.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/storage.h"

namespace kubecensus::bigquery {

class GoogleHttp;
class AccessTokens;
struct HttpAnswer;

// "project.dataset.table", optionally as bigquery://project.dataset.table (Spartakus' form).
// The project may itself hold dots and a colon (domain-scoped projects: example.com:project);
// the dataset and table never do. Without a project, defaultProject is used.
struct TableName {
  std::string project, dataset, table;
  static TableName parse(const std::string& text, const std::string& defaultProject);
  std::string str() const { return project + "." + dataset + "." + table; }
};

class StreamingStorage : public Storage {
 public:
  explicit StreamingStorage(const Options& options);
  ~StreamingStorage() override;

  WriteResult write(const std::vector<const Report*>& batch) override;
  StorageHealth health() override;

 private:
  struct Row {
    std::size_t index;  // in the batch
    std::string text;   // {"insertId":...,"json":{...}}
  };
  // Inserts rows in requests of at most maxRows_ rows and maxRequestBytes_ bytes.
  void insert(std::vector<Row> rows, const std::vector<const Report*>& batch, WriteResult& result);
  // One insertAll request; rows not inserted because others were invalid come back.
  std::vector<Row> insertRequest(const std::vector<Row>& rows, const std::vector<const Report*>& batch,
                                 WriteResult& result);
  // POSTs with a valid token: a 401 renews the token once; 429, 5xx and no answer are retried
  // with backoff up to attempts_ times. Throws std::runtime_error when it stays unanswered.
  HttpAnswer post(const std::string& body);
  void recordHealth(const std::string& error);

  TableName table_;
  std::string insertUrl_;
  std::size_t maxRows_;
  std::size_t maxRequestBytes_;
  int attempts_;
  std::unique_ptr<GoogleHttp> http_;
  std::unique_ptr<AccessTokens> tokens_;
  std::mutex healthMutex_;
  std::string lastError_;
};

}  // namespace kubecensus::bigquery
