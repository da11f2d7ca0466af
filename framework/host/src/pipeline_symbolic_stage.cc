#include "pipeline_symbolic_stage.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include "hnn/atomic_file.h"
#include "hnn/error.h"
#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/network_file.h"
#include "hnn/symbolic/network_model.h"
#include "hnn/system.h"
#include "source_export.h"

namespace hnn::internal {
namespace fs = std::filesystem;

namespace {

// The inputs whose activations are fitted: the train or test inputs, or both.
Eigen::MatrixXd symbolic_samples(SymbolicSamples which, const TrajectoryDataset& dataset) {
  if (which == SymbolicSamples::kTrain) return dataset.train.inputs;
  if (which == SymbolicSamples::kTest) return dataset.test.inputs;
  Eigen::MatrixXd all(dataset.train.inputs.rows(),
                      dataset.train.inputs.cols() + dataset.test.inputs.cols());
  all << dataset.train.inputs, dataset.test.inputs;
  return all;
}

std::vector<std::string> output_names(int count) {
  std::vector<std::string> names;
  for (int o = 0; o < count; ++o) {
    std::string name = std::to_string(o + 1);
    name.insert(name.begin(), 'F');
    names.push_back(std::move(name));
  }
  return names;
}

// max_n |f_model(x_n) - f_true(x_n)| / max_n |f_true(x_n)| over the columns of `inputs`,
// with f = J grad(output h) of the model and of the system.
double field_relative_error(Model& model, int hamiltonian_output, const System& system,
                            const Eigen::MatrixXd& inputs) {
  const Eigen::Index n = inputs.cols();
  Eigen::MatrixXd gradient(inputs.rows(), n), field(inputs.rows(), n);
  model.forward(inputs);
  model.input_gradient(hamiltonian_output, gradient);
  apply_symplectic_matrix(gradient, field);
  double largest_difference = 0, largest_true = 0;
  Eigen::VectorXd truth(inputs.rows());
  for (Eigen::Index k = 0; k < n; ++k) {
    hamiltonian_field(system, inputs.col(k), truth);
    largest_true = std::max(largest_true, truth.norm());
    largest_difference = std::max(largest_difference, (field.col(k) - truth).norm());
  }
  return largest_true > 0 ? largest_difference / largest_true : largest_difference;
}

}  // namespace

// network/<m>.yaml and network/<m>.csv: the edges of an edge network for the report's
// diagram (strength, chosen function, samples of every activation sorted by x).
void write_network_files(const fs::path& directory, const std::string& model_name,
                         const EdgeActivations& activations,
                         const std::vector<std::string>& input_names,
                         const std::vector<symbolic::EdgeFitReport>* reports) {
  std::ostringstream yaml, csv;
  const std::vector<int> width = activations.width();
  yaml << "# The edges of edge network '" << model_name << "' (for the KAN diagram).\n";
  yaml << "model: " << format_option_value(model_name) << "\n";
  yaml << "width: " << format_option_value(std::vector<std::int64_t>(width.begin(), width.end()))
       << "\n";
  yaml << "input_names: " << format_option_value(input_names) << "\n";
  yaml << "output_names: " << format_option_value(output_names(width.back())) << "\n";
  yaml << "edges:\n";
  csv << "layer,input,output,x,y\n";
  std::size_t r = 0;
  for (std::size_t l = 0; l < activations.layers.size(); ++l) {
    const EdgeLayerActivations& layer = activations.layers[l];
    for (int j = 0; j < layer.outputs; ++j) {
      for (int i = 0; i < layer.inputs; ++i) {
        const int e = layer.edge_index(i, j);
        std::string function;
        double r2 = 0;
        bool pruned = false;
        if (reports != nullptr) {
          const symbolic::EdgeFitReport& report = (*reports)[r++];
          pruned = report.choice == symbolic::EdgeFitReport::Choice::kPruned;
          if (!pruned) {
            function = report.fit.function;
            r2 = report.fit.r2;
          }
        }
        yaml << "  - {layer: " << l << ", input: " << i << ", output: " << j
             << ", scale: " << real(layer.scale[e])
             << ", function: " << format_option_value(function) << ", r2: " << real(r2)
             << ", pruned: " << (pruned ? "true" : "false") << "}\n";
        std::vector<std::pair<double, double>> points;
        for (Eigen::Index n = 0; n < layer.node_values.rows(); ++n) {
          points.emplace_back(layer.node_values(n, i), layer.edge_values(n, e));
        }
        std::sort(points.begin(), points.end());
        for (const auto& [x, y] : points) {
          csv << l << ',' << i << ',' << j << ',' << real(x) << ',' << real(y) << '\n';
        }
      }
    }
  }
  fs::create_directories(directory / "network");
  write_file_atomically(directory / "network" / (model_name + ".csv"), csv.str());
  write_file_atomically(directory / "network" / (model_name + ".yaml"), yaml.str());
}

std::optional<ModelResult> SymbolicStage::run(ModelResult& result) {
  const ModelConfig& model_config = *result.config;
  const SymbolicSettings& symbolic_settings = model_config.symbolic.settings;
  const TrainingSettings& training = model_config.training.settings;
  Model& model = *result.model;
  const auto started = Clock::now();
  const std::vector<std::string>& names = config.coordinate_names;

  // 1. The activations of one forward pass over the chosen samples.
  model.set_parameters(result.parameters);
  const EdgeActivations activations =
      model.edge_activations(symbolic_samples(symbolic_settings.samples, dataset));

  // 2. Fit every edge.
  symbolic::NetworkFitOptions fit_options;
  for (const auto& edge : model_config.symbolic.edges) {
    fit_options.manual.push_back({edge.layer, edge.input, edge.output, edge.function});
  }
  fit_options.automatic = symbolic_settings.automatic;
  fit_options.candidates = symbolic_settings.functions;
  fit_options.prune_threshold = symbolic_settings.prune_threshold;
  fit_options.suggestion.top_k = std::size_t(symbolic_settings.top_k);
  fit_options.suggestion.tie_tolerance = symbolic_settings.tie_tolerance;
  symbolic::AffineFitOptions& affine = fit_options.suggestion.fit;
  affine.a_min = symbolic_settings.a_range[0];
  affine.a_max = symbolic_settings.a_range[1];
  affine.b_min = symbolic_settings.b_range[0];
  affine.b_max = symbolic_settings.b_range[1];
  affine.grid_points = int(symbolic_settings.grid_points);
  affine.iterations = int(symbolic_settings.iterations);
  affine.boundary = symbolic_settings.boundary_rule;
  const symbolic::SymbolicFunctionLibrary library =
      symbolic::SymbolicFunctionLibrary::with_registered(registry.symbolic_functions());
  symbolic::NetworkFit fit;
  try {
    fit = symbolic::fit_symbolic_network(activations, library, fit_options);
  } catch (const Error& error) {
    // Validation checked the options and the manual edges against the network; what is
    // left depends on the trained network (an edge not pruned with no function when the
    // automatic choice is off and prune_threshold > 0).
    throw ConfigError(config.file.string() + ": error: models." + model_config.name +
                      ".symbolic: " + error.what());
  }
  write_network_files(directory, model_config.name, activations, names, &fit.edges);

  // 3. The symbolic network as a model: refined when asked, always given its losses.
  //    Its config was made by validation; its file lives in this run's folder.
  const ModelConfig& symbolic_config = *model_config.symbolic.model;
  const fs::path file = directory / symbolic_config.model.options.string("file");
  ModelResult symbolic_result;
  symbolic_result.config = &symbolic_config;
  symbolic_result.options = symbolic_config.resolved_options;
  symbolic_result.options.set("file", fs::absolute(file).string());
  auto network = std::make_shared<symbolic::SymbolicNetworkModel>(fit.layers, names, library);
  symbolic_result.model = network;
  symbolic_result.objective = result.objective;
  symbolic_result.parameters.resize(network->parameter_count());
  network->get_parameters(symbolic_result.parameters);
  // The formula is H (and the model's other outputs); the learned damping and forcing are
  // the trained model's, refined with it.
  symbolic_result.dissipation = result.dissipation;
  // So are the training windows' learned initial states (objective trajectory).
  symbolic_result.initial_states = result.initial_states;
  const bool hnn = model_field_kind(training) == ObjectiveKind::kHnn;
  double loss_before = std::nan("");
  if (hnn) {
    auto objective = make_objective(*network, symbolic_config.training.settings, dataset.train);
    loss_before = loss_at(*objective, objective_parameters(symbolic_result)).first;
  }
  const int h = int(training.hamiltonian_output);
  const bool verified = hnn && training.field != FieldType::kConservative && system != nullptr;
  const Eigen::MatrixXd all = symbolic_samples(SymbolicSamples::kAll, dataset);
  const double fit_error =
      verified ? field_relative_error(*network, h, *system, all) : std::nan("");
  train_model(symbolic_result, dataset, registry, settings, progress);
  const std::vector<symbolic::SymbolicLayer> layers = network->layers();

  // 4. Compose and write symbolic.yaml.
  const int digits = int(symbolic_settings.digits);
  const symbolic::SymbolicFormula formula(layers, names, library);
  symbolic::SymbolicNetworkFile network_file{
      model_config.name, names, output_names(model.output_dimension()), layers, library, fit.edges};
  fs::create_directories(directory / "symbolic");
  symbolic::save_symbolic_network(file, network_file, digits);
  if (config.output.export_sources) {
    for (auto& file : write_formula_export(directory, model_config.name, formula, std::size_t(h),
                                           model.name(), digits, log)) {
      result.exports.push_back(std::move(file));
    }
  }

  // 5. Verify the recovered field against the system's on all the data (with a system).
  double error = std::nan(""), rounded_error = std::nan("");
  auto rounded = std::make_shared<symbolic::SymbolicNetworkModel>(layers, names, library, digits);
  if (verified) {
    error = field_relative_error(*network, h, *system, all);
    rounded_error = field_relative_error(*rounded, h, *system, all);
  }
  const double tolerance = symbolic_settings.field_tolerance;

  // 6. The summary's part and the log.
  SymbolicSummary summary;
  summary.samples = to_string(symbolic_settings.samples);
  summary.file = "symbolic/" + model_config.name + ".yaml";
  for (const auto& edge : fit.edges) {
    SymbolicEdgeSummary& edge_summary = summary.edges.emplace_back();
    edge_summary.layer = edge.layer;
    edge_summary.input = edge.input;
    edge_summary.output = edge.output;
    edge_summary.choice = symbolic::to_string(edge.choice);
    edge_summary.scale = edge.scale;
    if (edge.choice == symbolic::EdgeFitReport::Choice::kPruned) {
      ++summary.pruned_edges;
      if (!edge.assigned.empty()) edge_summary.assigned = edge.assigned;
    } else {
      SymbolicEdgeFit& edge_fit = edge_summary.fit.emplace();
      edge_fit.function = edge.fit.function;
      edge_fit.r2 = edge.fit.r2;
      edge_fit.a = edge.fit.a;
      edge_fit.b = edge.fit.b;
      edge_fit.c = edge.fit.c;
      edge_fit.d = edge.fit.d;
      edge_fit.best_at_boundary = edge.fit.best_at_boundary;
      for (const auto& suggestion : edge.suggestions) {
        edge_fit.suggestions.push_back({suggestion.function, suggestion.r2});
      }
    }
  }
  if (symbolic_result.trained) {
    summary.refinement =
        SymbolicRefinement{symbolic_result.stages.back().optimizer, symbolic_result.epochs_trained,
                           to_string(symbolic_result.stages.back().summary.termination),
                           loss_before, symbolic_result.final_train_loss};
  }
  summary.hamiltonian_output = output_names(model.output_dimension())[std::size_t(h)];
  for (std::size_t o = 0; o < formula.output_count(); ++o) {
    summary.formulas.push_back(
        {output_names(int(formula.output_count()))[o], formula.text(o, digits),
         formula.text(o, symbolic::SymbolicFormula::kFull), formula.latex(o, digits)});
  }
  if (verified) {
    SymbolicVerification& verification = summary.verification.emplace();
    verification.samples = all.cols();
    verification.field_relative_error = error;
    verification.field_relative_error_before_refinement = fit_error;
    verification.field_relative_error_rounded = rounded_error;
    verification.tolerance = tolerance;
    verification.exact = error <= tolerance;
    verification.exact_rounded = rounded_error <= tolerance;
  }
  summary.seconds = seconds_since(started);
  result.symbolic = std::move(summary);
  log << model_config.name << ": symbolic "
      << output_names(model.output_dimension())[std::size_t(h)] << " = "
      << formula.text(std::size_t(h), digits);
  if (verified) {
    log << " (field error " << format_option_value(error) << " relative, "
        << (error <= tolerance ? "exact" : "not exact") << " to " << real(tolerance) << ")";
  }
  log << std::endl;

  if (!symbolic_settings.evaluate) return std::nullopt;
  if (symbolic_settings.rollout == SymbolicRollout::kRounded) {
    // The options validation made say digits: `digits` for this rollout.
    symbolic_result.model = rounded;
    symbolic_result.parameters.resize(0);
    // The losses of what is rolled out: the printed formula.
    auto train = make_objective(*rounded, symbolic_config.training.settings, dataset.train);
    auto test = make_test_objective(*rounded, symbolic_config.training.settings, dataset.test);
    std::tie(symbolic_result.final_train_loss, symbolic_result.final_penalty) =
        loss_at(*train, objective_parameters(symbolic_result));
    symbolic_result.final_test_loss = loss_at(*test, objective_parameters(symbolic_result)).first;
  }
  return symbolic_result;
}

}  // namespace hnn::internal
