// The C++ half of bench/python_overhead.py (issue 18, item 6): the time of one evaluation
// of a trained model, H and dH/dx on a batch of states, through hnn::TrainedModel, the class
// that hnn.Model calls from Python. Not a Google Benchmark: the Python script runs it
// beside its own timing of the same call on the same states and prints the ratio.
//
//   hnn_model_evaluation_timing RUN_FOLDER MODEL STATES_FILE REPEATS
//
// STATES_FILE holds N x 2n float64 values, one state after the other (NumPy's tofile of a
// C-order (N, 2n) array). Prints one line per repeat: the seconds of hamiltonian() followed
// by gradient() on all N states, and last "checksum <sum of H and dH/dx>" so that the
// Python side can check it computed the same numbers.
#include <Eigen/Core>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "hnn/host/plugin_loader.h"
#include "hnn/host/trained_model.h"
#include "hnn/registry.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: " << argv[0] << " RUN_FOLDER MODEL STATES_FILE REPEATS\n";
    return 2;
  }
  try {
    hnn::Registry registry;
    hnn::PluginLoader loader(registry);
    hnn::load_plugins_in_search_order(loader, {}, [](const hnn::PluginProblem&, bool) {});
    hnn::TrainedModel model = hnn::TrainedModel::from_run_folder(argv[1], argv[2], registry);
    const int d = model.state_dimension();

    std::ifstream file(argv[3], std::ios::binary | std::ios::ate);
    const auto bytes = std::size_t(file.tellg());
    file.seekg(0);
    std::vector<double> values(bytes / sizeof(double));
    file.read(reinterpret_cast<char*>(values.data()), std::streamsize(bytes));
    const Eigen::Index n = Eigen::Index(values.size()) / d;
    const Eigen::Map<const Eigen::MatrixXd> states(values.data(), d, n);

    const long repeats = std::stol(argv[4]);
    double checksum = 0;
    for (long repeat = 0; repeat < repeats; ++repeat) {
      const auto start = std::chrono::steady_clock::now();
      // As Python: each result allocated for the call, then written by the model.
      Eigen::RowVectorXd h(n);
      Eigen::MatrixXd gradient(d, n);
      model.hamiltonian(states, h);
      model.gradient(states, gradient);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%.9f\n", seconds);
      checksum = h.sum() + gradient.sum();
    }
    std::printf("checksum %.17g\n", checksum);
  } catch (const std::exception& error) {
    std::cerr << argv[0] << ": error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
