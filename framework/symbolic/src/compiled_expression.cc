#include "hnn/symbolic/compiled_expression.h"

#include <sstream>
#include <string>

#include "hnn/error.h"
#include "hnn/symbolic/canonical_order.h"
#include "hnn/symbolic/expression_lowering.h"

namespace hnn::symbolic {
namespace {

// Scratch doubles on the stack; larger programs use a per-thread buffer.
constexpr std::size_t kStackDoubles = 256;

// `size` doubles of scratch: `stack` when it is large enough, else this thread's buffer.
double* scratch(std::size_t size, double* stack) {
  if (size <= kStackDoubles) return stack;
  thread_local std::vector<double> buffer;
  if (buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

void check_variables(const std::vector<GiNaC::ex>& variables, const std::string& label) {
  for (std::size_t k = 0; k < variables.size(); ++k) {
    if (!GiNaC::is_a<GiNaC::symbol>(variables[k])) {
      throw Error(label + ": variable " + std::to_string(k) + " ('" + ginac_text(variables[k]) +
                  "') is not a symbol");
    }
    for (std::size_t m = 0; m < k; ++m) {
      if (variables[m].is_equal(variables[k])) {
        throw Error(label + ": variable '" + ginac_text(variables[k]) + "' is listed twice");
      }
    }
  }
}

}  // namespace

CompiledExpression::CompiledExpression(const GiNaC::ex& expression,
                                       const std::vector<GiNaC::ex>& variables,
                                       const CompileOptions& options)
    : CompiledExpression(std::vector<GiNaC::ex>{expression}, variables, options) {}

CompiledExpression::CompiledExpression(const std::vector<GiNaC::ex>& expressions,
                                       const std::vector<GiNaC::ex>& variables,
                                       const CompileOptions& options) {
  if (expressions.empty()) throw Error(options.label + ": no expression to compile");
  check_variables(variables, options.label);
  tape_ = lower_expressions(expressions, variables, options);
}

double CompiledExpression::value(const double* state) const {
  const std::size_t count = tape_.first_output_end;
  double stack[kStackDoubles];
  double* slots = scratch(count, stack);
  run_values(tape_, count, state, slots);
  return slots[tape_.outputs.front()];
}

void CompiledExpression::values(const double* state, double* outputs) const {
  const std::size_t count = tape_.instructions.size();
  double stack[kStackDoubles];
  double* slots = scratch(count, stack);
  run_values(tape_, count, state, slots);
  for (std::size_t k = 0; k < tape_.outputs.size(); ++k) outputs[k] = slots[tape_.outputs[k]];
}

double CompiledExpression::value_and_gradient(const double* state, double* gradient) const {
  const std::size_t count = tape_.first_output_end;
  const std::size_t n = tape_.variable_count;
  double stack[kStackDoubles];
  double* slots = scratch(count * (n + 1), stack);
  double* lanes = slots + count;  // slot k's gradient: lanes[k * n, k * n + n)
  run_values_and_gradients(tape_, count, state, slots, lanes);
  const std::size_t output = tape_.outputs.front();
  for (std::size_t i = 0; i < n; ++i) gradient[i] = lanes[output * n + i];
  return slots[output];
}

void CompiledExpression::check_state(Eigen::Index size) const {
  if (static_cast<std::size_t>(size) != variable_count()) {
    throw Error("compiled expression: the state has " + std::to_string(size) +
                " entries, expected " + std::to_string(variable_count()));
  }
}

double CompiledExpression::value(const Eigen::VectorXd& state) const {
  check_state(state.size());
  return value(state.data());
}

double CompiledExpression::value_and_gradient(const Eigen::VectorXd& state,
                                              Eigen::VectorXd* gradient) const {
  check_state(state.size());
  if (gradient == nullptr) throw Error("compiled expression: the gradient pointer is null");
  gradient->resize(static_cast<Eigen::Index>(variable_count()));
  return value_and_gradient(state.data(), gradient->data());
}

}  // namespace hnn::symbolic
