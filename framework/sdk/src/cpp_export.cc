#include "hnn/cpp_export.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "hnn/error.h"
#include "hnn/version.h"

namespace hnn {

std::string cpp_double_literal(double value) {
  if (!std::isfinite(value)) {
    throw Error("cpp export: cannot embed the non-finite value " + std::to_string(value));
  }
  std::array<char, 40> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.17g", value);
  std::string text(buffer.data());
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

std::string cpp_double_array(const std::string& name, const std::vector<double>& values) {
  std::ostringstream out;
  out << "inline constexpr double " << name << "[] = {";
  if (values.empty()) out << "0.0";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out << (i > 0 ? "," : "") << (i % 4 == 0 ? "\n    " : " ") << cpp_double_literal(values[i]);
  }
  out << "};\n";
  return out.str();
}

std::string cpp_identifier(const std::string& name) {
  static const std::array<const char*, 97> keywords = {
      "alignas",       "alignof",     "and",
      "and_eq",        "asm",         "auto",
      "bitand",        "bitor",       "bool",
      "break",         "case",        "catch",
      "char",          "char8_t",     "char16_t",
      "char32_t",      "class",       "compl",
      "concept",       "const",       "consteval",
      "constexpr",     "constinit",   "const_cast",
      "continue",      "co_await",    "co_return",
      "co_yield",      "decltype",    "default",
      "delete",        "do",          "double",
      "dynamic_cast",  "else",        "enum",
      "explicit",      "export",      "extern",
      "false",         "float",       "for",
      "friend",        "goto",        "if",
      "inline",        "int",         "long",
      "mutable",       "namespace",   "new",
      "noexcept",      "not",         "not_eq",
      "nullptr",       "operator",    "or",
      "or_eq",         "private",     "protected",
      "public",        "register",    "reinterpret_cast",
      "requires",      "return",      "short",
      "signed",        "sizeof",      "static",
      "static_assert", "static_cast", "struct",
      "switch",        "template",    "this",
      "thread_local",  "throw",       "true",
      "try",           "typedef",     "typeid",
      "typename",      "union",       "unsigned",
      "using",         "virtual",     "void",
      "volatile",      "wchar_t",     "while",
      "xor",           "xor_eq",      "std",
      "detail",        "main",        "NULL",
      "errno"};
  std::string identifier = name;
  for (char& c : identifier) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  if (identifier.empty() || std::isdigit(static_cast<unsigned char>(identifier.front()))) {
    identifier.insert(identifier.begin(), '_');
  }
  if (std::find(keywords.begin(), keywords.end(), identifier) != keywords.end()) identifier += '_';
  return identifier;
}

std::string cpp_header(const CppExportRequest& request, const std::string& description,
                       int input_dimension, const std::string& body) {
  if (request.output < 0 || input_dimension < 1) {
    throw Error("cpp export of '" + description + "': output " + std::to_string(request.output) +
                " and input dimension " + std::to_string(input_dimension) +
                " (need output >= 0 and at least one input)");
  }
  const std::string name = cpp_identifier(request.name);
  std::string guard = "HNN_EXPORT_" + name + "_HPP_";
  for (char& c : guard) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::ostringstream out;
  if (request.comment.empty()) {
    out << "// " << name << ": H = F" << request.output + 1 << " (output " << request.output
        << ", 0-based) of the model \"" << description << "\",\n"
        << "// exported by hnn " << kVersion << ". Self-contained C++17 (only <cmath>); the "
        << "parameters are\n// embedded as 17-digit literals (exact doubles).\n//\n";
  } else {
    std::istringstream lines(request.comment);
    std::string line;
    while (std::getline(lines, line)) out << "//" << (line.empty() ? "" : " ") << line << "\n";
    out << "//\n";
  }
  out << "// x holds the " << input_dimension << " inputs";
  if (!request.coordinate_names.empty()) {
    out << " in the order (";
    for (std::size_t i = 0; i < request.coordinate_names.size(); ++i) {
      out << (i ? ", " : "") << request.coordinate_names[i];
    }
    out << ")";
  }
  out << ".\n//\n"
      << "//   #include \"" << request.name << ".hpp\"\n"
      << "//   double x[" << name << "::kInputDimension] = {...}, dHdx[" << name
      << "::kInputDimension];\n"
      << "//   double H = " << name << "::evaluate(x, dHdx);   // H and its gradient\n"
      << "#ifndef " << guard << "\n#define " << guard << "\n\n#include <cmath>\n\n"
      << "namespace " << name << " {\n\n"
      << "inline constexpr int kInputDimension = " << input_dimension << ";\n\n"
      << body << "\n"
      << "// H at x (kInputDimension values).\n"
      << "inline double hamiltonian(const double* x) { return evaluate(x, nullptr); }\n\n"
      << "// dH/dx at x into dHdx (kInputDimension values).\n"
      << "inline void gradient(const double* x, double* dHdx) { evaluate(x, dHdx); }\n\n"
      << "// n samples stored one after another (x: kInputDimension * n values): H into H[0 .. n)\n"
      << "// and, unless dHdx is null, the gradients into dHdx (laid out like x).\n"
      << "inline void hamiltonian_batch(const double* x, long n, double* H, double* dHdx) {\n"
      << "  for (long s = 0; s < n; ++s) {\n"
      << "    H[s] = evaluate(x + s * kInputDimension, dHdx ? dHdx + s * kInputDimension : "
         "nullptr);\n"
      << "  }\n"
      << "}\n\n"
      << "}  // namespace " << name << "\n\n#endif  // " << guard << "\n";
  return out.str();
}

}  // namespace hnn
