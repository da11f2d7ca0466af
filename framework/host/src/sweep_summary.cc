#include "hnn/host/sweep_summary.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "hnn/atomic_file.h"
#include "hnn/config_tree.h"
#include "hnn/number_format.h"
#include "hnn/options.h"

namespace hnn {
namespace fs = std::filesystem;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The real an unquoted scalar spells entirely ("1e-3", "42"), or false.
bool read_number(const ConfigNode& node, double& value) {
  if (!node.is_scalar() || node.quoted()) return false;
  const std::string& text = node.text();
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  return error == std::errc() && end == last;
}

void flatten(const ConfigNode& node, const std::string& path,
             std::vector<std::pair<std::string, double>>& metrics) {
  switch (node.kind()) {
    case ConfigNode::Kind::kScalar: {
      double value = 0.0;
      if (path != "schema_version" && read_number(node, value)) metrics.emplace_back(path, value);
      break;
    }
    case ConfigNode::Kind::kSequence:
      for (std::size_t i = 0; i < node.items().size(); ++i) {
        flatten(node.items()[i], path + "[" + std::to_string(i) + "]", metrics);
      }
      break;
    case ConfigNode::Kind::kMap:
      for (const auto& entry : node.entries()) {
        flatten(entry.value, path.empty() ? entry.key : path + "." + entry.key, metrics);
      }
      break;
    case ConfigNode::Kind::kNull:
      break;
  }
}

// YAML: 2.0, 1e-05, .nan (as the run folder's files).
std::string real(double value) { return format_option_value(OptionValue(value)); }

// CSV: the shortest decimal; an empty cell for a value that is not defined (NaN).
std::string csv_real(double value) { return std::isnan(value) ? "" : shortest_decimal(value); }

std::string quoted(const std::string& text) { return format_option_value(OptionValue(text)); }

// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

MetricStatistics metric_statistics(const std::vector<double>& values) {
  MetricStatistics s;
  double sum = 0.0;
  s.min = std::numeric_limits<double>::infinity();
  s.max = -std::numeric_limits<double>::infinity();
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    ++s.n;
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  if (s.n == 0) return MetricStatistics{0, kNaN, kNaN, kNaN, kNaN, kNaN};
  s.mean = sum / double(s.n);
  if (s.n < 2) {
    s.std = s.standard_error = kNaN;
    return s;
  }
  double squares = 0.0;
  for (double v : values) {
    if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
  }
  s.std = std::sqrt(squares / double(s.n - 1));
  s.standard_error = s.std / std::sqrt(double(s.n));
  return s;
}

std::vector<std::pair<std::string, double>> summary_metrics(const fs::path& file) {
  std::vector<std::pair<std::string, double>> metrics;
  flatten(load_config_file(file), "", metrics);
  return metrics;
}

SweepSummary summarize_sweep(const SweepPlan& plan, const SweepOutcome& outcome,
                             const fs::path& folder) {
  SweepSummary summary;
  summary.name = plan.settings.name;
  summary.runs = plan.runs.size();
  summary.succeeded = outcome.count(SweepRunStatus::kSucceeded);
  summary.failed = outcome.count(SweepRunStatus::kFailed);
  summary.interrupted = outcome.count(SweepRunStatus::kInterrupted);
  summary.not_started = outcome.count(SweepRunStatus::kNotStarted);
  for (std::size_t k = 0; k < plan.settings_values.size(); ++k) {
    SettingSummary setting;
    setting.setting = k;
    setting.values = plan.settings_values[k];
    std::vector<std::string> order;
    std::map<std::string, std::vector<double>> values;
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
      const SweepRun& run = plan.runs[i];
      if (run.setting != k) continue;
      setting.runs.push_back(run.id);
      if (i >= outcome.runs.size() || outcome.runs[i].status != SweepRunStatus::kSucceeded) {
        continue;
      }
      std::vector<std::pair<std::string, double>> metrics;
      try {
        metrics = summary_metrics(sweep_run_directory(folder, run) / "summary.yaml");
      } catch (const std::exception&) {
        continue;  // no readable summary: nothing to aggregate
      }
      setting.succeeded.push_back(run.id);
      for (const auto& [path, value] : metrics) {
        auto [found, inserted] = values.try_emplace(path);
        if (inserted) order.push_back(path);
        found->second.push_back(value);
      }
    }
    for (const auto& path : order) {
      setting.metrics.emplace_back(path, metric_statistics(values[path]));
    }
    summary.settings.push_back(std::move(setting));
  }
  return summary;
}

std::string sweep_summary_yaml(const SweepSummary& summary, const SweepPlan& plan,
                               const SweepOutcome& outcome) {
  std::string out =
      "# hnn sweep summary: per setting, statistics over its succeeded runs (docs/sweeps.md)\n";
  out += "schema_version: 1\n";
  out += "sweep: " + quoted(summary.name) + "\n";
  out += "runs: " + std::to_string(summary.runs) + "\n";
  out += "succeeded: " + std::to_string(summary.succeeded) + "\n";
  out += "failed: " + std::to_string(summary.failed) + "\n";
  out += "interrupted: " + std::to_string(summary.interrupted) + "\n";
  out += "not_started: " + std::to_string(summary.not_started) + "\n";
  out += "settings:\n";
  for (const auto& setting : summary.settings) {
    out += "  - setting: " + std::to_string(setting.setting) + "\n    values: {";
    for (std::size_t i = 0; i < setting.values.size(); ++i) {
      out += (i ? ", " : "") + quoted(setting.values[i].path) + ": " + setting.values[i].value;
    }
    out += "}\n";
    out += "    runs: " + format_option_value(OptionValue(setting.runs)) + "\n";
    out += "    succeeded: " + format_option_value(OptionValue(setting.succeeded)) + "\n";
    out += "    metrics:\n";
    for (const auto& [path, s] : setting.metrics) {
      out += "      " + quoted(path) + ": {n: " + std::to_string(s.n) + ", mean: " + real(s.mean) +
             ", std: " + real(s.std) + ", standard_error: " + real(s.standard_error) +
             ", min: " + real(s.min) + ", max: " + real(s.max) + "}\n";
    }
  }
  out += "run_status:\n";
  for (std::size_t i = 0; i < plan.runs.size() && i < outcome.runs.size(); ++i) {
    const SweepRunResult& result = outcome.runs[i];
    out += "  - {id: " + quoted(plan.runs[i].id) +
           ", setting: " + std::to_string(plan.runs[i].setting) +
           ", seed: " + (plan.runs[i].seed ? std::to_string(*plan.runs[i].seed) : "null") +
           ", status: " + quoted(to_string(result.status)) +
           ", skipped: " + (result.skipped ? "true" : "false") + ", exit_status: " +
           (result.exit_status >= 0 ? std::to_string(result.exit_status) : "null") +
           ", seconds: " + real(result.seconds) + ", started: " + real(result.started) +
           ", ended: " + real(result.ended) + "}\n";
  }
  return out;
}

std::string sweep_summary_csv(const SweepSummary& summary) {
  std::vector<std::string> keys;
  if (!summary.settings.empty()) {
    for (const auto& value : summary.settings.front().values) keys.push_back(value.path);
  }
  std::string out = "setting";
  for (const auto& key : keys) (out += ',') += csv_field(key);
  out += ",metric,n,mean,std,standard_error,min,max\n";
  for (const auto& setting : summary.settings) {
    std::string prefix = std::to_string(setting.setting);
    for (const auto& value : setting.values) (prefix += ',') += csv_field(value.value);
    for (const auto& [path, s] : setting.metrics) {
      out += prefix + "," + csv_field(path) + "," + std::to_string(s.n) + "," + csv_real(s.mean) +
             "," + csv_real(s.std) + "," + csv_real(s.standard_error) + "," + csv_real(s.min) +
             "," + csv_real(s.max) + "\n";
    }
  }
  return out;
}

void write_sweep_summary(const SweepSummary& summary, const SweepPlan& plan,
                         const SweepOutcome& outcome, const fs::path& folder) {
  write_file_atomically(folder / "sweep_summary.yaml", sweep_summary_yaml(summary, plan, outcome));
  write_file_atomically(folder / "sweep_summary.csv", sweep_summary_csv(summary));
}

}  // namespace hnn
