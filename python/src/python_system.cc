#include "python_system.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "hnn/error.h"
#include "hnn/initial_state_sampler.h"
#include "hnn/number_format.h"
#include "hnn/options.h"
#include "hnn/system.h"

namespace py = pybind11;

namespace hnn::python {
namespace {

// The Python callables of one system. Their references are dropped with the GIL held,
// whichever thread drops the last owner (a run's worker thread, or the interpreter's).
class Callables {
 public:
  Callables(py::object hamiltonian, py::object gradient)
      : hamiltonian_(std::move(hamiltonian)), gradient_(std::move(gradient)) {}
  Callables(const Callables&) = delete;
  Callables& operator=(const Callables&) = delete;
  ~Callables() {
    py::gil_scoped_acquire gil;
    hamiltonian_ = py::object();
    gradient_ = py::object();
  }
  // Precondition for both: the GIL is held.
  const py::object& hamiltonian() const { return hamiltonian_; }
  const py::object& gradient() const { return gradient_; }  // None: finite differences

 private:
  py::object hamiltonian_;
  py::object gradient_;
};

struct Description {
  std::string name;
  std::vector<std::string> coordinates;
  std::string exact_hamiltonian;
  std::shared_ptr<const Callables> callables;
};

class PythonSystem final : public System {
 public:
  PythonSystem(std::shared_ptr<const Description> description, double minimum_radius,
               double maximum_radius)
      : description_(std::move(description)),
        minimum_radius_(minimum_radius),
        maximum_radius_(maximum_radius) {}

  int degrees_of_freedom() const override { return int(description_->coordinates.size() / 2); }
  std::vector<std::string> coordinate_names() const override { return description_->coordinates; }
  std::string exact_hamiltonian() const override { return description_->exact_hamiltonian; }

  double hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const override {
    check_size("hamiltonian", x.size());
    py::gil_scoped_acquire gil;
    return call_hamiltonian(x);
  }

  void gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                Eigen::Ref<Eigen::VectorXd> gradient) const override {
    check_size("gradient", x.size());
    check_size("gradient", gradient.size());
    py::gil_scoped_acquire gil;
    if (description_->callables->gradient().is_none()) {
      central_difference(x, gradient);
    } else {
      call_gradient(x, gradient);
    }
  }

  void sample_initial_state(RandomSource& random, Eigen::Ref<Eigen::VectorXd> x) const override {
    check_size("sample_initial_state", x.size());
    sample_state_at_radius(random, minimum_radius_, maximum_radius_, x);
  }

 private:
  void check_size(const char* method, Eigen::Index size) const {
    if (size != state_dimension()) {
      throw Error("python system '" + description_->name + "': " + method + ": a state has " +
                  std::to_string(state_dimension()) + " entries, got " + std::to_string(size));
    }
  }

  // "q = 0.5, p = -1"
  std::string describe(const Eigen::Ref<const Eigen::VectorXd>& x) const {
    std::string text;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      text += (i == 0 ? "" : ", ") + description_->coordinates[std::size_t(i)] + " = " +
              shortest_decimal(x[i]);
    }
    return text;
  }

  [[noreturn]] void fail(const char* callable, const Eigen::Ref<const Eigen::VectorXd>& x,
                         const std::string& what) const {
    throw Error("python system '" + description_->name + "': " + callable + " at " + describe(x) +
                ": " + what);
  }

  // The state as a fresh 1-D NumPy array (the callable may keep or change it).
  static py::array_t<double> as_array(const Eigen::Ref<const Eigen::VectorXd>& x) {
    py::array_t<double> array(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) array.mutable_at(i) = x[i];
    return array;
  }

  // Preconditions of the call_ functions: the GIL is held.
  double call_hamiltonian(const Eigen::Ref<const Eigen::VectorXd>& x) const {
    double value = 0.0;
    try {
      const py::object result = description_->callables->hamiltonian()(as_array(x));
      value = PyFloat_AsDouble(result.ptr());  // float(result): Python and NumPy reals
      if (value == -1.0 && PyErr_Occurred() != nullptr) {
        PyErr_Clear();
        fail("hamiltonian", x,
             "returned " + std::string(py::repr(result)) + ", expected a real number");
      }
    } catch (py::error_already_set& error) {
      fail("hamiltonian", x, std::string("raised ") + error.what());
    }
    if (!std::isfinite(value)) fail("hamiltonian", x, "returned " + shortest_decimal(value));
    return value;
  }

  void call_gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                     Eigen::Ref<Eigen::VectorXd> gradient) const {
    try {
      const py::object result = description_->callables->gradient()(as_array(x));
      const auto values =
          py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(result);
      if (!values || values.ndim() != 1 || values.shape(0) != x.size()) {
        fail("gradient", x,
             "returned " + std::string(py::str(py::repr(result))) + ", expected " +
                 std::to_string(x.size()) + " reals");
      }
      for (Eigen::Index i = 0; i < x.size(); ++i) gradient[i] = values.at(i);
    } catch (py::error_already_set& error) {
      fail("gradient", x, std::string("raised ") + error.what());
    }
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (!std::isfinite(gradient[i])) {
        fail("gradient", x,
             "returned " + shortest_decimal(gradient[i]) + " for d/d" +
                 description_->coordinates[std::size_t(i)]);
      }
    }
  }

  void central_difference(const Eigen::Ref<const Eigen::VectorXd>& x,
                          Eigen::Ref<Eigen::VectorXd> gradient) const {
    static const double kRelativeStep = std::cbrt(std::numeric_limits<double>::epsilon());
    Eigen::VectorXd shifted = x;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double nominal = kRelativeStep * std::max(1.0, std::abs(x[i]));
      const double step = (x[i] + nominal) - x[i];  // exactly representable
      shifted[i] = x[i] + step;
      const double above = call_hamiltonian(shifted);
      shifted[i] = x[i] - step;
      const double below = call_hamiltonian(shifted);
      shifted[i] = x[i];
      gradient[i] = (above - below) / (2.0 * step);
    }
  }

  std::shared_ptr<const Description> description_;
  double minimum_radius_;
  double maximum_radius_;
};

}  // namespace

void add_python_system(Registry& registry, const std::string& name, const py::object& system) {
  auto description = std::make_shared<Description>();
  description->name = name;
  description->coordinates = system.attr("coordinates").cast<std::vector<std::string>>();
  description->exact_hamiltonian = system.attr("exact_hamiltonian").cast<std::string>();
  description->callables =
      std::make_shared<const Callables>(system.attr("hamiltonian"), system.attr("gradient"));
  const auto radius = system.attr("radius").cast<std::vector<double>>();
  if (radius.size() != 2) throw Error("python system '" + name + "': radius: expected 2 reals");
  const std::string text = system.attr("description").cast<std::string>();

  OptionSchema schema;
  schema.add(Option::real_list("radius", radius,
                               "[min, max] of the phase-space radius of sampled initial states")
                 .length(2)
                 .at_least(0.0));
  schema.add_constraint([](const Options& options) {
    const auto& r = options.reals("radius");
    return radius_range_problem(r[0], r[1]);
  });
  // Attributed to "hnn.PythonSystem" in messages (e.g. a name taken twice).
  registry.begin_source("hnn.PythonSystem", nullptr);
  try {
    registry.add_system(name, text, std::move(schema),
                        [description = std::shared_ptr<const Description>(std::move(description))](
                            const Options& options) -> std::unique_ptr<System> {
                          const auto& r = options.reals("radius");
                          return std::make_unique<PythonSystem>(description, r[0], r[1]);
                        });
    registry.commit_source();
  } catch (...) {
    registry.abandon_source();
    throw;
  }
}

}  // namespace hnn::python
