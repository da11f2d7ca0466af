// The energy flow of a rollout (issue 14): the energy-loss ratio of a model's rollout to
// the truth's or the measurements', and the power a learned (or the true) damping dissipates
// and a forcing supplies along a trajectory. Internal to the host library; used by
// model_evaluation.cc and measured_evaluation.cc.
#ifndef HNN_HOST_SRC_ENERGY_FLOW_H_
#define HNN_HOST_SRC_ENERGY_FLOW_H_

#include <Eigen/Core>
#include <vector>

#include "hnn/host/run_summary.h"
#include "hnn/model.h"
#include "hnn/system.h"
#include "pipeline_model.h"

namespace hnn::internal {

// E(start) and E(end) of an energy series over increasing `times`: the mean of `energy`
// over the samples with t <= t_0 + (t_N - t_0)/4, and over those with t >= t_N -
// (t_N - t_0)/4 (averaging over about a period hides the measurement noise). NaN for both
// when there are fewer than 2 times, a span of 0, or times.size() != energy.size().
struct EnergyQuarters {
  double start;
  double end;
  double loss() const { return start - end; }
};
EnergyQuarters energy_quarters(const std::vector<double>& times, const std::vector<double>& energy);

// The energy-loss ratio over the span of `times`: (E_model(start) - E_model(end)) /
// (E_truth(start) - E_truth(end)), E(start) and E(end) as energy_quarters() says, with the
// same energy function (the system's H, or the reference H for measurements) evaluated on
// the model's rollout and on the true or measured states. 1 when the model loses as much
// energy as the truth; NaN when the truth loses none (a zero denominator) or the series
// are unusable.
double energy_loss_ratio(const std::vector<double>& times, const std::vector<double>& model_energy,
                         const std::vector<double>& truth_energy);

// Of the true system along `states` (one column per time): power_balance() at every column.
PowerSeries true_power(const System& system, const std::vector<double>& times,
                       const Eigen::MatrixXd& states);

// Whether the model was trained with a learned damping or forcing (an HNN with an active
// training.dissipation) or as a D-HNN (field both): only then does learned_power() have
// something to report.
bool has_learned_dissipation(const ModelResult& result);

// Of a model with a learned dissipation along `states` (its own rollout, one column per
// time), with the model's own H = F_H: dissipated = (dH/dp)^T D dH/dp - dH/dx . dF_C/dx (the
// damping's part, D as learned in result.dissipation, and the D-HNN gradient part's, each
// when the model has it) and supplied = (dH/dp)^T F(t) with the learned forcing F, so that
// dH/dt = supplied - dissipated along the model's own flow. Empty without a learned
// dissipation. Runs the model forward on `states`.
PowerSeries learned_power(const ModelResult& result, const std::vector<double>& times,
                          const Eigen::MatrixXd& states);

// The model's own H output along `states`, empty for a baseline. Runs the model forward.
std::vector<double> learned_hamiltonian(const ModelResult& result, const Eigen::MatrixXd& states);

// The means of a power series over its samples (of several series, over all their samples).
PowerSummary mean_power(const std::vector<const PowerSeries*>& series);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_ENERGY_FLOW_H_
