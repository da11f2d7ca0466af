#include "hnn/host/host_settings.h"

#include <limits>

#include "hnn/derivative_estimation.h"
#include "hnn/host/sweep_settings.h"

namespace hnn {
namespace {

constexpr double kIntMax = std::numeric_limits<int>::max();

// "a_range: expected [low, high] with low < high, found [2.0, -2.0]", or "".
std::string ordered_range_problem(const char* key, const std::array<double, 2>& range) {
  if (range[0] < range[1]) return "";
  return std::string(key) + ": expected [low, high] with low < high, found " +
         format_option_value(std::vector<double>(range.begin(), range.end()));
}

// The run splits int(samples * train_fraction) samples off for training, the rest for
// testing: both must keep at least one sample.
std::string split_problem(const DataSettings& data) {
  const std::int64_t samples = data.trajectories * data.points;
  const auto train = std::int64_t(double(samples) * data.train_fraction);
  if (train >= 1 && samples - train >= 1) return "";
  return "train_fraction: " + format_option_value(data.train_fraction) + " of " +
         std::to_string(samples) + " samples (trajectories " + std::to_string(data.trajectories) +
         " x points " + std::to_string(data.points) + ") leaves the " +
         (train < 1 ? "training" : "test") + " set empty; expected at least one sample in each";
}

}  // namespace

const OptionBinding<DataSettings>& DataSettings::binding() {
  static const auto binding = [] {
    using S = DataSettings;
    OptionBinding<S> b("data");
    b.bind("trajectories", &S::trajectories, "number of trajectories").at_least(1).at_most(kIntMax);
    b.bind("time_span", &S::time_span, "start and end time of every trajectory");
    b.bind("points", &S::points, "samples per trajectory, equally spaced, ends included")
        .at_least(2)
        .at_most(kIntMax);
    b.bind("noise_std", &S::noise_std,
           "standard deviation of Gaussian noise added to q and p (not to the targets); "
           "drawn even when 0, as the original code")
        .at_least(0.0);
    b.bind("seed", &S::seed, "seed of the random stream that samples initial states and noise")
        .at_least(0)
        .at_most(4294967295.0);
    b.bind_choice(
        "rng", &S::rng,
        {{"numpy", DataRandomStream::kNumpy}, {"mt19937_64", DataRandomStream::kMt19937_64}},
        "random stream: numpy replays NumPy's legacy np.random (MT19937) exactly; "
        "mt19937_64 is the C++ 64-bit Mersenne Twister");
    b.bind("train_fraction", &S::train_fraction,
           "fraction of the rows (trajectories with split trajectory, blocks with time_block) "
           "used for training")
        .greater_than(0.0)
        .less_than(1.0);
    b.bind_choice("split", &S::split,
                  {{"train_first", DataSplit::kTrainFirst},
                   {"test_first", DataSplit::kTestFirst},
                   {"trajectory", DataSplit::kTrajectory},
                   {"time_block", DataSplit::kTimeBlock},
                   {"random", DataSplit::kRandom}},
                  "train_first: the first rows train (spring, pendulum, the real pendulum); "
                  "test_first: the first rows test (the original orbit tasks); trajectory: "
                  "the first trajectories train, the others are held out; time_block: every "
                  "trajectory cut into `blocks` contiguous blocks, the last ones held out; "
                  "random: rows drawn with the data stream after the source loaded");
    b.bind("draw_zero_noise", &S::draw_zero_noise,
           "draw the noise even when noise_std is 0, advancing the random stream as "
           "the original spring and pendulum code; false as the orbit generators");
    b.bind("blocks", &S::blocks, "split time_block: contiguous blocks per trajectory")
        .at_least(2)
        .at_most(1000000);
    b.require([](const S& s) { return ordered_range_problem("time_span", s.time_span); });
    b.require(split_problem);
    return b;
  }();
  return binding;
}

const OptionBinding<TrainingSettings>& TrainingSettings::binding() {
  static const auto binding = [] {
    using S = TrainingSettings;
    OptionBinding<S> b("training");
    b.bind("enabled", &S::enabled,
           "train the model; false evaluates it as loaded from its checkpoint");
    b.bind_choice("objective", &S::objective,
                  {{"hnn", ObjectiveKind::kHnn},
                   {"baseline", ObjectiveKind::kBaseline},
                   {"trajectory", ObjectiveKind::kTrajectory}},
                  "hnn: fit the symplectic field of an output; baseline: fit dx/dt directly; "
                  "trajectory: integrate the model's field over the measured steps and fit the "
                  "observed states, no derivatives (the nested block `trajectory`)");
    b.bind_choice("field", &S::field,
                  {{"solenoidal", FieldType::kSolenoidal},
                   {"conservative", FieldType::kConservative},
                   {"both", FieldType::kBoth}},
                  "HNN field: solenoidal J grad(F_H); conservative grad(F_C); both: their sum, "
                  "the Helmholtz split of the dissipative HNN (D-HNN, Sosanya & Greydanus "
                  "2022); learned damping and forcing: the nested block `dissipation`");
    // Below int's largest value: the objective holds an int, the model output + 1 outputs.
    b.bind("hamiltonian_output", &S::hamiltonian_output, "model output used as H (0-based)")
        .at_least(0)
        .at_most(kIntMax - 1);
    b.bind("conservative_output", &S::conservative_output, "model output of the conservative field")
        .at_least(0)
        .at_most(kIntMax - 1);
    b.bind("l1", &S::l1, "L1 penalty coefficient: adds l1 * sum |theta|").at_least(0.0);
    b.bind("l1_smoothing", &S::l1_smoothing,
           "0: the exact |theta|; s > 0: sqrt(theta^2 + s^2) - s, smooth, so that "
           "Ceres' L-BFGS does not stall at the kinks of the L1 penalty (hnn objective); "
           "not used by an optimizer that minimises the exact L1 itself (owlqn)")
        .at_least(0.0);
    b.bind("test_every", &S::test_every, "record the test loss every this many epochs").at_least(1);
    b.bind("batch_size", &S::batch_size,
           "samples per evaluation: a fresh random subset every evaluation (one Adam "
           "step), as the original orbit tasks; 0 = the whole training set (objective "
           "trajectory: windows per evaluation)")
        .at_least(0);
    b.bind("batch_seed", &S::batch_seed, "seed of the minibatch draws").at_least(0);
    b.bind("update_grid", &S::update_grid,
           "update the model's grid from the training inputs before training "
           "(models with a grid, e.g. kan)");
    return b;
  }();
  return binding;
}

const OptionBinding<DissipationSettings>& DissipationSettings::binding() {
  static const auto binding = [] {
    using S = DissipationSettings;
    OptionBinding<S> b("dissipation");
    b.bind_choice("damping", &S::damping,
                  {{"none", DampingForm::kNone},
                   {"constant", DampingForm::kConstant},
                   {"state", DampingForm::kStateDependent}},
                  "learned damping D = L L^T on the momenta, dx/dt = (J - R) grad H, R = "
                  "[[0, 0], [0, D]] (positive semi-definite by construction): constant: L a "
                  "learned lower-triangular matrix; state: L(x) from the model's outputs "
                  "damping_output .. damping_output + n(n+1)/2 - 1; none: no damping");
    b.bind("initial_rate", &S::initial_rate,
           "damping constant: D starts at initial_rate * I (L = sqrt(initial_rate) I; not 0, "
           "where D = L L^T has no gradient)")
        .greater_than(0.0);
    b.bind("damping_output", &S::damping_output,
           "damping state: the first model output holding L(x)'s lower triangle, row by row; "
           "the model's outputs are sized for it when `outputs` is 0")
        .at_least(0)
        .at_most(kIntMax - 1);
    b.bind("forcing_frequencies", &S::forcing_frequencies,
           "learned forcing on the momenta, F_i(t) = sum_k a_ik cos(w_k t) + b_ik sin(w_k t): "
           "the fixed angular frequencies w_k > 0 (the amplitudes are learned, from 0); "
           "empty: no forcing");
    b.require([](const S& s) -> std::string {
      for (std::size_t k = 0; k < s.forcing_frequencies.size(); ++k) {
        if (!(s.forcing_frequencies[k] > 0.0)) {
          return "forcing_frequencies[" + std::to_string(k) + "]: expected > 0, found " +
                 format_option_value(s.forcing_frequencies[k]) +
                 " (a constant force is a linear term of H)";
        }
      }
      return "";
    });
    return b;
  }();
  return binding;
}

DissipationOptions DissipationSettings::options() const {
  DissipationOptions options;
  options.damping = damping;
  options.initial_rate = initial_rate;
  options.damping_output = int(damping_output);
  options.forcing_frequencies = forcing_frequencies;
  return options;
}

std::string to_string(ObjectiveKind objective) {
  switch (objective) {
    case ObjectiveKind::kHnn:
      return "hnn";
    case ObjectiveKind::kBaseline:
      return "baseline";
    case ObjectiveKind::kTrajectory:
      return "trajectory";
  }
  return "hnn";
}

ObjectiveKind model_field_kind(const TrainingSettings& settings) {
  if (settings.objective != ObjectiveKind::kTrajectory) return settings.objective;
  return settings.trajectory.field == TrajectoryField::kDirect ? ObjectiveKind::kBaseline
                                                               : ObjectiveKind::kHnn;
}

const OptionBinding<TrajectorySettings>& TrajectorySettings::binding() {
  static const auto binding = [] {
    using S = TrajectorySettings;
    OptionBinding<S> b("trajectory");
    b.bind("steps", &S::steps,
           "k: the steps integrated from a window's first state, fitted to the k observed "
           "states after it")
        .at_least(1)
        .at_most(1000000);
    b.bind("stride", &S::stride, "samples between the starts of consecutive windows")
        .at_least(1)
        .at_most(1000000);
    b.bind("max_step", &S::max_step,
           "a step longer than this splits a trajectory (no window spans a gap); 0: no limit")
        .at_least(0.0);
    b.bind_choice("method", &S::method,
                  {{"rk4", TrajectoryMethod::kRungeKutta4},
                   {"leapfrog", TrajectoryMethod::kLeapfrog},
                   {"implicit_midpoint", TrajectoryMethod::kImplicitMidpoint}},
                  "rk4: the classical Runge-Kutta method, any field; leapfrog: Stormer-Verlet, "
                  "symplectic for a separable H; implicit_midpoint: symplectic for any H (Newton "
                  "solves, exact gradient); the last two for J grad H only");
    b.bind_choice(
        "field", &S::field,
        {{"solenoidal", TrajectoryField::kSolenoidal}, {"direct", TrajectoryField::kDirect}},
        "solenoidal: the HNN's field of training.field, J grad H (H the output "
        "hamiltonian_output) or with field conservative/both the D-HNN's parts (rolled out "
        "and analysed as objective hnn); direct: the model's outputs are dx/dt (as "
        "objective baseline)");
    b.bind("learn_initial_states", &S::learn_initial_states,
           "learn every training window's first state too, fitted to the observed one (SRNN's "
           "initial-state optimisation, for noisy data); the test windows start from their "
           "observed states");
    b.require([](const S& s) -> std::string {
      if (s.method != TrajectoryMethod::kRungeKutta4 && s.field == TrajectoryField::kDirect) {
        return "method: " + to_string(s.method) +
               " integrates a Hamiltonian's gradient: expected field solenoidal, found direct";
      }
      return "";
    });
    return b;
  }();
  return binding;
}

TrajectoryWindowOptions TrajectorySettings::window_options() const {
  TrajectoryWindowOptions options;
  options.steps = int(steps);
  options.stride = int(stride);
  if (max_step > 0.0) options.max_step = max_step;
  return options;
}

const OptionBinding<EvaluationSettings>& EvaluationSettings::binding() {
  static const auto binding = [] {
    using S = EvaluationSettings;
    OptionBinding<S> b("evaluation");
    b.bind("enabled", &S::enabled, "roll out the trained models and the true system");
    b.bind("initial_state", &S::initial_state, "initial state [q..., p...] of the rollout")
        .min_length(1);
    b.bind("time_span", &S::time_span, "start and end time of the rollout");
    b.bind("points", &S::points, "output times, equally spaced, ends included").at_least(2);
    b.bind("energy_trials", &S::energy_trials,
           "the HNN paper's energy metric: this many rollouts from random initial "
           "states, mean over time of (E_true - E_model)^2 with E the true H; 0 = off")
        .at_least(0);
    b.bind_choice("trial_initial_states", &S::trial_initial_states,
                  {{"box", TrialInitialStates::kBox}, {"system", TrialInitialStates::kSystem}},
                  "box: each coordinate uniform in (-1, -0.2] or [0.2, 1), as the paper's "
                  "spring and pendulum analysis; system: the system's own sampler, reseeded "
                  "per trial (trial_seed + i), as its orbit analysis");
    b.bind("trial_time_span", &S::trial_time_span, "time span of every trial");
    b.bind("trial_points", &S::trial_points, "output times of every trial").at_least(2);
    b.bind("trial_seed", &S::trial_seed, "seed of the trials' initial states (NumPy's stream)")
        .at_least(0)
        .at_most(4294967295.0);
    b.require([](const S& s) { return ordered_range_problem("time_span", s.time_span); });
    b.require(
        [](const S& s) { return ordered_range_problem("trial_time_span", s.trial_time_span); });
    return b;
  }();
  return binding;
}

const OptionBinding<OutputSettings>& OutputSettings::binding() {
  static const auto binding = [] {
    using S = OutputSettings;
    OptionBinding<S> b("output");
    b.bind("directory", &S::directory, "run folder; \"\" means runs/<pipeline name>");
    b.bind("progress_seconds", &S::progress_seconds,
           "seconds between plain progress lines when not on a terminal")
        .greater_than(0.0);
    b.bind("export", &S::export_sources,
           "write the learned Hamiltonians as code into export/: each trained model that can "
           "(mlp, kan) as a C++ header, each recovered formula as C, C++, Python and LaTeX");
    return b;
  }();
  return binding;
}

const OptionBinding<SymbolicSettings>& SymbolicSettings::binding() {
  static const auto binding = [] {
    using S = SymbolicSettings;
    OptionBinding<S> b("symbolic");
    b.bind_choice("samples", &S::samples,
                  {{"train", SymbolicSamples::kTrain},
                   {"test", SymbolicSamples::kTest},
                   {"all", SymbolicSamples::kAll}},
                  "inputs of the forward pass whose edge activations are fitted (the "
                  "study fitted the test set)");
    b.bind("functions", &S::functions,
           "library functions to choose from (kan.md 6.1 and plugin-registered); empty = all");
    b.bind("auto", &S::automatic, "choose the best function for every edge not listed in `edges`");
    b.bind("top_k", &S::top_k, "suggestions kept per automatically chosen edge").at_least(1);
    b.bind("tie_tolerance", &S::tie_tolerance,
           "r2 scores closer than this count as a tie, won by the simpler function")
        .at_least(0.0);
    b.bind("prune_threshold", &S::prune_threshold,
           "edges whose strength (acts_scale) is below this become 0; 0 = keep all")
        .at_least(0.0);
    b.bind("a_range", &S::a_range, "search range of a in c*f(a*x + b) + d");
    b.bind("b_range", &S::b_range, "search range of b");
    b.bind("grid_points", &S::grid_points, "grid points per coordinate of the (a, b) search")
        .at_least(3);
    b.bind("iterations", &S::iterations, "zooming rounds of the (a, b) search").at_least(1);
    b.bind_choice("boundary_rule", &S::boundary_rule,
                  {{"shrink", symbolic::BoundaryRule::kShrinkToBoundaryCell},
                   {"keep", symbolic::BoundaryRule::kLegacyKeepRanges}},
                  "best (a, b) on the grid boundary: shrink to the boundary cell (pykan "
                  "HEAD) or keep the ranges (pykan 0.0.5's typo)");
    b.bind("digits", &S::digits, "decimals of the printed formulas").at_least(0).at_most(15);
    b.bind("field_tolerance", &S::field_tolerance,
           "the recovered field J grad H counts as exact when its largest difference "
           "from the true field on the data, relative to the largest true field, is "
           "at most this")
        .greater_than(0.0);
    b.bind("evaluate", &S::evaluate,
           "roll the recovered formula out beside the models, as <model>_symbolic");
    b.bind_choice("rollout", &S::rollout,
                  {{"network", SymbolicRollout::kNetwork}, {"rounded", SymbolicRollout::kRounded}},
                  "network: the fitted (or refined) network at full precision; rounded: the "
                  "printed formula, rounded to `digits`");
    b.require([](const S& s) { return ordered_range_problem("a_range", s.a_range); });
    b.require([](const S& s) { return ordered_range_problem("b_range", s.b_range); });
    return b;
  }();
  return binding;
}

std::string to_string(SymbolicSamples samples) {
  switch (samples) {
    case SymbolicSamples::kTrain:
      return "train";
    case SymbolicSamples::kTest:
      return "test";
    case SymbolicSamples::kAll:
      break;
  }
  return "all";
}

const std::vector<std::string>& simulation_keys() {
  static const std::vector<std::string> keys = {"trajectories", "time_span", "points", "noise_std",
                                                "draw_zero_noise"};
  return keys;
}

const OptionSchema* host_section_schema(const std::string& section) {
  static const OptionSchema data = DataSettings::binding().schema();
  static const OptionSchema derivatives = DerivativeSettings::binding().schema();
  static const OptionSchema training = TrainingSettings::binding().schema();
  static const OptionSchema dissipation = DissipationSettings::binding().schema();
  static const OptionSchema trajectory = TrajectorySettings::binding().schema();
  static const OptionSchema evaluation = EvaluationSettings::binding().schema();
  static const OptionSchema output = OutputSettings::binding().schema();
  static const OptionSchema symbolic = SymbolicSettings::binding().schema();
  if (section == "data") return &data;
  if (section == "derivatives") return &derivatives;
  if (section == "training") return &training;
  if (section == "dissipation") return &dissipation;
  if (section == "trajectory") return &trajectory;
  if (section == "evaluation") return &evaluation;
  if (section == "output") return &output;
  if (section == "symbolic") return &symbolic;
  static const OptionSchema sweep = SweepSettings::binding().schema();
  if (section == "sweep") return &sweep;
  return nullptr;
}

const std::vector<std::string>& host_section_names() {
  static const std::vector<std::string> names = {"data",        "derivatives", "training",
                                                 "dissipation", "trajectory",  "evaluation",
                                                 "output",      "symbolic",    "sweep"};
  return names;
}

std::string host_section_notes(const std::string& section) {
  if (section == "data") {
    return "nested sections:\n"
           "  source       {plugin: <data source>, <its options>}: where the trajectories come\n"
           "               from (--list-plugins: data sources). Default: the simulation of\n"
           "               `system:`, whose options are the keys trajectories, time_span,\n"
           "               points, noise_std, draw_zero_noise above (or, instead, in\n"
           "               source: {plugin: simulation, ...}). With another source (table:\n"
           "               a file) those keys are not allowed.\n"
           "  integrator   {plugin: rk45, ...}: the simulation's integrator\n"
           "  derivatives  {method: savitzky_golay, window: 15, degree: 4}: how derivatives\n"
           "               a source does not give are estimated (--describe derivatives)\n";
  }
  if (section == "training") {
    return "nested sections:\n"
           "  dissipation  {damping: constant, forcing_frequencies: [1.0]}: learned damping and\n"
           "               forcing beside H (--describe dissipation)\n"
           "  trajectory   {steps: 4, method: rk4}: the windows and integrator of objective\n"
           "               trajectory (--describe trajectory)\n";
  }
  if (section == "trajectory") {
    return "the section training.trajectory (or models.<m>.training.trajectory), read with\n"
           "objective: trajectory. Each split's samples are grouped by trajectory in time order;\n"
           "its windows are k + 1 consecutive samples of one trajectory in the same split, so a\n"
           "split by trajectory or time_block keeps the measured steps, while a random split\n"
           "integrates over the samples it moved to the other split (max_step refuses that).\n"
           "The test loss is the same objective on the test split's windows, always from their\n"
           "observed first states (learned initial states belong to the training windows: kept\n"
           "out of the model's parameters, saved in the checkpoint for --resume only; not with\n"
           "l1 > 0). batch_size > 0: a fresh random subset of that many distinct training\n"
           "windows every evaluation (no last partial batch; with learned initial states the\n"
           "subset's states are trained, the others wait). field solenoidal\n"
           "is the HNN's field of training.field (solenoidal, conservative or both: the D-HNN);\n"
           "the latter two and a dissipation block (damping, forcing) need method rk4\n";
  }
  if (section == "dissipation") {
    return "the section training.dissipation (or models.<m>.training.dissipation); the learned\n"
           "damping and forcing amplitudes are optimised with the model's parameters, saved in\n"
           "its checkpoint (dissipation_parameters) and reported in summary.yaml\n";
  }
  if (section == "sweep") {
    return "the section of a sweep file (a file whose top level is `sweep:`, docs/sweeps.md);\n"
           "beside these keys:\n"
           "  set    {key.path: value}: written into every run's pipeline\n"
           "  grid   {key.path: [v1, v2]}: every combination (the last key fastest)\n"
           "  list   {key.path: [v1, v2]}: zipped, the i-th values together (equal lengths)\n"
           "  seeds  n (the seeds 0 .. n-1) or [s1, s2]: every setting runs once per seed,\n"
           "         written to seed_keys\n";
  }
  if (section == "derivatives") {
    return "the section data.derivatives; forward_difference drops the last sample of every\n"
           "trajectory (the original HNN code's), the others keep every sample\n";
  }
  return "";
}

}  // namespace hnn
