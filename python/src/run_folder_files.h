// The files of a run folder as Python objects, read with the host's run-folder readers
// (hnn/host/run_folder_reading.h, the report's CsvTable) so that Python reads exactly what
// the report reads. A file that cannot be read or parsed raises ValueError with the
// RunFolderError's located message ("<file>:<line>:<column>: error: ...").
#ifndef HNN_PYTHON_RUN_FOLDER_FILES_H_
#define HNN_PYTHON_RUN_FOLDER_FILES_H_

#include <pybind11/pybind11.h>

#include <string>

namespace hnn::python {

// A YAML file (summary.yaml, pipeline.yaml, a checkpoint) as nested dicts and lists; a
// plain scalar becomes None (null, ~), a bool (true, false), an int, a float (as the run
// folder writes reals: .nan, .inf, shortest round-trip decimals) or else a str; a quoted
// scalar is always a str.
pybind11::object read_yaml(const std::string& file);

// YAML text (what hnn's own writers wrote, e.g. to_yaml of a pipeline) decoded like read_yaml.
pybind11::object parse_yaml(const std::string& text);

// A CSV file (history.csv, data.csv, trajectories.csv) as a dict, in the file's column
// order, of column name to a 1-D NumPy array: float64 when every cell is a real (an empty
// cell is NaN), else an array of str.
pybind11::dict read_csv(const std::string& file);

}  // namespace hnn::python

#endif  // HNN_PYTHON_RUN_FOLDER_FILES_H_
