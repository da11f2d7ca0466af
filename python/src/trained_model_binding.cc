#include "trained_model_binding.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <Eigen/Core>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/trained_model.h"
#include "hnn/registry.h"
#include "loaded_registry.h"
#include "option_values.h"
#include "python_errors.h"

namespace py = pybind11;

namespace hnn::python {
namespace {

// A trained model with the registry of its plugins (which must outlive it: the model's
// code lives in a plugin library) and the mutex that serialises its calls.
struct LoadedModel {
  std::unique_ptr<LoadedRegistry> plugins;
  std::optional<TrainedModel> model;
  std::mutex mutex;
};

// Runs `load` (which fills loaded.model), translating the host's errors.
template <typename Load>
std::shared_ptr<LoadedModel> load_with(const Load& load) {
  auto loaded = std::make_shared<LoadedModel>();
  try {
    load(*loaded);
  } catch (const ConfigError& error) {
    raise_config_error(error);
  } catch (const PluginError& error) {
    raise_python("PluginError", std::string(error.what()));
  } catch (const Error& error) {
    throw py::value_error(error.what());
  }
  return loaded;
}

std::shared_ptr<LoadedModel> load_run_model(const std::string& run_folder, const std::string& name,
                                            const py::object& python_systems) {
  return load_with([&](LoadedModel& loaded) {
    const std::filesystem::path folder(run_folder);
    const std::filesystem::path pipeline = folder / "pipeline.yaml";
    const ConfigNode root = load_config_file(pipeline);
    Diagnostics diagnostics;
    const auto paths = read_plugin_paths(root, pipeline, diagnostics);
    diagnostics.throw_if_any();
    loaded.plugins = std::make_unique<LoadedRegistry>(paths, python_systems);
    loaded.model.emplace(TrainedModel::from_pipeline(root, pipeline, name,
                                                     folder / "checkpoints" / (name + ".yaml"),
                                                     loaded.plugins->registry()));
  });
}

std::shared_ptr<LoadedModel> load_checkpoint_model(const std::string& file) {
  return load_with([&](LoadedModel& loaded) {
    loaded.plugins = std::make_unique<LoadedRegistry>();
    loaded.model.emplace(TrainedModel::from_checkpoint(file, loaded.plugins->registry()));
  });
}

// The arrays model.py passes: C-contiguous float64, never converted here.
using States = py::array_t<double, py::array::c_style>;

// The (N, 2n) array as the 2n x N column-major matrix it is.
Eigen::Map<const Eigen::MatrixXd> as_matrix(const States& states, const TrainedModel& model) {
  if (states.ndim() != 2 || states.shape(1) != model.state_dimension()) {
    throw py::value_error("expected a (N, " + std::to_string(model.state_dimension()) + ") array");
  }
  return {states.data(), model.state_dimension(), Eigen::Index(states.shape(0))};
}

// Runs `compute` without the GIL, one call per model at a time; hnn::Error becomes
// RuntimeError (a failed rollout) after the GIL is back.
template <typename Compute>
void evaluate(LoadedModel& loaded, const Compute& compute) {
  std::string failure;
  {
    py::gil_scoped_release release;
    const std::lock_guard<std::mutex> lock(loaded.mutex);
    try {
      compute(*loaded.model);
    } catch (const std::exception& error) {
      failure = error.what();
      if (failure.empty()) failure = "an exception without a message";
    }
  }
  if (!failure.empty()) throw std::runtime_error(failure);
}

py::array_t<double> hamiltonian(LoadedModel& loaded, const States& states) {
  const auto x = as_matrix(states, *loaded.model);
  py::array_t<double> values(py::ssize_t(x.cols()));
  Eigen::Map<Eigen::RowVectorXd> h(values.mutable_data(), x.cols());
  evaluate(loaded, [&](TrainedModel& model) { model.hamiltonian(x, h); });
  return values;
}

py::array_t<double> gradient(LoadedModel& loaded, const States& states) {
  const auto x = as_matrix(states, *loaded.model);
  py::array_t<double> result({py::ssize_t(x.cols()), py::ssize_t(x.rows())});
  Eigen::Map<Eigen::MatrixXd> g(result.mutable_data(), x.rows(), x.cols());
  evaluate(loaded, [&](TrainedModel& model) { model.gradient(x, g); });
  return result;
}

py::array_t<double> field(LoadedModel& loaded, const States& states, double t) {
  const auto x = as_matrix(states, *loaded.model);
  py::array_t<double> result({py::ssize_t(x.cols()), py::ssize_t(x.rows())});
  Eigen::Map<Eigen::MatrixXd> f(result.mutable_data(), x.rows(), x.cols());
  evaluate(loaded, [&](TrainedModel& model) { model.field(t, x, f); });
  return result;
}

// integrator: None (the pipeline's evaluation integrator) or an integrator section as
// YAML text ({plugin: NAME, <options>}), named "<integrator>" in its problems.
py::array_t<double> rollout(LoadedModel& loaded, const States& x0, const States& times,
                            const std::optional<std::string>& integrator) {
  const int dimension = loaded.model->state_dimension();
  if (x0.ndim() != 1 || x0.shape(0) != dimension || times.ndim() != 1) {
    throw py::value_error("expected x0 of shape (" + std::to_string(dimension) +
                          ",) and 1-D times");
  }
  std::shared_ptr<Integrator> chosen;
  if (integrator) {
    try {
      chosen = TrainedModel::create_integrator(parse_config(*integrator, "<integrator>"),
                                               loaded.plugins->registry());
    } catch (const ConfigError& error) {
      raise_config_error(error);
    }
  }
  const Eigen::Map<const Eigen::VectorXd> start(x0.data(), dimension);
  const std::vector<double> at(times.data(), times.data() + times.shape(0));
  py::array_t<double> result({py::ssize_t(at.size()), py::ssize_t(dimension)});
  evaluate(loaded, [&](TrainedModel& model) {
    const Eigen::MatrixXd states = model.rollout(start, at, chosen.get());
    // d x T column-major is the (T, d) C-order array.
    if (states.size() > 0) {
      std::memcpy(result.mutable_data(), states.data(),
                  sizeof(double) * std::size_t(states.size()));
    }
  });
  return result;
}

py::dict options(const LoadedModel& loaded) {
  py::dict result;
  add_options(loaded.model->options(), result);
  return result;
}

py::array_t<double> parameters(const LoadedModel& loaded) {
  const Eigen::VectorXd& values = loaded.model->parameters();
  py::array_t<double> result(py::ssize_t(values.size()));
  std::copy(values.data(), values.data() + values.size(), result.mutable_data());
  return result;
}

}  // namespace

void bind_trained_model(py::module_& module) {
  py::class_<LoadedModel, std::shared_ptr<LoadedModel>>(
      module, "_TrainedModel", "A trained model (use hnn.Model, python/hnn/model.py).")
      .def_property_readonly("name", [](const LoadedModel& m) { return m.model->name(); })
      .def_property_readonly("plugin", [](const LoadedModel& m) { return m.model->plugin(); })
      .def_property_readonly("options", &options)
      .def_property_readonly("epochs", [](const LoadedModel& m) { return m.model->epochs(); })
      .def_property_readonly("parameter_count",
                             [](const LoadedModel& m) { return m.model->parameter_count(); })
      .def_property_readonly("state_dimension",
                             [](const LoadedModel& m) { return m.model->state_dimension(); })
      .def_property_readonly("coordinates",
                             [](const LoadedModel& m) { return m.model->coordinates(); })
      .def_property_readonly("kind", [](const LoadedModel& m) { return m.model->kind(); })
      .def_property_readonly("parameters", &parameters)
      .def_property_readonly("integrator",
                             [](const LoadedModel& m) {
                               py::dict result;
                               result["plugin"] = m.model->evaluation_integrator().plugin;
                               add_options(m.model->evaluation_integrator().options, result);
                               return result;
                             })
      .def("hamiltonian", &hamiltonian, py::arg("states").noconvert())
      .def("gradient", &gradient, py::arg("states").noconvert())
      .def("field", &field, py::arg("states").noconvert(), py::arg("t"))
      .def("rollout", &rollout, py::arg("x0").noconvert(), py::arg("times").noconvert(),
           py::arg("integrator"));
  module.def("load_run_model", &load_run_model, py::arg("run_folder"), py::arg("name"),
             py::arg("systems"),
             "The model `name` of a run folder, from checkpoints/<name>.yaml (`systems`: the "
             "hnn.PythonSystems its pipeline may name, or None).");
  module.def("load_checkpoint_model", &load_checkpoint_model, py::arg("file"),
             "A model from a checkpoint file alone (the host's default training settings).");
}

}  // namespace hnn::python
