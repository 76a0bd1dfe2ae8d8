// --print-config: the effective configuration as INI that could be fed back in, every value
// annotated with where it came from, so "why is it doing that?" has a one-command answer.
#include <algorithm>

#include "kubecensus/config/validate.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus {
namespace {

constexpr const char* kMask = "********";
// Annotations line up within a section, but a very long value does not push them all right.
constexpr std::size_t kMaxAlign = 48;

// The value as INI text that parses back to the same value: '$' doubled (values are
// substituted when read), and quoted when comment characters, quotes or edge spaces would
// otherwise be lost.
std::string iniValue(const std::string& value) {
  std::string escaped;
  for (char c : value) escaped += c == '$' ? std::string("$$") : std::string(1, c);
  bool quote = value.find_first_of(";#\"") != std::string::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' ' || value.front() == '\t' ||
                                   value.back() == '\t'));
  if (!quote) return escaped;
  std::string out = "\"";
  for (char c : escaped) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Line {
  std::string text;
  std::string note;
};

class SectionPrinter {
 public:
  explicit SectionPrinter(std::string& out) : out_(out) {}

  void value(const std::string& key, const std::string& value, bool secret, std::string note) {
    std::string shown = secret && !value.empty() ? kMask : iniValue(value);
    lines_.push_back(Line{key + " = " + shown, std::move(note)});
  }
  void unset(const std::string& key, bool required) {
    lines_.push_back(Line{"; " + key + " =", required ? "not set (required)" : "not set"});
  }

  void flush(const std::string& header) {
    if (!out_.empty()) out_ += '\n';
    out_ += "[" + header + "]\n";
    std::size_t width = 0;
    for (const auto& line : lines_) {
      if (line.text.size() <= kMaxAlign) width = std::max(width, line.text.size());
    }
    for (const auto& line : lines_) {
      out_ += line.text;
      out_ += std::string(line.text.size() < width ? width - line.text.size() : 0, ' ');
      out_ += "  ; " + line.note + "\n";
    }
    lines_.clear();
  }

 private:
  std::string& out_;
  std::vector<Line> lines_;
};

std::string noteFor(const ConfigSection* section, const std::string& key) {
  const ConfigEntry* entry = section ? section->find(key) : nullptr;
  return entry ? "from " + entry->where.str() : "default";
}

void printOptions(SectionPrinter& printer, const ConfigSection* section, const OptionSpec* specs,
                  std::size_t count, const Options& options) {
  for (std::size_t i = 0; i < count; ++i) {
    const OptionSpec& spec = specs[i];
    bool secret = spec.type == OptionType::Secret;
    if (options.has(spec.name)) {
      printer.value(spec.name, options.getString(spec.name), secret, noteFor(section, spec.name));
    } else {
      printer.unset(spec.name, (spec.flags & kOptionRequired) != 0);
    }
  }
}

}  // namespace

std::string printConfig(const Config& config, const ValidatedConfig& validated,
                        const std::vector<SectionSchema>& core) {
  std::string out;
  SectionPrinter printer(out);
  for (const auto& schema : core) {
    const ConfigSection* section = config.find(schema.name);
    printOptions(printer, section, schema.options.data(), schema.options.size(), validated.section(schema.name));
    printer.flush(schema.name);
  }

  std::vector<std::string> printed;
  for (const auto& plugin : validated.plugins) {
    std::string name = std::string(sectionPrefix(plugin.kind)) + "." + plugin.instance;
    const ConfigSection* section = config.find(name);
    const ConfigEntry* type = section ? section->find("type") : nullptr;
    printer.value("type", plugin.plugin, false, type ? "from " + type->where.str() : "default (the instance name)");
    const PluginDescriptor* d = plugin.descriptor;
    printOptions(printer, section, d ? d->options : nullptr, d && d->options ? d->optionCount : 0, plugin.options);
    printer.flush(name);
    printed.push_back(name);
  }

  // Instances switched off are not in `validated`; say where, so their absence is explained.
  for (const auto& section : config.sections()) {
    const ConfigEntry* enabled = section.find("enabled");
    if (!enabled || std::find(printed.begin(), printed.end(), section.name) != printed.end()) continue;
    if (parseBool(enabled->value) == false) {
      out += "\n; [" + section.name + "] is disabled (enabled = " + enabled->value + ", from " +
             enabled->where.str() + ")\n";
    }
  }
  return out;
}

}  // namespace kubecensus
