#include "run_folder_files.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <regex>
#include <vector>

#include "hnn/host/run_folder_error.h"
#include "hnn/host/run_folder_reading.h"
#include "hnn/report/csv_table.h"

namespace py = pybind11;

namespace hnn::python {
namespace {

py::object scalar_value(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return py::str(text);  // quoted: always a string
  if (text == "null" || text == "~" || text == "Null" || text == "NULL") return py::none();
  if (text == "true" || text == "True" || text == "TRUE") return py::bool_(true);
  if (text == "false" || text == "False" || text == "FALSE") return py::bool_(false);
  static const std::regex integer(R"([-+]?[0-9]+)");
  if (std::regex_match(text, integer)) return py::int_(py::str(text));
  double real = 0.0;
  if (parse_real(text, real)) return py::float_(real);
  return py::str(text);
}

py::object node_value(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      py::dict result;
      for (const auto& entry : node) result[node_value(entry.first)] = node_value(entry.second);
      return result;
    }
    case YAML::NodeType::Sequence: {
      py::list result;
      for (const auto& item : node) result.append(node_value(item));
      return result;
    }
    case YAML::NodeType::Scalar:
      return scalar_value(node);
    default:
      return py::none();
  }
}

}  // namespace

py::object read_yaml(const std::string& file) {
  try {
    const YamlDocument document(file);
    return node_value(document.root());
  } catch (const RunFolderError& error) {
    throw py::value_error(error.what());
  }
}

py::object parse_yaml(const std::string& text) { return node_value(YAML::Load(text)); }

py::dict read_csv(const std::string& file) {
  try {
    const auto table = report::CsvTable::read(file);
    py::dict result;
    for (const std::string& name : table.header()) {
      std::vector<double> reals;
      try {
        reals = table.reals(name);       // an empty cell is NaN
      } catch (const RunFolderError&) {  // a text column (split, model)
        result[py::str(name)] =
            py::module_::import("numpy").attr("array")(table.texts(name), "str");
        continue;
      }
      py::array_t<double> column(py::ssize_t(reals.size()));
      std::copy(reals.begin(), reals.end(), column.mutable_data());
      result[py::str(name)] = column;
    }
    return result;
  } catch (const RunFolderError& error) {
    throw py::value_error(error.what());
  }
}

}  // namespace hnn::python
