// hnn._hnn: the compiled half of the Python package `hnn` (python/hnn/__init__.py is the
// public half, docs/python.md the user's page). It does what hnn-host does, with the
// host's own functions: load the plugins in hnn-host's search order (HNN_PLUGIN_PATH,
// then the bundled folder beside libhnn), parse and validate a pipeline
// (load_config_file / parse_config, read_plugin_paths, validate_pipeline) and run it
// (run_pipeline on a worker thread, interruptible_work.h: Ctrl-C stops it at the end of an
// epoch, its progress goes to sys.stdout). Systems written in Python (python_system.h) are
// registered beside the plugins. Errors are raised as the package's exception classes:
// hnn::ConfigError as hnn.ConfigError(message, problems), any other failure of a run as
// hnn.RunError, a plugin-loading error as hnn.PluginError, an interrupted run as
// hnn.RunInterrupted (a KeyboardInterrupt).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/host/pipeline_overrides.h"
#include "hnn/host/pipeline_runner.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/pipeline_yaml.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"
#include "interruptible_work.h"
#include "loaded_registry.h"
#include "option_values.h"
#include "python_errors.h"
#include "run_folder_files.h"
#include "trained_model_binding.h"

namespace py = pybind11;

namespace {

using hnn::python::LoadedRegistry;
using hnn::python::option_value;
using hnn::python::raise_config_error;
using hnn::python::raise_python;

hnn::PluginKind plugin_kind(const std::string& name) {
  std::string known;
  for (const auto kind : hnn::kAllPluginKinds) {
    if (hnn::to_string(kind) == name) return kind;
    known += (known.empty() ? "'" : ", '") + hnn::to_string(kind) + "'";
  }
  throw py::value_error("no plugin kind '" + name + "' (the kinds: " + known + ")");
}

py::list plugins() {
  const LoadedRegistry loaded;
  py::list result;
  for (const auto kind : hnn::kAllPluginKinds) {
    for (const auto* info : loaded.registry().list(kind)) {
      py::dict item;
      item["kind"] = hnn::to_string(kind);
      item["name"] = info->name;
      item["description"] = info->description;
      item["source"] = info->source;
      result.append(item);
    }
  }
  return result;
}

py::dict describe(const std::string& kind_name, const std::string& name) {
  const hnn::PluginKind kind = plugin_kind(kind_name);
  const LoadedRegistry loaded;
  const hnn::PluginInfo* info = loaded.registry().find(kind, name);
  if (info == nullptr) {
    throw py::key_error("no " + kind_name + " plugin named '" + name + "' (see hnn.plugins())");
  }
  py::list options;
  for (const auto& option : info->schema.options()) {
    py::dict item;
    item["key"] = option.key();
    item["type"] = hnn::to_string(option.type());
    item["required"] = option.is_required();
    item["default"] = option.is_required() ? py::none() : option_value(option.default_value());
    item["range"] = option.describe_range();
    item["choices"] = option.choices();
    item["description"] = option.doc();
    options.append(item);
  }
  py::dict result;
  result["kind"] = kind_name;
  result["name"] = info->name;
  result["description"] = info->description;
  result["source"] = info->source;
  result["options"] = options;
  return result;
}

// A pipeline: parsed from `text` (named `source` in locations) or, with text None, read
// from the file `source`; then the `overrides` ("key.path=value", hnn-host's --set) applied;
// validated with a registry that outlives the result.
struct ValidatedPipeline {
  std::unique_ptr<LoadedRegistry> loaded;
  hnn::PipelineConfig config;
};

ValidatedPipeline validate(const std::optional<std::string>& text, const std::string& source,
                           const std::vector<std::string>& overrides,
                           const py::object& python_systems) {
  ValidatedPipeline result;
  try {
    hnn::ConfigNode root = text ? hnn::parse_config(*text, source) : hnn::load_config_file(source);
    for (const std::string& assignment : overrides) hnn::apply_override(root, assignment);
    hnn::Diagnostics diagnostics;
    const auto pipeline_paths = hnn::read_plugin_paths(root, source, diagnostics);
    diagnostics.throw_if_any();
    result.loaded = std::make_unique<LoadedRegistry>(pipeline_paths, python_systems);
    result.config = hnn::validate_pipeline(root, source, result.loaded->registry(), diagnostics);
    diagnostics.throw_if_any();
  } catch (const hnn::ConfigError& error) {
    raise_config_error(error);
  } catch (const hnn::Error& error) {
    raise_python("PluginError", std::string(error.what()));
  }
  return result;
}

// hnn-host --check: the resolved pipeline as YAML.
std::string check(const std::optional<std::string>& text, const std::string& source,
                  const std::vector<std::string>& overrides, const py::object& python_systems) {
  return hnn::to_yaml(validate(text, source, overrides, python_systems).config);
}

// hnn-host PIPELINE [--output DIR] [--force] [--resume] --no-report, on a worker thread
// (interruptible_work.h): returns (run folder, failures of the outcome (diverged models),
// whether Ctrl-C stopped it). `show_progress`: the run's progress lines go to sys.stdout,
// redrawn in place (`live`, for a terminal or a notebook cell) or as plain lines. An
// interrupted run raises nothing here: the caller raises hnn.RunInterrupted with its folder.
py::tuple run(const std::optional<std::string>& text, const std::string& source,
              const std::vector<std::string>& overrides, const std::string& output, bool force,
              bool resume, bool show_progress, bool live, const py::object& python_systems) {
  const ValidatedPipeline pipeline = validate(text, source, overrides, python_systems);
  std::atomic<bool> interrupt{false};
  hnn::RunSettings settings;
  settings.output_directory = output;
  settings.force = force;
  settings.resume = resume;
  settings.live_progress = live;
  settings.interrupt = &interrupt;
  hnn::RunOutcome outcome;
  std::string failure;
  bool config_failure = false;
  std::vector<hnn::ConfigProblem> problems;
  const hnn::python::InterruptibleResult result = hnn::python::run_interruptibly(
      [&](std::ostream* log) {
        hnn::RunSettings with_log = settings;
        with_log.log = log;
        try {
          outcome = hnn::run_pipeline(pipeline.config, pipeline.loaded->registry(), with_log);
        } catch (const hnn::ConfigError& error) {
          config_failure = true;
          failure = error.what();
          problems = error.problems();
        } catch (const std::exception& error) {
          failure = error.what();
          if (failure.empty()) failure = "an exception without a message";
        }
      },
      interrupt, show_progress);
  const bool interrupted = interrupt.load();
  if (result.interruption &&
      (!interrupted || !result.interruption->matches(PyExc_KeyboardInterrupt))) {
    // A signal handler of the user's raised something else (the run stopped), or Ctrl-C came
    // after the run had ended (it is complete): raise that as it is.
    result.interruption->restore();
    throw py::error_already_set();
  }
  if (config_failure) raise_config_error(hnn::ConfigError(failure, problems));
  if (!failure.empty()) raise_python("RunError", failure);
  return py::make_tuple(hnn::run_directory(pipeline.config, settings).string(), outcome.failures,
                        interrupted);
}

}  // namespace

PYBIND11_MODULE(_hnn, module) {
  module.doc() = "The compiled part of hnn (use the package hnn, docs/python.md).";
  module.def("plugins", &plugins,
             "Every registered plugin: dicts of kind, name, description, source.");
  module.def("describe", &describe, py::arg("kind"), py::arg("name"),
             "A plugin's description and options.");
  module.def("check", &check, py::arg("text"), py::arg("source"), py::arg("overrides"),
             py::arg("systems"),
             "Validates a pipeline (text, or the file `source` when text is None).");
  module.def("run", &run, py::arg("text"), py::arg("source"), py::arg("overrides"),
             py::arg("output"), py::arg("force"), py::arg("resume"), py::arg("show_progress"),
             py::arg("live"), py::arg("systems"),
             "Validates and runs a pipeline; returns (run folder, failures, interrupted).");
  module.def("read_yaml", &hnn::python::read_yaml, py::arg("file"),
             "A YAML file of a run folder as dicts, lists and scalars.");
  module.def("parse_yaml", &hnn::python::parse_yaml, py::arg("text"),
             "YAML text as dicts, lists and scalars.");
  module.def("read_csv", &hnn::python::read_csv, py::arg("file"),
             "A CSV file of a run folder as a dict of column name to NumPy array.");

  // Trained models (trained_model_binding.h).
  hnn::python::bind_trained_model(module);
}
