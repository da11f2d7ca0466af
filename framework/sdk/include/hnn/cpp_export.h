// A trained model written as C++ source: the request a model's cpp_export() answers
// (hnn/model.h, the optional capability has_cpp_export()) and the helpers every export
// shares, so that all of them have the same shape.
//
// The export is one self-contained C++17 header that needs only <cmath>: the parameters are
// embedded as decimal literals of 17 significant digits (each reads back to the same double),
// and the functions evaluate H = F_output (the model's output that is the Hamiltonian) and its
// input gradient by the same formulas as the model, so that they agree with it to round-off:
//
//   namespace <name> {
//   inline constexpr int kInputDimension = d;
//   double evaluate(const double* x, double* dHdx);    // H(x); dHdx (d values) may be null
//   double hamiltonian(const double* x);               // H(x)
//   void gradient(const double* x, double* dHdx);      // dH/dx(x)
//   // n samples, one after another (x: d * n values, dHdx the same, or null; H: n values)
//   void hamiltonian_batch(const double* x, long n, double* H, double* dHdx);
//   }
//
// A model writes the namespace's `detail` part and `evaluate` (cpp_header_body), and
// cpp_header() wraps them in the rest.
//
// Example (what the host does for output.export):
//
//   hnn::CppExportRequest request;
//   request.name = "kan";            // the model's name in the pipeline
//   request.output = 1;              // training.hamiltonian_output
//   request.coordinate_names = {"q", "p"};
//   if (model.has_cpp_export()) write_file_atomically("export/kan.hpp", model.cpp_export(request));
#ifndef HNN_CPP_EXPORT_H_
#define HNN_CPP_EXPORT_H_

#include <string>
#include <vector>

namespace hnn {

// What the exported header is called and which output it evaluates.
struct CppExportRequest {
  // The namespace of the header's functions; cpp_identifier() makes it a valid one.
  std::string name;
  // The output that is H, 0 <= output < output_dimension().
  int output = 0;
  // Names of the inputs, for the header's comment (may be empty).
  std::vector<std::string> coordinate_names;
  // What the header holds, its opening comment (lines separated by '\n'); empty: "H = F<o+1>
  // of the model <description>", what a model's export holds.
  std::string comment;
};

// `value` as a C++ double literal that reads back to the same double: 17 significant
// digits, always with a '.' or an exponent ("1.0", "-0.25", "1.0000000000000001e-05").
// Throws hnn::Error for NaN or an infinity (a parameter an export cannot embed).
std::string cpp_double_literal(double value);

// `values` as the initialiser of a `static constexpr double <name>[]` array (several
// literals per line). An empty array is given one 0.0 so that the declaration stays valid.
std::string cpp_double_array(const std::string& name, const std::vector<double>& values);

// `name` made a C++ identifier: every character other than a letter, digit or '_' becomes
// '_', a leading digit (or an empty name) gets a '_' in front (becoming "_<name>"), and a C++
// keyword gets a '_' behind ("int" -> "int_").
std::string cpp_identifier(const std::string& name);

// The whole header around a model's part: the comment (the model's `description`, the
// output, the inputs), the include guard, <cmath>, `namespace <cpp_identifier(name)> {`,
// kInputDimension, then `body` (which must define `inline double evaluate(const double* x,
// double* dHdx)`, with whatever it needs in a nested namespace `detail`), then hamiltonian(),
// gradient() and hamiltonian_batch() in terms of evaluate(). Throws hnn::Error when
// request.output is negative or input_dimension < 1.
std::string cpp_header(const CppExportRequest& request, const std::string& description,
                       int input_dimension, const std::string& body);

}  // namespace hnn

#endif  // HNN_CPP_EXPORT_H_
