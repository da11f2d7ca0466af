#include "mlp.h"

#include <omp.h>

#include <Eigen/QR>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <sstream>
#include <type_traits>
#include <utility>

#include "dense_product.h"
#include "hnn/error.h"

namespace hnn::mlp {
namespace {

using Eigen::Index;

// Element-wise work on fewer entries than this stays on one thread (the fork costs more).
constexpr Index kParallelThreshold = 16384;

// Calls body(k) for k = 0 .. count-1, on all OpenMP threads when work (the number of
// entries touched) is large enough. Small loops stay serial without entering OpenMP at
// all: a parallel region with a false if() clause, or with one thread, still allocates a
// team in libgomp.
template <class Body>
void parallel_for(Index count, Index work, const Body& body) {
  if (work >= kParallelThreshold && count > 1 && omp_get_max_threads() > 1) {
#pragma omp parallel for schedule(static)
    for (Index k = 0; k < count; ++k) body(k);
  } else {
    for (Index k = 0; k < count; ++k) body(k);
  }
}

// Products at least this large (rows x columns x depth) are split over the OpenMP threads
// by multiply(); smaller ones run on the calling thread.
constexpr double kParallelProductWork = 100000.0;

// An Eigen matrix expression with direct access (a matrix, map, block or transpose of
// one) as an operand of multiply_dense().
template <class Expression>
DenseOperand dense_operand(const Expression& m) {
  return {m.data(), m.outerStride(), (Expression::Flags & Eigen::RowMajorBit) != 0};
}

// The rows [begin, begin + count) of a (rows of the product), or the columns of b.
DenseOperand operand_rows(const DenseOperand& a, Index begin) {
  return {a.row_major ? a.data + begin * a.stride : a.data + begin, a.stride, a.row_major};
}
DenseOperand operand_columns(const DenseOperand& b, Index begin) {
  return {b.row_major ? b.data + begin : b.data + begin * b.stride, b.stride, b.row_major};
}

// destination = left * right (or += when accumulate), the columns (or rows, whichever is
// longer) of the destination split over the OpenMP threads. Each thread's part is a
// sequential product (dense_product.h: AVX2+FMA where the processor has it) whose packing
// buffers live on the stack (see EIGEN_STACK_ALLOCATION_LIMIT in CMakeLists.txt); Eigen's
// own parallel GEMM would allocate them on the heap on every call.
template <class Destination, class Left, class Right>
void multiply(Destination&& destination, const Left& left, const Right& right, bool accumulate) {
  using DestinationType = std::remove_cvref_t<Destination>;
  Index rows = destination.rows();
  Index columns = destination.cols();
  const Index depth = left.cols();
  DenseOperand a = dense_operand(left);
  DenseOperand b = dense_operand(right);
  if ((DestinationType::Flags & Eigen::RowMajorBit) != 0) {
    // A row-major C = A B is the column-major C^T = B^T A^T.
    std::swap(rows, columns);
    const DenseOperand left_transposed{b.data, b.stride, !b.row_major};
    b = DenseOperand{a.data, a.stride, !a.row_major};
    a = left_transposed;
  }
  double* c = destination.data();
  const Index c_stride = destination.outerStride();
  const double work = double(rows) * double(columns) * double(depth);
  if (work < kParallelProductWork || omp_get_max_threads() == 1) {
    multiply_dense(c, c_stride, rows, columns, depth, a, b, accumulate);
    return;
  }
  const bool split_columns = columns >= rows;
#pragma omp parallel
  {
    const Index parts = omp_get_num_threads();
    const Index part = omp_get_thread_num();
    const Index size = split_columns ? columns : rows;
    const Index begin = size * part / parts;
    const Index count = size * (part + 1) / parts - begin;
    if (count > 0) {
      if (split_columns) {
        multiply_dense(c + begin * c_stride, c_stride, rows, count, depth, a,
                       operand_columns(b, begin), accumulate);
      } else {
        multiply_dense(c + begin, c_stride, count, columns, depth, operand_rows(a, begin), b,
                       accumulate);
      }
    }
  }
}

// exp(x) for x in [-708, 708] (callers clamp), within 1 ulp of std::exp in tests: x = n ln2 + r
// with |r| <= ln2 / 2 (Cody-Waite), exp(r) by its Taylor polynomial of degree 13, 2^n
// written into the exponent bits. Plain arithmetic, so that the compiler vectorises the
// loops that inline it (Eigen's packet exp is slower here, and tied to the build's SSE2).
[[gnu::always_inline]] inline double exp_in_range(double x) {
  constexpr double kShift = 0x1.8p52;  // x / ln2 + kShift keeps round(x / ln2) in its low bits
  const double shifted = x * 1.4426950408889634 + kShift;
  const double n = shifted - kShift;
  const double r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::uint64_t scale = (std::bit_cast<std::uint64_t>(shifted) + 1023) << 52;
  return p * std::bit_cast<double>(scale);
}

[[gnu::always_inline]] inline double clamp_exponent(double x) {
  x = x < -708.0 ? -708.0 : x;
  return x > 708.0 ? 708.0 : x;
}

// The activation functions below add the bias to z (rows x columns, column-major, in
// place), apply sigma and store sigma' and sigma''; they run on the calling thread.
// tanh as 1 - 2 / (exp(2z) + 1) is accurate to ~1e-16 absolute (not relative for
// |z| < 1e-8, which is harmless for values that feed a sum of products).
[[gnu::always_inline]] inline void tanh_columns(double* __restrict z, const double* __restrict bias,
                                                double* __restrict first, double* __restrict second,
                                                Index rows, Index columns) {
  for (Index j = 0; j < columns; ++j) {
    double* __restrict t = z + j * rows;
    double* __restrict d1 = first + j * rows;
    double* __restrict d2 = second + j * rows;
    for (Index i = 0; i < rows; ++i) {
      const double value = 1.0 - 2.0 / (exp_in_range(clamp_exponent(2.0 * (t[i] + bias[i]))) + 1.0);
      const double derivative = 1.0 - value * value;
      t[i] = value;
      d1[i] = derivative;
      d2[i] = -2.0 * value * derivative;
    }
  }
}

[[gnu::always_inline]] inline void sigmoid_columns(double* __restrict z,
                                                   const double* __restrict bias,
                                                   double* __restrict first,
                                                   double* __restrict second, Index rows,
                                                   Index columns) {
  for (Index j = 0; j < columns; ++j) {
    double* __restrict s = z + j * rows;
    double* __restrict d1 = first + j * rows;
    double* __restrict d2 = second + j * rows;
    for (Index i = 0; i < rows; ++i) {
      const double value = 1.0 / (1.0 + exp_in_range(clamp_exponent(-(s[i] + bias[i]))));
      const double derivative = value * (1.0 - value);
      s[i] = value;
      d1[i] = derivative;
      d2[i] = derivative * (1.0 - 2.0 * value);
    }
  }
}

// The same loops compiled for AVX2 (4 doubles a vector instead of SSE2's 2), chosen at run
// time. No FMA: both versions round every operation alike, so results do not depend on the
// processor.
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define HNN_MLP_AVX2_KERNELS 1
__attribute__((target("avx2"))) void tanh_columns_avx2(double* z, const double* bias, double* first,
                                                       double* second, Index rows, Index columns) {
  tanh_columns(z, bias, first, second, rows, columns);
}
__attribute__((target("avx2"))) void sigmoid_columns_avx2(double* z, const double* bias,
                                                          double* first, double* second, Index rows,
                                                          Index columns) {
  sigmoid_columns(z, bias, first, second, rows, columns);
}
bool has_avx2() {
  static const bool result = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return result;
}
#endif

void activate_tanh(double* z, const double* bias, double* first, double* second, Index rows,
                   Index columns) {
#ifdef HNN_MLP_AVX2_KERNELS
  if (has_avx2()) return tanh_columns_avx2(z, bias, first, second, rows, columns);
#endif
  tanh_columns(z, bias, first, second, rows, columns);
}

void activate_sigmoid(double* z, const double* bias, double* first, double* second, Index rows,
                      Index columns) {
#ifdef HNN_MLP_AVX2_KERNELS
  if (has_avx2()) return sigmoid_columns_avx2(z, bias, first, second, rows, columns);
#endif
  sigmoid_columns(z, bias, first, second, rows, columns);
}

// sigma, sigma' and sigma'' at z, for each activation.
struct Derivatives {
  double value;
  double first;
  double second;
};

inline Derivatives relu_derivatives(double z) {
  // The second derivative is 0 away from the kink; at z = 0 the subgradient 0 is used.
  return z > 0.0 ? Derivatives{z, 1.0, 0.0} : Derivatives{0.0, 0.0, 0.0};
}

inline double logistic(double z) {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

inline Derivatives softplus_derivatives(double z) {
  // log(1 + e^z) without overflow; torch's threshold (z > 20 -> z) is not replicated.
  const double value = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
  const double s = logistic(z);
  return {value, s, s * (1.0 - s)};
}

inline Derivatives silu_derivatives(double z) {
  const double s = logistic(z);
  const double ds = s * (1.0 - s);
  return {z * s, s + z * ds, ds * (2.0 + z * (1.0 - 2.0 * s))};
}

inline Derivatives elu_derivatives(double z) {
  if (z > 0.0) return {z, 1.0, 0.0};
  const double e = std::exp(z);
  return {std::expm1(z), e, e};
}

inline Derivatives sin_derivatives(double z) {
  const double s = std::sin(z);
  return {s, std::cos(z), -s};
}

template <Derivatives (*kDerivatives)(double)>
void activate_columns(double* z, const double* bias, double* first, double* second, Index rows,
                      Index columns) {
  for (Index j = 0; j < columns; ++j) {
    const Index offset = j * rows;
    for (Index i = 0; i < rows; ++i) {
      const Derivatives d = kDerivatives(z[offset + i] + bias[i]);
      z[offset + i] = d.value;
      first[offset + i] = d.first;
      second[offset + i] = d.second;
    }
  }
}

using ActivationFunction = void (*)(double* z, const double* bias, double* first, double* second,
                                    Index rows, Index columns);

ActivationFunction activation_function(Activation activation) {
  switch (activation) {
    case Activation::kTanh:
      return activate_tanh;
    case Activation::kRelu:
      return activate_columns<relu_derivatives>;
    case Activation::kSigmoid:
      return activate_sigmoid;
    case Activation::kSoftplus:
      return activate_columns<softplus_derivatives>;
    case Activation::kSilu:
      return activate_columns<silu_derivatives>;
    case Activation::kElu:
      return activate_columns<elu_derivatives>;
    case Activation::kSin:
      return activate_columns<sin_derivatives>;
  }
  return activate_tanh;
}

// The fused first layer (inputs <= kMaxFusedInputs) and output layer (one hidden layer,
// outputs <= kMaxFusedOutputs). With so few inputs the products W_1 x, W_1 Omega and
// W_1^T v are a few multiply-adds per entry of the hidden layer: done as GEMMs they are
// bound by memory traffic, in one loop over the samples with the activation and the
// derivative passes they cost little more than the activation itself.
constexpr int kMaxFusedInputs = 4;
constexpr int kMaxFusedOutputs = 4;

// Samples per chunk of the fused first-layer loops: the unit of their partial sums over
// samples, which are added in chunk order (thread-count independent results).
constexpr Index kChunk = 64;

Index chunk_count(Index samples) { return (samples + kChunk - 1) / kChunk; }

// Samples per slice: forward(), input_gradient() and the parameter gradient run every layer
// for one slice of the batch on one thread, the slices handed out dynamically to the OpenMP
// threads (one parallel region per call, no barrier between layers, and when another
// process holds up one thread the others take over its slices). Sums over samples are
// formed per slice (per chunk in the fused first layer) and added in slice order, so the
// results do not depend on the number of threads. kSlice samples, large enough for the
// products of a slice to run near the speed of one big GEMM, unless that makes more than
// kMaxSlices slices (each slice keeps a parameter-sized vector of sums); always a multiple
// of kChunk.
constexpr Index kSlice = 128;
constexpr Index kMaxSlices = 16;
static_assert(kSlice % kChunk == 0, "a slice is made of whole chunks");

Index slice_size(Index samples) {
  const Index spread = (samples + kMaxSlices - 1) / kMaxSlices;
  return std::max(kSlice, (spread + kChunk - 1) / kChunk * kChunk);
}

Index slice_count(Index samples) {
  const Index size = slice_size(samples);
  return (samples + size - 1) / size;
}

// Calls body(slice, first_sample, sample_count) for every slice of `samples`, on all OpenMP
// threads when work (entries touched per layer) is large enough.
template <class Body>
void parallel_slices(Index samples, Index work, const Body& body) {
  const Index size = slice_size(samples);
  const Index slices = slice_count(samples);
  auto run = [&](Index slice) {
    const Index begin = slice * size;
    body(slice, begin, std::min(size, samples - begin));
  };
  if (work >= kParallelThreshold && slices > 1 && omp_get_max_threads() > 1) {
#pragma omp parallel for schedule(dynamic)
    for (Index slice = 0; slice < slices; ++slice) run(slice);
  } else {
    for (Index slice = 0; slice < slices; ++slice) run(slice);
  }
}

// Calls body(chunk, first_sample, sample_count) for the chunks of [begin, begin + count),
// begin a multiple of kChunk, on the calling thread.
template <class Body>
void for_each_chunk(Index begin, Index count, const Body& body) {
  for (Index first = begin; first < begin + count; first += kChunk) {
    body(first / kChunk, first, std::min(kChunk, begin + count - first));
  }
}

// z = W x for one sample: W rows x kInputs column-major, x kInputs values.
template <int kInputs>
void first_layer_product(const double* __restrict w, const double* __restrict x,
                         double* __restrict z, Index rows) {
  double input[kInputs];
  for (int c = 0; c < kInputs; ++c) input[c] = x[c];
  for (Index i = 0; i < rows; ++i) {
    double sum = w[i] * input[0];
    for (int c = 1; c < kInputs; ++c) sum += w[c * rows + i] * input[c];
    z[i] = sum;
  }
}

// Operands of the fused first-layer passes, all column-major with `rows` = width_1.
struct FirstLayer {
  Index rows = 0;
  const double* weights = nullptr;  // W_1, rows x d
  const double* inputs = nullptr;   // x, d x N, column stride d
  const double* tangent = nullptr;  // Omega, d x N, column stride tangent_stride
  Index tangent_stride = 0;
  const double* first = nullptr;     // sigma'(z_1), rows x N
  const double* second = nullptr;    // sigma''(z_1), rows x N
  const double* upstream = nullptr;  // u_1 = dF_o/da_1, column stride upstream_stride (0: one
  Index upstream_stride = 0;         // column for all samples)
  const double* above = nullptr;     // W_2^T adjoint(z_2), rows x N, or null
};

// T_1 = sigma'(z_1) . W_1 Omega for the samples [begin, begin + count).
template <int kInputs>
void first_layer_tangent(const FirstLayer& layer, double* __restrict tangent_out, Index begin,
                         Index count) {
  const Index rows = layer.rows;
  for (Index j = begin; j < begin + count; ++j) {
    double* __restrict t = tangent_out + j * rows;
    first_layer_product<kInputs>(layer.weights, layer.tangent + j * layer.tangent_stride, t, rows);
    const double* __restrict first = layer.first + j * rows;
    for (Index i = 0; i < rows; ++i) t[i] *= first[i];
  }
}

// Sums over the samples [begin, begin + count) of the first layer's reverse pass, with
// p = W_1 Omega_j, v = sigma' . u and adjoint(z_1) = sigma'' . u . p (+ sigma' . above):
// sums (rows x (d + 2), column-major) = [v Omega^T + adjoint x^T, adjoint, sigma' . p].
// Written for kInputs known at compile time, so that the compiler vectorises over rows.
template <int kInputs, bool kHasAbove>
void first_layer_reverse(const FirstLayer& layer, double* __restrict sums, Index begin,
                         Index count) {
  const Index rows = layer.rows;
  double* __restrict weight_sums = sums;
  double* __restrict bias_sums = sums + kInputs * rows;
  double* __restrict tangent_sums = sums + (kInputs + 1) * rows;
  std::fill(sums, sums + (kInputs + 2) * rows, 0.0);
  const double* __restrict w = layer.weights;
  for (Index j = begin; j < begin + count; ++j) {
    double x[kInputs], omega[kInputs];
    for (int c = 0; c < kInputs; ++c) {
      x[c] = layer.inputs[j * kInputs + c];
      omega[c] = layer.tangent[j * layer.tangent_stride + c];
    }
    const double* __restrict first = layer.first + j * rows;
    const double* __restrict second = layer.second + j * rows;
    const double* __restrict u = layer.upstream + j * layer.upstream_stride;
    const double* __restrict above = kHasAbove ? layer.above + j * rows : nullptr;
    for (Index i = 0; i < rows; ++i) {
      double p = w[i] * omega[0];
      for (int c = 1; c < kInputs; ++c) p += w[c * rows + i] * omega[c];
      const double v = first[i] * u[i];
      double adjoint = second[i] * u[i] * p;
      if constexpr (kHasAbove) adjoint += first[i] * above[i];
      for (int c = 0; c < kInputs; ++c) weight_sums[c * rows + i] += v * omega[c] + adjoint * x[c];
      bias_sums[i] += adjoint;
      tangent_sums[i] += first[i] * p;
    }
  }
}

// Calls f with std::integral_constant<int, inputs> for 1 <= inputs <= kMaxFusedInputs.
template <class F>
void with_fused_inputs(int inputs, const F& f) {
  switch (inputs) {
    case 1:
      return f(std::integral_constant<int, 1>());
    case 2:
      return f(std::integral_constant<int, 2>());
    case 3:
      return f(std::integral_constant<int, 3>());
    default:
      return f(std::integral_constant<int, 4>());
  }
}
static_assert(kMaxFusedInputs == 4, "with_fused_inputs covers 1 .. 4 inputs");

// Reproducible initialisation stream on std::mt19937_64 (see MultilayerPerceptronOptions).
class InitializationStream {
 public:
  explicit InitializationStream(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  double normal() {
    if (has_cached_) {
      has_cached_ = false;
      return cached_;
    }
    double u1 = uniform();
    while (u1 == 0.0) u1 = uniform();
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    cached_ = radius * std::sin(2.0 * std::numbers::pi * u2);
    has_cached_ = true;
    return radius * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 engine_;
  bool has_cached_ = false;
  double cached_ = 0.0;
};

// A rows x columns matrix with orthonormal columns (rows >= columns) or rows (rows <
// columns): torch.nn.init.orthogonal_ with gain 1.
Eigen::MatrixXd orthogonal_matrix(int rows, int columns, InitializationStream& stream) {
  const int tall = std::max(rows, columns);
  const int narrow = std::min(rows, columns);
  Eigen::MatrixXd gaussian(tall, narrow);
  for (int i = 0; i < tall; ++i)
    for (int j = 0; j < narrow; ++j) gaussian(i, j) = stream.normal();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, narrow);
  const Eigen::MatrixXd& r = qr.matrixQR();
  for (int j = 0; j < narrow; ++j) {
    if (r(j, j) < 0.0) q.col(j) *= -1.0;
  }
  if (rows < columns) return q.transpose();
  return q;
}

std::string join_widths(const std::vector<int>& widths) {
  std::ostringstream text;
  for (std::size_t i = 0; i < widths.size(); ++i) text << (i ? "-" : "") << widths[i];
  return text.str();
}

}  // namespace

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::kTanh:
      return "tanh";
    case Activation::kRelu:
      return "relu";
    case Activation::kSigmoid:
      return "sigmoid";
    case Activation::kSoftplus:
      return "softplus";
    case Activation::kSilu:
      return "silu";
    case Activation::kElu:
      return "elu";
    case Activation::kSin:
      return "sin";
  }
  return "unknown";
}

Activation activation_from_string(const std::string& name) {
  if (name == "tanh") return Activation::kTanh;
  if (name == "relu") return Activation::kRelu;
  if (name == "sigmoid") return Activation::kSigmoid;
  if (name == "softplus") return Activation::kSoftplus;
  if (name == "silu" || name == "swish") return Activation::kSilu;
  if (name == "elu") return Activation::kElu;
  if (name == "sin") return Activation::kSin;
  throw Error("mlp: unknown activation '" + name +
              "'; expected one of: tanh, relu, sigmoid, softplus, silu, swish, elu, sin");
}

std::string to_string(Initialization initialization) {
  return initialization == Initialization::kOrthogonal ? "orthogonal" : "torch_default";
}

bool MultilayerPerceptronOptions::is_valid(std::string* error) const {
  auto fail = [error](const std::string& message) {
    if (error != nullptr) *error = message;
    return false;
  };
  if (inputs < 1) return fail("mlp: inputs = " + std::to_string(inputs) + ", must be >= 1");
  if (outputs < 1) return fail("mlp: outputs = " + std::to_string(outputs) + ", must be >= 1");
  if (hidden.empty()) return fail("mlp: hidden is empty, must list at least one layer width");
  for (std::size_t i = 0; i < hidden.size(); ++i) {
    if (hidden[i] < 1) {
      return fail("mlp: hidden[" + std::to_string(i) + "] = " + std::to_string(hidden[i]) +
                  ", must be >= 1");
    }
  }
  return true;
}

OptionSchema MultilayerPerceptron::schema() {
  return OptionSchema{
      Option::integer("inputs", 0,
                      "input dimension; 0 = the system's state dimension (filled in by the host)")
          .at_least(0),
      Option::integer("outputs", 0,
                      "output dimension; 0 = filled in by the host (2 for an HNN, the state "
                      "dimension for a baseline)")
          .at_least(0),
      Option::integer_list("hidden", {200, 200}, "widths of the hidden layers")
          .at_least(1)
          .min_length(1),
      Option::string("activation", "tanh", "activation of the hidden layers (swish = silu)")
          .one_of({"tanh", "relu", "sigmoid", "softplus", "silu", "swish", "elu", "sin"}),
      Option::string("initialization", "torch_default",
                     "torch_default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for all weights and "
                     "biases; orthogonal: orthogonal weights (gain 1), biases torch_default")
          .one_of({"torch_default", "orthogonal"}),
      Option::boolean("output_bias", true, "whether the output layer has a bias"),
      Option::integer("seed", 0,
                      "seed of the initialisation (std::mt19937_64; does not replay PyTorch)")
          .at_least(0),
  };
}

MultilayerPerceptronOptions MultilayerPerceptron::from_options(const Options& options) {
  MultilayerPerceptronOptions result;
  const std::int64_t inputs = options.integer("inputs");
  const std::int64_t outputs = options.integer("outputs");
  if (inputs == 0 || outputs == 0) {
    throw Error("mlp: `" + std::string(inputs == 0 ? "inputs" : "outputs") +
                "` is 0, which means \"filled in by the host\"; set it to the dimension "
                "when creating the model yourself");
  }
  auto narrow = [](const char* key, std::int64_t value) {
    if (value < 0 || value > 1'000'000'000) {
      throw Error("mlp: " + std::string(key) + " = " + std::to_string(value) +
                  " is out of range [0, 1e9]");
    }
    return static_cast<int>(value);
  };
  result.inputs = narrow("inputs", inputs);
  result.outputs = narrow("outputs", outputs);
  result.hidden.clear();
  for (std::int64_t width : options.integers("hidden"))
    result.hidden.push_back(narrow("hidden", width));
  result.activation = activation_from_string(options.string("activation"));
  result.initialization = options.string("initialization") == "orthogonal"
                              ? Initialization::kOrthogonal
                              : Initialization::kTorchDefault;
  result.output_bias = options.boolean("output_bias");
  const std::int64_t seed = options.integer("seed");
  if (seed < 0) throw Error("mlp: seed = " + std::to_string(seed) + ", must be >= 0");
  result.seed = static_cast<std::uint64_t>(seed);
  return result;
}

MultilayerPerceptron::MultilayerPerceptron(const MultilayerPerceptronOptions& options)
    : options_(options) {
  std::string error;
  if (!options_.is_valid(&error)) throw Error(error);
  widths_.push_back(options_.inputs);
  widths_.insert(widths_.end(), options_.hidden.begin(), options_.hidden.end());
  widths_.push_back(options_.outputs);
  Index offset = 0;
  for (int layer = 1; layer <= layer_count(); ++layer) {
    LayerLayout layout;
    layout.rows = widths_[layer];
    layout.columns = widths_[layer - 1];
    layout.weight_offset = offset;
    offset += Index{layout.rows} * layout.columns;
    if (layer < layer_count() || options_.output_bias) {
      layout.bias_offset = offset;
      offset += layout.rows;
    }
    layout_.push_back(layout);
  }
  if (offset > Index{2'000'000'000}) {
    throw Error("mlp " + join_widths(widths_) + ": " + std::to_string(offset) +
                " parameters exceed the supported 2e9");
  }
  parameters_.setZero(offset);
  fuses_first_layer_ = options_.inputs <= kMaxFusedInputs;
  fuses_output_layer_ =
      fuses_first_layer_ && layer_count() == 2 && options_.outputs <= kMaxFusedOutputs;
  if (fuses_first_layer_) first_weights_.resize(widths_[1], widths_[0]);
  initialize();
}

void MultilayerPerceptron::initialize() {
  InitializationStream stream(options_.seed);
  for (int layer = 1; layer <= layer_count(); ++layer) {
    const LayerLayout& layout = layout_[layer - 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(layout.columns));
    MutableWeightMap w(parameters_.data() + layout.weight_offset, layout.rows, layout.columns);
    if (options_.initialization == Initialization::kOrthogonal) {
      w = orthogonal_matrix(layout.rows, layout.columns, stream);
    } else {
      for (Index i = 0; i < w.rows(); ++i)
        for (Index j = 0; j < w.cols(); ++j) w(i, j) = stream.uniform(-bound, bound);
    }
    if (layout.bias_offset >= 0) {
      for (int i = 0; i < layout.rows; ++i)
        parameters_[layout.bias_offset + i] = stream.uniform(-bound, bound);
    }
  }
  has_forward_ = false;
  backward_output_ = -1;
}

std::string MultilayerPerceptron::name() const {
  return "mlp " + join_widths(widths_) + " " + to_string(options_.activation);
}

void MultilayerPerceptron::get_parameters(Eigen::Ref<Eigen::VectorXd> parameters) const {
  check_gradient_size("get_parameters", parameters.size());
  parameters = parameters_;
}

void MultilayerPerceptron::set_parameters(const Eigen::Ref<const Eigen::VectorXd>& parameters) {
  check_gradient_size("set_parameters", parameters.size());
  parameters_ = parameters;
  has_forward_ = false;
  backward_output_ = -1;
}

MultilayerPerceptron::WeightMap MultilayerPerceptron::weight(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return WeightMap(parameters_.data() + layout.weight_offset, layout.rows, layout.columns);
}

Eigen::Map<const Eigen::VectorXd> MultilayerPerceptron::bias(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return Eigen::Map<const Eigen::VectorXd>(parameters_.data() + layout.bias_offset, layout.rows);
}

MultilayerPerceptron::MutableWeightMap MultilayerPerceptron::weight_gradient(
    int layer, double* gradient) const {
  const LayerLayout& layout = layout_[layer - 1];
  return MutableWeightMap(gradient + layout.weight_offset, layout.rows, layout.columns);
}

Eigen::Map<Eigen::VectorXd> MultilayerPerceptron::bias_gradient(int layer, double* gradient) const {
  const LayerLayout& layout = layout_[layer - 1];
  return Eigen::Map<Eigen::VectorXd>(gradient + layout.bias_offset, layout.rows);
}

void MultilayerPerceptron::resize_workspace(Index samples) {
  if (samples == samples_) return;
  const int layers = layer_count();
  state_.resize(layers);
  backward_.resize(layers);
  first_derivative_.resize(layers);
  second_derivative_.resize(layers);
  upstream_.resize(layers);
  product_.resize(layers);
  for (int layer = 0; layer < layers; ++layer) {
    const int width = widths_[layer];
    state_[layer].resize(width, 2 * samples);
    if (layer == 0) continue;
    backward_[layer].resize(width, 2 * samples);
    first_derivative_[layer].resize(width, samples);
    second_derivative_[layer].resize(width, samples);
    if (layer < layers - 1) upstream_[layer].resize(width, samples);
    product_[layer].resize(width, samples);
  }
  outputs_.resize(output_dimension(), samples);
  ones_.setOnes(samples);
  if (fuses_first_layer_)
    chunk_sums_.resize((widths_[0] + 2) * Index{widths_[1]}, chunk_count(samples));
  // Per-slice sums of the parameters of the layers run as products: from W_2 on with a fused
  // first layer (none with one hidden layer, whose fused loops sum in chunks), else all.
  const bool all_fused = fuses_first_layer_ && layers == 2;
  const Index first_product_offset = layout_[fuses_first_layer_ ? 1 : 0].weight_offset;
  slice_gradients_.resize(all_fused ? 0 : parameters_.size() - first_product_offset,
                          slice_count(samples));
  slice_work_ = samples * *std::max_element(widths_.begin(), widths_.end());
  samples_ = samples;
}

void MultilayerPerceptron::check_batch(const char* method, const char* what, Index rows,
                                       Index columns, Index expected_rows) const {
  if (rows != expected_rows || columns != samples_) {
    std::ostringstream message;
    message << name() << ": " << method << ": " << what << " is " << rows << " x " << columns
            << ", expected " << expected_rows << " x " << samples_
            << " (the batch of the last forward)";
    throw Error(message.str());
  }
}

void MultilayerPerceptron::check_gradient_size(const char* method, Index size) const {
  if (size != parameters_.size()) {
    throw Error(name() + ": " + method + ": vector has " + std::to_string(size) +
                " entries, the model has " + std::to_string(parameters_.size()) + " parameters");
  }
}

void MultilayerPerceptron::require_forward(const char* method) const {
  if (!has_forward_) {
    throw Error(name() + ": " + method +
                " called before forward() (or after set_parameters() without a new forward)");
  }
}

void MultilayerPerceptron::check_output_index(int output, const char* method) const {
  if (output < 0 || output >= output_dimension()) {
    throw Error(name() + ": " + method + ": output index " + std::to_string(output) +
                " is out of range [0, " + std::to_string(output_dimension()) + ")");
  }
}

DenseOperand MultilayerPerceptron::weight_operand(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return {parameters_.data() + layout.weight_offset, layout.columns, true};
}

DenseOperand MultilayerPerceptron::transposed_weight_operand(int layer) const {
  const LayerLayout& layout = layout_[layer - 1];
  return {parameters_.data() + layout.weight_offset, layout.columns, false};
}

void MultilayerPerceptron::forward_first_layer(Index begin, Index count) {
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const double* w = first_weights_.data();
  const double* x = state_[0].data() + inputs * samples_;  // right half: the inputs
  double* a = state_[1].data() + rows * samples_;
  const double* b = bias(1).data();
  double* first = first_derivative_[1].data();
  double* second = second_derivative_[1].data();
  const ActivationFunction activation = activation_function(options_.activation);
  // The output layer, when fused: F = W_2 a_1 (+ b_2), one dot product per output.
  const bool outputs = fuses_output_layer_;
  const int output_count = output_dimension();
  const double* w_output = weight(layer_count()).data();
  const int last = layer_count();
  const double* b_output = layout_[last - 1].bias_offset >= 0 ? bias(last).data() : nullptr;
  with_fused_inputs(inputs, [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    for (Index j = begin; j < begin + count; ++j) {
      double* a_j = a + j * rows;
      first_layer_product<kInputs>(w, x + j * kInputs, a_j, rows);
      activation(a_j, b, first + j * rows, second + j * rows, rows, 1);
      if (!outputs) continue;
      const Eigen::Map<const Eigen::VectorXd> activations(a_j, rows);
      for (int r = 0; r < output_count; ++r) {
        double value =
            Eigen::Map<const Eigen::VectorXd>(w_output + r * rows, rows).dot(activations);
        if (b_output != nullptr) value += b_output[r];
        outputs_(r, j) = value;
      }
    }
  });
}

void MultilayerPerceptron::input_gradient_first_layer(int output,
                                                      Eigen::Ref<Eigen::MatrixXd> gradient,
                                                      Index begin, Index count) const {
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const bool one_hidden_layer = layer_count() == 2;
  const double* u = one_hidden_layer ? weight(2).data() + output * rows : upstream_[1].data();
  const Index u_stride = one_hidden_layer ? 0 : rows;
  const Eigen::Map<const Eigen::ArrayXXd> w(first_weights_.data(), rows, inputs);
  const double* first = first_derivative_[1].data();
  double* g = gradient.data();
  const Index g_stride = gradient.outerStride();
  for (Index j = begin; j < begin + count; ++j) {
    const Eigen::Map<const Eigen::ArrayXd> d1(first + j * rows, rows);
    const Eigen::Map<const Eigen::ArrayXd> u_j(u + j * u_stride, rows);
    for (int c = 0; c < inputs; ++c) g[j * g_stride + c] = (w.col(c) * (d1 * u_j)).sum();
  }
}

void MultilayerPerceptron::tangent_first_layer(const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                               Index begin, Index count) {
  FirstLayer layer;
  layer.rows = widths_[1];
  layer.weights = first_weights_.data();
  layer.tangent = weights.data();
  layer.tangent_stride = weights.outerStride();
  layer.first = first_derivative_[1].data();
  double* tangent = state_[1].data();  // left half: T_1
  with_fused_inputs(widths_[0], [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    first_layer_tangent<kInputs>(layer, tangent, begin, count);
  });
}

void MultilayerPerceptron::reverse_first_layer(int output,
                                               const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                               Index begin, Index count) {
  const Index n = samples_;
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const bool one_hidden_layer = layer_count() == 2;
  FirstLayer layer;
  layer.rows = rows;
  layer.weights = first_weights_.data();
  layer.inputs = state_[0].data() + inputs * n;
  layer.tangent = weights.data();
  layer.tangent_stride = weights.outerStride();
  layer.first = first_derivative_[1].data();
  layer.second = second_derivative_[1].data();
  layer.upstream = one_hidden_layer ? weight(2).data() + output * rows : upstream_[1].data();
  layer.upstream_stride = one_hidden_layer ? 0 : rows;
  layer.above = one_hidden_layer ? nullptr : product_[1].data();
  const Index sum_rows = chunk_sums_.rows();
  double* sums = chunk_sums_.data();
  with_fused_inputs(inputs, [&](auto input_count) {
    constexpr int kInputs = decltype(input_count)::value;
    for_each_chunk(begin, count, [&](Index chunk, Index first, Index size) {
      if (one_hidden_layer) {
        first_layer_reverse<kInputs, false>(layer, sums + chunk * sum_rows, first, size);
      } else {
        first_layer_reverse<kInputs, true>(layer, sums + chunk * sum_rows, first, size);
      }
    });
  });
}

void MultilayerPerceptron::add_first_layer_sums(int output, double* gradient) {
  const Index rows = widths_[1];
  const int inputs = widths_[0];
  const Index chunks = chunk_count(samples_);
  for (Index chunk = 1; chunk < chunks; ++chunk) chunk_sums_.col(0) += chunk_sums_.col(chunk);
  const auto total = chunk_sums_.col(0);
  MutableWeightMap weight_sums = weight_gradient(1, gradient);
  for (int c = 0; c < inputs; ++c) weight_sums.col(c) += total.segment(c * rows, rows);
  bias_gradient(1, gradient) += total.segment(inputs * rows, rows);
  // With one hidden layer, dF_o/dx depends on W_2 through its row o: sum over samples of T_1.
  if (layer_count() == 2) {
    weight_gradient(2, gradient).row(output).transpose() +=
        total.segment((inputs + 1) * rows, rows);
  }
}

void MultilayerPerceptron::forward(const Eigen::Ref<const Eigen::MatrixXd>& inputs) {
  if (inputs.rows() != input_dimension() || inputs.cols() < 1) {
    std::ostringstream message;
    message << name() << ": forward: inputs are " << inputs.rows() << " x " << inputs.cols()
            << ", expected " << input_dimension() << " x N with N >= 1";
    throw Error(message.str());
  }
  has_forward_ = false;
  backward_output_ = -1;
  resize_workspace(inputs.cols());
  state_[0].rightCols(samples_) = inputs;
  if (fuses_first_layer_) first_weights_ = weight(1);
  parallel_slices(samples_, slice_work_,
                  [this](Index, Index begin, Index count) { forward_slice(begin, count); });
  has_forward_ = true;
}

void MultilayerPerceptron::forward_slice(Index begin, Index count) {
  const Index n = samples_;
  const int last = layer_count();
  if (fuses_first_layer_) forward_first_layer(begin, count);
  const ActivationFunction activation = activation_function(options_.activation);
  for (int layer = fuses_first_layer_ ? 2 : 1; layer < last; ++layer) {
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* z = state_[layer].data() + (n + begin) * rows;  // right half: a_l
    multiply_dense(z, rows, rows, count, columns, weight_operand(layer),
                   {state_[layer - 1].data() + (n + begin) * columns, columns, false}, false);
    activation(z, bias(layer).data(), first_derivative_[layer].data() + begin * rows,
               second_derivative_[layer].data() + begin * rows, rows, count);
  }
  if (!fuses_output_layer_) {
    const Index rows = widths_[last];
    const Index columns = widths_[last - 1];
    double* f = outputs_.data() + begin * rows;
    multiply_dense(f, rows, rows, count, columns, weight_operand(last),
                   {state_[last - 1].data() + (n + begin) * columns, columns, false}, false);
    if (layout_[last - 1].bias_offset >= 0) {
      const double* b = bias(last).data();
      for (Index j = 0; j < count; ++j)
        for (Index i = 0; i < rows; ++i) f[j * rows + i] += b[i];
    }
  }
}

void MultilayerPerceptron::outputs(Eigen::Ref<Eigen::MatrixXd> outputs) const {
  require_forward("outputs");
  check_batch("outputs", "the outputs matrix", outputs.rows(), outputs.cols(), output_dimension());
  outputs = outputs_;
}

void MultilayerPerceptron::backward_slice(int output, Index begin, Index count) {
  const int last = layer_count();
  // v_{L-1} = sigma'(z_{L-1}) . W_L(o, :)^T, the same weights in every column. The fused
  // first layer forms v_1 = sigma'(z_1) . u_1 in its own passes.
  if (!(fuses_first_layer_ && last == 2)) {
    const Index rows = widths_[last - 1];
    const double* w = weight(last).data() + Index{output} * rows;
    const double* first = first_derivative_[last - 1].data() + begin * rows;
    double* v = backward_[last - 1].data() + begin * rows;
    for (Index j = 0; j < count; ++j)
      for (Index i = 0; i < rows; ++i) v[j * rows + i] = first[j * rows + i] * w[i];
  }
  for (int layer = last - 1; layer >= 2; --layer) {
    // u_{l-1} = W_l^T v_l, v_{l-1} = sigma'(z_{l-1}) . u_{l-1}
    const Index rows = widths_[layer];
    const Index below = widths_[layer - 1];
    double* u = upstream_[layer - 1].data() + begin * below;
    multiply_dense(u, below, below, count, rows, transposed_weight_operand(layer),
                   {backward_[layer].data() + begin * rows, rows, false}, false);
    if (layer == 2 && fuses_first_layer_) break;
    const double* first = first_derivative_[layer - 1].data() + begin * below;
    double* v = backward_[layer - 1].data() + begin * below;
    for (Index k = 0; k < below * count; ++k) v[k] = first[k] * u[k];
  }
}

void MultilayerPerceptron::input_gradient(int output, Eigen::Ref<Eigen::MatrixXd> gradient) {
  require_forward("input_gradient");
  check_output_index(output, "input_gradient");
  check_batch("input_gradient", "the gradient matrix", gradient.rows(), gradient.cols(),
              input_dimension());
  parallel_slices(samples_, slice_work_, [&](Index, Index begin, Index count) {
    backward_slice(output, begin, count);
    if (fuses_first_layer_) {
      input_gradient_first_layer(output, gradient, begin, count);
    } else {
      const Index rows = widths_[1];
      multiply_dense(gradient.data() + begin * gradient.outerStride(), gradient.outerStride(),
                     input_dimension(), count, rows, transposed_weight_operand(1),
                     {backward_[1].data() + begin * rows, rows, false}, false);
    }
  });
  backward_output_ = output;
}

void MultilayerPerceptron::add_parameter_gradient_of_input_gradient(
    int output, const Eigen::Ref<const Eigen::MatrixXd>& weights,
    Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_input_gradient";
  require_forward(method);
  check_output_index(output, method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), input_dimension());
  check_gradient_size(method, gradient.size());
  const bool recompute_backward = backward_output_ != output;
  parallel_slices(samples_, slice_work_, [&](Index slice, Index begin, Index count) {
    if (recompute_backward) backward_slice(output, begin, count);
    reverse_slice(output, weights, slice, begin, count);
  });
  backward_output_ = output;

  // The sums over samples, in slice (chunk) order.
  double* g = gradient.data();
  const Index partial_rows = slice_gradients_.rows();
  if (partial_rows > 0) {
    const Index offset = parameters_.size() - partial_rows;
    const Index slices = slice_count(samples_);
    const double* partial = slice_gradients_.data();
    constexpr Index kBlock = 4096;
    parallel_for((partial_rows + kBlock - 1) / kBlock, partial_rows * slices, [&](Index block) {
      const Index end = std::min(partial_rows, (block + 1) * kBlock);
      for (Index k = block * kBlock; k < end; ++k) {
        double sum = partial[k];
        for (Index slice = 1; slice < slices; ++slice) sum += partial[slice * partial_rows + k];
        g[offset + k] += sum;
      }
    });
  }
  if (fuses_first_layer_) add_first_layer_sums(output, g);
}

void MultilayerPerceptron::reverse_slice(int output,
                                         const Eigen::Ref<const Eigen::MatrixXd>& weights,
                                         Index slice, Index begin, Index count) {
  const Index n = samples_;
  const int last = layer_count();
  if (fuses_first_layer_ && last == 2) {
    reverse_first_layer(output, weights, begin, count);
    return;
  }
  // This slice's sums over samples of the layers run as products, laid out like the
  // parameters from the first such layer on (slice_gradients_).
  const Index partial_rows = slice_gradients_.rows();
  const Index partial_offset = parameters_.size() - partial_rows;
  double* slice_sums = slice_gradients_.col(slice).data();
  std::fill(slice_sums, slice_sums + partial_rows, 0.0);
  // The entry of parameter `offset` (an offset of layout_) in slice_sums.
  auto partial = [&](Index offset) { return slice_sums + (offset - partial_offset); };
  const double* w_output = weight(last).data() + Index{output} * widths_[last - 1];

  // Tangent pass: T_0 = Omega, P_l = W_l T_{l-1}, T_l = sigma'(z_l) . P_l; the backward
  // pass sees the same tangent through sigma'(z_l), which gives the adjoint of z_l from the
  // backward pass, sigma''(z_l) . u_l . P_l (stored in the right half of backward_[l]).
  if (fuses_first_layer_) {
    tangent_first_layer(weights, begin, count);
  } else {
    state_[0].middleCols(begin, count) = weights.middleCols(begin, count);
  }
  for (int layer = fuses_first_layer_ ? 2 : 1; layer < last; ++layer) {
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* p = product_[layer].data() + begin * rows;
    multiply_dense(p, rows, rows, count, columns, weight_operand(layer),
                   {state_[layer - 1].data() + begin * columns, columns, false}, false);
    const double* first = first_derivative_[layer].data() + begin * rows;
    const double* second = second_derivative_[layer].data() + begin * rows;
    double* tangent = state_[layer].data() + begin * rows;
    double* adjoint = backward_[layer].data() + (n + begin) * rows;
    if (layer < last - 1) {
      const double* u = upstream_[layer].data() + begin * rows;
      for (Index k = 0; k < rows * count; ++k) {
        tangent[k] = first[k] * p[k];
        adjoint[k] = second[k] * u[k] * p[k];
      }
    } else {
      // dF_o/dx depends on W_L only through its row o: sum over samples of T_{L-1}.
      double* row_sums = partial(layout_[last - 1].weight_offset + Index{output} * rows);
      for (Index j = 0; j < count; ++j) {
        for (Index i = 0; i < rows; ++i) {
          const Index k = j * rows + i;
          tangent[k] = first[k] * p[k];
          adjoint[k] = second[k] * w_output[i] * p[k];
          row_sums[i] += tangent[k];
        }
      }
    }
  }

  // Reverse pass over the forward network: adjoint(z_l) += sigma'(z_l) . W_{l+1}^T
  // adjoint(z_{l+1}); dW_l += v_l T_{l-1}^T + adjoint(z_l) a_{l-1}^T; db_l += row sums of
  // adjoint(z_l). dW_l is row-major: its transpose, T_{l-1} v_l^T + a_{l-1} adjoint^T, is
  // what the products form.
  for (int layer = last - 1; layer >= 1; --layer) {
    if (layer == 1 && fuses_first_layer_) {
      reverse_first_layer(output, weights, begin, count);
      break;
    }
    const Index rows = widths_[layer];
    const Index columns = widths_[layer - 1];
    double* adjoint = backward_[layer].data() + (n + begin) * rows;
    const double* v = backward_[layer].data() + begin * rows;
    if (layer < last - 1) {
      const double* a = product_[layer].data() + begin * rows;
      const double* first = first_derivative_[layer].data() + begin * rows;
      for (Index k = 0; k < rows * count; ++k) adjoint[k] += first[k] * a[k];
    }
    double* weight_sums = partial(layout_[layer - 1].weight_offset);
    multiply_dense(weight_sums, columns, columns, rows, count,
                   {state_[layer - 1].data() + begin * columns, columns, false}, {v, rows, true},
                   true);
    multiply_dense(weight_sums, columns, columns, rows, count,
                   {state_[layer - 1].data() + (n + begin) * columns, columns, false},
                   {adjoint, rows, true}, true);
    double* bias_sums = partial(layout_[layer - 1].bias_offset);
    for (Index j = 0; j < count; ++j)
      for (Index i = 0; i < rows; ++i) bias_sums[i] += adjoint[j * rows + i];
    if (layer > 1) {
      multiply_dense(product_[layer - 1].data() + begin * columns, columns, columns, count, rows,
                     transposed_weight_operand(layer), {adjoint, rows, false}, false);
    }
  }
}

void MultilayerPerceptron::add_parameter_gradient_of_outputs(
    const Eigen::Ref<const Eigen::MatrixXd>& weights, Eigen::Ref<Eigen::VectorXd> gradient) {
  const char* method = "add_parameter_gradient_of_outputs";
  require_forward(method);
  check_batch(method, "the weights matrix", weights.rows(), weights.cols(), output_dimension());
  check_gradient_size(method, gradient.size());

  const Index n = samples_;
  const int last = layer_count();
  double* g = gradient.data();
  multiply(weight_gradient(last, g), weights, state_[last - 1].rightCols(n).transpose(), true);
  if (layout_[last - 1].bias_offset >= 0) bias_gradient(last, g).noalias() += weights * ones_;
  multiply(product_[last - 1], weight(last).transpose(), weights, false);
  // delta_l = sigma'(z_l) . product_l is kept in the right half of backward_[l] (scratch).
  for (int layer = last - 1; layer >= 1; --layer) {
    auto delta = backward_[layer].rightCols(n);
    {
      const Index size = delta.size();
      const double* p = product_[layer].data();
      const double* first = first_derivative_[layer].data();
      double* d = delta.data();
      parallel_for(size, size, [=](Index k) { d[k] = first[k] * p[k]; });
    }
    multiply(weight_gradient(layer, g), delta, state_[layer - 1].rightCols(n).transpose(), true);
    bias_gradient(layer, g).noalias() += delta * ones_;
    if (layer > 1) multiply(product_[layer - 1], weight(layer).transpose(), delta, false);
  }
}

}  // namespace hnn::mlp
