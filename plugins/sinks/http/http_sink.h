#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <Poco/Net/Context.h>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "proxy_selection.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace kubecensus::http {

// Posts each report to a collector: native reports to <url>/api/v2/reports, Spartakus
// records and tectonic payloads to <url>/api/v1, as those systems' collectors expect. TLS is
// verified (system store or ca_file, optional client certificate), proxies come from the
// environment or the `proxy` option, and native bodies are gzipped above `compress_above`.
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
  std::chrono::milliseconds timeout_;
  std::optional<std::uint64_t> compressAbove_;  // none: never compress
  std::optional<ProxyServer> proxy_;
  Poco::Net::Context::Ptr tls_;  // https only
};

}  // namespace kubecensus::http
