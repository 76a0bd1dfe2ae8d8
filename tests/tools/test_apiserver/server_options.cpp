#include "server_options.h"

#include <stdexcept>

namespace kctest::apiserver {

namespace {

std::uint64_t number(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text[0] == '-')
    throw std::invalid_argument(option + ": not a non-negative number: '" + text + "'");
  return value;
}

std::string resourceKey(const std::string& option, const std::string& name, const ResourceCatalog& catalog) {
  const ResourceType* type = catalog.byKey(name);
  if (!type || type->plural == "selfsubjectaccessreviews")
    throw std::invalid_argument(option + ": unknown resource '" + name +
                                "' (nodes, namespaces, pods, services, deployments.apps, statefulsets.apps, "
                                "daemonsets.apps, jobs.batch, cronjobs.batch)");
  return type->key();
}

std::pair<std::string, std::string> keyValue(const std::string& option, const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw std::invalid_argument(option + ": expected NAME=VALUE, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace

std::string ServerOptions::usage() {
  return R"(usage: kubecensus-test-apiserver --tls-cert FILE --tls-key FILE --token TOKEN [options]

A stand-in Kubernetes API server for tests: HTTPS with bearer-token authentication, discovery,
paginated lists (limit/continue), PartialObjectMetadataList and Table. Prints
"listening on https://HOST:PORT" when ready; SIGTERM or SIGINT stop it (exit 0), and so does
the death of its parent process (a crashed test leaves no server behind).

  --listen HOST:PORT       address to listen on (default 127.0.0.1:0, a free port)
  --tls-cert FILE          server certificate (PEM)
  --tls-key FILE           its private key (PEM)
  --token TOKEN            requests need "Authorization: Bearer TOKEN", else 401
  --client-ca FILE         also accept client certificates signed by this CA
  --version-file FILE      the /version body (a troubleshoot {"info": ...} wrapper is unwrapped)
  --objects RESOURCE=FILE  serve the objects of FILE (a typed List, kubectl's "List", a JSON
                           array or one object) as RESOURCE; repeatable, files add up
  --generate RES=N,...     generate a cluster: nodes, namespaces, pods, services, deployments,
                           statefulsets, daemonsets, jobs, cronjobs (made per page, never all
                           held in memory; kube-system always exists; a resource
                           given to --objects cannot be generated too)
  --seed N                 seed of the generated cluster (default 1)
  --canary TEXT            embed TEXT in generated names, label values, annotations, images,
                           hostnames and uid-like strings
  --continue-ttl SECONDS   continue tokens of a list whose first page is older -> 410 Expired
                           (default 300; 0 expires every token)
  --no-metadata-lists      answer as=PartialObjectMetadataList with full objects (old server)
  --forbid RESOURCE        403 for RESOURCE and allowed=false in SelfSubjectAccessReviews;
                           repeatable
  --fail-after-pages N     once N list pages were served, answer list requests with --fault
  --fault KIND             what --fail-after-pages injects: 500 (a Status, the default),
                           garbage (200 with a page that is not JSON), truncated (200, the
                           connection closed mid-page) or slow (the page after --fault-delay)
  --fault-count N          inject at most N faults, then answer normally again
  --fault-on RESOURCE      inject them into lists of RESOURCE only (from its first page unless
                           --fail-after-pages says otherwise)
  --fault-delay MS         how long a slow answer waits (default 5000)
  --access-log FILE        one line per request: METHOD\tPATH?QUERY\tACCEPT\tSTATUS
)";
}

ServerOptions ServerOptions::parse(const std::vector<std::string>& args, const ResourceCatalog& catalog,
                                   bool& help) {
  ServerOptions o;
  help = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& option = args[i];
    if (option == "--help" || option == "-h") {
      help = true;
      return o;
    }
    if (option == "--no-metadata-lists") {
      o.noMetadataLists = true;
      continue;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument(option + ": needs a value (or unknown option)");
    const std::string& value = args[++i];
    if (option == "--listen") {
      auto colon = value.rfind(':');
      if (colon == std::string::npos)
        throw std::invalid_argument("--listen: expected HOST:PORT, got '" + value + "'");
      o.listenHost = value.substr(0, colon);
      const std::uint64_t port = number(option, value.substr(colon + 1));
      if (port > 65535) throw std::invalid_argument("--listen: port out of range: " + value);
      o.listenPort = static_cast<unsigned short>(port);
    } else if (option == "--tls-cert") {
      o.tlsCert = value;
    } else if (option == "--tls-key") {
      o.tlsKey = value;
    } else if (option == "--token") {
      o.token = value;
    } else if (option == "--client-ca") {
      o.clientCa = value;
    } else if (option == "--version-file") {
      o.versionFile = value;
    } else if (option == "--objects") {
      auto [resource, file] = keyValue(option, value);
      o.objects.emplace_back(resourceKey(option, resource, catalog), file);
    } else if (option == "--generate") {
      std::string::size_type start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        const std::string item =
            value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
          auto [resource, count] = keyValue(option, item);
          o.generate[resourceKey(option, resource, catalog)] = number(option, count);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (option == "--seed") {
      o.seed = number(option, value);
    } else if (option == "--canary") {
      o.canary = value;
    } else if (option == "--continue-ttl") {
      o.continueTtlSeconds = static_cast<std::int64_t>(number(option, value));
    } else if (option == "--forbid") {
      o.forbidden.insert(resourceKey(option, value, catalog));
    } else if (option == "--fail-after-pages") {
      o.failAfterPages = number(option, value);
    } else if (option == "--fault") {
      static const std::map<std::string, ServerOptions::Fault> kinds = {{"500", Fault::Status500},
                                                                        {"garbage", Fault::Garbage},
                                                                        {"truncated", Fault::Truncated},
                                                                        {"slow", Fault::Slow}};
      auto kind = kinds.find(value);
      if (kind == kinds.end())
        throw std::invalid_argument("--fault: expected 500, garbage, truncated or slow, got '" + value + "'");
      o.fault = kind->second;
    } else if (option == "--fault-on") {
      o.faultResource = resourceKey(option, value, catalog);
      if (!o.failAfterPages) o.failAfterPages = 0;
    } else if (option == "--fault-count") {
      o.faultCount = number(option, value);
    } else if (option == "--fault-delay") {
      o.faultDelayMillis = number(option, value);
    } else if (option == "--access-log") {
      o.accessLog = value;
    } else {
      throw std::invalid_argument("unknown option '" + option + "'");
    }
  }
  if (o.tlsCert.empty() || o.tlsKey.empty())
    throw std::invalid_argument("--tls-cert and --tls-key are required");
  if (o.token.empty() && o.clientCa.empty())
    throw std::invalid_argument("--token (or --client-ca) is required");
  for (const auto& [key, file] : o.objects)
    if (o.generate.count(key))
      throw std::invalid_argument(key + " is both loaded (--objects) and generated (--generate); choose one");
  return o;
}

}  // namespace kctest::apiserver
