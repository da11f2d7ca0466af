// DataSource: where a pipeline's trajectories come from (the fifth plugin kind).
//
// A source yields whole trajectories: states at increasing times and, where the source
// knows them, their time derivatives. The host does the rest in one place for every
// source: it estimates missing derivatives (hnn/derivative_estimation.h), splits the
// samples into training and test sets (hnn/dataset_split.h) and builds the
// TrajectoryDataset the objectives train on.
//
// The bundled sources are `simulation` (the default; plugins/data_sources/simulation)
// and `table` (CSV, whitespace-separated text, NumPy .npy/.npz), chosen with `data:
// {source: {plugin: NAME, ...}}`. A lab adds a loader for its own format as a plugin:
//
//   struct LabFileSettings {
//     std::string file;
//     static const hnn::OptionBinding<LabFileSettings>& binding();
//   };
//   class LabFile : public hnn::DataSource {
//    public:
//     using Settings = LabFileSettings;
//     explicit LabFile(const Settings& settings);
//     hnn::TrajectorySet load(const hnn::DataSourceContext& context) const override;
//   };
//   HNN_PLUGIN("lab_file", "1.0.0", [](hnn::Registry& r) {
//     hnn::add_plugin_class<LabFile>(r, "lab_file", "our tracker's .lab files");
//   })
#ifndef HNN_DATA_SOURCE_H_
#define HNN_DATA_SOURCE_H_

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

namespace hnn {

class System;
class Integrator;
class RandomSource;

// One trajectory of a system with n degrees of freedom.
struct Trajectory {
  // Where the trajectory comes from, for messages and tables: "real_pend_h_1.txt trial 0".
  std::string label;
  // Strictly increasing, finite. Steps need not be uniform (measured data have gaps).
  std::vector<double> times;
  // 2n x times.size(): column i is the state [q..., p...] at times[i].
  Eigen::MatrixXd states;
  // dx/dt at the same columns (2n x times.size()), or empty (0 x 0) when the source does
  // not know them: the host then estimates them as the data section says.
  Eigen::MatrixXd derivatives;
};

// What a source yields: 2n coordinate names and the trajectories, in the order in which
// their samples are concatenated (the order the `ordered` split follows).
struct TrajectorySet {
  std::vector<std::string> coordinate_names;
  std::vector<Trajectory> trajectories;
};

// What the host hands a source when it loads.
struct DataSourceContext {
  // The pipeline's system, or null when the pipeline has none (a file source needs none).
  const System* system = nullptr;
  // The data section's integrator (for sources that simulate); never null.
  const Integrator* integrator = nullptr;
  // The data section's random stream (seed and rng of the data section); never null.
  RandomSource* random = nullptr;
  // Relative file names in a source's options are relative to this folder (the folder of
  // the pipeline file that names them).
  std::filesystem::path base_directory;
};

class DataSource {
 public:
  virtual ~DataSource();

  // Loads the trajectories. Throws hnn::ConfigError with located ConfigProblems for a bad
  // file (file:line:column for text, the array's name and index for .npy/.npz: what was
  // found and what was expected), hnn::Error for anything else. `hnn-host --check` calls
  // it for a source that needs no system (a file); the host checks shapes, times, values.
  virtual TrajectorySet load(const DataSourceContext& context) const = 0;

  // Whether the source needs the pipeline's system (the simulation does; files do not).
  virtual bool needs_system() const { return false; }
};

}  // namespace hnn

#endif  // HNN_DATA_SOURCE_H_
