// Optimizer: minimises an Objective from a start vector, epoch by epoch.
//
// What an epoch is belongs to the optimizer and is documented by it (one L-BFGS
// iteration; one Adam step on the full batch). After every epoch the optimizer calls the
// EpochCallback with the current parameters; the callback records losses and may stop the
// run by returning false.
#ifndef HNN_OPTIMIZER_H_
#define HNN_OPTIMIZER_H_

#include <Eigen/Core>
#include <functional>
#include <string>

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
};

// "epochs", "converged", "stopped", "failed".
std::string to_string(Termination termination);

struct OptimizationSummary {
  Termination termination = Termination::kEpochs;
  int epochs = 0;                  // completed epochs
  long objective_evaluations = 0;  // calls of Objective::evaluate
  double final_value = 0.0;
  std::string message;  // the optimizer's own words about why it stopped
};

class Optimizer {
 public:
  virtual ~Optimizer();

  // parameters: in: start (size objective.parameter_count()); out: the result. The result
  // is the last accepted iterate, also when the run stops early or fails.
  virtual OptimizationSummary minimize(Objective& objective, Eigen::VectorXd& parameters,
                                       const EpochCallback& on_epoch) = 0;
};

}  // namespace hnn

#endif  // HNN_OPTIMIZER_H_
