#include "collector_options.h"

namespace kubecensus::server {

ProgramSpec collectorProgram() {
  ProgramSpec spec;
  spec.name = "kubecensus-collector";
  spec.usage =
      "Usage: kubecensus-collector [flags]                 serve the HTTP API\n"
      "       kubecensus-collector import BUNDLE... [flags]  store the reports of bundles (spool export)\n"
      "       kubecensus-collector accounts add ID | list | disable ID  manage accounts (auth = account)\n"
      "       kubecensus-collector demo-data [--clusters N --days N --reports-per-day N --seed N]\n"
      "                                    store a generated history, for the dashboard and benchmarks\n"
      "       kubecensus-collector --database sqlite:./var/kubecensus.db --listen 127.0.0.1:8080\n\n"
      "Accepts usage reports over HTTP (kubecensus native, Spartakus v1 and tectonic formats)\n"
      "and stores each once in every configured storage.";
  spec.coreSection = "collector";
  spec.sections = {
      {"collector",
       {
           {"listen", OptionType::String, "127.0.0.1:8080",
            "address and port to serve HTTP on (port 0: any free port)", 0},
           {"max_body_size", OptionType::Size, "1MiB",
            "largest request body accepted (as sent, compressed or not); larger ones get 413", 0},
           {"max_bundle_size", OptionType::Size, "64MiB",
            "largest bundle POST /api/v2/bundles accepts (and 8 times that inflated)", 0},
           {"max_decompressed_size", OptionType::Size, "16MiB",
            "largest body a gzip request may inflate to; beyond it 413 (a gzip bomb stops there)", 0},
           {"max_inflight_memory", OptionType::Size, "256MiB",
            "memory the request bodies being handled may hold at once, raw, inflated and parsed (estimated "
            "as they are read); beyond it a request gets 503 with Retry-After at once, and one that could "
            "never fit gets 413 (docs/reliability.md#resource-bounds)",
            0},
           {"max_inflight_memory_per_client", OptionType::Size, "128MiB",
            "what the requests of one client (an IPv4 address or IPv6 /64; behind a trusted proxy, the "
            "forwarded address) may hold of max_inflight_memory at once; beyond it 503 with Retry-After, and "
            "413 for one request that alone needs more",
            0},
           {"threads", OptionType::Integer, "0",
            "I/O threads of the HTTP front end, each serving any number of connections (0: one per core)", 0},
           {"blocking_threads", OptionType::Integer, "4",
            "threads for the requests that read storage (statistics, erasure, bundles); more of those "
            "waiting than 64 per thread get 503",
            0},
           {"max_connections", OptionType::Integer, "16384",
            "client connections held at once; past it a new one gets 503 and is closed", 0},
           {"max_connections_per_client", OptionType::Integer, "512",
            "connections one client address (IPv4 address, IPv6 /64) may hold; past it 429 and closed. "
            "Trusted proxies count only towards max_connections",
            0},
           {"header_timeout", OptionType::Duration, "10s",
            "time from a request's first byte (or a new connection) to its last header; past it 408 and "
            "closed. Also the grace before min_body_rate applies",
            0},
           {"idle_timeout", OptionType::Duration, "75s",
            "a kept-alive connection without a request is closed after this (longer than a proxy's "
            "upstream keep-alive, 60 s in ingress-nginx, so the proxy closes first)",
            0},
           {"min_body_rate", OptionType::Size, "4KiB",
            "bytes per second a request body must arrive at, after header_timeout of grace; a slower "
            "sender gets 408 and is disconnected",
            0},
           {"max_requests_per_connection", OptionType::Integer, "1000",
            "requests on one connection; the last answer says Connection: close", 0},
           {"max_header_size", OptionType::Size, "16KiB",
            "the request line and headers together at most; beyond 431", 0},
           {"max_headers", OptionType::Integer, "100", "header lines in one request at most; beyond 431", 0},
           {"commit_timeout", OptionType::Duration, "5s",
            "how long a POST waits for its reports to be committed; past it 503 with Retry-After: not "
            "acknowledged, and a retry is stored once (report IDs)",
            0},
           {"shutdown_timeout", OptionType::Duration, "10s",
            "on SIGTERM: time for requests in progress and queued reports; past it the collector exits "
            "without waiting for a storage that does not answer",
            0},
           {"trusted_proxies", OptionType::List, "",
            "addresses or CIDR ranges of load balancers whose X-Forwarded-For names the client "
            "(receivedFrom, "
            "rate limits); from anyone else the header is ignored",
            0},
           {"received_from", OptionType::String, "truncated",
            "what is kept of the sender's address in receivedFrom and the access log: truncated (the /24 of "
            "IPv4, the /48 of IPv6), full, or none",
            0, "truncated,full,none"},
           {"retention", OptionType::Duration, "400d",
            "reports received longer ago are deleted from every storage that can delete (0: keep forever)",
            0},
           {"stats_min_clusters", OptionType::Integer, "3",
            "a value of a published statistic shared by fewer clusters than this is counted under \"other\", "
            "and totals of fewer are withheld (docs/stats.md)",
            0},
           {"retention_interval", OptionType::Duration, "1h", "how often retention runs (also once at start)",
            0},
           {"admin_tokens", OptionType::Secret, "",
            "bearer tokens of administrative requests (DELETE /api/v2/clusters/{id}), comma-separated; "
            "empty: "
            "those requests are refused",
            0},
           {"tls_cert", OptionType::Path, "",
            "certificate (PEM, chain after it): serve HTTPS instead of HTTP", 0},
           {"tls_key", OptionType::Path, "", "the certificate's private key (PEM)", 0},
           {"auth", OptionType::String, "none",
            "none: anyone may post reports (Spartakus' way); token: POSTs need Authorization: Bearer with "
            "one "
            "of `tokens`",
            0, "none,token,account"},
           {"accounts_db", OptionType::Path, "./var/accounts.db",
            "auth = account: the accounts file (kubecensus-collector accounts add|list|disable)", 0},
           {"tokens", OptionType::Secret, "",
            "auth = token: the accepted bearer tokens, comma-separated (e.g. ${file:/etc/kubecensus/tokens})",
            0},
           {"rate_limit", OptionType::Integer, "0",
            "POST requests per second allowed from one source address (token bucket); 0: no limit; beyond it "
            "429 "
            "with Retry-After",
            0},
           {"rate_burst", OptionType::Integer, "20",
            "requests a source address may send at once above the rate", 0},
           {"batch_max_reports", OptionType::Integer, "500",
            "reports committed in one storage transaction at most; requests that arrive while a write runs "
            "go together in the next one",
            0},
           {"batch_max_delay", OptionType::Duration, "0s",
            "wait this long for more reports before a write (0: never wait; batches still form under load)",
            0},
           {"queue_capacity", OptionType::Integer, "10000",
            "reports waiting to be stored at most; beyond it requests get 503 with Retry-After", 0},
           {"max_queued", OptionType::Integer, "1024",
            "connections the kernel queues before the collector accepts them (listen backlog)", 0},
           {"timeout", OptionType::Duration, "10s",
            "time for a client to take an answer (write timeout); past it the connection is closed", 0},
           {"plugin_dirs", OptionType::List, "", "more directories to load plugins from", 0},
           {"log_level", OptionType::String, "info", "how much to log", 0, "debug,info,warning,error"},
       }}};
  spec.pluginKinds = {PluginKind::Storage};
  spec.flags = {
      {"listen", "ADDR:PORT", "serve on this address (collector.listen)"},
      {"port", "PORT", "serve on this port, keeping the address (Spartakus' flag)"},
      {"database", "SPEC",
       "storage: sqlite:PATH, postgres://..., bigquery://..., file:PATH, stdout; replaces the configured "
       "storages",
       true},
      {"clusters", "N", "demo-data: how many clusters (300)"},
      {"days", "N", "demo-data: days of history up to now (365)"},
      {"reports-per-day", "N", "demo-data: reports per cluster and day (1)"},
      {"seed", "N", "demo-data: the same seed makes the same clusters (1)"},
  };
  return spec;
}

void applyCollectorFlags(Startup& startup) {
  const CommandLine& cl = startup.commandLine();
  if (auto listen = cl.value("listen")) startup.setFromFlag("collector", "listen", *listen, "--listen");
  if (auto port = cl.value("port")) {
    std::string listen = "127.0.0.1:8080";
    if (const ConfigSection* section = startup.config().find("collector"))
      if (const ConfigEntry* entry = section->find("listen")) listen = entry->value;
    ListenAddress address = parseListenAddress(listen);
    startup.setFromFlag("collector", "listen", address.host + ":" + *port, "--port");
  }
  if (cl.has("database")) {
    startup.config().removeWithPrefix("storage.");
    for (const auto& spec : cl.values("database"))
      startup.addDestination(PluginKind::Storage, spec, "--database");
    startup.applySetFlags("storage.");  // --set storage.sqlite.synchronous=... refines what --database made
  }
}

}  // namespace kubecensus::server
