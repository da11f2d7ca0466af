// The learned dissipation of the HNN objective: the field (J - R) dH/dx + [0; F(t)] it
// fits, what it refuses, and, on a damped spring generated here, that an MLP-HNN trained
// with a constant damping recovers the damping rate.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <cmath>

#include "bundled_plugins.h"
#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "hnn/learned_dissipation.h"
#include "hnn/optimizer.h"
#include "uniform_matrix.h"

namespace {

const hnn::testing::BundledPlugins& plugins() {
  static const auto* bundled = new hnn::testing::BundledPlugins({"hnn_mlp", "hnn_lbfgs"});
  return *bundled;
}

std::shared_ptr<hnn::Model> mlp(int inputs, int outputs, std::vector<std::int64_t> hidden = {8}) {
  return plugins().model("mlp", {{"inputs", std::int64_t{inputs}},
                                 {"outputs", std::int64_t{outputs}},
                                 {"hidden", hidden},
                                 {"activation", std::string("tanh")}});
}

// The damped spring H = (q^2 + p^2)/2, dq/dt = p, dp/dt = -q - gamma p, sampled along
// exact trajectories from initial states on the unit circle: states, derivatives, times.
void damped_spring(double gamma, int trajectories, int points, double duration,
                   Eigen::MatrixXd& states, Eigen::MatrixXd& derivatives, Eigen::VectorXd& times) {
  states.resize(2, trajectories * points);
  derivatives.resize(2, trajectories * points);
  times.resize(trajectories * points);
  const double decay = gamma / 2;
  const double omega = std::sqrt(1.0 - decay * decay);
  for (int k = 0; k < trajectories; ++k) {
    const double angle = 2.0 * M_PI * (k + 0.25) / trajectories;
    const double q0 = std::cos(angle), p0 = std::sin(angle);
    // q(t) = e^{-decay t} (q0 cos(omega t) + c sin(omega t)), p = dq/dt.
    const double c = (p0 + decay * q0) / omega;
    for (int i = 0; i < points; ++i) {
      const double t = duration * i / (points - 1);
      const double e = std::exp(-decay * t), cs = std::cos(omega * t), sn = std::sin(omega * t);
      const double q = e * (q0 * cs + c * sn);
      const double p = e * (-decay * (q0 * cs + c * sn) + omega * (-q0 * sn + c * cs));
      const int column = k * points + i;
      states.col(column) << q, p;
      derivatives.col(column) << p, -q - gamma * p;
      times[column] = t;
    }
  }
}

}  // namespace

TEST_CASE("the constant damping starts at initial_rate * I and is positive semi-definite") {
  hnn::DissipationOptions options;
  options.damping = hnn::DampingForm::kConstant;
  options.initial_rate = 0.04;
  options.forcing_frequencies = {1.0, 3.0};
  const hnn::LearnedDissipation dissipation(options, 2);
  CHECK(dissipation.triangle_size() == 3);
  CHECK(dissipation.parameter_count() == 3 + 2 * 2 * 2);
  CHECK(dissipation.forcing_offset() == 3);
  CHECK(dissipation.outputs_needed() == 0);
  const Eigen::VectorXd start = dissipation.initial_parameters();
  CHECK(dissipation.damping_matrix(start.data(), nullptr)
            .isApprox(0.04 * Eigen::Matrix2d::Identity()));
  CHECK(start.tail(8).isZero());
  // Any L gives D = L L^T >= 0.
  const Eigen::MatrixXd random = hnn::testing::uniform_matrix(dissipation.parameter_count(), 1, 3);
  const Eigen::MatrixXd damping = dissipation.damping_matrix(random.data(), nullptr);
  CHECK(damping.isApprox(damping.transpose()));
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(damping);
  CHECK(eigen.eigenvalues().minCoeff() >= -1e-15);
  options.damping = hnn::DampingForm::kStateDependent;
  options.damping_output = 2;
  CHECK(hnn::LearnedDissipation(options, 2).outputs_needed() == 5);
  CHECK(hnn::LearnedDissipation(options, 2).parameter_count() == 8);
}

TEST_CASE("the objective fits (J - R) dH/dx + [0; F(t)]") {
  const int d = 4, n = 9;
  const Eigen::MatrixXd x = hnn::testing::uniform_matrix(d, n, 1);
  const Eigen::MatrixXd targets = hnn::testing::uniform_matrix(d, n, 2);
  Eigen::VectorXd times(n);
  for (int s = 0; s < n; ++s) times[s] = 0.3 * s;
  for (const auto damping : {hnn::DampingForm::kConstant, hnn::DampingForm::kStateDependent}) {
    CAPTURE(hnn::to_string(damping));
    hnn::HamiltonianObjectiveOptions options;
    options.dissipation.damping = damping;
    options.dissipation.forcing_frequencies = {2.0};
    const auto model = mlp(d, 5);
    hnn::HamiltonianObjective objective(*model, x, targets, times, options);
    const hnn::LearnedDissipation& dissipation = objective.dissipation();
    Eigen::VectorXd parameters(objective.parameter_count());
    model->get_parameters(parameters.head(model->parameter_count()));
    const Eigen::MatrixXd extra = hnn::testing::uniform_matrix(dissipation.parameter_count(), 1, 5);
    parameters.tail(dissipation.parameter_count()) = extra;
    double value = 0;
    REQUIRE(objective.evaluate(parameters.data(), &value, nullptr));
    // The same field, from the model's own derivatives.
    model->set_parameters(parameters.head(model->parameter_count()));
    model->forward(x);
    Eigen::MatrixXd gradient(d, n), outputs(5, n);
    model->input_gradient(1, gradient);
    model->outputs(outputs);
    const double* own = parameters.data() + model->parameter_count();
    Eigen::MatrixXd expected(d, n);
    for (int s = 0; s < n; ++s) {
      Eigen::VectorXd f(d);
      f << gradient.col(s).tail(2), -gradient.col(s).head(2);
      const Eigen::MatrixXd damping_matrix = dissipation.damping_matrix(own, outputs.col(s).data());
      f.tail(2) -= damping_matrix * gradient.col(s).tail(2);
      f.tail(2) += dissipation.forcing(own, times[s]);
      expected.col(s) = f;
      // add_to_field, as rollouts use it, agrees.
      Eigen::VectorXd rollout_field(d);
      rollout_field << gradient.col(s).tail(2), -gradient.col(s).head(2);
      dissipation.add_to_field(own, outputs.col(s).data(), times[s], gradient.col(s).data(),
                               rollout_field.data());
      CHECK((rollout_field - f).cwiseAbs().maxCoeff() < 1e-14);
    }
    CHECK((objective.last_field() - expected).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(std::abs(value - (expected - targets).squaredNorm() / double(d * n)) < 1e-12);
  }
}

TEST_CASE("the objective refuses a dissipation it cannot learn, naming the option") {
  const Eigen::MatrixXd x = hnn::testing::uniform_matrix(4, 5, 1);
  hnn::HamiltonianObjectiveOptions options;
  options.dissipation.damping = hnn::DampingForm::kStateDependent;
  const auto two_outputs = mlp(4, 2);
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*two_outputs, x, x, options),
                       doctest::Contains("reads L(x)'s 3 entries from outputs 2 to 4 "
                                         "(damping_output = 2): the model needs at least 5 "
                                         "outputs, it has 2"),
                       hnn::Error);
  options.dissipation.damping = hnn::DampingForm::kNone;
  options.dissipation.forcing_frequencies = {1.0};
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*two_outputs, x, x, options),
                       doctest::Contains("a learned forcing F(t) needs the time of every sample"),
                       hnn::Error);
  options.dissipation.forcing_frequencies = {0.0};
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*two_outputs, x, x, options),
                       doctest::Contains("dissipation: forcing_frequencies[0] = 0, must be "
                                         "finite and > 0"),
                       hnn::Error);
  options.dissipation.forcing_frequencies = {};
  options.dissipation.damping = hnn::DampingForm::kConstant;
  options.field_type = hnn::FieldType::kConservative;
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*two_outputs, x, x, options),
                       doctest::Contains("needs field solenoidal or both, found conservative"),
                       hnn::Error);
  options.field_type = hnn::FieldType::kSolenoidal;
  options.dissipation.initial_rate = 0.0;
  CHECK_THROWS_WITH_AS(hnn::HamiltonianObjective(*two_outputs, x, x, options),
                       doctest::Contains("dissipation: initial_rate = 0, must be finite and > 0"),
                       hnn::Error);
  // Without dissipation the objective is the conservative one, parameters and all.
  const hnn::HamiltonianObjective conservative(*two_outputs, x, x);
  CHECK(conservative.parameter_count() == two_outputs->parameter_count());
}

TEST_CASE("an MLP-HNN with constant damping recovers the damped spring's gamma = 0.1 within 5%") {
  constexpr double kGamma = 0.1;
  Eigen::MatrixXd states, derivatives;
  Eigen::VectorXd times;
  damped_spring(kGamma, 8, 40, 10.0, states, derivatives, times);
  const auto model = mlp(2, 2, {16, 16});
  hnn::HamiltonianObjectiveOptions options;
  options.dissipation.damping = hnn::DampingForm::kConstant;
  hnn::HamiltonianObjective objective(*model, states, derivatives, times, options);
  Eigen::VectorXd parameters(objective.parameter_count());
  model->get_parameters(parameters.head(model->parameter_count()));
  parameters.tail(1) = objective.dissipation().initial_parameters();
  const auto optimizer = plugins().registry().create_optimizer(
      "lbfgs",
      plugins().options(hnn::PluginKind::kOptimizer, "lbfgs", {{"epochs", std::int64_t{500}}}));
  optimizer->minimize(objective, parameters, [](const hnn::EpochState&) { return true; });
  double loss = 0;
  REQUIRE(objective.evaluate(parameters.data(), &loss, nullptr));
  const double learned = objective.dissipation()
                             .damping_matrix(parameters.data() + model->parameter_count(), nullptr)
                             .value();
  CAPTURE(loss);
  CAPTURE(learned);
  CHECK(loss < 1e-5);
  CHECK(std::abs(learned - kGamma) <= 0.05 * kGamma);
}

TEST_CASE("the D-HNN form (field both) learns the damped spring's divergence -gamma") {
  // f = J grad F_H + grad F_C: the split is unique only up to a harmonic part, but the
  // divergence of f, the Laplacian of F_C, is the damping's: div f = -gamma.
  constexpr double kGamma = 0.1;
  Eigen::MatrixXd states, derivatives;
  Eigen::VectorXd times;
  damped_spring(kGamma, 8, 40, 10.0, states, derivatives, times);
  const auto model = mlp(2, 2, {16, 16});
  hnn::HamiltonianObjectiveOptions options;
  options.field_type = hnn::FieldType::kBoth;
  hnn::HamiltonianObjective objective(*model, states, derivatives, options);
  Eigen::VectorXd parameters(objective.parameter_count());
  model->get_parameters(parameters);
  const auto optimizer = plugins().registry().create_optimizer(
      "lbfgs",
      plugins().options(hnn::PluginKind::kOptimizer, "lbfgs", {{"epochs", std::int64_t{500}}}));
  optimizer->minimize(objective, parameters, [](const hnn::EpochState&) { return true; });
  double loss = 0;
  REQUIRE(objective.evaluate(parameters.data(), &loss, nullptr));
  // The Laplacian of F_C (output 0) by central differences of its gradient, over the data.
  const double h = 1e-4;
  Eigen::MatrixXd plus(2, states.cols()), minus(2, states.cols());
  double divergence = 0;
  for (int i = 0; i < 2; ++i) {
    Eigen::MatrixXd shifted = states;
    shifted.row(i).array() += h;
    model->forward(shifted);
    model->input_gradient(0, plus);
    shifted.row(i).array() -= 2 * h;
    model->forward(shifted);
    model->input_gradient(0, minus);
    divergence += (plus.row(i) - minus.row(i)).mean() / (2 * h);
  }
  CAPTURE(loss);
  CAPTURE(divergence);
  CHECK(loss < 1e-5);
  CHECK(std::abs(divergence + kGamma) <= 0.05 * kGamma);
}
