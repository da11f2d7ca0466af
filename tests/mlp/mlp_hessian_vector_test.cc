// The mlp's input Hessian-vector product (Model::input_hessian_vector_product): against the
// closed form of a one-hidden-layer network with hand-set parameters, against finite
// differences of the input gradient for every activation (fused and unfused first layer, one
// and three hidden layers), batches of several slices against single samples, and errors.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "hnn/gradient_check.h"
#include "mlp_test_support.h"

namespace {

using hnn::testing::make_mlp;
using hnn::testing::uniform_matrix;

const std::vector<std::string> kActivations = {"tanh", "relu",  "sigmoid", "softplus",
                                               "silu", "swish", "elu",     "sin"};

// F(x) = sum_k c_k tanh(w_k . x + b_k) + b_out has the Hessian
// sum_k c_k tanh''(z_k) w_k w_k^T, tanh''(z) = -2 tanh(z) (1 - tanh(z)^2).
Eigen::MatrixXd tanh_network_hessian(const Eigen::MatrixXd& w, const Eigen::VectorXd& c,
                                     const Eigen::VectorXd& b, const Eigen::VectorXd& x) {
  Eigen::MatrixXd hessian = Eigen::MatrixXd::Zero(w.cols(), w.cols());
  for (Eigen::Index k = 0; k < w.rows(); ++k) {
    const double t = std::tanh(w.row(k).dot(x) + b[k]);
    hessian += c[k] * (-2.0 * t * (1.0 - t * t)) * w.row(k).transpose() * w.row(k);
  }
  return hessian;
}

}  // namespace

TEST_CASE("golden: a one-hidden-layer tanh network with hand-set parameters, closed form") {
  // Two inputs (the fused first layer) and six (the products), one and three hidden units.
  for (const int inputs : {2, 6}) {
    for (const int hidden : {1, 3}) {
      CAPTURE(inputs);
      CAPTURE(hidden);
      auto model = make_mlp({.inputs = inputs, .outputs = 1, .hidden = {hidden}});
      // Parameters in the model's order: W_1 row-major, b_1, W_2 (1 x hidden), b_2.
      Eigen::MatrixXd w(hidden, inputs);
      for (int k = 0; k < hidden; ++k)
        for (int i = 0; i < inputs; ++i) w(k, i) = 0.7 - 0.45 * k + 0.3 * i * (k % 2 ? -1 : 1);
      Eigen::VectorXd b(hidden), c(hidden);
      for (int k = 0; k < hidden; ++k) {
        b[k] = 0.2 - 0.3 * k;
        c[k] = 1.5 - 0.9 * k;
      }
      Eigen::VectorXd theta(model->parameter_count());
      Eigen::Index offset = 0;
      for (int k = 0; k < hidden; ++k)
        for (int i = 0; i < inputs; ++i) theta[offset++] = w(k, i);
      theta.segment(offset, hidden) = b;
      offset += hidden;
      theta.segment(offset, hidden) = c;
      theta[offset + hidden] = 0.1;
      model->set_parameters(theta);

      const int n = 5;
      const Eigen::MatrixXd x = uniform_matrix(inputs, n, 3, -1.5, 1.5);
      const Eigen::MatrixXd v = uniform_matrix(inputs, n, 4);
      model->forward(x);
      Eigen::MatrixXd gradient(inputs, n), products(inputs, n);
      model->input_gradient(0, gradient);
      REQUIRE(model->has_input_hessian_vector_product());
      model->input_hessian_vector_product(0, v, products);
      for (int s = 0; s < n; ++s) {
        CAPTURE(s);
        const Eigen::VectorXd expected = tanh_network_hessian(w, c, b, x.col(s)) * v.col(s);
        CHECK((products.col(s) - expected).cwiseAbs().maxCoeff() <=
              1e-14 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
      }
    }
  }
}

TEST_CASE("finite differences of the input gradient for every activation, symmetric") {
  for (const std::string& activation : kActivations) {
    for (const int inputs : {3, 6}) {
      for (const auto& hidden :
           {std::vector<std::int64_t>{5}, std::vector<std::int64_t>{5, 4, 6}}) {
        for (const bool output_bias : {true, false}) {
          CAPTURE(activation);
          CAPTURE(inputs);
          CAPTURE(hidden.size());
          auto model = make_mlp({.inputs = inputs,
                                 .outputs = 2,
                                 .hidden = hidden,
                                 .activation = activation,
                                 .output_bias = output_bias,
                                 .seed = 17});
          const Eigen::MatrixXd x = uniform_matrix(inputs, 13, 21);
          // relu and elu: sigma' or sigma'' has a kink at 0 (see mlp_test.cc).
          hnn::GradientCheckOptions options;
          if (activation == "relu" || activation == "elu") options.step = 1e-5;
          for (int output : {0, 1}) {
            CAPTURE(output);
            const Eigen::MatrixXd u = uniform_matrix(inputs, 13, 30 + output);
            const auto result =
                hnn::check_model_input_hessian_vector_product(*model, x, output, u, options);
            if (activation == "relu") {
              // Piecewise linear: the Hessian is exactly 0 away from the kinks.
              CHECK(result.analytic.isZero(0.0));
              CHECK(result.numeric.cwiseAbs().maxCoeff() < 1e-8);
            } else {
              CHECK_MESSAGE(result.passed(1e-6), result.report());
            }
            // u^T (H v) = v^T (H u) per sample.
            const Eigen::MatrixXd v = uniform_matrix(inputs, 13, 40 + output);
            Eigen::MatrixXd gradient(inputs, 13), hu(inputs, 13), hv(inputs, 13);
            model->forward(x);
            model->input_gradient(output, gradient);
            model->input_hessian_vector_product(output, u, hu);
            model->input_hessian_vector_product(output, v, hv);
            for (int s = 0; s < 13; ++s) {
              const double scale = std::max(1.0, hu.col(s).norm() + hv.col(s).norm());
              CHECK(std::abs(u.col(s).dot(hv.col(s)) - v.col(s).dot(hu.col(s))) <= 1e-13 * scale);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("a batch of several slices agrees with single samples; outputs interleaved") {
  for (const int inputs : {2, 6}) {
    CAPTURE(inputs);
    auto model = make_mlp({.inputs = inputs, .outputs = 2, .hidden = {20, 20}, .seed = 5});
    const int n = 300;  // three slices of 128 samples (batch_loops.h)
    const Eigen::MatrixXd x = uniform_matrix(inputs, n, 7);
    const Eigen::MatrixXd v = uniform_matrix(inputs, n, 8);
    Eigen::MatrixXd gradient(inputs, n), products(inputs, n), again(inputs, n);
    model->forward(x);
    model->input_gradient(1, gradient);
    model->input_hessian_vector_product(1, v, products);
    // After input_gradient() of the other output, the backward pass of output 1 is redone.
    model->input_gradient(0, gradient);
    model->input_hessian_vector_product(1, v, again);
    CHECK(again == products);
    for (const int s : {0, 127, 128, 200, 299}) {
      CAPTURE(s);
      Eigen::MatrixXd one_gradient(inputs, 1), one_product(inputs, 1);
      model->forward(x.col(s));
      model->input_gradient(1, one_gradient);
      model->input_hessian_vector_product(1, v.col(s), one_product);
      CHECK(one_product.isApprox(products.col(s), 1e-12));
    }
  }
}

TEST_CASE("input Hessian-vector product: errors name the model and both sizes") {
  auto model = make_mlp({.hidden = {4, 3}});
  const Eigen::MatrixXd x = uniform_matrix(2, 5, 1);
  Eigen::MatrixXd v = uniform_matrix(2, 5, 2), products(2, 5), gradient(2, 5);
  CHECK_THROWS_WITH_AS(model->input_hessian_vector_product(0, v, products),
                       doctest::Contains("input_hessian_vector_product called before forward()"),
                       hnn::Error);
  model->forward(x);
  model->input_gradient(0, gradient);
  CHECK_THROWS_WITH_AS(model->input_hessian_vector_product(2, v, products),
                       doctest::Contains("output index 2 is out of range [0, 2)"), hnn::Error);
  Eigen::MatrixXd wrong(2, 4);
  CHECK_THROWS_WITH_AS(model->input_hessian_vector_product(0, wrong, products),
                       doctest::Contains("mlp 2-4-3-2 tanh: input_hessian_vector_product: the "
                                         "directions matrix is 2 x 4, expected 2 x 5"),
                       hnn::Error);
  CHECK_THROWS_WITH_AS(model->input_hessian_vector_product(0, v, wrong),
                       doctest::Contains("the products matrix is 2 x 4, expected 2 x 5"),
                       hnn::Error);
}
