#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace kubecensus::http {

// Posts each report to a collector: native reports to <url>/api/v2/reports, Spartakus
// records and tectonic payloads to <url>/api/v1, as those systems' collectors expect.
class HttpSink : public Sink {
 public:
  explicit HttpSink(const Options& options);
  ~HttpSink() override;
  DeliveryResult deliver(const Report& report) override;

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> connect() const;

  std::string scheme_, host_, path_;
  unsigned short port_ = 0;
  ReportFormat format_;
  TectonicAccount account_;
  std::string token_;
  std::string caFile_;
  std::chrono::milliseconds timeout_;
};

}  // namespace kubecensus::http
