// The `ndjson` storage: every stored report appended to a file as one native JSON line (with
// receivedAt, receivedFrom and receivedAs), for piping into other systems. A batch is one
// write and, by default, one fdatasync. It cannot tell a re-sent report from a new one across
// restarts, so it de-duplicates nothing: consumers key on reportID, or run it beside a
// de-duplicating storage (the collector answers only once every storage committed).
#include "kubecensus/plugin/define_plugin.h"
#include "kubecensus/plugin/storage.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/append_file.h"

namespace {

using namespace kubecensus;

class NdjsonStorage : public Storage {
 public:
  explicit NdjsonStorage(const Options& options)
      : file_(options.getString("path"), options.getBool("fsync")) {}

  WriteResult write(const std::vector<const Report*>& batch) override {
    std::string lines;
    for (const Report* report : batch) lines += encodeNativeJson(*report) + "\n";
    file_.append(lines);
    return WriteResult{std::vector<bool>(batch.size(), false), {}};
  }

  StorageHealth health() override { return {true, file_.path()}; }

 private:
  AppendFile file_;
};

const OptionSpec kOptions[] = {
    {"path", OptionType::Path, nullptr, "file to append reports to (NDJSON; created 0600 if missing)",
     kOptionRequired},
    {"fsync", OptionType::Boolean, "true", "sync each batch to disk before it is acknowledged", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Storage, "ndjson",
                   "appends every report as one native JSON line to a file (no de-duplication)", kOptions,
                   &createPlugin<NdjsonStorage>, {0, "ndjson", "path"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
