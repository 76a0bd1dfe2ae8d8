// kubeconfig files merged the way kubectl merges them: for clusters, users and contexts the
// first file to define a name wins, and so does the first current-context. Relative paths are
// resolved against the directory of the file that named them.
#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>
#include <Poco/StreamCopier.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "kubecensus/kube/cluster_access.h"

namespace kubecensus {
namespace {

struct Entry {
  YAML::Node node;  // the `cluster:`, `user:` or `context:` mapping
  std::string file;
};

struct MergedConfig {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string currentContext;
};

std::string joined(const std::vector<std::string>& files) {
  std::string text;
  for (const auto& f : files) text += (text.empty() ? "" : ", ") + f;
  return text;
}

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& message) {
  throw std::runtime_error("kubeconfig " + file + ": " + field + ": " + message);
}

void mergeFile(const std::string& file, MergedConfig& merged) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw std::runtime_error("kubeconfig " + file + ": cannot read it: " + std::strerror(errno));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("kubeconfig " + file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root || root.IsNull()) return;  // kubectl accepts an empty file
  if (!root.IsMap()) throw std::runtime_error("kubeconfig " + file + ": the top level is not a mapping");

  struct Section {
    const char* list;
    const char* item;
    std::map<std::string, Entry>* into;
  };
  for (const Section& section :
       {Section{"clusters", "cluster", &merged.clusters}, Section{"users", "user", &merged.users},
        Section{"contexts", "context", &merged.contexts}}) {
    const YAML::Node list = root[section.list];
    if (!list || list.IsNull()) continue;
    if (!list.IsSequence()) fail(file, section.list, "must be a list");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node entry = list[i];
      const YAML::Node name = entry.IsMap() ? entry["name"] : YAML::Node();
      if (!name || !name.IsScalar() || name.Scalar().empty())
        fail(file, std::string(section.list) + "[" + std::to_string(i) + "]", "has no name");
      YAML::Node body = entry[section.item];
      if (!body || body.IsNull()) body = YAML::Node(YAML::NodeType::Map);
      if (!body.IsMap())
        fail(file, std::string(section.list) + "[" + name.Scalar() + "]." + section.item,
             "must be a mapping");
      section.into->emplace(name.Scalar(), Entry{body, file});  // an earlier file's entry stays
    }
  }
  const YAML::Node current = root["current-context"];
  if (merged.currentContext.empty() && current && current.IsScalar())
    merged.currentContext = current.Scalar();
}

// Reads fields of one cluster, user or context mapping, naming them in errors.
class Fields {
 public:
  Fields(const Entry& entry, std::string prefix) : entry_(entry), prefix_(std::move(prefix)) {}

  std::string string(const char* key) const {
    const YAML::Node value = entry_.node[key];
    if (!value || value.IsNull()) return {};
    if (!value.IsScalar()) fail(entry_.file, prefix_ + key, "must be a string");
    return value.Scalar();
  }

  bool boolean(const char* key) const {
    const YAML::Node value = entry_.node[key];
    if (!value || value.IsNull()) return false;
    bool result = false;
    if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result))
      fail(entry_.file, prefix_ + key, "must be true or false");
    return result;
  }

  std::string base64(const char* key) const {
    std::string text = string(key);
    if (text.empty()) return {};
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string decoded;
    try {
      // Not string::assign from stream iterators: when the decoder throws mid-way, that path
      // leaked the partial string (found by the kubeconfig fuzz target).
      Poco::StreamCopier::copyToString(decoder, decoded);
    } catch (const Poco::Exception&) {
      fail(entry_.file, prefix_ + key, "is not valid base64");
    }
    if (decoder.bad()) fail(entry_.file, prefix_ + key, "is not valid base64");
    return decoded;
  }

  // A path, relative ones resolved against the directory of the kubeconfig that holds it.
  std::string path(const char* key) const { return resolve(string(key)); }

  std::string resolve(const std::string& path) const {
    if (path.empty() || path.front() == '/') return path;
    std::error_code ignored;
    auto dir = std::filesystem::absolute(entry_.file, ignored).parent_path();
    return (dir / path).lexically_normal().string();
  }

  // The file named by `key`, read now.
  std::string fileContent(const char* key) const {
    std::string file = path(key);
    if (file.empty()) return {};
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(entry_.file, prefix_ + key, "cannot read " + file + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  const YAML::Node node(const char* key) const { return entry_.node[key]; }
  const std::string& file() const { return entry_.file; }
  const std::string& prefix() const { return prefix_; }

 private:
  const Entry& entry_;
  std::string prefix_;
};

ExecConfig readExec(const Fields& user) {
  const YAML::Node node = user.node("exec");
  std::string prefix = user.prefix() + "exec.";
  if (!node.IsMap()) fail(user.file(), prefix, "must be a mapping");
  Entry entry{node, user.file()};
  Fields exec(entry, prefix);
  ExecConfig config;
  config.apiVersion = exec.string("apiVersion");
  if (config.apiVersion != "client.authentication.k8s.io/v1" &&
      config.apiVersion != "client.authentication.k8s.io/v1beta1")
    fail(user.file(), prefix + "apiVersion",
         (config.apiVersion.empty() ? std::string("is missing")
                                    : "\"" + config.apiVersion + "\" is not supported") +
             " (client.authentication.k8s.io/v1 or v1beta1)");
  config.command = exec.string("command");
  if (config.command.empty()) fail(user.file(), prefix + "command", "is missing");
  // As client-go does: a command with a slash is a path, anything else is looked up on PATH.
  if (config.command.find('/') != std::string::npos) config.command = exec.resolve(config.command);
  const YAML::Node args = node["args"];
  if (args && !args.IsNull()) {
    if (!args.IsSequence()) fail(user.file(), prefix + "args", "must be a list");
    for (const auto& arg : args) {
      if (!arg.IsScalar()) fail(user.file(), prefix + "args", "must be a list of strings");
      config.args.push_back(arg.Scalar());
    }
  }
  const YAML::Node env = node["env"];
  if (env && !env.IsNull()) {
    if (!env.IsSequence()) fail(user.file(), prefix + "env", "must be a list of {name, value}");
    for (const auto& variable : env) {
      const YAML::Node name = variable.IsMap() ? variable["name"] : YAML::Node();
      const YAML::Node value = variable.IsMap() ? variable["value"] : YAML::Node();
      if (!name || !name.IsScalar() || name.Scalar().empty())
        fail(user.file(), prefix + "env", "every entry needs a name");
      config.env.emplace_back(name.Scalar(), value && value.IsScalar() ? value.Scalar() : "");
    }
  }
  config.installHint = exec.string("installHint");
  return config;
}

void readUser(const Fields& user, ClusterAccess& access) {
  access.token = user.string("token");
  access.tokenFile = user.path("tokenFile");
  // *-data overrides the file, as in kubectl.
  access.clientCertificatePem = user.base64("client-certificate-data");
  if (access.clientCertificatePem.empty())
    access.clientCertificatePem = user.fileContent("client-certificate");
  access.clientKeyPem = user.base64("client-key-data");
  if (access.clientKeyPem.empty()) access.clientKeyPem = user.fileContent("client-key");
  if (access.clientCertificatePem.empty() != access.clientKeyPem.empty())
    fail(user.file(), user.prefix() + (access.clientKeyPem.empty() ? "client-key" : "client-certificate"),
         "is missing: a client certificate needs both the certificate and its key");
  const YAML::Node exec = user.node("exec");
  if (exec && !exec.IsNull()) access.exec = readExec(user);

  bool hasCredentials = !access.token.empty() || !access.tokenFile.empty() ||
                        !access.clientCertificatePem.empty() || access.exec;
  const YAML::Node provider = user.node("auth-provider");
  if (provider && !provider.IsNull() && !hasCredentials) {
    std::string name = provider.IsMap() && provider["name"] ? provider["name"].as<std::string>("") : "";
    fail(user.file(), user.prefix() + "auth-provider",
         "\"" + name +
             "\" is not supported (kubectl dropped it too): use an exec credential plugin such as "
             "gke-gcloud-auth-plugin or kubelogin");
  }
  if (!user.string("username").empty() && !hasCredentials)
    fail(user.file(), user.prefix() + "username",
         "basic authentication is not supported: use a token or a client certificate");
}

}  // namespace

ClusterAccess kubeconfigAccess(const std::vector<std::string>& files, const std::string& context) {
  if (files.empty())
    throw std::runtime_error(
        "no kubeconfig: none was given, KUBECONFIG names no existing file and ~/.kube/config does not exist");
  MergedConfig merged;
  for (const auto& file : files) mergeFile(file, merged);

  std::string name = context.empty() ? merged.currentContext : context;
  if (name.empty())
    throw std::runtime_error("no current-context is set in kubeconfig " + joined(files) +
                             ": choose a context");
  auto contextEntry = merged.contexts.find(name);
  if (contextEntry == merged.contexts.end()) {
    std::string known;
    for (const auto& [n, e] : merged.contexts) known += (known.empty() ? "" : ", ") + n;
    throw std::runtime_error("context \"" + name + "\" is not defined in kubeconfig " + joined(files) +
                             (known.empty() ? " (it defines no contexts)" : " (it defines: " + known + ")"));
  }
  Fields contextFields(contextEntry->second, "contexts[" + name + "].context.");
  std::string clusterName = contextFields.string("cluster");
  std::string userName = contextFields.string("user");
  if (clusterName.empty()) fail(contextFields.file(), contextFields.prefix() + "cluster", "is missing");
  auto clusterEntry = merged.clusters.find(clusterName);
  if (clusterEntry == merged.clusters.end())
    fail(contextFields.file(), contextFields.prefix() + "cluster",
         "cluster \"" + clusterName + "\" is not defined in " + joined(files));

  ClusterAccess access;
  access.origin = "kubeconfig " + contextFields.file() + ", context " + name;
  Fields cluster(clusterEntry->second, "clusters[" + clusterName + "].cluster.");
  access.server = cluster.string("server");
  if (access.server.empty()) fail(cluster.file(), cluster.prefix() + "server", "is missing");
  access.insecureSkipTlsVerify = cluster.boolean("insecure-skip-tls-verify");
  access.caPem = cluster.base64("certificate-authority-data");
  if (access.caPem.empty()) {
    // Read at use time (it may be rotated), but a file that is not there is a mistake now.
    access.caFile = cluster.path("certificate-authority");
    if (!access.caFile.empty() && !std::ifstream(access.caFile))
      fail(cluster.file(), cluster.prefix() + "certificate-authority",
           "cannot read " + access.caFile + ": " + std::strerror(errno));
  }

  if (!userName.empty()) {
    auto userEntry = merged.users.find(userName);
    if (userEntry == merged.users.end())
      fail(contextFields.file(), contextFields.prefix() + "user",
           "user \"" + userName + "\" is not defined in " + joined(files));
    readUser(Fields(userEntry->second, "users[" + userName + "].user."), access);
  }
  return access;
}

}  // namespace kubecensus
