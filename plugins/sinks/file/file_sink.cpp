// The `file` sink: appends each report as one JSON line (NDJSON) to a file, synced to disk
// before the report counts as delivered.
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "kubecensus/plugin/define_plugin.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/formats.h"

namespace {

using namespace kubecensus;

class FileSink : public Sink {
 public:
  explicit FileSink(const Options& options)
      : path_(options.getString("path")),
        format_(requireReportFormat(options.getString("format"))),
        sync_(options.getBool("fsync")) {
    if (format_ == ReportFormat::Tectonic)
      throw std::invalid_argument("format: tectonic needs an account; use the http sink");
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
  }
  ~FileSink() override { ::close(fd_); }

  DeliveryResult deliver(const Report& report) override {
    std::string line = encodeReport(report, format_) + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    // O_APPEND with one write() keeps lines whole even with several writers.
    ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size()))
      return DeliveryResult::retryLater("cannot write " + path_ + ": " + std::strerror(errno));
    if (sync_ && ::fdatasync(fd_) != 0)
      return DeliveryResult::retryLater("cannot sync " + path_ + ": " + std::strerror(errno));
    return DeliveryResult::delivered(path_);
  }

 private:
  std::string path_;
  ReportFormat format_;
  bool sync_;
  int fd_ = -1;
  std::mutex mutex_;
};

const OptionSpec kOptions[] = {
    {"path", OptionType::Path, nullptr, "file to append reports to (created 0600 if missing)",
     kOptionRequired},
    {"format", OptionType::String, "native", "report format", 0, "native,spartakus-v1"},
    {"fsync", OptionType::Boolean, "true", "sync each report to disk before it counts as delivered", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Sink, "file", "appends each report as one JSON line to a file", kOptions,
                   &createPlugin<FileSink>, {0, "file", "path"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
