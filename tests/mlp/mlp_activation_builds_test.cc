// The tanh and sigmoid loops of the mlp (plugins/models/mlp/activation_kernels.h) in each
// instruction-set build this processor runs: every build gives the SSE2 build's values,
// first and second derivatives bit for bit (none may fuse a multiply and an add), on
// pre-activations across the whole range (both clamps of the exponent included), so that
// MLP results depend on the product kernel only (docs/determinism.md). Builds the
// processor lacks are reported and skipped.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "activation_kernels.h"

namespace {

using hnn::mlp::Activation;
using hnn::mlp::internal::activation_build_available;
using hnn::mlp::internal::activation_function;
using hnn::mlp::internal::ActivationBuild;

// sigma, sigma', sigma'' of one build on the same pre-activations and biases.
struct Activated {
  Eigen::MatrixXd value, first, second;
};

// 203 x 37 pre-activations (odd sizes: every build's vector loop has a remainder), log-uniform
// in magnitude from 1e-12 to 1e3 with both signs, and a few exact values; biases likewise.
void draw(Eigen::MatrixXd& z, Eigen::VectorXd& bias) {
  std::mt19937_64 engine(42);
  std::uniform_real_distribution<double> exponent(-12.0, 3.0), sign(-1.0, 1.0);
  auto sample = [&] { return std::copysign(std::pow(10.0, exponent(engine)), sign(engine)); };
  z.resize(203, 37);
  for (Eigen::Index i = 0; i < z.size(); ++i) z.data()[i] = sample();
  const double exact[] = {0.0, -0.0, 1.0, -1.0, 354.0, -354.0, 800.0, -800.0, 1e-300};
  for (int i = 0; i < 9; ++i) z.data()[i] = exact[i];
  bias.resize(z.rows());
  for (Eigen::Index i = 0; i < bias.size(); ++i) bias[i] = 0.1 * sample();
  bias[0] = 0.0;
}

Activated run(Activation activation, ActivationBuild build, const Eigen::MatrixXd& z,
              const Eigen::VectorXd& bias) {
  Activated result{z, Eigen::MatrixXd(z.rows(), z.cols()), Eigen::MatrixXd(z.rows(), z.cols())};
  activation_function(activation, build)(result.value.data(), bias.data(), result.first.data(),
                                         result.second.data(), z.rows(), z.cols());
  return result;
}

bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return std::memcmp(a.data(), b.data(), sizeof(double) * std::size_t(a.size())) == 0;
}

const char* name_of(ActivationBuild build) {
  switch (build) {
    case ActivationBuild::kAvx512:
      return "avx512";
    case ActivationBuild::kAvx2:
      return "avx2";
    case ActivationBuild::kSse2:
      break;
  }
  return "sse2";
}

}  // namespace

TEST_CASE("every build of the tanh and sigmoid loops rounds like the SSE2 build") {
  Eigen::MatrixXd z;
  Eigen::VectorXd bias;
  draw(z, bias);
  CHECK(activation_build_available(ActivationBuild::kSse2));
  for (const Activation activation : {Activation::kTanh, Activation::kSigmoid}) {
    const Activated reference = run(activation, ActivationBuild::kSse2, z, bias);
    // The reference itself is the function: tanh and the logistic within a few ulps of libm.
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      const double x = z.data()[i] + bias[i % z.rows()];
      const double expected =
          activation == Activation::kTanh ? std::tanh(x) : 1.0 / (1.0 + std::exp(-x));
      REQUIRE(std::abs(reference.value.data()[i] - expected) <= 4e-16 * (1.0 + std::abs(expected)));
    }
    for (const ActivationBuild build : {ActivationBuild::kAvx2, ActivationBuild::kAvx512}) {
      CAPTURE(name_of(build));
      if (!activation_build_available(build)) {
        MESSAGE("this processor has no " << name_of(build) << ": not tested");
        continue;
      }
      const Activated other = run(activation, build, z, bias);
      CHECK(same_bits(other.value, reference.value));
      CHECK(same_bits(other.first, reference.first));
      CHECK(same_bits(other.second, reference.second));
    }
  }
}
