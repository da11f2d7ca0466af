#include "python_errors.h"

#include <string>

namespace py = pybind11;

namespace hnn::python {

void raise_config_error(const ConfigError& error) {
  py::list problems;
  for (const ConfigProblem& problem : error.problems()) {
    py::dict item;
    item["file"] = problem.file;
    item["line"] = problem.line;
    item["column"] = problem.column;
    item["path"] = problem.path;
    item["message"] = problem.message;
    problems.append(item);
  }
  raise_python("ConfigError", std::string(error.what()), problems);
}

}  // namespace hnn::python
