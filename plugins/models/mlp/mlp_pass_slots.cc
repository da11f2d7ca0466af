// Pass slots of MultilayerPerceptron (see mlp.h): the per-pass buffers move between the
// current pass and the slots by swapping (no copy, no allocation once a slot has held a pass
// at the batch size).
#include <string>
#include <utility>

#include "hnn/error.h"
#include "mlp.h"

namespace hnn::mlp {

void MultilayerPerceptron::reserve_pass_slots(int count) {
  if (count < 0) {
    throw Error(name() + ": reserve_pass_slots: count " + std::to_string(count) + " is negative");
  }
  if (static_cast<std::size_t>(count) > slots_.size()) slots_.resize(count);
}

void MultilayerPerceptron::check_slot(const char* method, int slot) const {
  if (slot < 0 || static_cast<std::size_t>(slot) >= slots_.size()) {
    throw Error(name() + ": " + method + ": slot " + std::to_string(slot) + " is not among the " +
                std::to_string(slots_.size()) + " reserved (reserve_pass_slots)");
  }
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
  check_slot("save_pass", slot);
  require_forward("save_pass");
  Pass& pass = slots_[slot];
  swap_pass(pass);
  pass.parameter_version = parameter_version_;
  // The buffers that came back are scratch for the next forward().
  has_forward_ = false;
  backward_output_ = -1;
}

void MultilayerPerceptron::restore_pass(int slot) {
  check_slot("restore_pass", slot);
  Pass& pass = slots_[slot];
  if (!pass.has_forward) {
    throw Error(name() + ": restore_pass: slot " + std::to_string(slot) + " holds no pass");
  }
  if (pass.parameter_version != parameter_version_) {
    throw Error(name() + ": restore_pass: the pass in slot " + std::to_string(slot) +
                " was saved before the last set_parameters()");
  }
  swap_pass(pass);
  pass.has_forward = false;
  pass.backward_output = -1;
  resize_scratch(samples_);
}

}  // namespace hnn::mlp
