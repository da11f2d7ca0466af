#include "hnn/report/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "figure_plan.h"
#include "hnn/atomic_file.h"
#include "hnn/report/html_report.h"

namespace hnn::report {
namespace {

// The headline metrics by kind: the summary's key below models.<m>, and its words.
struct MetricKind {
  std::string suffix;
  std::string title;
};

const std::vector<MetricKind>& metric_kinds() {
  static const std::vector<MetricKind> kinds = {
      {"final_train_loss", "final training loss"},
      {"final_test_loss", "final test loss"},
      {"trajectory_mse.final", "trajectory MSE at the last time"},
      {"energy_drift_max", "max |E(t) - E(0)| along the rollout"},
      {"energy_trials.mean", "energy error over the trials"},
      {"measured_mse.mean", "rollout MSE against the measurements"},
      {"reference_energy_mse.mean", "energy error against the measurements"},
  };
  return kinds;
}

// models.<m>.<suffix> -> <m>, or "" when `metric` is not of that form.
std::string model_of(const std::string& metric, const std::string& suffix) {
  const std::string prefix = "models.";
  if (metric.rfind(prefix, 0) != 0 || metric.size() <= prefix.size() + suffix.size() + 1) {
    return "";
  }
  const std::size_t end = metric.size() - suffix.size();
  if (metric.compare(end, suffix.size(), suffix) != 0 || metric[end - 1] != '.') return "";
  const std::string model = metric.substr(prefix.size(), end - 1 - prefix.size());
  return model.find('.') == std::string::npos ? model : "";
}

std::vector<std::string> models_of(const SweepSummary& summary) {
  std::vector<std::string> models;
  for (const auto& setting : summary.settings) {
    for (const auto& [metric, statistics] : setting.metrics) {
      const std::string model = model_of(metric, "final_train_loss");
      if (!model.empty() && std::find(models.begin(), models.end(), model) == models.end()) {
        models.push_back(model);
      }
    }
  }
  return models;
}

const MetricStatistics* find_metric(const SettingSummary& setting, const std::string& metric) {
  for (const auto& [path, statistics] : setting.metrics) {
    if (path == metric) return &statistics;
  }
  return nullptr;
}

std::string cell(const MetricStatistics* s) {
  if (s == nullptr || s->n == 0) return "–";
  std::string text = internal::three_digits(s->mean);
  if (s->n >= 2) text += " ± " + internal::three_digits(s->std);
  return text + " (" + std::to_string(s->n) + ")";
}

std::string setting_label(const SettingSummary& setting) {
  std::string text;
  for (const auto& value : setting.values) {
    if (!text.empty()) text += ", ";
    text += value.path + " = " + value.value;
  }
  return text.empty() ? "(the base pipeline)" : text;
}

// The figure of one kind of metric: per model, mean ± std per setting (an error bar, the
// mean marked), the settings along x.
std::optional<internal::FigurePlan> plan_kind(const SweepSummary& summary,
                                              const std::vector<std::string>& models,
                                              const MetricKind& kind) {
  struct Series {
    std::string model;
    std::vector<double> x, mean, low, high;
  };
  std::vector<Series> series;
  for (std::size_t m = 0; m < models.size(); ++m) {
    Series s{models[m], {}, {}, {}, {}};
    const std::string metric = "models." + models[m] + "." + kind.suffix;
    for (std::size_t k = 0; k < summary.settings.size(); ++k) {
      const MetricStatistics* statistics = find_metric(summary.settings[k], metric);
      if (statistics == nullptr || statistics->n == 0) continue;
      const double spread = std::isfinite(statistics->std) ? statistics->std : 0.0;
      // Models side by side within a setting.
      s.x.push_back(double(k) + 0.12 * (double(m) - 0.5 * double(models.size() - 1)));
      s.mean.push_back(statistics->mean);
      // The metrics are positive by nature (losses, squared errors, drifts): a bar ends at 0.
      s.low.push_back(std::max(statistics->mean - spread, 0.0));
      s.high.push_back(statistics->mean + spread);
    }
    if (!s.x.empty()) series.push_back(std::move(s));
  }
  std::vector<const std::vector<double>*> values;
  for (const auto& s : series) {
    values.push_back(&s.mean);
    values.push_back(&s.low);
    values.push_back(&s.high);
  }
  const auto y = internal::magnitude_axis(values);
  if (series.empty() || !y) return std::nullopt;
  internal::FigurePlan plan;
  std::string name = kind.suffix;
  std::replace(name.begin(), name.end(), '.', '_');
  plan.name = "sweep_" + name;
  plan.title = "Sweep: " + kind.title;
  plan.caption = "The " + kind.title + " (summary.yaml: models.<m>." + kind.suffix +
                 ") of every model per setting: the mean over the setting's succeeded runs "
                 "(•) and ± one sample standard deviation (the bar), " +
                 y->scale_name() + ". Settings as in the table above.";
  internal::append_sentence(plan.caption, y->clipping_note());
  const double last = double(summary.settings.size() - 1);
  plan.draw = [series = std::move(series), y = *y, last,
               title = plan.title](internal::PlotCanvas& canvas) {
    std::vector<internal::LegendEntry> legend;
    for (std::size_t m = 0; m < series.size(); ++m) {
      legend.push_back({series[m].model, internal::series_colour(m), 1, 2, "•"});
    }
    canvas.legend(legend);
    canvas.axes({-0.5, last + 0.5}, y, "setting", "mean ± std", title);
    for (std::size_t m = 0; m < series.size(); ++m) {
      const Series& s = series[m];
      const int colour = internal::series_colour(m);
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        // On a log axis a bar reaching zero or below ends at the axis' floor.
        const double low = y.logarithmic ? std::max(s.low[i], y.floor) : s.low[i];
        canvas.line({s.x[i], s.x[i]}, {low, s.high[i]}, colour, 2);
      }
      canvas.points(s.x, s.mean, colour, "•", 1.5);
    }
  };
  return plan;
}

}  // namespace

std::vector<std::string> sweep_headline_metrics(const SweepSummary& summary) {
  std::vector<std::string> metrics;
  for (const auto& model : models_of(summary)) {
    for (const auto& kind : metric_kinds()) {
      const std::string metric = "models." + model + "." + kind.suffix;
      for (const auto& setting : summary.settings) {
        if (find_metric(setting, metric) != nullptr) {
          metrics.push_back(metric);
          break;
        }
      }
    }
  }
  return metrics;
}

std::filesystem::path write_sweep_report(const std::filesystem::path& folder,
                                         const SweepSummary& summary,
                                         const FigureOptions& options) {
  std::string problem;
  if (!options.IsValid(&problem)) throw Error("report options: " + problem);
  const std::vector<std::string> models = models_of(summary);
  std::vector<Figure> figures;
  for (const auto& kind : metric_kinds()) {
    if (auto plan = plan_kind(summary, models, kind)) {
      figures.push_back(internal::render_figure(*plan, folder, options));
    }
  }
  const std::vector<std::string> metrics = sweep_headline_metrics(summary);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      escape_html("Sweep " + summary.name) +
      "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:80em}"
      "table{border-collapse:collapse}td,th{border:1px solid #999;padding:0.2em 0.5em;"
      "text-align:left}img{max-width:100%}</style>\n</head>\n<body>\n<h1>" +
      escape_html("Sweep " + summary.name) + "</h1>\n<p>" + std::to_string(summary.runs) +
      " runs: " + std::to_string(summary.succeeded) + " succeeded, " +
      std::to_string(summary.failed) + " failed, " + std::to_string(summary.interrupted) +
      " interrupted, " + std::to_string(summary.not_started) +
      " not started. Every number is the mean ± the sample standard deviation over a "
      "setting's succeeded runs (n in brackets); all statistics of every number of the "
      "runs' summaries are in sweep_summary.yaml and sweep_summary.csv.</p>\n";
  html += "<h2>Results</h2>\n<table>\n<tr><th>setting</th><th>values</th><th>runs</th>";
  for (const auto& metric : metrics) html += "<th>" + escape_html(metric) + "</th>";
  html += "</tr>\n";
  for (const auto& setting : summary.settings) {
    html += "<tr><td>" + std::to_string(setting.setting) + "</td><td>" +
            escape_html(setting_label(setting)) + "</td><td>" +
            std::to_string(setting.succeeded.size()) + " / " + std::to_string(setting.runs.size()) +
            "</td>";
    for (const auto& metric : metrics) {
      html += "<td>" + escape_html(cell(find_metric(setting, metric))) + "</td>";
    }
    html += "</tr>\n";
  }
  html += "</table>\n";
  if (!figures.empty()) html += "<h2>Figures</h2>\n";
  for (const Figure& figure : figures) {
    html += "<figure>\n<img src=\"" + escape_html(figure.svg_file.generic_string()) + "\" alt=\"" +
            escape_html(figure.title) + "\">\n<figcaption><b>" + escape_html(figure.title) +
            ".</b> " + escape_html(figure.caption) + " (<a href=\"" +
            escape_html(figure.png_file.generic_string()) + "\">PNG</a>)</figcaption>\n</figure>\n";
  }
  html += "</body>\n</html>\n";
  const std::filesystem::path page = folder / "sweep_report.html";
  write_file_atomically(page, html);
  return page;
}

}  // namespace hnn::report
