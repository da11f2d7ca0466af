#include "hnn/report/html_report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "hnn/number_format.h"

namespace hnn::report {

namespace {

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1em 2em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto;
      font-size: 0.85em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.92em; color: #333; max-width: 60em; }
.muted { color: #777; }
)";

std::string number(double value) {
  if (std::isnan(value)) return "—";
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

// A table cell with a number to 3 digits; the exact value in its title.
std::string number_cell(double value) {
  if (std::isnan(value)) return "<td class=\"number muted\">—</td>";
  return "<td class=\"number\" title=\"" + escape_html(shortest_decimal(value)) + "\">" +
         escape_html(number(value)) + "</td>";
}

std::string text_cell(const std::string& text, const std::string& title = "") {
  std::string cell = "<td";
  if (!title.empty()) cell += " title=\"" + escape_html(title) + "\"";
  return cell + ">" + (text.empty() ? "<span class=\"muted\">—</span>" : escape_html(text)) +
         "</td>";
}

void write_results(std::ostream& html, const RunFolder& run) {
  const RunSummary& summary = run.summary;
  html << "<section id=\"results\">\n<h2>Results</h2>\n";
  if (summary.models.empty()) {
    html << "<p class=\"muted\">The run has no models.</p>\n</section>\n";
    return;
  }
  // The energy-loss ratio's column only when some model has one (a run with damping or
  // forcing, or measured data with a reference H): conservative runs' tables are unchanged.
  bool ratios = false;
  for (const auto& model : summary.models) ratios = ratios || model.energy_loss_ratio.has_value();
  html << "<table>\n<thead><tr><th>model</th><th>plugin</th><th>parameters</th>"
          "<th>final train loss</th><th>final test loss</th>"
          "<th>trajectory MSE (final)</th><th>trajectory MSE (mean)</th>"
          "<th>max energy error |E(t) − E(0)|</th>"
       << (ratios ? "<th>energy-loss ratio</th>" : "")
       << "<th>training time (s)</th><th>epochs</th>"
          "<th>termination</th></tr></thead>\n<tbody>\n";
  for (const auto& model : summary.models) {
    html << "<tr><th>" << escape_html(model.name) << "</th>"
         << text_cell(model.plugin, model.description)
         << (model.parameters >= 0
                 ? "<td class=\"number\">" + std::to_string(model.parameters) + "</td>"
                 : std::string("<td class=\"number muted\">—</td>"))
         << number_cell(model.final_train_loss) << number_cell(model.final_test_loss);
    if (model.rollout_error) {
      html << "<td colspan=\"" << (ratios ? 4 : 3)
           << "\">rollout failed: " << escape_html(*model.rollout_error) << "</td>";
    } else {
      const TrajectoryErrors mse = model.trajectory_mse.value_or(TrajectoryErrors{});
      html << number_cell(mse.final) << number_cell(mse.mean)
           << number_cell(model.energy_drift_max.value_or(kMissing));
      if (ratios) html << number_cell(model.energy_loss_ratio.value_or(kMissing));
    }
    html << number_cell(model.training_seconds);
    std::string epochs = std::to_string(model.epochs);
    if (model.total_epochs > model.epochs) {
      epochs += " (" + std::to_string(model.total_epochs) + " in all)";
    }
    html << "<td class=\"number\">" << escape_html(epochs) << "</td>"
         << text_cell(model.trained ? model.termination.value_or("") : "not trained",
                      !model.optimizer
                          ? model.optimizer_message.value_or("")
                          : *model.optimizer + ": " + model.optimizer_message.value_or(""))
         << "</tr>\n";
  }
  html << "</tbody>\n</table>\n";
  html << "<p class=\"muted\">Losses are unitless mean squared errors; the trajectory MSE "
          "compares each model's rollout with the truth; the energy error is the largest "
          "change of the true H along the model's rollout. Hover a value for all its digits, "
          "a termination for the optimizer's message.";
  if (ratios) {
    html << " The energy-loss ratio is the energy the model's rollout loses over the energy "
            "the truth (or the measurements) lose, H averaged over the first and the last "
            "quarter of the span: 1 when the model dissipates as the system does.";
  }
  if (summary.truth && !std::isnan(summary.truth->energy_drift_max)) {
    html << " The truth's own energy drift (its integrator) is "
         << escape_html(number(summary.truth->energy_drift_max)) << ".";
  }
  html << "</p>\n</section>\n";
}

bool has_formulas(const ModelSummary& model) {
  return model.symbolic && !model.symbolic->formulas.empty();
}

void write_formulas(std::ostream& html, const RunSummary& summary) {
  bool any = false;
  for (const auto& model : summary.models) any = any || has_formulas(model);
  if (!any) return;
  html << "<section id=\"formulas\">\n<h2>Recovered formulas</h2>\n";
  for (const auto& model : summary.models) {
    if (!has_formulas(model)) continue;
    const SymbolicSummary& symbolic = *model.symbolic;
    html << "<h3>" << escape_html(model.name)
         << "</h3>\n<table>\n<thead><tr><th>output</th>"
            "<th>formula</th><th>LaTeX</th></tr></thead>\n<tbody>\n";
    for (const auto& formula : symbolic.formulas) {
      html << "<tr><th>" << escape_html(formula.output) << "</th><td><code>"
           << escape_html(formula.text.empty() ? formula.text_full : formula.text) << "</code>";
      if (!formula.text_full.empty() && formula.text_full != formula.text) {
        html << "<details><summary>full precision</summary><code>" << escape_html(formula.text_full)
             << "</code></details>";
      }
      html << "</td><td>"
           << (formula.latex.empty() ? "<span class=\"muted\">—</span>"
                                     : "<code>" + escape_html(formula.latex) + "</code>")
           << "</td></tr>\n";
    }
    html << "</tbody>\n</table>\n";
    if (symbolic.verification) {
      const SymbolicVerification& v = *symbolic.verification;
      html << "<p>H = " << escape_html(symbolic.hamiltonian_output)
           << ". Its field J&nabla;H against the system's on all the data: largest difference "
           << number(v.field_relative_error) << " of the largest true field";
      const double before = v.field_relative_error_before_refinement;
      if (!std::isnan(before) && before != v.field_relative_error) {
        html << " (" << number(before) << " before refining the fit)";
      }
      html << ", " << (v.exact ? "<strong>exact</strong>" : "<strong>not exact</strong>") << " to "
           << number(v.tolerance) << ".</p>\n";
    }
  }
  if (!summary.exact_hamiltonian.empty()) {
    html << "<p>The exact Hamiltonian, for comparison: <code>"
         << escape_html(summary.exact_hamiltonian) << "</code>.</p>\n";
  }
  html << "</section>\n";
}

void write_figures(std::ostream& html, const FigureSet& figures) {
  html << "<section id=\"figures\">\n<h2>Figures</h2>\n";
  if (figures.figures.empty()) html << "<p class=\"muted\">No figures.</p>\n";
  int number = 0;
  for (const auto& figure : figures.figures) {
    const std::string svg = escape_html(figure.svg_file.generic_string());
    const std::string png = escape_html(figure.png_file.generic_string());
    html << "<figure id=\"figure-" << escape_html(figure.name) << "\">\n<a href=\"" << svg
         << "\"><img src=\"" << svg << "\" alt=\"" << escape_html(figure.title)
         << "\"></a>\n<figcaption><b>Figure " << ++number << ". " << escape_html(figure.title)
         << ".</b> " << escape_html(figure.caption) << " <a href=\"" << svg
         << "\">SVG</a> · <a href=\"" << png << "\">PNG</a></figcaption>\n</figure>\n";
  }
  html << "</section>\n";
}

void write_notes(std::ostream& html, const RunFolder& run, const FigureSet& figures) {
  if (run.notes.empty() && figures.skipped.empty()) return;
  html << "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n";
  for (const auto& note : run.notes) html << "<li>" << escape_html(note) << "</li>\n";
  for (const auto& skipped : figures.skipped) {
    html << "<li>Figure not drawn: " << escape_html(skipped) << ".</li>\n";
  }
  html << "</ul>\n</section>\n";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string render_report_html(const RunFolder& run, const FigureSet& figures,
                               const std::string& title) {
  const RunSummary& summary = run.summary;
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<title>" << escape_html(title) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n<header>\n<h1>" << escape_html(title) << "</h1>\n<p>";
  html << "Pipeline <code>" << escape_html(summary.pipeline) << "</code>";
  if (!summary.system.empty())
    html << ", system <code>" << escape_html(summary.system) << "</code>";
  if (!summary.exact_hamiltonian.empty()) {
    html << ", exact H = <code>" << escape_html(summary.exact_hamiltonian) << "</code>";
  }
  if (summary.data.train_samples >= 0) {
    html << "; " << summary.data.train_samples << " training and " << summary.data.test_samples
         << " test samples";
  }
  html << ". Written by hnn from the files of this run folder.</p>\n</header>\n";
  html << "<nav><a href=\"#results\">Results</a>";
  bool formulas = false;
  for (const auto& model : summary.models) formulas = formulas || has_formulas(model);
  if (formulas) html << "<a href=\"#formulas\">Formulas</a>";
  html << "<a href=\"#figures\">Figures</a>";
  if (!run.notes.empty() || !figures.skipped.empty()) html << "<a href=\"#notes\">Notes</a>";
  html << "<a href=\"#pipeline\">Pipeline</a></nav>\n";
  write_results(html, run);
  write_formulas(html, summary);
  write_figures(html, figures);
  write_notes(html, run, figures);
  html << "<section id=\"pipeline\">\n<h2>Pipeline</h2>\n<p>The resolved pipeline "
          "(<a href=\"pipeline.yaml\">pipeline.yaml</a>, every default filled in); it runs "
          "again as it is.</p>\n<pre>"
       << escape_html(run.pipeline_text) << "</pre>\n</section>\n</body>\n</html>\n";
  return html.str();
}

}  // namespace hnn::report
