// The C++ half of bench/python_overhead.py (issue 18, item 6): the time of one evaluation
// of a trained model, H and dH/dx on a batch of states, through hnn::TrainedModel, the class
// that hnn.Model calls from Python. Not a Google Benchmark: the Python script drives it
// call by call, alternating with its own timing of the same call on the same states, so
// that the machine's load (2 shared cores) hits both sides alike.
//
//   hnn_model_evaluation_timing RUN_FOLDER MODEL STATES_FILE
//
// STATES_FILE holds N x 2n float64 values, one state after the other (NumPy's tofile of a
// C-order (N, 2n) array). For every line read from standard input it evaluates H and then
// dH/dx on all N states, each result allocated for the call as Python's is, and prints the
// seconds on one line (flushed); at the end of the input it prints "checksum <sum of H and
// dH/dx of the last call>", for the Python side to check that it computed the same numbers.
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
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " RUN_FOLDER MODEL STATES_FILE\n";
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

    double checksum = 0;
    for (std::string line; std::getline(std::cin, line);) {
      const auto start = std::chrono::steady_clock::now();
      // As Python: each result allocated for the call, then written by the model.
      Eigen::RowVectorXd h(n);
      Eigen::MatrixXd gradient(d, n);
      model.hamiltonian(states, h);
      model.gradient(states, gradient);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%.9f\n", seconds);
      std::fflush(stdout);
      checksum = h.sum() + gradient.sum();
    }
    std::printf("checksum %.17g\n", checksum);
  } catch (const std::exception& error) {
    std::cerr << argv[0] << ": error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
