#include "source_export.h"

#include "hnn/atomic_file.h"
#include "hnn/cpp_export.h"
#include "hnn/error.h"
#include "hnn/symbolic/formula_source.h"

namespace hnn::internal {
namespace fs = std::filesystem;

std::string write_model_export(const fs::path& directory, ModelResult& result,
                               const std::vector<std::string>& coordinate_names,
                               std::ostream& log) {
  const ModelConfig& config = *result.config;
  Model& model = *result.model;
  if (model_field_kind(config.training.settings) != ObjectiveKind::kHnn) {
    log << config.name << ": not exported: a baseline's outputs are the field, not H" << std::endl;
    return "";
  }
  if (!model.has_cpp_export()) {
    log << config.name << ": not exported: model '" << model.name() << "' (plugin "
        << config.model.plugin << ") cannot write itself as C++ (has_cpp_export() is false)"
        << std::endl;
    return "";
  }
  // The parameters the run keeps (those of the last epoch that passed).
  if (result.parameters.size() == model.parameter_count()) {
    Eigen::VectorXd current(model.parameter_count());
    model.get_parameters(current);
    if (current != result.parameters) model.set_parameters(result.parameters);
  }
  CppExportRequest request;
  request.name = config.name;
  request.output = int(config.training.settings.hamiltonian_output);
  request.coordinate_names = coordinate_names;
  const std::string file = "export/" + config.name + ".hpp";
  write_file_atomically(directory / file, model.cpp_export(request));
  log << config.name << ": exported " << file << std::endl;
  return file;
}

std::vector<std::string> write_formula_export(const fs::path& directory, const std::string& name,
                                              const symbolic::SymbolicFormula& formula,
                                              std::size_t output, const std::string& description,
                                              int digits, std::ostream& log) {
  symbolic::FormulaSources sources;
  try {
    sources = symbolic::formula_sources(formula, output, name, description, digits);
  } catch (const NotImplementedError& error) {
    log << name << ": formula not exported: " << error.what() << std::endl;
    return {};
  }
  const std::string stem = "export/" + name + "_formula";
  const std::vector<std::pair<std::string, const std::string*>> files = {
      {stem + ".c", &sources.c},
      {stem + ".hpp", &sources.cpp},
      {stem + ".py", &sources.python},
      {stem + ".tex", &sources.latex}};
  std::vector<std::string> written;
  for (const auto& [file, text] : files) {
    write_file_atomically(directory / file, *text);
    written.push_back(file);
  }
  log << name << ": exported the formula as " << stem << ".{c,hpp,py,tex}" << std::endl;
  return written;
}

}  // namespace hnn::internal
