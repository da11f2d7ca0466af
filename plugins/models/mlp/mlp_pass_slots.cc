// Pass slots of MultilayerPerceptron (see mlp.h): the per-pass buffers move between the
// current pass and the slots by swapping (no copy, no allocation once a slot has held a pass
// at the batch size).
#include <utility>

#include "hnn/pass_slot_checks.h"
#include "mlp.h"

namespace hnn::mlp {

void MultilayerPerceptron::reserve_pass_slots(int count) {
  check_pass_slot_count(*this, count);
  if (static_cast<std::size_t>(count) > slots_.size()) slots_.resize(count);
}

void MultilayerPerceptron::swap_pass(Pass& pass) {
  state_.swap(pass.state);
  backward_.swap(pass.backward);
  first_derivative_.swap(pass.first_derivative);
  second_derivative_.swap(pass.second_derivative);
  upstream_.swap(pass.upstream);
  outputs_.swap(pass.outputs);
  std::swap(samples_, pass.samples);
  std::swap(has_forward_, pass.has_forward);
  std::swap(backward_output_, pass.backward_output);
}

void MultilayerPerceptron::save_pass(int slot) {
  check_pass_slot(*this, "save_pass", slot, slots_.size());
  require_forward("save_pass");
  Pass& pass = slots_[slot];
  swap_pass(pass);
  pass.parameter_version = parameter_version_;
  // The buffers that came back are scratch for the next forward().
  has_forward_ = false;
  backward_output_ = -1;
}

void MultilayerPerceptron::restore_pass(int slot) {
  check_pass_slot(*this, "restore_pass", slot, slots_.size());
  Pass& pass = slots_[slot];
  check_pass_restorable(*this, slot, pass.has_forward, pass.parameter_version == parameter_version_,
                        "set_parameters()");
  swap_pass(pass);
  pass.has_forward = false;
  pass.backward_output = -1;
  resize_scratch(samples_);
}

}  // namespace hnn::mlp
