#include "hnn/host/sweep_plan.h"

#include "hnn/options.h"

namespace hnn {
namespace {

std::string quoted(const std::string& text) { return format_option_value(OptionValue(text)); }

// A plain scalar that reads the same inside a flow collection: no flow indicator, no
// comment, no ": ", and not empty.
bool plain_in_flow(const std::string& text) {
  if (text.empty()) return false;
  if (text.find_first_of(",[]{}#\"'\n") != std::string::npos) return false;
  if (text.find(": ") != std::string::npos || text.back() == ':') return false;
  return text.front() != ' ' && text.back() != ' ';
}

std::string plan_key(const std::string& text) {
  return plain_in_flow(text) && text.find(':') == std::string::npos ? text : quoted(text);
}

}  // namespace

std::string flow_text(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::kNull:
      return "null";
    case ConfigNode::Kind::kScalar:
      return !node.quoted() && plain_in_flow(node.text()) ? node.text() : quoted(node.text());
    case ConfigNode::Kind::kSequence: {
      std::string text = "[";
      for (std::size_t i = 0; i < node.items().size(); ++i) {
        text += (i ? ", " : "") + flow_text(node.items()[i]);
      }
      return text + "]";
    }
    case ConfigNode::Kind::kMap: {
      std::string text = "{";
      for (std::size_t i = 0; i < node.entries().size(); ++i) {
        const auto& entry = node.entries()[i];
        text += (i ? ", " : "") + plan_key(entry.key) + ": " + flow_text(entry.value);
      }
      return text + "}";
    }
  }
  return "null";
}

std::string to_yaml(const SweepPlan& plan) {
  std::string out = "# hnn sweep: the expanded runs (docs/sweeps.md)\n";
  out += "sweep: " + quoted(plan.settings.name) + "\n";
  out += "file: " + quoted(std::filesystem::absolute(plan.file).lexically_normal().string()) + "\n";
  out += "pipeline: " + quoted(plan.settings.pipeline) + "\n";
  out += "workers: " + std::to_string(plan.settings.workers) + "\n";
  out += "threads_per_run: " + std::to_string(plan.settings.threads_per_run) + "\n";
  out += "seed_keys: " + format_option_value(OptionValue(plan.seed_keys)) + "\n";
  out += "settings:\n";
  for (std::size_t k = 0; k < plan.settings_values.size(); ++k) {
    out += "  - setting: " + std::to_string(k) + "\n    values: {";
    const auto& values = plan.settings_values[k];
    for (std::size_t i = 0; i < values.size(); ++i) {
      out += (i ? ", " : "") + plan_key(values[i].path) + ": " + values[i].value;
    }
    out += "}\n";
  }
  out += "runs:\n";
  for (const auto& run : plan.runs) {
    out += "  - {id: " + quoted(run.id) + ", setting: " + std::to_string(run.setting) +
           ", seed: " + (run.seed ? std::to_string(*run.seed) : "null") + "}\n";
  }
  return out;
}

}  // namespace hnn
