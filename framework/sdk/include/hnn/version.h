// Version of the hnn framework and of its plugin ABI.
#ifndef HNN_VERSION_H_
#define HNN_VERSION_H_

namespace hnn {

// Version of the framework, host and bundled plugins (semantic versioning).
inline constexpr const char* kVersion = "0.1.0";

// Version of the binary contract between hnn-host and plugins: the layout of
// PluginDescriptor and the virtual interfaces (Model, System, Optimizer, Integrator,
// DataSource, Registry). Bump it whenever any of them changes; the host refuses a plugin built for
// another ABI version before it touches any of its C++ symbols.
// 2: Model::edge_activations, Registry::add_symbolic_function.
// 3: symbolic functions registered as SymbolicFunctionDefinition (a formula, no GiNaC).
// 4: the fifth plugin kind (DataSource, Registry::add_data_source);
//    OptionSchema::set_resource_estimator (hnn/resource_estimate.h), Option::allow_non_finite;
//    Optimizer state (has_state, saved_state, restore_state) and L1 (handles_l1, set_l1).
// 5: System damping and forcing (has_damping, damping, has_forcing, forcing).
// 6: Model input Hessian-vector products (has_input_hessian_vector_product,
//    input_hessian_vector_product).
// 7: Model fused second derivatives (has_parameter_gradient_and_input_hessian_vector_product,
//    add_parameter_gradient_and_input_hessian_vector_product) and pass slots (has_pass_slots,
//    reserve_pass_slots, save_pass, restore_pass).
// 8: Model export as C++ source (has_cpp_export, cpp_export).
inline constexpr int kPluginAbiVersion = 8;

}  // namespace hnn

#endif  // HNN_VERSION_H_
