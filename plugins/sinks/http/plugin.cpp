// Factory of the `http` sink plugin.
#include "http_sink.h"
#include "kubecensus/plugin/define_plugin.h"

namespace {

using namespace kubecensus;

const OptionSpec kOptions[] = {
    {"url", OptionType::String, nullptr,
     "collector base URL, http(s)://host[:port][/base]; native reports go to <url>/api/v2/reports, "
     "spartakus-v1 and tectonic to <url>/api/v1",
     kOptionRequired},
    {"format", OptionType::String, "native", "report format", 0, "native,spartakus-v1,tectonic"},
    {"timeout", OptionType::Duration, "30s", "connect, send and receive timeout", 0},
    {"token", OptionType::Secret, "", "bearer token sent as Authorization: Bearer <token>", 0},
    {"ca_file", OptionType::Path, "", "CA bundle (PEM) to verify https with instead of the system store", 0},
    {"account_id", OptionType::String, "", "tectonic format: the account ID", 0},
    {"account_secret", OptionType::Secret, "", "tectonic format: the account secret", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Sink, "http", "posts each report to a kubecensus or Spartakus collector",
                   kOptions, &createPlugin<http::HttpSink>, {0, "http,https", "url"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
