// Fuzz target `network`: the bytes as a symbolic network file (symbolic.yaml), loaded the
// way a pipeline loads one: the bundled `symbolic` model plugin built from it, in network
// mode (digits -1) and in formula mode (digits 2, which composes the formula), and
// evaluated once. Seeds: the symbolic.yaml files of the tests.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "hnn/model.h"
#include "hnn/options.h"

namespace {

void build_and_evaluate(const std::string& file, int digits) {
  hnn::fuzz::refuse_only_with_hnn_errors([&] {
    hnn::Options options;
    options.set("file", file);
    options.set("digits", std::int64_t{digits});
    auto model = hnn::fuzz::bundled_registry().create_model("symbolic", options);
    Eigen::MatrixXd inputs = Eigen::MatrixXd::Constant(model->input_dimension(), 2, 0.25);
    inputs(0, 1) = -1.5;
    Eigen::MatrixXd outputs(model->output_dimension(), 2);
    model->forward(inputs);
    model->outputs(outputs);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = hnn::fuzz::write_input("symbolic.yaml", data, size).string();
  build_and_evaluate(file, -1);
  build_and_evaluate(file, 2);
  return 0;
}
