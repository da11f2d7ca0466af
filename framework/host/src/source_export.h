// output.export (docs/export.md): the learned Hamiltonians of a run written as code into
// its folder's export/: a trained model that has the capability as a C++ header
// (Model::cpp_export, hnn/cpp_export.h), a recovered formula as C, C++, Python and LaTeX
// (hnn/symbolic/formula_source.h). Every file is written atomically.
#ifndef HNN_HOST_SRC_SOURCE_EXPORT_H_
#define HNN_HOST_SRC_SOURCE_EXPORT_H_

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "hnn/symbolic/formula.h"
#include "pipeline_model.h"

namespace hnn::internal {

// export/<m>.hpp of a trained model (m = its name in the pipeline): H is its output
// training.hamiltonian_output, at result.parameters. A model without the capability, or one
// trained as a baseline (its outputs are the field, not H), is not exported: the log says so
// by name and nothing is written (not an error). Returns the file's path relative to the
// run folder, or "" when nothing was written.
std::string write_model_export(const std::filesystem::path& directory, ModelResult& result,
                               const std::vector<std::string>& coordinate_names, std::ostream& log);

// export/<m>_formula.{c,hpp,py,tex}: output `output` of `formula`, the Hamiltonian recovered
// from the model `description` (m = the model's name in the pipeline); the LaTeX also
// rounded to `digits`. A formula with a node the printers do not support is skipped with a
// line in the log naming it. Returns the written files relative to the run folder.
std::vector<std::string> write_formula_export(const std::filesystem::path& directory,
                                              const std::string& name,
                                              const symbolic::SymbolicFormula& formula,
                                              std::size_t output, const std::string& description,
                                              int digits, std::ostream& log);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_SOURCE_EXPORT_H_
