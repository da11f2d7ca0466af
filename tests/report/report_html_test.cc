// report.html: the results table, formulas, figures with captions, everything escaped.
#include <doctest/doctest.h>

#include "hnn/report/html_report.h"
#include "report_test_support.h"

using hnn::testing::contains;

TEST_CASE("escape_html replaces the five special characters") {
  CHECK(hnn::report::escape_html("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  CHECK(hnn::report::escape_html("q^2 + p^2") == "q^2 + p^2");
}

TEST_CASE("render_report_html: results, formulas, figures, notes and the pipeline") {
  hnn::report::RunFolder run;
  run.pipeline_text = "name: \"<b>x</b>\"\nmodels: {a: {plugin: mlp}}\n";
  run.summary.pipeline = "x&y";
  run.summary.system = "spring_mass";
  run.summary.exact_hamiltonian = "q^2 + p^2";
  hnn::ModelSummary model;
  model.name = "<script>alert(1)</script>";
  model.plugin = "kan";
  model.parameters = 35;
  model.trained = true;
  model.epochs = 200;
  model.total_epochs = 300;
  model.termination = "converged";
  model.final_train_loss = 1.234567e-9;
  model.final_test_loss = 2.5e-9;
  model.training_seconds = 0.25;
  model.trajectory_mse = hnn::TrajectoryErrors{1e-6, 3e-6, 2e-6};
  model.energy_drift_max = 4e-5;
  model.symbolic.emplace().formulas.push_back(
      {"F2", "1.00*q^2 + p^2 < 2 & more", "", "q^{2} + p^{2}"});
  run.summary.models.push_back(model);
  hnn::ModelSummary untrained;
  untrained.name = "b";
  untrained.rollout_error = "diverged at t = 3";
  run.summary.models.push_back(untrained);
  run.notes.push_back("a note with <angle> brackets");
  hnn::report::FigureSet figures;
  figures.figures.push_back({"losses", "Training and test loss", "Loss per epoch & more.",
                             "figures/losses.svg", "figures/losses.png"});
  figures.skipped.push_back("penalty: none");

  const std::string html = hnn::report::render_report_html(run, figures, "Run <x>");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<title>Run &lt;x&gt;</title>"));
  CHECK_FALSE(contains(html, "<script"));  // the page has no scripts, and names are escaped
  CHECK(contains(html, "<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>"));
  CHECK(contains(html, "Pipeline <code>x&amp;y</code>"));
  // parameters, losses, trajectory MSE final and mean, energy, seconds, epochs, termination
  CHECK(contains(html, "<td class=\"number\">35</td>"));
  CHECK(contains(html, "<td class=\"number\" title=\"1.234567e-09\">1.23e-09</td>"));
  CHECK(contains(html, ">2e-06</td><td class=\"number\" title=\"1e-06\">1e-06</td>"));
  CHECK(contains(html, ">4e-05</td>"));
  CHECK(contains(html, "<td class=\"number\">200 (300 in all)</td>"));
  CHECK(contains(html, ">converged</td>"));
  CHECK(contains(html, "<td colspan=\"3\">rollout failed: diverged at t = 3</td>"));
  CHECK(contains(html, ">not trained</td>"));
  CHECK(contains(html, "<code>1.00*q^2 + p^2 &lt; 2 &amp; more</code>"));
  CHECK(contains(html, "<code>q^{2} + p^{2}</code>"));
  CHECK(contains(html, "<img src=\"figures/losses.svg\" alt=\"Training and test loss\">"));
  CHECK(contains(html, "<b>Figure 1. Training and test loss.</b> Loss per epoch &amp; more."));
  CHECK(contains(html, "<a href=\"figures/losses.png\">PNG</a>"));
  CHECK(contains(html, "<li>a note with &lt;angle&gt; brackets</li>"));
  CHECK(contains(html, "<li>Figure not drawn: penalty: none.</li>"));
  CHECK(contains(html, "<pre>name: &quot;&lt;b&gt;x&lt;/b&gt;&quot;\n"));
  CHECK_FALSE(contains(html, "http"));  // self-contained: no network
}

TEST_CASE("render_report_html without formulas has no formula section") {
  hnn::report::RunFolder run;
  hnn::ModelSummary model;
  model.name = "m";
  run.summary.models.push_back(model);
  const std::string html = hnn::report::render_report_html(run, {}, "t");
  CHECK_FALSE(contains(html, "id=\"formulas\""));
  CHECK(contains(html, "No figures."));
}
