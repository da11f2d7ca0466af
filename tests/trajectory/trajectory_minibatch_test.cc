// hnn-host's minibatches of trajectory windows with learned initial states
// (framework/host/src/training_objectives.cc): the minibatch objective's parameters are the
// full objective's (the model's, then every training window's state); an evaluation trains
// the drawn windows' states only, and its gradient is exact (finite differences through a
// fresh objective with the same seed, which draws the same minibatch).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "bundled_plugins.h"
#include "hnn/gradient_check.h"
#include "hnn/trajectory_objective.h"
#include "pipeline_model.h"
#include "uniform_matrix.h"

namespace {

const hnn::testing::BundledPlugins& plugins() {
  static const auto* bundled = new hnn::testing::BundledPlugins({"hnn_mlp"});
  return *bundled;
}

// Three trajectories of 12 samples at non-uniform times, as the split's samples.
hnn::TrajectorySamples wavy_samples() {
  hnn::TrajectorySamples samples;
  samples.inputs.resize(2, 36);
  samples.targets = Eigen::MatrixXd::Zero(2, 36);
  for (int k = 0; k < 3; ++k) {
    double t = 0.1 * k;
    for (int i = 0; i < 12; ++i) {
      samples.inputs.col(12 * k + i) << 0.8 * std::cos(1.3 * t + k),
          -0.6 * std::sin(1.1 * t + 0.5 * k);
      samples.trajectory.push_back(k);
      samples.time.push_back(t);
      t += 0.125 + 0.075 * std::sin(2.0 * i + k);
    }
  }
  return samples;
}

hnn::TrainingSettings learned_state_settings() {
  hnn::TrainingSettings settings;
  settings.objective = hnn::ObjectiveKind::kTrajectory;
  settings.trajectory.steps = 2;
  settings.trajectory.learn_initial_states = true;
  return settings;
}

// The first minibatch of a fresh minibatch objective (seed 3, 5 windows): a deterministic
// function of the parameters.
class FirstMinibatch final : public hnn::Objective {
 public:
  FirstMinibatch(hnn::Model& model, const hnn::TrajectorySamples& samples)
      : model_(model), samples_(samples) {}
  int parameter_count() const override { return fresh()->parameter_count(); }
  bool evaluate(const double* parameters, double* value, double* gradient) override {
    return fresh()->evaluate(parameters, value, gradient);
  }
  hnn::LossParts last_parts() const override { return {}; }

 private:
  std::unique_ptr<hnn::Objective> fresh() const {
    return hnn::internal::make_minibatch_objective(model_, learned_state_settings(), samples_, 5,
                                                   3);
  }
  hnn::Model& model_;
  const hnn::TrajectorySamples& samples_;
};

}  // namespace

TEST_CASE("minibatches of windows with learned initial states: the drawn states, exactly") {
  const auto model = plugins().model("mlp", {{"inputs", std::int64_t{2}},
                                             {"outputs", std::int64_t{2}},
                                             {"hidden", std::vector<std::int64_t>{6, 5}},
                                             {"activation", std::string("tanh")}});
  const hnn::TrajectorySamples samples = wavy_samples();
  const auto full =
      hnn::internal::make_objective(*model, learned_state_settings(), samples, "training");
  const auto& windows = static_cast<const hnn::TrajectoryObjective&>(*full);
  REQUIRE(windows.windows().count() == 30);
  auto minibatch =
      hnn::internal::make_minibatch_objective(*model, learned_state_settings(), samples, 5, 3);
  // The same parameters as the objective on all windows: the model's, then 2 x 30 states.
  REQUIRE(minibatch->parameter_count() == full->parameter_count());
  REQUIRE(full->parameter_count() == model->parameter_count() + 60);
  Eigen::VectorXd theta = windows.initial_parameters();
  theta.tail(60) += 0.05 * hnn::testing::uniform_matrix(60, 1, 7).reshaped();

  // Each evaluation moves the drawn windows' states only: 5 of the 30.
  for (int draw = 0; draw < 3; ++draw) {
    double value = 0.0;
    Eigen::VectorXd gradient(theta.size());
    REQUIRE(minibatch->evaluate(theta.data(), &value, gradient.data()));
    int moved = 0;
    for (int w = 0; w < 30; ++w) {
      if (gradient.segment(model->parameter_count() + 2 * w, 2).cwiseAbs().maxCoeff() > 0.0) {
        ++moved;
      }
    }
    CHECK(moved == 5);
  }
  FirstMinibatch first(*model, samples);
  const auto result = hnn::check_objective_gradient(first, theta);
  CHECK_MESSAGE(result.passed(1e-6), result.report());
}
