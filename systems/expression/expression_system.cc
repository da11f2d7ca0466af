#include "expression_system.h"

#include <cmath>
#include <memory>
#include <set>
#include <sstream>

#include "formula_parser.h"
#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"

namespace hnn::systems {
namespace {

// The option `key` (a key path: "radius", "coordinates[1]") is rejected: a ConfigError whose
// problem the host locates at that key of the pipeline (`character`: within its value).
[[noreturn]] void reject(const std::string& key, const std::string& problem, int character = 0) {
  throw ConfigError(key + ": " + problem, {ConfigProblem{"", 0, character, key, problem}});
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

ExpressionSystem::Parameters parameters_from(const Options& options) {
  const std::vector<double>& radius = options.reals("radius");
  if (radius.size() != 2) {
    reject("radius", "must have 2 elements [min, max], got " + std::to_string(radius.size()));
  }
  ExpressionSystem::Parameters parameters;
  parameters.hamiltonian = options.string("hamiltonian");
  parameters.coordinates = options.strings("coordinates");
  parameters.parameters = options.strings("parameters");
  parameters.minimum_radius = radius[0];
  parameters.maximum_radius = radius[1];
  return parameters;
}

// Everything GiNaC: built once, used by the constructor, then dropped.
struct SymbolicForm {
  std::vector<GiNaC::realsymbol> symbols;
  GiNaC::ex hamiltonian;
  std::vector<GiNaC::ex> gradient;
};

SymbolicForm symbolic_form(const ExpressionSystem::Parameters& parameters) {
  const std::vector<std::string>& coordinates = parameters.coordinates;
  if (coordinates.empty() || coordinates.size() % 2 != 0) {
    reject("coordinates",
           std::to_string(coordinates.size()) +
               " names given; expected an even number > 0 (positions, then momenta)");
  }
  SymbolicForm form;
  FormulaNames names;
  for (std::size_t i = 0; i < coordinates.size(); ++i) {
    const std::string& name = coordinates[i];
    if (!is_bindable_name(name)) {
      reject("coordinates[" + std::to_string(i) + "]",
             "'" + name +
                 "' is not a usable name (letters, digits and _, not starting with a digit; "
                 "not pi or a function: " +
                 known_functions() + ")");
    }
    if (names.values.count(name) != 0) {
      reject("coordinates[" + std::to_string(i) + "]", "'" + name + "' appears twice");
    }
    form.symbols.emplace_back(name);
    names.values.emplace(name, form.symbols.back());
  }

  // Parameters: "name=value", value a formula of numbers only.
  std::vector<std::string> parameter_names;
  const FormulaNames no_names;
  for (std::size_t i = 0; i < parameters.parameters.size(); ++i) {
    const std::string label = "parameters[" + std::to_string(i) + "]";
    const std::string& entry = parameters.parameters[i];
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos) {
      reject(label, "expected \"name=value\", found \"" + entry + "\"");
    }
    std::string name = entry.substr(0, equals);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
      name.erase(0, 1);
    if (!is_bindable_name(name)) {
      reject(label, "'" + name + "' is not a usable name (in \"" + entry + "\")");
    }
    if (names.values.count(name) != 0) {
      reject(label, "'" + name + "' is already a coordinate or a parameter");
    }
    GiNaC::ex value;
    try {
      value = parse_formula(entry.substr(equals + 1), no_names, label + " value");
    } catch (const ConfigError& error) {
      // Located within the entry: the value starts after the '='.
      if (error.problems().empty()) throw;
      const ConfigProblem& problem = error.problems().front();
      throw ConfigError(error.what(), {ConfigProblem{"", 0, problem.column + int(equals) + 1, label,
                                                     problem.message}});
    }
    const GiNaC::ex number = value.evalf();
    if (!GiNaC::is_a<GiNaC::numeric>(number) || !GiNaC::ex_to<GiNaC::numeric>(number).is_real()) {
      reject(label, "the value of '" + name + "' is not a real number: " + to_text(value));
    }
    names.values.emplace(name, value);
    parameter_names.push_back(name);
  }
  names.kinds = {"coordinates: " + join(coordinates), "parameters: " + join(parameter_names)};

  if (parameters.hamiltonian.empty()) reject("hamiltonian", "the formula is empty");
  form.hamiltonian = parse_formula(parameters.hamiltonian, names, "hamiltonian");
  for (const auto& symbol : form.symbols) {
    try {
      form.gradient.push_back(form.hamiltonian.diff(symbol));
    } catch (const std::exception& error) {
      reject("hamiltonian", "cannot differentiate " + to_text(form.hamiltonian) +
                                " with respect to " + symbol.get_name() + ": " + error.what());
    }
  }
  return form;
}

CompiledFormulas compile(const SymbolicForm& form) {
  std::vector<GiNaC::ex> formulas{form.hamiltonian};
  formulas.insert(formulas.end(), form.gradient.begin(), form.gradient.end());
  return CompiledFormulas(formulas, form.symbols, "hamiltonian");
}

}  // namespace

ExpressionSystem::ExpressionSystem(const Parameters& parameters)
    : degrees_of_freedom_(static_cast<int>(parameters.coordinates.size() / 2)),
      coordinates_(parameters.coordinates),
      minimum_radius_(parameters.minimum_radius),
      maximum_radius_(parameters.maximum_radius) {
  if (!(minimum_radius_ >= 0.0) || !(maximum_radius_ >= minimum_radius_) ||
      !std::isfinite(maximum_radius_)) {
    std::string range = "[";
    range.append(shortest_decimal(minimum_radius_)).append(", ");
    range.append(shortest_decimal(maximum_radius_)).append("]");
    reject("radius", range + " must satisfy 0 <= min <= max < inf");
  }
  const SymbolicForm form = symbolic_form(parameters);
  program_ = compile(form);
  exact_hamiltonian_ = to_text(form.hamiltonian);
  for (const auto& derivative : form.gradient) gradient_formulas_.push_back(to_text(derivative));
}

ExpressionSystem::ExpressionSystem(const Options& options)
    : ExpressionSystem(parameters_from(options)) {}

OptionSchema ExpressionSystem::schema() {
  return OptionSchema{
      Option::required("hamiltonian", OptionType::kString,
                       "H as a formula in the coordinate and parameter names: + - * / ^, "
                       "parentheses, numbers, pi and the functions " +
                           known_functions() + ", e.g. \"p^2/2 + 1 - cos(q)\""),
      Option::string_list("coordinates", {"q", "p"},
                          "2n names in state order: n positions, then their n momenta")
          .min_length(2),
      Option::string_list("parameters", {},
                          "constants of the formula as \"name=value\", e.g. \"g=9.81\""),
      Option::real_list("radius", {0.1, 1.0},
                        "[min, max] of the phase-space radius |x| of sampled initial states "
                        "(uniform), as spring_mass")
          .length(2)
          .at_least(0.0),
  };
}

void ExpressionSystem::check_size(const char* method, Eigen::Index size) const {
  if (size != state_dimension()) {
    throw Error(std::string("expression: ") + method + " needs a state of size " +
                std::to_string(state_dimension()) + ", got " + std::to_string(size));
  }
}

double ExpressionSystem::hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  check_size("hamiltonian", x.size());
  if (x.innerStride() == 1) return program_.evaluate_first(x.data());
  const Eigen::VectorXd copy = x;
  return program_.evaluate_first(copy.data());
}

void ExpressionSystem::gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                                Eigen::Ref<Eigen::VectorXd> gradient) const {
  check_size("gradient", x.size());
  check_size("gradient", gradient.size());
  constexpr int kStackOutputs = 65;
  const int outputs = state_dimension() + 1;
  double stack_outputs[kStackOutputs];
  std::unique_ptr<double[]> heap_outputs;
  double* values = stack_outputs;
  if (outputs > kStackOutputs) {
    heap_outputs = std::make_unique<double[]>(static_cast<std::size_t>(outputs));
    values = heap_outputs.get();
  }
  if (x.innerStride() == 1) {
    program_.evaluate(x.data(), values);
  } else {
    const Eigen::VectorXd copy = x;
    program_.evaluate(copy.data(), values);
  }
  for (int i = 0; i < state_dimension(); ++i) gradient[i] = values[i + 1];
}

void ExpressionSystem::sample_initial_state(RandomSource& random,
                                            Eigen::Ref<Eigen::VectorXd> x) const {
  check_size("sample_initial_state", x.size());
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, minimum_radius_, maximum_radius_, x);
}

}  // namespace hnn::systems
