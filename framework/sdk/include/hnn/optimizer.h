// Optimizer: minimises an Objective from a start vector, epoch by epoch.
//
// What an epoch is belongs to the optimizer and is documented by it (one L-BFGS
// iteration; one Adam step on the full batch). After every epoch the optimizer calls the
// EpochCallback with the current parameters; the callback records losses and may stop the
// run by returning false.
//
// Optional capability (has_state() says whether it is there; the default methods throw
// NotImplementedError naming the capability):
//   has_state()/saved_state()/restore_state(state)   the state an optimizer carries from one
//       epoch to the next (Adam's moments, an L-BFGS memory), so that a run the callback
//       stopped continues later, in another process, as if it had never stopped (hnn-host
//       --resume). An optimizer without it restarts from the parameters alone.
#ifndef HNN_OPTIMIZER_H_
#define HNN_OPTIMIZER_H_

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

#include "hnn/objective.h"

namespace hnn {

struct EpochState {
  int epoch = 0;  // 1-based
  // The training objective (loss + penalty) the optimizer reports for this epoch. Where it
  // was evaluated is the optimizer's to document: see value_at_parameters.
  double objective_value = 0.0;
  const Eigen::VectorXd* parameters = nullptr;  // the current parameters, valid during the call
  // True when objective_value is the objective at `parameters` (Ceres L-BFGS); false when it
  // is the value at the start of the epoch, before its step (Adam, pykan's L-BFGS, as
  // PyTorch training loops print it). A recorder that needs the loss at `parameters` then
  // evaluates it.
  bool value_at_parameters = true;
};

// Returns true to go on, false to stop after this epoch.
using EpochCallback = std::function<bool(const EpochState& state)>;

enum class Termination {
  kEpochs,     // ran every requested epoch
  kConverged,  // a convergence tolerance was met
  kStopped,    // the callback asked to stop
  kFailed,     // numerical failure (the parameters are the last good ones)
  // The line search found no lower point although no tolerance was met (e.g. at a kink of a
  // non-smooth objective, or below rounding): the parameters are the last accepted iterate.
  kStalled,
  // Set by the host, not by optimizers: the loss or the parameters became non-finite or
  // exploded (docs/run_folder.md, "Divergence"); the parameters are the last finite ones.
  kDiverged,
};

// "epochs", "converged", "stopped", "failed", "stalled", "diverged".
std::string to_string(Termination termination);

struct OptimizationSummary {
  Termination termination = Termination::kEpochs;
  int epochs = 0;                  // completed epochs
  long objective_evaluations = 0;  // calls of Objective::evaluate
  double final_value = 0.0;
  std::string message;  // the optimizer's own words about why it stopped
};

// What an optimizer needs, beside the parameters, to continue a minimize() call that its
// callback stopped. `values` has the optimizer's own layout (documented by it); integers are
// stored as doubles, exact up to 2^53. Saved by the host in a checkpoint with every real in
// its shortest round-trip form, so a restored state is bit for bit the saved one.
struct OptimizerState {
  long epochs = 0;  // epochs the stopped minimize() call had completed
  std::vector<double> values;
};

class Optimizer {
 public:
  virtual ~Optimizer();

  // parameters: in: start (size objective.parameter_count()); out: the result. The result
  // is the last accepted iterate, also when the run stops early or fails.
  virtual OptimizationSummary minimize(Objective& objective, Eigen::VectorXd& parameters,
                                       const EpochCallback& on_epoch) = 0;

  // Whether saved_state() and restore_state() are implemented. Default false.
  virtual bool has_state() const { return false; }
  // After minimize() returned Termination::kStopped: the state after the last epoch the
  // callback saw (state.epochs = that epoch). Default: throws NotImplementedError.
  virtual OptimizerState saved_state() const;
  // Before minimize(): the next minimize() continues the stopped call that saved `state`
  // (an optimizer of the same plugin and options, an objective of the same parameter count,
  // started from the parameters that call returned). It runs epochs state.epochs + 1 to the
  // last, reports them with those numbers, and its summary counts epochs and evaluations over
  // both calls, so that the iterates, the callbacks and the summary are those of one
  // uninterrupted call. Later minimize() calls start afresh. Throws hnn::Error when the state
  // does not fit (wrong size or layout); default: throws NotImplementedError.
  virtual void restore_state(const OptimizerState& state);
  // Optional capability: an exact L1 penalty. An optimizer whose handles_l1() is true
  // minimises objective(θ) + l1 · Σ_i |θ_i| itself, exactly (e.g. OWL-QN: no smoothing of
  // the kinks). The host then builds the Objective without its L1 term and calls
  // set_l1(training.l1) before minimize(); EpochState::objective_value and
  // OptimizationSummary::final_value include the L1 term. The default handles_l1() is
  // false, and the default set_l1 throws NotImplementedError naming the optimizer.
  // set_l1 throws hnn::Error unless l1 is finite and >= 0.
  virtual bool handles_l1() const;
  virtual void set_l1(double l1);
};

}  // namespace hnn

#endif  // HNN_OPTIMIZER_H_
