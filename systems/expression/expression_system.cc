#include "expression_system.h"

#include <cmath>
#include <memory>
#include <set>
#include <sstream>

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"
#include "hnn/random.h"
#include "hnn/symbolic/formula_parser.h"

namespace hnn::systems {
namespace {

using symbolic::FormulaNames;
using symbolic::is_bindable_name;
using symbolic::known_functions;
using symbolic::parse_formula;
using symbolic::to_text;

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

// H, then dH/dx_i in state order, in the evaluation order the system has always used.
symbolic::CompiledExpression compile(const std::vector<GiNaC::realsymbol>& symbols,
                                     const GiNaC::ex& hamiltonian,
                                     const std::vector<GiNaC::ex>& gradient) {
  std::vector<GiNaC::ex> formulas{hamiltonian};
  formulas.insert(formulas.end(), gradient.begin(), gradient.end());
  const std::vector<GiNaC::ex> variables(symbols.begin(), symbols.end());
  return symbolic::CompiledExpression(
      formulas, variables, {.order = symbolic::EvaluationOrder::kAsStored, .label = "hamiltonian"});
}

// The formulas of the option `key` (damping or forcing), each read with `names`; the binding
// checked their number. An empty formula is refused like an empty H.
std::vector<GiNaC::ex> read_momentum_formulas(const std::string& key,
                                              const std::vector<std::string>& texts,
                                              const FormulaNames& names) {
  std::vector<GiNaC::ex> formulas;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string label = key + "[" + std::to_string(i) + "]";
    if (texts[i].empty()) reject(label, "the formula is empty");
    formulas.push_back(parse_formula(texts[i], names, label));
  }
  return formulas;
}

// The damping or forcing formulas compiled over `variables` (none: no program).
std::optional<symbolic::CompiledExpression> compile_momentum_formulas(
    const std::vector<GiNaC::ex>& formulas, const std::vector<GiNaC::ex>& variables,
    const std::string& label) {
  if (formulas.empty()) return std::nullopt;
  return symbolic::CompiledExpression(formulas, variables, {.label = label});
}

// "q = 0.5, p = 0.2": a state for a message.
std::string describe_state(const std::vector<std::string>& names, const double* x) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : ", ") + names[i] + " = " + shortest_decimal(x[i]);
  }
  return text;
}

}  // namespace

// Everything GiNaC: built once, used by the constructor, then dropped.
struct ExpressionSystem::SymbolicForm {
  std::vector<GiNaC::realsymbol> symbols;
  GiNaC::ex hamiltonian;
  std::vector<GiNaC::ex> gradient;
  std::optional<GiNaC::realsymbol> time;  // the variable of the forcing formulas, if any
  std::vector<GiNaC::ex> damping;         // of the coordinates, parameters substituted
  std::vector<GiNaC::ex> forcing;         // of the time, parameters substituted
};

ExpressionSystem::SymbolicForm ExpressionSystem::symbolic_form(
    const ExpressionSystemOptions& options) {
  ExpressionSystemOptions::binding().check(options);
  const std::vector<std::string>& coordinates = options.coordinates;
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
  for (std::size_t i = 0; i < options.parameters.size(); ++i) {
    const std::string label = "parameters[" + std::to_string(i) + "]";
    const std::string& entry = options.parameters[i];
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

  if (options.hamiltonian.empty()) reject("hamiltonian", "the formula is empty");
  form.hamiltonian = parse_formula(options.hamiltonian, names, "hamiltonian");
  for (const auto& symbol : form.symbols) {
    try {
      form.gradient.push_back(form.hamiltonian.diff(symbol));
    } catch (const std::exception& error) {
      reject("hamiltonian", "cannot differentiate " + to_text(form.hamiltonian) +
                                " with respect to " + symbol.get_name() + ": " + error.what());
    }
  }
  form.damping = read_momentum_formulas("damping", options.damping, names);
  for (std::size_t i = 0; i < form.damping.size(); ++i) {
    const GiNaC::ex value = form.damping[i].evalf();
    if (GiNaC::is_a<GiNaC::numeric>(value) && GiNaC::ex_to<GiNaC::numeric>(value).is_real() &&
        GiNaC::ex_to<GiNaC::numeric>(value).is_negative()) {
      reject("damping[" + std::to_string(i) + "]",
             "the coefficient " + to_text(form.damping[i]) +
                 " is negative; a damping coefficient must be >= 0");
    }
  }
  if (options.forcing.empty()) return form;
  // The forcing formulas see the time and the parameters, not the coordinates. The symbol t
  // is made last, and only for forcing: GiNaC orders the terms of a sum by hashes that depend
  // on the order in which symbols are made, so a symbol made before the coordinates could
  // change H's printed form and its kAsStored evaluation order from what they always were.
  FormulaNames time_names;
  for (const auto& name : parameter_names) time_names.values.emplace(name, names.values.at(name));
  if (time_names.values.count("t") != 0) {
    reject("forcing", "'t' is the time in the forcing formulas; rename the parameter t");
  }
  form.time = GiNaC::realsymbol("t");
  time_names.values.emplace("t", *form.time);
  time_names.kinds = {"time: t", "parameters: " + join(parameter_names)};
  form.forcing = read_momentum_formulas("forcing", options.forcing, time_names);
  return form;
}

const OptionBinding<ExpressionSystemOptions>& ExpressionSystemOptions::binding() {
  static const OptionBinding<ExpressionSystemOptions> binding = [] {
    using Self = ExpressionSystemOptions;
    OptionBinding<Self> b("expression");
    b.bind_required("hamiltonian", &Self::hamiltonian,
                    "H as a formula in the coordinate and parameter names: + - * / ^, "
                    "parentheses, numbers, pi and the functions " +
                        known_functions() + ", e.g. \"p^2/2 + 1 - cos(q)\"");
    b.bind("coordinates", &Self::coordinates,
           "2n names in state order: n positions, then their n momenta")
        .min_length(2);
    b.bind("parameters", &Self::parameters,
           "constants of the formula as \"name=value\", e.g. \"g=9.81\"");
    b.bind("radius", &Self::radius,
           "[min, max] of the phase-space radius |x| of sampled initial states (uniform), as "
           "spring_mass")
        .at_least(0.0);
    b.bind("damping", &Self::damping,
           "friction on the momenta, each formula >= 0 in the coordinate and parameter names: "
           "none, 1 (every momentum) or n (one per momentum); dp_i/dt gains -d_i dH/dp_i, "
           "e.g. [\"0.1\"]");
    b.bind("forcing", &Self::forcing,
           "external force on the momenta, formulas in the time t and the parameter names: "
           "none, 1 (every momentum) or n (one per momentum); dp_i/dt gains f_i(t), "
           "e.g. [\"0.3*cos(1.2*t)\"]");
    b.require([](const Self& options) -> std::string {
      const std::size_t n = options.coordinates.size() / 2;
      for (const auto& [key, formulas] :
           {std::pair{"damping", &options.damping}, std::pair{"forcing", &options.forcing}}) {
        const std::size_t count = formulas->size();
        if (count > 1 && count != n) {
          return std::string(key) + ": " + std::to_string(count) +
                 " formulas given; expected none, 1 (for every momentum) or n = " +
                 std::to_string(n) + " (one per momentum)";
        }
      }
      return "";
    });
    b.require([](const Self& options) -> std::string {
      const std::size_t count = options.coordinates.size();
      if (count == 0 || count % 2 != 0) {
        return "coordinates: " + std::to_string(count) +
               " names given; expected an even number > 0 (positions, then momenta)";
      }
      return "";
    });
    b.require([](const Self& options) {
      return radius_range_problem(options.radius[0], options.radius[1]);
    });
    return b;
  }();
  return binding;
}

ExpressionSystem::ExpressionSystem(const ExpressionSystemOptions& options)
    : ExpressionSystem(options, symbolic_form(options)) {}

ExpressionSystem::ExpressionSystem(const ExpressionSystemOptions& options, const SymbolicForm& form)
    : degrees_of_freedom_(static_cast<int>(options.coordinates.size() / 2)),
      coordinates_(options.coordinates),
      minimum_radius_(options.radius[0]),
      maximum_radius_(options.radius[1]),
      exact_hamiltonian_(to_text(form.hamiltonian)),
      program_(compile(form.symbols, form.hamiltonian, form.gradient)),
      damping_program_(compile_momentum_formulas(
          form.damping, std::vector<GiNaC::ex>(form.symbols.begin(), form.symbols.end()),
          "damping")),
      forcing_program_(form.time ? compile_momentum_formulas(form.forcing, {*form.time}, "forcing")
                                 : std::nullopt) {
  for (const auto& derivative : form.gradient) gradient_formulas_.push_back(to_text(derivative));
  for (const auto& formula : form.damping) damping_formulas_.push_back(to_text(formula));
  for (const auto& formula : form.forcing) forcing_formulas_.push_back(to_text(formula));
  check_damping_at_samples();
}

void ExpressionSystem::check_size(const char* method, Eigen::Index size) const {
  if (size != state_dimension()) {
    throw Error(std::string("expression: ") + method + " needs a state of size " +
                std::to_string(state_dimension()) + ", got " + std::to_string(size));
  }
}

double ExpressionSystem::hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  check_size("hamiltonian", x.size());
  if (x.innerStride() == 1) return program_.value(x.data());
  const Eigen::VectorXd copy = x;
  return program_.value(copy.data());
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
    program_.values(x.data(), values);
  } else {
    const Eigen::VectorXd copy = x;
    program_.values(copy.data(), values);
  }
  for (int i = 0; i < state_dimension(); ++i) gradient[i] = values[i + 1];
}

void ExpressionSystem::sample_initial_state(RandomSource& random,
                                            Eigen::Ref<Eigen::VectorXd> x) const {
  check_size("sample_initial_state", x.size());
  // The order of the draws is the contract documented in the header.
  sample_state_at_radius(random, minimum_radius_, maximum_radius_, x);
}

void ExpressionSystem::damping_coefficients(const double* x, double* values) const {
  if (damping_formulas_.size() == 1) {
    values[0] = damping_program_->value(x);
  } else {
    damping_program_->values(x, values);
  }
}

void ExpressionSystem::check_damping_at_samples() const {
  if (!has_damping()) return;
  constexpr int kSamples = 100;
  NumpyLegacyRandom random(0);
  Eigen::VectorXd x(state_dimension());
  std::vector<double> values(damping_formulas_.size());
  for (int sample = 0; sample < kSamples; ++sample) {
    sample_initial_state(random, x);
    damping_coefficients(x.data(), values.data());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] < 0.0) {
        reject("damping[" + std::to_string(i) + "]",
               "the coefficient " + damping_formulas_[i] + " is negative (" +
                   shortest_decimal(values[i]) + ") at " + describe_state(coordinates_, x.data()) +
                   ", a state drawn by the sampler; a damping coefficient must be >= 0 "
                   "everywhere");
      }
    }
  }
}

void ExpressionSystem::damping(const Eigen::Ref<const Eigen::VectorXd>& x,
                               Eigen::Ref<Eigen::MatrixXd> damping) const {
  check_size("damping", x.size());
  const int n = degrees_of_freedom_;
  if (damping.rows() != 2 * n || damping.cols() != 2 * n) {
    throw Error("expression: damping needs a " + std::to_string(2 * n) + "x" +
                std::to_string(2 * n) + " matrix, got " + std::to_string(damping.rows()) + "x" +
                std::to_string(damping.cols()));
  }
  damping.setZero();
  if (!has_damping()) return;
  const Eigen::VectorXd state = x;
  Eigen::VectorXd values(static_cast<Eigen::Index>(damping_formulas_.size()));
  damping_coefficients(state.data(), values.data());
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    if (values[i] < 0.0) {
      throw Error("expression: the damping coefficient " +
                  damping_formulas_[static_cast<std::size_t>(i)] + " is negative (" +
                  shortest_decimal(values[i]) + ") at " +
                  describe_state(coordinates_, state.data()) +
                  "; a damping coefficient must be >= 0 everywhere");
    }
  }
  for (int i = 0; i < n; ++i) damping(n + i, n + i) = values.size() == 1 ? values[0] : values[i];
}

void ExpressionSystem::forcing(double t, Eigen::Ref<Eigen::VectorXd> force) const {
  check_size("forcing", force.size());
  force.setZero();
  if (!has_forcing()) return;
  const int n = degrees_of_freedom_;
  Eigen::VectorXd values(static_cast<Eigen::Index>(forcing_formulas_.size()));
  if (values.size() == 1) {
    values[0] = forcing_program_->value(&t);
  } else {
    forcing_program_->values(&t, values.data());
  }
  for (int i = 0; i < n; ++i) force[n + i] = values.size() == 1 ? values[0] : values[i];
}

}  // namespace hnn::systems
