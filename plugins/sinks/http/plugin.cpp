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
    {"client_cert", OptionType::Path, "",
     "client certificate (PEM, chain after it) for collectors that ask for one", 0},
    {"client_key", OptionType::Path, "", "the client certificate's private key (PEM)", 0},
    {"proxy", OptionType::String, "",
     "empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment; none: never a proxy; or a proxy "
     "URL (http://[user:password@]host:port); https goes through a CONNECT tunnel",
     0},
    {"compress", OptionType::String, "auto",
     "gzip request bodies: auto (native reports above compress_above), gzip (always), none", 0,
     "auto,gzip,none"},
    {"compress_above", OptionType::Size, "1KiB", "compress = auto: bodies larger than this are gzipped", 0},
    {"account_id", OptionType::String, "", "tectonic format: the account ID", 0},
    {"account_secret", OptionType::Secret, "", "tectonic format: the account secret", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Sink, "http", "posts each report to a kubecensus or Spartakus collector",
                   kOptions, &createPlugin<http::HttpSink>, {0, "http,https", "url"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
