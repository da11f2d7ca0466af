#include "hnn/symbolic/network_model.h"

#include <utility>

#include "hnn/error.h"

namespace hnn::symbolic {
namespace {

using GiNaC::ex;

std::string join_width(const std::vector<SymbolicLayer>& layers) {
  std::string text = std::to_string(layers.front().inputs());
  for (const auto& layer : layers) {
    text += '-';
    text += std::to_string(layer.outputs());
  }
  return text;
}

}  // namespace

SymbolicNetworkModel::SymbolicNetworkModel(std::vector<SymbolicLayer> layers,
                                           std::vector<std::string> variable_names,
                                           const SymbolicFunctionLibrary& library, int digits)
    : layers_(std::move(layers)),
      names_(std::move(variable_names)),
      library_(library),
      digits_(digits) {
  if (digits_ != SymbolicFormula::kFull && (digits_ < 0 || digits_ > 15)) {
    throw Error("symbolic network model: digits = " + std::to_string(digits_) +
                " must be in [0, 15] (or full precision)");
  }
  // Checks the network (names, shapes, functions, finite values) with SymbolicFormula's
  // messages, and gives the rounded expressions in rounded mode.
  const SymbolicFormula formula(layers_, names_, library_);
  std::vector<ex> variables = formula.variables();
  const std::size_t d = variables.size();
  std::vector<ex> final_nodes;
  if (digits_ == SymbolicFormula::kFull) {
    std::vector<ex> nodes = variables;
    auto parameter = [&](double value) {
      parameters_.push_back(value);
      const ex symbol = GiNaC::realsymbol("theta_" + std::to_string(parameters_.size() - 1));
      variables.push_back(symbol);
      return symbol;
    };
    for (const SymbolicLayer& layer : layers_) {
      std::vector<ex> next(static_cast<std::size_t>(layer.outputs()), ex(0));
      for (int j = 0; j < layer.outputs(); ++j) {
        for (int i = 0; i < layer.inputs(); ++i) {
          const SymbolicEdge& edge = layer.edge(i, j);
          if (edge.pruned()) continue;
          const ex a = parameter(edge.a), b = parameter(edge.b);
          const ex c = parameter(edge.c), dd = parameter(edge.d);
          next[std::size_t(j)] +=
              c * library_.at(edge.function).expression(a * nodes[std::size_t(i)] + b) + dd;
        }
      }
      for (int j = 0; j < layer.outputs(); ++j) next[std::size_t(j)] += parameter(layer.bias(j));
      nodes = std::move(next);
    }
    final_nodes = std::move(nodes);
  } else {
    for (std::size_t o = 0; o < formula.output_count(); ++o) {
      final_nodes.push_back(formula.rounded_expression(o, digits_));
    }
  }
  for (const ex& node : final_nodes) {
    Output output{CompiledExpression(node, variables), {}};
    for (std::size_t i = 0; i < d; ++i) {
      output.gradient.emplace_back(node.diff(GiNaC::ex_to<GiNaC::symbol>(variables[i])), variables);
    }
    outputs_.push_back(std::move(output));
  }
  state_.assign(d + parameters_.size(), 0.0);
  for (std::size_t k = 0; k < parameters_.size(); ++k) state_[d + k] = parameters_[k];
  lanes_.assign(d + parameters_.size(), 0.0);
}

SymbolicNetworkModel::~SymbolicNetworkModel() = default;

std::string SymbolicNetworkModel::name() const {
  int edges = 0;
  for (const auto& layer : layers_) {
    for (const auto& edge : layer.edges()) edges += edge.pruned() ? 0 : 1;
  }
  return "symbolic " + join_width(layers_) + " (" + std::to_string(edges) + " edges" +
         (digits_ == SymbolicFormula::kFull ? "" : ", rounded to " + std::to_string(digits_)) + ")";
}

void SymbolicNetworkModel::get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const {
  if (parameters.size() != parameter_count()) {
    throw Error(name() + ": get_parameters: " + std::to_string(parameters.size()) + " values for " +
                std::to_string(parameter_count()) + " parameters");
  }
  for (int k = 0; k < parameter_count(); ++k) parameters[k] = parameters_[std::size_t(k)];
}

void SymbolicNetworkModel::set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) {
  if (parameters.size() != parameter_count()) {
    throw Error(name() + ": set_parameters: " + std::to_string(parameters.size()) + " values for " +
                std::to_string(parameter_count()) + " parameters");
  }
  const std::size_t d = names_.size();
  for (int k = 0; k < parameter_count(); ++k) {
    parameters_[std::size_t(k)] = parameters[k];
    state_[d + std::size_t(k)] = parameters[k];
  }
}

void SymbolicNetworkModel::require_forward(const char* method) const {
  if (!has_forward_) throw Error(name() + ": " + method + " before forward()");
}

void SymbolicNetworkModel::check_output(int output, const char* method) const {
  if (output < 0 || output >= output_dimension()) {
    throw Error(name() + ": " + method + ": no output " + std::to_string(output) + " (there are " +
                std::to_string(output_dimension()) + ")");
  }
}

void SymbolicNetworkModel::load_state(Eigen::Index sample) {
  for (std::size_t i = 0; i < names_.size(); ++i) state_[i] = inputs_(Eigen::Index(i), sample);
}

void SymbolicNetworkModel::forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  if (inputs.rows() != input_dimension() || inputs.cols() < 1) {
    throw Error(name() + ": forward: inputs are " + std::to_string(inputs.rows()) + " x " +
                std::to_string(inputs.cols()) + ", expected " + std::to_string(input_dimension()) +
                " x N with N >= 1 (one sample per column)");
  }
  inputs_ = inputs;
  values_.resize(output_dimension(), inputs.cols());
  for (Eigen::Index n = 0; n < inputs.cols(); ++n) {
    load_state(n);
    for (int o = 0; o < output_dimension(); ++o) {
      values_(o, n) = outputs_[std::size_t(o)].value.value(state_.data());
    }
  }
  has_forward_ = true;
}

void SymbolicNetworkModel::outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const {
  require_forward("outputs");
  if (outputs.rows() != values_.rows() || outputs.cols() != values_.cols()) {
    throw Error(name() + ": outputs: the matrix is " + std::to_string(outputs.rows()) + " x " +
                std::to_string(outputs.cols()) + ", expected " + std::to_string(values_.rows()) +
                " x " + std::to_string(values_.cols()));
  }
  outputs = values_;
}

void SymbolicNetworkModel::input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) {
  require_forward("input_gradient");
  check_output(output, "input_gradient");
  if (gradient.rows() != inputs_.rows() || gradient.cols() != inputs_.cols()) {
    throw Error(name() + ": input_gradient: the matrix is " + std::to_string(gradient.rows()) +
                " x " + std::to_string(gradient.cols()) + ", expected " +
                std::to_string(inputs_.rows()) + " x " + std::to_string(inputs_.cols()));
  }
  const Output& tapes = outputs_[std::size_t(output)];
  for (Eigen::Index n = 0; n < inputs_.cols(); ++n) {
    load_state(n);
    for (std::size_t i = 0; i < names_.size(); ++i) {
      gradient(Eigen::Index(i), n) = tapes.gradient[i].value(state_.data());
    }
  }
}

void SymbolicNetworkModel::add_parameter_gradient_of_input_gradient(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::VectorXd> gradient) {
  require_forward("add_parameter_gradient_of_input_gradient");
  check_output(output, "add_parameter_gradient_of_input_gradient");
  if (weights.rows() != inputs_.rows() || weights.cols() != inputs_.cols() ||
      gradient.size() != parameter_count()) {
    throw Error(name() + ": add_parameter_gradient_of_input_gradient: weights " +
                std::to_string(weights.rows()) + " x " + std::to_string(weights.cols()) +
                " and gradient " + std::to_string(gradient.size()) + ", expected " +
                std::to_string(inputs_.rows()) + " x " + std::to_string(inputs_.cols()) + " and " +
                std::to_string(parameter_count()));
  }
  const Output& tapes = outputs_[std::size_t(output)];
  const std::size_t d = names_.size();
  for (Eigen::Index n = 0; n < inputs_.cols(); ++n) {
    load_state(n);
    for (std::size_t i = 0; i < d; ++i) {
      const double w = weights(Eigen::Index(i), n);
      if (w == 0.0) continue;
      tapes.gradient[i].value_and_gradient(state_.data(), lanes_.data());
      for (int k = 0; k < parameter_count(); ++k) gradient[k] += w * lanes_[d + std::size_t(k)];
    }
  }
}

void SymbolicNetworkModel::input_hessian_vector_product(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& directions,
    Eigen::Ref<Eigen::MatrixXd> products) {
  require_forward("input_hessian_vector_product");
  check_output(output, "input_hessian_vector_product");
  if (directions.rows() != inputs_.rows() || directions.cols() != inputs_.cols() ||
      products.rows() != inputs_.rows() || products.cols() != inputs_.cols()) {
    throw Error(name() + ": input_hessian_vector_product: directions " +
                std::to_string(directions.rows()) + " x " + std::to_string(directions.cols()) +
                " and products " + std::to_string(products.rows()) + " x " +
                std::to_string(products.cols()) + ", expected " + std::to_string(inputs_.rows()) +
                " x " + std::to_string(inputs_.cols()));
  }
  // Row i of the Hessian is the input part of the forward-mode gradient of dF_o/dx_i.
  const Output& tapes = outputs_[std::size_t(output)];
  const std::size_t d = names_.size();
  for (Eigen::Index n = 0; n < inputs_.cols(); ++n) {
    load_state(n);
    for (std::size_t i = 0; i < d; ++i) {
      tapes.gradient[i].value_and_gradient(state_.data(), lanes_.data());
      double sum = 0.0;
      for (std::size_t j = 0; j < d; ++j) sum += lanes_[j] * directions(Eigen::Index(j), n);
      products(Eigen::Index(i), n) = sum;
    }
  }
}

void SymbolicNetworkModel::add_parameter_gradient_of_outputs(
    const Eigen::Ref<const Eigen::MatrixXd>& weights, Eigen::Ref<Eigen::VectorXd> gradient) {
  require_forward("add_parameter_gradient_of_outputs");
  if (weights.rows() != values_.rows() || weights.cols() != values_.cols() ||
      gradient.size() != parameter_count()) {
    throw Error(name() + ": add_parameter_gradient_of_outputs: weights " +
                std::to_string(weights.rows()) + " x " + std::to_string(weights.cols()) +
                " and gradient " + std::to_string(gradient.size()) + ", expected " +
                std::to_string(values_.rows()) + " x " + std::to_string(values_.cols()) + " and " +
                std::to_string(parameter_count()));
  }
  const std::size_t d = names_.size();
  for (Eigen::Index n = 0; n < inputs_.cols(); ++n) {
    load_state(n);
    for (int o = 0; o < output_dimension(); ++o) {
      const double w = weights(o, n);
      if (w == 0.0) continue;
      outputs_[std::size_t(o)].value.value_and_gradient(state_.data(), lanes_.data());
      for (int k = 0; k < parameter_count(); ++k) gradient[k] += w * lanes_[d + std::size_t(k)];
    }
  }
}

std::vector<SymbolicLayer> SymbolicNetworkModel::layers() const {
  if (digits_ != SymbolicFormula::kFull) return layers_;
  std::vector<SymbolicLayer> layers = layers_;
  std::size_t k = 0;
  for (SymbolicLayer& layer : layers) {
    for (int j = 0; j < layer.outputs(); ++j) {
      for (int i = 0; i < layer.inputs(); ++i) {
        SymbolicEdge& edge = layer.edge(i, j);
        if (edge.pruned()) continue;
        edge.a = parameters_[k++];
        edge.b = parameters_[k++];
        edge.c = parameters_[k++];
        edge.d = parameters_[k++];
      }
    }
    for (int j = 0; j < layer.outputs(); ++j) layer.bias(j) = parameters_[k++];
  }
  return layers;
}

SymbolicFormula SymbolicNetworkModel::formula() const {
  return SymbolicFormula(layers(), names_, library_);
}

}  // namespace hnn::symbolic
