// Pass slots of KolmogorovArnoldNetwork (see kan.h): a forward pass's workspace moves between
// the current pass and the slots by swapping (no copy, no allocation once a slot has held a
// pass at the batch size).
#include <utility>

#include "hnn/pass_slot_checks.h"
#include "kan_layer.h"

namespace hnn::kan {

void KolmogorovArnoldNetwork::reserve_pass_slots(int count) {
  check_pass_slot_count(*this, count);
  while (slots_.size() < static_cast<std::size_t>(count)) {
    Pass pass;
    pass.work.resize(work_.size());
    pass.derivatives_ready.assign(derivatives_ready_.size(), 0);
    pass.first_layer_second_ready.assign(first_layer_second_ready_.size(), 0);
    pass.layout_version = layout_version_;
    slots_.push_back(std::move(pass));
  }
}

void KolmogorovArnoldNetwork::swap_pass(Pass& pass) {
  work_.swap(pass.work);
  // The scratch goes back to the model (kan_layer.h): only the pass moves.
  for (std::size_t l = 0; l < work_.size(); ++l) {
    Workspace& current = work_[l];
    Workspace& kept = pass.work[l];
    current.adjoint.swap(kept.adjoint);
    current.tangent.swap(kept.tangent);
    current.r.swap(kept.r);
    std::swap(current.adjoint_nonzero, kept.adjoint_nonzero);
  }
  work_[0].backward.swap(pass.work[0].backward);
  input_copy_.swap(pass.input_copy);
  derivatives_ready_.swap(pass.derivatives_ready);
  first_layer_second_ready_.swap(pass.first_layer_second_ready);
  std::swap(samples_, pass.samples);
  std::swap(has_forward_, pass.has_forward);
  std::swap(input_state_current_, pass.input_state_current);
  std::swap(first_layer_base2_ready_, pass.first_layer_base2_ready);
  std::swap(backward_output_, pass.backward_output);
  // A pass of another batch size than the last one (not in a rollout): size the scratch.
  if (work_[0].adjoint.rows() != samples_) resize_scratch(samples_);
}

void KolmogorovArnoldNetwork::save_pass(int slot) {
  check_pass_slot(*this, "save_pass", slot, slots_.size());
  require_forward("save_pass");
  Pass& pass = slots_[slot];
  const std::uint64_t layout = pass.layout_version;
  swap_pass(pass);
  pass.parameter_version = parameter_version_;
  pass.layout_version = layout_version_;
  // The workspace that came back serves the next forward(); its layer-0 state (bases at its
  // inputs) stays usable unless the grids changed since, then it is resized.
  has_forward_ = false;
  backward_output_ = -1;
  if (layout != layout_version_) {
    samples_ = 0;
    input_state_current_ = false;
  }
}

void KolmogorovArnoldNetwork::restore_pass(int slot) {
  check_pass_slot(*this, "restore_pass", slot, slots_.size());
  Pass& pass = slots_[slot];
  check_pass_restorable(*this, slot, pass.has_forward, pass.parameter_version == parameter_version_,
                        "set_parameters() or grid change");
  swap_pass(pass);
  pass.has_forward = false;
  pass.backward_output = -1;
  pass.layout_version = layout_version_;
  if (ones_.size() != samples_) ones_.setOnes(samples_);
}

}  // namespace hnn::kan
