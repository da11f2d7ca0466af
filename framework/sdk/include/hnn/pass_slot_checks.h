// The argument checks of a model's optional pass slots (hnn/model.h: reserve_pass_slots,
// save_pass, restore_pass), one wording for every model that has them. Each throws
// hnn::Error starting with the model's name() and the method:
//
//   check_pass_slot_count(model, count)        reserve_pass_slots: count >= 0
//   check_pass_slot(model, method, slot, n)    save_pass/restore_pass: 0 <= slot < n, the
//                                              slots reserved
//   check_pass_restorable(model, slot, holds_pass, saved_with_current_parameters, change)
//                                              restore_pass: the slot holds a pass, saved
//                                              after the last `change` (e.g.
//                                              "set_parameters()")
//
// Example (a model's restore_pass):
//
//   hnn::check_pass_slot(*this, "restore_pass", slot, slots_.size());
//   hnn::check_pass_restorable(*this, slot, pass.has_forward, pass.version == version_,
//                              "set_parameters()");
#ifndef HNN_PASS_SLOT_CHECKS_H_
#define HNN_PASS_SLOT_CHECKS_H_

#include <cstddef>
#include <string>

#include "hnn/error.h"
#include "hnn/model.h"

namespace hnn {

inline void check_pass_slot_count(const Model& model, int count) {
  if (count < 0) {
    throw Error(model.name() + ": reserve_pass_slots: count " + std::to_string(count) +
                " is negative");
  }
}

inline void check_pass_slot(const Model& model, const char* method, int slot,
                            std::size_t reserved) {
  if (slot < 0 || static_cast<std::size_t>(slot) >= reserved) {
    throw Error(model.name() + ": " + method + ": slot " + std::to_string(slot) +
                " is not among the " + std::to_string(reserved) + " reserved (reserve_pass_slots)");
  }
}

inline void check_pass_restorable(const Model& model, int slot, bool holds_pass,
                                  bool saved_with_current_parameters, const char* change) {
  if (!holds_pass) {
    throw Error(model.name() + ": restore_pass: slot " + std::to_string(slot) + " holds no pass");
  }
  if (!saved_with_current_parameters) {
    throw Error(model.name() + ": restore_pass: the pass in slot " + std::to_string(slot) +
                " was saved before the last " + change);
  }
}

}  // namespace hnn

#endif  // HNN_PASS_SLOT_CHECKS_H_
