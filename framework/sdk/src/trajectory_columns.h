// Column-wise arithmetic of TrajectoryObjective (hnn/trajectory_objective.h) on d x W
// matrices whose columns are the windows' states: the RK4 stage inputs and update, the
// stage adjoints, and the solenoidal field J g with its adjoint. Internal to libhnn
// (trajectory_sweeps.cc, trajectory_objective.cc).
//
// Why: with a dynamic row count Eigen runs a loop (with its vectorisation prologue and
// epilogue) inside every column of d = 2 rows, which weighed as much as a tiny model's
// reverse passes (26 % of a KAN [2, 1, 1] rollout in perf). These loops give the compiler
// the row count at compile time for d = 2 and 4 (any other d takes the dynamic path). Every
// entry is computed by the same operations in the same order as the plain Eigen column
// expressions, so the results are bit-identical.
#ifndef HNN_SRC_TRAJECTORY_COLUMNS_H_
#define HNN_SRC_TRAJECTORY_COLUMNS_H_

#include <Eigen/Core>
#include <type_traits>

namespace hnn::internal {

// A row of the windows' time steps (one entry per window).
using StepRow = Eigen::Ref<const Eigen::RowVectorXd, 0, Eigen::InnerStride<>>;

namespace columns_detail {

template <int Rows>
using ConstColumns =
    Eigen::Map<const Eigen::Matrix<double, Rows, Eigen::Dynamic>, 0, Eigen::OuterStride<>>;
template <int Rows>
using Columns = Eigen::Map<Eigen::Matrix<double, Rows, Eigen::Dynamic>, 0, Eigen::OuterStride<>>;

template <int Rows>
ConstColumns<Rows> const_view(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  return ConstColumns<Rows>(m.data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.outerStride()));
}
template <int Rows>
Columns<Rows> view(Eigen::Ref<Eigen::MatrixXd> m) {
  return Columns<Rows>(m.data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.outerStride()));
}

// The first and the second half of a column of R (even, or Eigen::Dynamic) rows.
template <int R, class Column>
auto first_half(Column&& column) {
  if constexpr (R == Eigen::Dynamic) {
    return column.head(column.size() / 2);
  } else {
    return column.template head<R / 2>();
  }
}
template <int R, class Column>
auto second_half(Column&& column) {
  if constexpr (R == Eigen::Dynamic) {
    return column.tail(column.size() / 2);
  } else {
    return column.template tail<R / 2>();
  }
}

// Calls f(std::integral_constant<int, R>) with R = rows for 2 and 4, else Eigen::Dynamic.
template <class F>
void with_rows(Eigen::Index rows, F&& f) {
  if (rows == 2) {
    f(std::integral_constant<int, 2>{});
  } else if (rows == 4) {
    f(std::integral_constant<int, 4>{});
  } else {
    f(std::integral_constant<int, Eigen::Dynamic>{});
  }
}

}  // namespace columns_detail

// out(:, w) = x(:, w) + (c h(w)) v(:, w): a stage's input from the step's start state.
// All d x W; out may not alias v.
inline void add_scaled_columns(const Eigen::Ref<const Eigen::MatrixXd>& x, double c,
                               const StepRow& h, const Eigen::Ref<const Eigen::MatrixXd>& v,
                               Eigen::Ref<Eigen::MatrixXd> out) {
  columns_detail::with_rows(x.rows(), [&](auto rows) {
    constexpr int R = decltype(rows)::value;
    const auto xs = columns_detail::const_view<R>(x);
    const auto vs = columns_detail::const_view<R>(v);
    auto o = columns_detail::view<R>(out);
    for (Eigen::Index w = 0; w < xs.cols(); ++w) o.col(w) = xs.col(w) + (c * h[w]) * vs.col(w);
  });
}

// out(:, w) = h(w) (a u(:, w) + b v(:, w)): a stage's field adjoint. All d x W.
inline void combine_columns(const StepRow& h, double a, const Eigen::Ref<const Eigen::MatrixXd>& u,
                            double b, const Eigen::Ref<const Eigen::MatrixXd>& v,
                            Eigen::Ref<Eigen::MatrixXd> out) {
  columns_detail::with_rows(u.rows(), [&](auto rows) {
    constexpr int R = decltype(rows)::value;
    const auto us = columns_detail::const_view<R>(u);
    const auto vs = columns_detail::const_view<R>(v);
    auto o = columns_detail::view<R>(out);
    for (Eigen::Index w = 0; w < us.cols(); ++w) o.col(w) = h[w] * (a * us.col(w) + b * vs.col(w));
  });
}

// The RK4 update x(:, w) += h(w)/6 (k0 + 2 k1 + 2 k2 + k3)(:, w). All d x W.
inline void add_runge_kutta_increment(const StepRow& h, const Eigen::MatrixXd& k0,
                                      const Eigen::MatrixXd& k1, const Eigen::MatrixXd& k2,
                                      const Eigen::MatrixXd& k3, Eigen::MatrixXd& x) {
  columns_detail::with_rows(x.rows(), [&](auto rows) {
    constexpr int R = decltype(rows)::value;
    const auto a = columns_detail::const_view<R>(k0);
    const auto b = columns_detail::const_view<R>(k1);
    const auto c = columns_detail::const_view<R>(k2);
    const auto e = columns_detail::const_view<R>(k3);
    auto o = columns_detail::view<R>(x);
    for (Eigen::Index w = 0; w < o.cols(); ++w) {
      o.col(w) += (h[w] / 6.0) * (a.col(w) + 2.0 * b.col(w) + 2.0 * c.col(w) + e.col(w));
    }
  });
}

// The solenoidal field f = J g = (g_p, -g_q) of g = dH/dx, states [q; p] (d = 2n rows).
inline void solenoidal_field(const Eigen::Ref<const Eigen::MatrixXd>& g,
                             Eigen::Ref<Eigen::MatrixXd> f) {
  columns_detail::with_rows(g.rows(), [&](auto rows) {
    constexpr int R = decltype(rows)::value;
    using columns_detail::first_half, columns_detail::second_half;
    const auto gs = columns_detail::const_view<R>(g);
    auto fs = columns_detail::view<R>(f);
    for (Eigen::Index w = 0; w < gs.cols(); ++w) {
      first_half<R>(fs.col(w)) = second_half<R>(gs.col(w));
      second_half<R>(fs.col(w)) = -first_half<R>(gs.col(w));
    }
  });
}

// Its adjoint: the model's weights w = J^T mu = (-mu_p, mu_q) of mu = dL/df.
inline void solenoidal_weights(const Eigen::Ref<const Eigen::MatrixXd>& mu,
                               Eigen::Ref<Eigen::MatrixXd> weights) {
  columns_detail::with_rows(mu.rows(), [&](auto rows) {
    constexpr int R = decltype(rows)::value;
    using columns_detail::first_half, columns_detail::second_half;
    const auto ms = columns_detail::const_view<R>(mu);
    auto ws = columns_detail::view<R>(weights);
    for (Eigen::Index w = 0; w < ms.cols(); ++w) {
      first_half<R>(ws.col(w)) = -second_half<R>(ms.col(w));
      second_half<R>(ws.col(w)) = first_half<R>(ms.col(w));
    }
  });
}

}  // namespace hnn::internal

#endif  // HNN_SRC_TRAJECTORY_COLUMNS_H_
