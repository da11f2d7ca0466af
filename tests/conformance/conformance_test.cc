// Conformance of every bundled model and system, loaded through the registry: gradients
// against finite differences (relative error <= 1e-6; for models also the input
// Hessian-vector product, and its symmetry), energy conservation of the true flow
// (for a system with damping or forcing: the energy balance dH/dt = -grad H^T R grad H +
// grad H^T F along it, and R symmetric positive semidefinite).
// A new bundled plugin must get an entry in the tables below, or this suite fails.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <map>

#include "hnn/baseline_objective.h"
#include "hnn/gradient_check.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/random.h"

namespace {

constexpr double kTolerance = 1e-6;

struct Bundled {
  Bundled() : loader(registry) {
    const auto problems = loader.load_directory(HNN_BUNDLED_PLUGIN_DIR);
    for (const auto& problem : problems) FAIL(problem.message);
  }
  hnn::Registry registry;
  hnn::PluginLoader loader;
};

const hnn::Registry& registry() {
  static Bundled bundled;
  return bundled.registry;
}

// Small sizes for each model, so that finite differences over all parameters are quick.
const std::map<std::string, std::map<std::string, hnn::OptionValue>> kModelSettings = {
    {"mlp", {{"hidden", std::vector<std::int64_t>{6, 5}}, {"activation", std::string("tanh")}}},
    // kan: k = 5 makes S'' smooth enough for the step-1e-3 stencils (with k = 3 it has kinks
    // at the knots); seed 71 keeps every initial parameter > 0.005 from the L1 kink at 0.
    {"kan",
     {{"width", std::vector<std::int64_t>{2, 3, 2}},
      {"k", std::int64_t{5}},
      {"noise_scale", 3.0},
      {"seed", std::int64_t{71}}}},
    // symbolic: a network of eight library functions (x, x^2, x^3, sin, exp, tanh, cosh,
    // gaussian) with their affine parameters trainable.
    {"symbolic",
     {{"file", std::string(HNN_SOURCE_DIR "/tests/conformance/symbolic_network.yaml")}}},
};

// Time over which each system's true flow is integrated for the conservation check.
const std::map<std::string, double> kSystemHorizon = {
    {"spring_mass", 10.0}, {"pendulum", 10.0},      {"two_body", 10.0},
    {"three_body", 2.0},   {"henon_heiles", 50.0},  {"double_pendulum", 10.0},
    {"expression", 10.0},  {"damped_spring", 10.0}, {"damped_pendulum", 10.0},
    {"duffing", 10.0},
};
// Options of systems whose schema has required keys (the rest take their defaults).
const std::map<std::string, std::map<std::string, hnn::OptionValue>> kSystemSettings = {
    {"expression", {{"hamiltonian", std::string("p^2/2 + 1 - cos(q) + q^4/10")}}},
};

// The schema's defaults (required keys left out) with `settings` applied.
hnn::Options plugin_options(const hnn::PluginInfo& info,
                            const std::map<std::string, hnn::OptionValue>& settings) {
  hnn::Options options;
  for (const auto& option : info.schema.options()) {
    if (!option.is_required()) options.set(option.key(), option.default_value());
  }
  for (const auto& [key, value] : settings) options.set(key, value);
  return options;
}

Eigen::MatrixXd random_matrix(int rows, int cols, std::uint32_t seed) {
  hnn::NumpyLegacyRandom random(seed);
  Eigen::MatrixXd m(rows, cols);
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) m(r, c) = 2.0 * random.uniform() - 1.0;
  return m;
}

// R(x) of a system with damping at x is symmetric and positive semidefinite (eigenvalues
// >= -1e-12 times the largest magnitude).
void check_damping_matrix(const hnn::System& system, const Eigen::VectorXd& x) {
  const int d = system.state_dimension();
  Eigen::MatrixXd damping = Eigen::MatrixXd::Zero(d, d);
  system.damping(x, damping);
  CHECK(damping.allFinite());
  CHECK((damping - damping.transpose()).lpNorm<Eigen::Infinity>() <=
        1e-14 * std::max(1.0, damping.lpNorm<Eigen::Infinity>()));
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(damping);
  CHECK(eigen.eigenvalues().minCoeff() >=
        -1e-12 * std::max(1.0, eigen.eigenvalues().cwiseAbs().maxCoeff()));
}

// |H(x(t1)) - H(x(t0)) - W(t1)| along the true flow from x, W the integrated power balance
// (one more coordinate of the same integration), relative to max(1, |H(x(t0))|).
double energy_balance_error(const hnn::System& system, const hnn::Integrator& integrator,
                            const Eigen::VectorXd& x, double horizon) {
  const Eigen::Index d = x.size();
  const hnn::VectorField augmented = [&](double t, const Eigen::VectorXd& y,
                                         Eigen::VectorXd& dydt) {
    const Eigen::VectorXd state = y.head(d);
    Eigen::VectorXd field(d);
    hnn::true_field(system, t, state, field);
    dydt.head(d) = field;
    dydt[d] = hnn::power_balance(system, t, state).rate();
  };
  Eigen::VectorXd y(d + 1);
  y << x, 0.0;
  const Eigen::MatrixXd path = integrator.integrate(augmented, y, {0.0, horizon});
  const double energy = system.hamiltonian(x);
  const double change = system.hamiltonian(path.col(1).head(d)) - energy;
  return std::abs(change - path(d, 1)) / std::max(1.0, std::abs(energy));
}

}  // namespace

TEST_CASE("every bundled system: gradient against finite differences, energy conserved") {
  const auto systems = registry().list(hnn::PluginKind::kSystem);
  REQUIRE_FALSE(systems.empty());
  const auto* rk45 = registry().find(hnn::PluginKind::kIntegrator, "rk45");
  REQUIRE(rk45 != nullptr);
  hnn::Options tight = hnn::Options::defaults(rk45->schema);
  tight.set("rtol", 1e-12);
  tight.set("atol", 1e-12);
  const auto integrator = registry().create_integrator("rk45", tight);
  for (const auto* info : systems) {
    CAPTURE(info->name);
    REQUIRE_MESSAGE(kSystemHorizon.count(info->name), "add the system to kSystemHorizon");
    const auto settings = kSystemSettings.count(info->name)
                              ? kSystemSettings.at(info->name)
                              : std::map<std::string, hnn::OptionValue>{};
    const auto system = registry().create_system(info->name, plugin_options(*info, settings));
    CHECK(int(system->coordinate_names().size()) == system->state_dimension());
    hnn::NumpyLegacyRandom random(7);
    Eigen::VectorXd x(system->state_dimension());
    for (int trial = 0; trial < 10; ++trial) {
      system->sample_initial_state(random, x);
      const auto result = hnn::check_system_gradient(*system, x);
      CHECK_MESSAGE(result.passed(kTolerance), result.report());
      if (system->has_damping()) check_damping_matrix(*system, x);
    }
    const double horizon = kSystemHorizon.at(info->name);
    if (!system->is_conservative()) {
      CHECK(energy_balance_error(*system, *integrator, x, horizon) <= 1e-9);
      continue;
    }
    const hnn::VectorField field = [&](double t, const Eigen::VectorXd& s, Eigen::VectorXd& dsdt) {
      hnn::true_field(*system, t, s, dsdt);
    };
    const Eigen::MatrixXd path = integrator->integrate(field, x, {0.0, horizon / 2, horizon});
    const double energy = system->hamiltonian(path.col(0));
    CHECK(std::abs(system->hamiltonian(path.col(2)) - energy) <=
          1e-9 * std::max(1.0, std::abs(energy)));
  }
}

TEST_CASE("every bundled model: input, mixed and output gradients and both objectives") {
  const auto models = registry().list(hnn::PluginKind::kModel);
  REQUIRE_FALSE(models.empty());
  const int d = 2, n = 12;
  const Eigen::MatrixXd inputs = random_matrix(d, n, 1);
  const Eigen::MatrixXd targets = random_matrix(d, n, 2);
  const Eigen::MatrixXd weights = random_matrix(d, n, 3);
  for (const auto* info : models) {
    CAPTURE(info->name);
    REQUIRE_MESSAGE(kModelSettings.count(info->name), "add the model to kModelSettings");
    auto settings = kModelSettings.at(info->name);
    settings["inputs"] = std::int64_t(d);
    settings["outputs"] = std::int64_t(2);
    const auto model = registry().create_model(info->name, plugin_options(*info, settings));
    Eigen::VectorXd parameters(model->parameter_count());
    model->get_parameters(parameters);
    for (int output = 0; output < 2; ++output) {
      auto input = hnn::check_model_input_gradient(*model, inputs, output);
      CHECK_MESSAGE(input.passed(kTolerance), input.report());
      auto mixed = hnn::check_model_mixed_gradient(*model, inputs, output, weights);
      CHECK_MESSAGE(mixed.passed(kTolerance), mixed.report());
    }
    auto outputs = hnn::check_model_output_gradient(*model, inputs, random_matrix(2, n, 4));
    CHECK_MESSAGE(outputs.passed(kTolerance), outputs.report());

    for (const auto field :
         {hnn::FieldType::kSolenoidal, hnn::FieldType::kConservative, hnn::FieldType::kBoth}) {
      hnn::HamiltonianObjectiveOptions objective_options;
      objective_options.field_type = field;
      objective_options.l1 = 1e-3;
      hnn::HamiltonianObjective objective(*model, inputs, targets, objective_options);
      auto result = hnn::check_objective_gradient(objective, parameters);
      CHECK_MESSAGE(result.passed(kTolerance), result.report());
    }
    settings["outputs"] = std::int64_t(d);
    const auto baseline_model =
        registry().create_model(info->name, plugin_options(*info, settings));
    Eigen::VectorXd baseline_parameters(baseline_model->parameter_count());
    baseline_model->get_parameters(baseline_parameters);
    hnn::BaselineObjective baseline(*baseline_model, inputs, targets);
    auto result = hnn::check_objective_gradient(baseline, baseline_parameters);
    CHECK_MESSAGE(result.passed(kTolerance), result.report());
  }
}

namespace {

// mlp or kan with `inputs` inputs and `outputs` outputs, at the suite's small sizes.
std::shared_ptr<hnn::Model> sized_model(const std::string& name, int inputs, int outputs) {
  const auto* info = registry().find(hnn::PluginKind::kModel, name);
  REQUIRE(info != nullptr);
  auto settings = kModelSettings.at(name);
  if (name == "kan") {
    settings["width"] = std::vector<std::int64_t>{inputs, 3, outputs};
  } else {
    settings["inputs"] = std::int64_t(inputs);
    settings["outputs"] = std::int64_t(outputs);
  }
  return registry().create_model(name, plugin_options(*info, settings));
}

}  // namespace

namespace {

// model's input Hessian-vector products against finite differences of its input gradient
// at three random batches and directions, for every output, and u^T (H v) = v^T (H u).
void check_input_hessian_vector_products(hnn::Model& model) {
  CAPTURE(model.name());
  REQUIRE_MESSAGE(model.has_input_hessian_vector_product(),
                  "every bundled model gives input Hessian-vector products");
  const int d = model.input_dimension(), n = 9;
  for (std::uint32_t trial = 0; trial < 3; ++trial) {
    CAPTURE(trial);
    const Eigen::MatrixXd inputs = random_matrix(d, n, 100 + trial);
    for (int output = 0; output < model.output_dimension(); ++output) {
      CAPTURE(output);
      const Eigen::MatrixXd u = random_matrix(d, n, 200 + 10 * trial + output);
      const Eigen::MatrixXd v = random_matrix(d, n, 300 + 10 * trial + output);
      const auto result = hnn::check_model_input_hessian_vector_product(model, inputs, output, u);
      CHECK_MESSAGE(result.passed(kTolerance), result.report());
      Eigen::MatrixXd gradient(d, n), hu(d, n), hv(d, n);
      model.forward(inputs);
      model.input_gradient(output, gradient);
      model.input_hessian_vector_product(output, u, hu);
      model.input_hessian_vector_product(output, v, hv);
      for (int s = 0; s < n; ++s) {
        const double scale = std::max(1.0, hu.col(s).norm() + hv.col(s).norm());
        CHECK(std::abs(u.col(s).dot(hv.col(s)) - v.col(s).dot(hu.col(s))) <= 1e-12 * scale);
      }
    }
  }
}

}  // namespace

TEST_CASE("every bundled model: input Hessian-vector products against finite differences") {
  const auto models = registry().list(hnn::PluginKind::kModel);
  REQUIRE_FALSE(models.empty());
  for (const auto* info : models) {
    CAPTURE(info->name);
    REQUIRE_MESSAGE(kModelSettings.count(info->name), "add the model to kModelSettings");
    auto settings = kModelSettings.at(info->name);
    settings["inputs"] = std::int64_t(2);
    settings["outputs"] = std::int64_t(2);
    check_input_hessian_vector_products(
        *registry().create_model(info->name, plugin_options(*info, settings)));
    // The four-dimensional states of the dissipation checks below.
    if (info->name == "mlp" || info->name == "kan") {
      check_input_hessian_vector_products(*sized_model(info->name, 4, 3));
    }
  }
}

namespace {

// A model's fused parameter gradient and input Hessian-vector product against the separate
// calls (equal up to rounding), for every output, on random batches and weights.
void check_fused_second_derivatives(hnn::Model& model) {
  CAPTURE(model.name());
  const int d = model.input_dimension(), n = 9, p = model.parameter_count();
  for (std::uint32_t trial = 0; trial < 2; ++trial) {
    const Eigen::MatrixXd inputs = random_matrix(d, n, 400 + trial);
    for (int output = 0; output < model.output_dimension(); ++output) {
      CAPTURE(output);
      const Eigen::MatrixXd w = random_matrix(d, n, 500 + 10 * trial + output);
      Eigen::MatrixXd gradient(d, n), products(d, n), fused_products(d, n);
      Eigen::VectorXd separate = Eigen::VectorXd::Constant(p, 0.5), fused = separate;
      model.forward(inputs);
      model.input_gradient(output, gradient);
      model.add_parameter_gradient_of_input_gradient(output, w, separate);
      model.input_hessian_vector_product(output, w, products);
      model.forward(inputs);
      model.input_gradient(output, gradient);
      model.add_parameter_gradient_and_input_hessian_vector_product(output, w, fused_products,
                                                                    fused);
      CHECK((fused - separate).cwiseAbs().maxCoeff() <=
            1e-13 * std::max(1.0, separate.cwiseAbs().maxCoeff()));
      CHECK((fused_products - products).cwiseAbs().maxCoeff() <=
            1e-13 * std::max(1.0, products.cwiseAbs().maxCoeff()));
    }
  }
}

// Everything a model gives on its current pass for output `output`: outputs, input gradient,
// parameter gradient of the input gradient and Hessian-vector product in direction w, the
// parameter gradient of the outputs in direction v.
Eigen::VectorXd pass_results(hnn::Model& model, int output, const Eigen::MatrixXd& w,
                             const Eigen::MatrixXd& v) {
  const int d = model.input_dimension(), n = int(w.cols()), p = model.parameter_count();
  Eigen::MatrixXd outputs(model.output_dimension(), n), gradient(d, n), products(d, n);
  Eigen::VectorXd mixed = Eigen::VectorXd::Zero(p), ordinary = Eigen::VectorXd::Zero(p);
  model.outputs(outputs);
  model.input_gradient(output, gradient);
  model.add_parameter_gradient_of_input_gradient(output, w, mixed);
  model.input_hessian_vector_product(output, w, products);
  model.add_parameter_gradient_of_outputs(v, ordinary);
  Eigen::VectorXd all(outputs.size() + 2 * gradient.size() + 2 * p);
  all << outputs.reshaped(), gradient.reshaped(), products.reshaped(), mixed, ordinary;
  return all;
}

// A model's pass slots: passes saved at three batches of different sizes and restored in
// another order give the results of fresh forward passes (to rounding): whatever a model
// keeps with the model rather than with a pass (scratch) must fit the restored pass; the
// refusals.
void check_pass_slots(hnn::Model& model) {
  CAPTURE(model.name());
  const int d = model.input_dimension(), output = model.output_dimension() - 1;
  const int sizes[3] = {7, 4, 9};
  std::vector<Eigen::MatrixXd> batches, ws, vs;
  std::vector<Eigen::VectorXd> expected;
  for (std::uint32_t b = 0; b < 3; ++b) {
    const int n = sizes[b];
    batches.push_back(random_matrix(d, n, 610 + b));
    ws.push_back(random_matrix(d, n, 601 + 10 * b));
    vs.push_back(random_matrix(model.output_dimension(), n, 602 + 10 * b));
    model.forward(batches.back());
    expected.push_back(pass_results(model, output, ws[b], vs[b]));
  }
  model.reserve_pass_slots(3);
  for (int round = 0; round < 2; ++round) {  // the second round reuses the slots' buffers
    CAPTURE(round);
    for (int b = 0; b < 3; ++b) {
      model.forward(batches[b]);
      Eigen::MatrixXd gradient(d, sizes[b]);
      if (b != 1) model.input_gradient(output, gradient);  // with and without a backward pass
      model.save_pass(b);
    }
    for (const int b : {1, 2, 0}) {
      CAPTURE(b);
      model.restore_pass(b);
      // The same up to rounding: a restored pass lies in other buffers, and the alignment of
      // a buffer may change the order of a vectorised sum.
      CHECK((pass_results(model, output, ws[b], vs[b]) - expected[b]).cwiseAbs().maxCoeff() <=
            1e-14 * std::max(1.0, expected[b].cwiseAbs().maxCoeff()));
    }
  }
  CHECK_THROWS_AS(model.restore_pass(0), hnn::Error);  // restored already: empty
  CHECK_THROWS_AS(model.save_pass(3), hnn::Error);     // not reserved
  model.forward(batches[0]);
  model.save_pass(0);
  CHECK_THROWS_AS(model.save_pass(1), hnn::Error);  // no current pass
  Eigen::VectorXd theta(model.parameter_count());
  model.get_parameters(theta);
  model.set_parameters(theta);
  CHECK_THROWS_AS(model.restore_pass(0), hnn::Error);  // saved before set_parameters()
}

}  // namespace

TEST_CASE("every bundled model with them: fused second derivatives and pass slots") {
  for (const auto* info : registry().list(hnn::PluginKind::kModel)) {
    CAPTURE(info->name);
    auto settings = kModelSettings.at(info->name);
    settings["inputs"] = std::int64_t(2);
    settings["outputs"] = std::int64_t(2);
    auto model = registry().create_model(info->name, plugin_options(*info, settings));
    if (info->name == "mlp" || info->name == "kan") {
      CHECK(model->has_parameter_gradient_and_input_hessian_vector_product());
      CHECK(model->has_pass_slots());
    }
    std::vector<std::shared_ptr<hnn::Model>> models = {model};
    if (info->name == "mlp" || info->name == "kan") models.push_back(sized_model(info->name, 4, 3));
    for (const auto& m : models) {
      if (m->has_parameter_gradient_and_input_hessian_vector_product()) {
        check_fused_second_derivatives(*m);
      }
      if (m->has_pass_slots()) check_pass_slots(*m);
    }
  }
}

// The learned dissipation (hnn/learned_dissipation.h) in the HNN objective: every form's
// parameter gradient, the model's and the dissipation's parameters together, against finite
// differences, on a state of two degrees of freedom (so that L has an off-diagonal entry).
TEST_CASE("mlp and kan: the HNN objective with learned damping, forcing and the D-HNN form") {
  const int d = 4, n = 10;
  const Eigen::MatrixXd inputs = random_matrix(d, n, 11);
  const Eigen::MatrixXd targets = random_matrix(d, n, 12);
  Eigen::VectorXd times(n);
  for (int s = 0; s < n; ++s) times[s] = 0.5 * s;
  struct Form {
    const char* name;
    hnn::FieldType field;
    hnn::DampingForm damping;
    std::vector<double> frequencies;
  };
  const std::vector<Form> forms = {
      {"D-HNN (field both)", hnn::FieldType::kBoth, hnn::DampingForm::kNone, {}},
      {"constant damping", hnn::FieldType::kSolenoidal, hnn::DampingForm::kConstant, {}},
      {"state-dependent damping",
       hnn::FieldType::kSolenoidal,
       hnn::DampingForm::kStateDependent,
       {}},
      {"forcing", hnn::FieldType::kSolenoidal, hnn::DampingForm::kNone, {1.0, 2.5}},
      {"D-HNN with constant damping and forcing",
       hnn::FieldType::kBoth,
       hnn::DampingForm::kConstant,
       {0.7}},
      {"D-HNN with state-dependent damping and forcing",
       hnn::FieldType::kBoth,
       hnn::DampingForm::kStateDependent,
       {0.7}},
  };
  for (const std::string model_name : {"mlp", "kan"}) {
    CAPTURE(model_name);
    for (const Form& form : forms) {
      const std::string form_name = form.name;
      CAPTURE(form_name);
      hnn::HamiltonianObjectiveOptions options;
      options.field_type = form.field;
      // Smoothed L1: the wider networks have parameters near the kink at 0.
      options.l1 = 1e-3;
      options.l1_smoothing = 0.1;
      options.dissipation.damping = form.damping;
      options.dissipation.forcing_frequencies = form.frequencies;
      const hnn::LearnedDissipation dissipation(options.dissipation, d / 2);
      const auto model = sized_model(model_name, d, std::max(2, dissipation.outputs_needed()));
      hnn::HamiltonianObjective objective(*model, inputs, targets, times, options);
      REQUIRE(objective.parameter_count() ==
              model->parameter_count() + dissipation.parameter_count());
      // The model's parameters, then the dissipation's away from their start (L with
      // off-diagonal entries, amplitudes not 0), away from the L1 kink at 0.
      Eigen::VectorXd parameters(objective.parameter_count());
      model->get_parameters(parameters.head(model->parameter_count()));
      const Eigen::MatrixXd extra = random_matrix(dissipation.parameter_count(), 1, 13);
      for (int i = 0; i < dissipation.parameter_count(); ++i) {
        parameters[model->parameter_count() + i] = 0.3 + 0.5 * std::abs(extra(i, 0));
      }
      auto result = hnn::check_objective_gradient(objective, parameters);
      CHECK_MESSAGE(result.passed(kTolerance), result.report());
    }
  }
}
