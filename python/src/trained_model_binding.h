// hnn._hnn's part for trained models: the class _TrainedModel around hnn::TrainedModel
// (hnn/host/trained_model.h) and the functions that load one, for python/hnn/model.py
// (hnn.Model, hnn.load_model, RunFolder.model; docs/python.md).
//
// The evaluation methods take what model.py hands them: a C-contiguous float64 (N, 2n)
// array (one state a row), which is the column-major 2n x N matrix of the C++ side, mapped
// without a copy; results are NumPy arrays allocated once and written in place by the
// model. The GIL is released while the model computes; a mutex per model serialises
// concurrent calls (a model is not thread-safe).
#ifndef HNN_PYTHON_TRAINED_MODEL_BINDING_H_
#define HNN_PYTHON_TRAINED_MODEL_BINDING_H_

#include <pybind11/pybind11.h>

namespace hnn::python {

// Adds _TrainedModel, load_run_model(run_folder, name) and load_checkpoint_model(file).
void bind_trained_model(pybind11::module_& module);

}  // namespace hnn::python

#endif  // HNN_PYTHON_TRAINED_MODEL_BINDING_H_
