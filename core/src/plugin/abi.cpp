#include "kubecensus/plugin/abi.h"

#include "kubecensus/plugin/sink.h"

namespace kubecensus {

const char* toString(PluginKind kind) {
  switch (kind) {
    case PluginKind::Source: return "source";
    case PluginKind::Sink: return "sink";
    case PluginKind::Storage: return "storage";
  }
  return "invalid";
}

const char* toString(OptionType type) {
  switch (type) {
    case OptionType::String: return "string";
    case OptionType::Secret: return "secret";
    case OptionType::Integer: return "integer";
    case OptionType::Boolean: return "boolean";
    case OptionType::Duration: return "duration";
    case OptionType::Size: return "size";
    case OptionType::Path: return "path";
    case OptionType::List: return "list";
  }
  return "invalid";
}

const char* toString(DeliveryResult::Outcome outcome) {
  switch (outcome) {
    case DeliveryResult::Outcome::Delivered: return "delivered";
    case DeliveryResult::Outcome::RetryLater: return "retry-later";
    case DeliveryResult::Outcome::Rejected: return "rejected";
  }
  return "invalid";
}

const char* buildFingerprint() { return KUBECENSUS_BUILD_FINGERPRINT; }

}  // namespace kubecensus
