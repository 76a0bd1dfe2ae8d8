#include "kubecensus/util/command_line.h"

#include <algorithm>

namespace kubecensus {

CommandLine::CommandLine(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
  auto findSpec = [&](const std::string& name) -> const FlagSpec* {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    return it == specs.end() ? nullptr : &*it;
  };
  bool onlyPositional = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (onlyPositional || arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyPositional = true;
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> inlineValue;
    if (auto eq = body.find('='); eq != std::string::npos) {
      inlineValue = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = findSpec(body);
    if (!spec) throw UsageError("unknown flag --" + body + " (see --help)");
    std::string value;
    if (spec->metavar.empty()) {
      if (inlineValue) throw UsageError("flag --" + body + " takes no value");
    } else if (inlineValue) {
      value = *inlineValue;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw UsageError("flag --" + body + " needs a value (" + spec->metavar + ")");
    }
    auto& slot = values_[spec->name];
    if (!slot.empty() && !spec->repeatable) throw UsageError("flag --" + body + " given more than once");
    slot.push_back(value);
  }
}

std::optional<std::string> CommandLine::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CommandLine::values(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string CommandLine::help(const std::vector<FlagSpec>& specs) {
  std::size_t width = 0;
  for (const auto& s : specs)
    width = std::max(width, s.name.size() + (s.metavar.empty() ? 0 : s.metavar.size() + 1));
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  --" + s.name + (s.metavar.empty() ? "" : " " + s.metavar);
    out += left + std::string(width + 6 - left.size(), ' ') + s.help;
    if (s.repeatable) out += " (repeatable)";
    out += '\n';
  }
  return out;
}

}  // namespace kubecensus
