// The mlp's dense product kernels (plugins/models/mlp/dense_product.h: AVX-512+FMA, AVX2+FMA
// and the portable SSE2 build), forced with HNN_PRODUCT_KERNEL, on every machine: the forced
// kernel is the one the model uses (asked through the plugin's hnn_mlp_dense_product_kernel),
// every pair gives the same outputs, input gradients, parameter gradients, input
// Hessian-vector products and HNN objective to round-off, the default is the widest kernel
// bit for bit, and a bad value or an unavailable kernel is refused with a message naming
// the variable. On a processor without AVX-512 (or AVX2) only the kernels it has run, and
// forcing another one is refused.
#include <dlfcn.h>
#include <doctest/doctest.h>
#include <stdlib.h>

#include <optional>
#include <string>

#include "hnn/error.h"
#include "hnn/hamiltonian_objective.h"
#include "mlp_test_support.h"

namespace {

using hnn::testing::make_mlp;
using hnn::testing::MlpSpec;
using hnn::testing::uniform_matrix;

bool processor_has_avx2_and_fma() {
#if defined(__GNUC__) && defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
#else
  return false;
#endif
}

bool processor_has_avx512_and_fma() {
#if defined(__GNUC__) && defined(__x86_64__)
  __builtin_cpu_init();
  return processor_has_avx2_and_fma() && __builtin_cpu_supports("avx512f") != 0 &&
         __builtin_cpu_supports("avx512dq") != 0 && __builtin_cpu_supports("avx512vl") != 0;
#else
  return false;
#endif
}

// The name of the widest kernel this processor has.
std::string widest_kernel() {
  if (processor_has_avx512_and_fma()) return "avx512+fma";
  return processor_has_avx2_and_fma() ? "avx2+fma" : "sse2";
}

// HNN_PRODUCT_KERNEL set (or unset, nullopt) for the life of the object, restored after.
class ProductKernelVariable {
 public:
  explicit ProductKernelVariable(const std::optional<std::string>& value) {
    const char* old = getenv("HNN_PRODUCT_KERNEL");
    if (old != nullptr) old_ = old;
    if (value) {
      setenv("HNN_PRODUCT_KERNEL", value->c_str(), 1);
    } else {
      unsetenv("HNN_PRODUCT_KERNEL");
    }
  }
  ~ProductKernelVariable() {
    if (old_) {
      setenv("HNN_PRODUCT_KERNEL", old_->c_str(), 1);
    } else {
      unsetenv("HNN_PRODUCT_KERNEL");
    }
  }
  ProductKernelVariable(const ProductKernelVariable&) = delete;
  ProductKernelVariable& operator=(const ProductKernelVariable&) = delete;

 private:
  std::optional<std::string> old_;
};

// The kernel a model made by hnn_mlp.so uses, from the plugin's exported query.
std::string kernel_of(const hnn::Model& model) {
  hnn::testing::mlp_plugins();  // loaded
  const std::string library = std::string(HNN_BUNDLED_PLUGIN_DIR) + "/hnn_mlp.so";
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_NOLOAD);
  REQUIRE(handle != nullptr);
  using Query = const char* (*)(const hnn::Model*);
  const auto query = reinterpret_cast<Query>(dlsym(handle, "hnn_mlp_dense_product_kernel"));
  const bool exported = query != nullptr;
  REQUIRE(exported);
  const char* name = query(&model);
  dlclose(handle);  // only the reference RTLD_NOLOAD added
  REQUIRE(name != nullptr);
  return name;
}

// Everything a pass computes, for one model at fixed parameters and inputs.
struct Evaluations {
  Eigen::MatrixXd outputs;
  Eigen::MatrixXd input_gradient;  // of output 0
  Eigen::VectorXd parameter_gradient_of_input_gradient;
  Eigen::VectorXd parameter_gradient_of_outputs;
  Eigen::MatrixXd hessian_vector_product;  // of output 0
  double loss = 0.0;
  Eigen::VectorXd loss_gradient;  // of the HNN objective
};

// A model as wide as the HNN's (200-wide hidden layers) on enough samples for the products
// to be split over the threads and to round differently with FMA.
const MlpSpec kWide{.inputs = 2, .outputs = 2, .hidden = {200, 200}, .seed = 5};
constexpr Eigen::Index kSamples = 300;

Evaluations evaluate(hnn::Model& model) {
  const Eigen::MatrixXd x = uniform_matrix(2, kSamples, 21);
  const Eigen::MatrixXd weights = uniform_matrix(2, kSamples, 22);
  const Eigen::MatrixXd directions = uniform_matrix(2, kSamples, 23);
  const Eigen::MatrixXd output_weights = uniform_matrix(model.output_dimension(), kSamples, 24);
  Evaluations result;
  model.forward(x);
  result.outputs.resize(model.output_dimension(), kSamples);
  model.outputs(result.outputs);
  result.input_gradient.resize(2, kSamples);
  model.input_gradient(0, result.input_gradient);
  result.parameter_gradient_of_input_gradient = Eigen::VectorXd::Zero(model.parameter_count());
  model.add_parameter_gradient_of_input_gradient(0, weights,
                                                 result.parameter_gradient_of_input_gradient);
  result.hessian_vector_product.resize(2, kSamples);
  model.input_hessian_vector_product(0, directions, result.hessian_vector_product);
  result.parameter_gradient_of_outputs = Eigen::VectorXd::Zero(model.parameter_count());
  model.add_parameter_gradient_of_outputs(output_weights, result.parameter_gradient_of_outputs);

  Eigen::MatrixXd states, derivatives;
  hnn::testing::spring_like_data(kSamples, 25, states, derivatives);
  Eigen::VectorXd theta(model.parameter_count());
  model.get_parameters(theta);
  hnn::HamiltonianObjective objective(model, states, derivatives);
  result.loss_gradient.resize(model.parameter_count());
  REQUIRE(objective.evaluate(theta.data(), &result.loss, result.loss_gradient.data()));
  return result;
}

Evaluations evaluate_with(const std::optional<std::string>& variable,
                          const std::string& expected_kernel) {
  const ProductKernelVariable set(variable);
  const auto model = make_mlp(kWide);
  CHECK(kernel_of(*model) == expected_kernel);
  return evaluate(*model);
}

// max |a - b| relative to max |a|.
template <class A, class B>
double relative_difference(const A& a, const B& b) {
  return (a - b).cwiseAbs().maxCoeff() / a.cwiseAbs().maxCoeff();
}

constexpr double kRoundOff = 1e-12;

void check_agree_to_round_off(const Evaluations& a, const Evaluations& b) {
  CHECK(relative_difference(a.outputs, b.outputs) < kRoundOff);
  CHECK(relative_difference(a.input_gradient, b.input_gradient) < kRoundOff);
  CHECK(relative_difference(a.parameter_gradient_of_input_gradient,
                            b.parameter_gradient_of_input_gradient) < kRoundOff);
  CHECK(relative_difference(a.parameter_gradient_of_outputs, b.parameter_gradient_of_outputs) <
        kRoundOff);
  CHECK(relative_difference(a.hessian_vector_product, b.hessian_vector_product) < kRoundOff);
  CHECK(a.loss == doctest::Approx(b.loss).epsilon(kRoundOff));
  CHECK(relative_difference(a.loss_gradient, b.loss_gradient) < kRoundOff);
  MESSAGE("relative differences: outputs "
          << relative_difference(a.outputs, b.outputs) << ", HNN loss gradient "
          << relative_difference(a.loss_gradient, b.loss_gradient) << ", Hessian-vector products "
          << relative_difference(a.hessian_vector_product, b.hessian_vector_product));
}

bool identical(const Evaluations& a, const Evaluations& b) {
  return a.outputs == b.outputs && a.input_gradient == b.input_gradient &&
         a.parameter_gradient_of_input_gradient == b.parameter_gradient_of_input_gradient &&
         a.parameter_gradient_of_outputs == b.parameter_gradient_of_outputs &&
         a.hessian_vector_product == b.hessian_vector_product && a.loss == b.loss &&
         a.loss_gradient == b.loss_gradient;
}

}  // namespace

TEST_CASE("every product kernel gives the same evaluations to round-off") {
  const Evaluations portable = evaluate_with("portable", "sse2");
  // Unset, empty and "auto" are the default: the widest kernel, and the same run twice is
  // bit for bit the same.
  const Evaluations by_default = evaluate_with(std::nullopt, widest_kernel());
  CHECK(identical(by_default, evaluate_with("", widest_kernel())));
  CHECK(identical(by_default, evaluate_with("auto", widest_kernel())));
  if (!processor_has_avx2_and_fma()) {
    MESSAGE("no AVX2+FMA on this processor: only the portable kernel is tested");
    CHECK(identical(by_default, portable));
    return;
  }
  const Evaluations avx2 = evaluate_with("avx2", "avx2+fma");
  CHECK(identical(avx2, evaluate_with("simd", "avx2+fma")));  // the older name
  check_agree_to_round_off(portable, avx2);
  // Fused multiply-adds round differently: different results prove two kernels ran.
  CHECK_FALSE(identical(portable, avx2));
  if (!processor_has_avx512_and_fma()) {
    MESSAGE("no AVX-512 on this processor: the avx512 kernel is not tested");
    CHECK(identical(by_default, avx2));
    return;
  }
  const Evaluations avx512 = evaluate_with("avx512", "avx512+fma");
  CHECK(identical(by_default, avx512));
  check_agree_to_round_off(portable, avx512);
  check_agree_to_round_off(avx2, avx512);
  // 8-double vectors group the products' sums otherwise than 4-double ones.
  CHECK_FALSE(identical(avx2, avx512));
}

TEST_CASE("the kernel is chosen when a model is built and stays with it") {
  std::shared_ptr<hnn::Model> portable;
  {
    const ProductKernelVariable set("portable");
    portable = make_mlp(kWide);
  }
  const ProductKernelVariable unset(std::nullopt);
  const auto by_default = make_mlp(kWide);
  CHECK(kernel_of(*portable) == "sse2");
  const Evaluations from_portable = evaluate(*portable);
  const ProductKernelVariable set("portable");
  CHECK(identical(from_portable, evaluate(*make_mlp(kWide))));
  CHECK(kernel_of(*by_default) == widest_kernel());
}

TEST_CASE("a bad HNN_PRODUCT_KERNEL, and a kernel the processor lacks, are refused") {
  {
    const ProductKernelVariable set("fast");
    CHECK_THROWS_WITH_AS(make_mlp(kWide),
                         doctest::Contains("mlp: HNN_PRODUCT_KERNEL is \"fast\": expected "
                                           "\"portable\", \"avx2\" (or \"simd\"), \"avx512\" "
                                           "or \"auto\" (or unset, which is \"auto\")"),
                         hnn::Error);
  }
  {
    const ProductKernelVariable set("SIMD");  // case matters
    CHECK_THROWS_AS(make_mlp(kWide), hnn::Error);
  }
  if (!processor_has_avx2_and_fma()) {
    for (const char* name : {"avx2", "simd"}) {
      const ProductKernelVariable set(name);
      const std::string expected = std::string("mlp: HNN_PRODUCT_KERNEL is \"") + name +
                                   "\", but this processor has no AVX2 and FMA: unset it or use "
                                   "\"auto\" or a kernel it has (\"portable\")";
      CHECK_THROWS_WITH_AS(make_mlp(kWide), doctest::Contains(expected.c_str()), hnn::Error);
    }
  }
  if (!processor_has_avx512_and_fma()) {
    const ProductKernelVariable set("avx512");
    const std::string expected =
        std::string(
            "mlp: HNN_PRODUCT_KERNEL is \"avx512\", but this processor has no AVX-512 "
            "(F, DQ and VL) and FMA: unset it or use \"auto\" or a kernel it has "
            "(\"portable\"") +
        (processor_has_avx2_and_fma() ? ", \"avx2\")" : ")");
    CHECK_THROWS_WITH_AS(make_mlp(kWide), doctest::Contains(expected.c_str()), hnn::Error);
  }
}
