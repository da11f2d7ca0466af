#include "hnn/symbolic/formula_source.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "hnn/cpp_export.h"
#include "hnn/error.h"
#include "hnn/symbolic/canonical_order.h"
#include "hnn/version.h"

namespace hnn::symbolic {
namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using GiNaC::numeric;

// Python's keywords and the module name the file imports.
std::string python_identifier(const std::string& name) {
  static const std::vector<std::string> reserved = {
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",    "np"};
  std::string identifier = cpp_identifier(name);
  if (std::find(reserved.begin(), reserved.end(), identifier) != reserved.end()) identifier += '_';
  return identifier;
}

class SourcePrinter {
 public:
  SourcePrinter(const std::vector<ex>& variables, const std::vector<std::string>& names,
                SourceLanguage language)
      : variables_(variables), names_(names), language_(language) {}

  // `e` as an atom or a parenthesised expression.
  std::string print(const ex& e) const {
    if (is_a<numeric>(e)) return number(ex_to<numeric>(e), e);
    if (is_a<GiNaC::constant>(e)) return print(e.evalf());
    if (is_a<GiNaC::symbol>(e)) {
      for (std::size_t k = 0; k < variables_.size(); ++k) {
        if (variables_[k].is_equal(e)) return names_[k];
      }
      unsupported(e, "is not one of the variables");
    }
    if (is_a<GiNaC::add>(e)) {
      std::vector<std::string> terms;
      for (std::size_t k = 0; k < e.nops(); ++k) terms.push_back(print(e.op(k)));
      return "(" + join(terms, " + ") + ")";
    }
    if (is_a<GiNaC::mul>(e)) return product(e);
    if (is_a<GiNaC::power>(e)) return power(e.op(0), e.op(1));
    if (is_a<GiNaC::function>(e)) return function(e);
    unsupported(e, "is not supported");
  }

 private:
  [[noreturn]] static void unsupported(const ex& e, const std::string& why) {
    throw NotImplementedError("formula source: '" + ginac_text(e) + "' " + why);
  }

  static std::string join(std::vector<std::string> parts, const std::string& separator) {
    std::sort(parts.begin(), parts.end());
    std::string text;
    for (std::size_t k = 0; k < parts.size(); ++k) text += (k ? separator : "") + parts[k];
    return text;
  }

  static std::string number(const numeric& n, const ex& e) {
    if (!n.is_real()) unsupported(e, "is not a real number");
    const std::string literal = cpp_double_literal(n.to_double());
    return literal.front() == '-' ? "(" + literal + ")" : literal;
  }

  std::string product(const ex& e) const {
    std::vector<std::string> numerator, denominator;
    for (std::size_t k = 0; k < e.nops(); ++k) {
      const ex factor = e.op(k);
      if (is_a<GiNaC::power>(factor) && is_a<numeric>(factor.op(1)) &&
          ex_to<numeric>(factor.op(1)).is_real() && ex_to<numeric>(factor.op(1)).is_negative()) {
        denominator.push_back(power(factor.op(0), -factor.op(1)));
      } else {
        numerator.push_back(print(factor));
      }
    }
    const std::string top = numerator.empty() ? "1.0" : join(numerator, " * ");
    if (denominator.empty()) return "(" + top + ")";
    return "(" + top + " / (" + join(denominator, " * ") + "))";
  }

  std::string power(const ex& base, const ex& exponent) const {
    const std::string b = print(base);
    if (is_a<numeric>(exponent) && ex_to<numeric>(exponent) == numeric(1, 2)) {
      return call("sqrt", b);
    }
    const std::string x = print(exponent);
    switch (language_) {
      case SourceLanguage::kC:
        return "pow(" + b + ", " + x + ")";
      case SourceLanguage::kCpp:
        return "std::pow(" + b + ", " + x + ")";
      case SourceLanguage::kPython:
        return "(" + b + " ** " + x + ")";
    }
    return "";
  }

  // A function of <math.h> by its C name.
  std::string call(const std::string& c_name, const std::string& argument) const {
    static const std::map<std::string, std::string> numpy = {{"asin", "arcsin"},
                                                             {"acos", "arccos"},
                                                             {"atan", "arctan"},
                                                             {"atanh", "arctanh"},
                                                             {"fabs", "abs"}};
    if (c_name == "hnn_sign" || c_name == "hnn_step") {
      if (language_ == SourceLanguage::kPython) {
        return c_name == "hnn_sign" ? "np.sign(" + argument + ")"
                                    : "np.heaviside(" + argument + ", 0.5)";
      }
      return c_name + "(" + argument + ")";
    }
    switch (language_) {
      case SourceLanguage::kC:
        return c_name + "(" + argument + ")";
      case SourceLanguage::kCpp:
        return "std::" + c_name + "(" + argument + ")";
      case SourceLanguage::kPython: {
        const auto renamed = numpy.find(c_name);
        return "np." + (renamed == numpy.end() ? c_name : renamed->second) + "(" + argument + ")";
      }
    }
    return "";
  }

  std::string function(const ex& e) const {
    static const std::map<std::string, std::string> functions = {
        {"exp", "exp"},   {"log", "log"},       {"sin", "sin"},      {"cos", "cos"},
        {"tan", "tan"},   {"asin", "asin"},     {"acos", "acos"},    {"atan", "atan"},
        {"sinh", "sinh"}, {"cosh", "cosh"},     {"tanh", "tanh"},    {"atanh", "atanh"},
        {"abs", "fabs"},  {"csgn", "hnn_sign"}, {"step", "hnn_step"}};
    const auto found = functions.find(ex_to<GiNaC::function>(e).get_name());
    // GiNaC leaves the derivatives of csgn and step unevaluated: 0 wherever they exist (as
    // CompiledExpression's).
    if (is_a<GiNaC::fderivative>(e) && found != functions.end() &&
        (found->first == "csgn" || found->first == "step")) {
      return "0.0";
    }
    if (found == functions.end() || e.nops() != 1 || is_a<GiNaC::fderivative>(e)) {
      unsupported(e, "is not a supported function");
    }
    return call(found->second, print(e.op(0)));
  }

  const std::vector<ex>& variables_;
  const std::vector<std::string>& names_;
  SourceLanguage language_;
};

// `text` without one pair of parentheses around all of it.
std::string unwrap(const std::string& text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return text;
  int depth = 0;
  for (std::size_t k = 0; k + 1 < text.size(); ++k) {
    depth += text[k] == '(' ? 1 : (text[k] == ')' ? -1 : 0);
    if (depth == 0) return text;  // the first '(' closes before the end
  }
  return text.substr(1, text.size() - 2);
}

// The helpers a C or C++ source needs for csgn and step (GiNaC's values at 0: 0 and 1/2).
std::string sign_and_step(const std::string& code, const std::string& qualifier) {
  std::string helpers;
  if (code.find("hnn_sign(") != std::string::npos) {
    helpers += qualifier +
               "double hnn_sign(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); }\n";
  }
  if (code.find("hnn_step(") != std::string::npos) {
    helpers +=
        qualifier + "double hnn_step(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? 0.0 : 0.5); }\n";
  }
  return helpers.empty() ? "" : helpers + "\n";
}

}  // namespace

std::string source_expression(const ex& expression, const std::vector<ex>& variables,
                              const std::vector<std::string>& names, SourceLanguage language) {
  if (names.size() != variables.size()) {
    throw Error("formula source: " + std::to_string(names.size()) + " names for " +
                std::to_string(variables.size()) + " variables");
  }
  return unwrap(SourcePrinter(variables, names, language).print(expression));
}

FormulaSources formula_sources(const ex& h, const std::vector<ex>& variables,
                               const std::vector<std::string>& names, const std::string& name,
                               const FormulaText& text) {
  const std::size_t d = variables.size();
  if (names.size() != d || d == 0) {
    throw Error("formula source: " + std::to_string(names.size()) + " names for " +
                std::to_string(d) + " variables (need at least one)");
  }
  std::vector<std::string> c_names, python_names;
  for (const auto& n : names) {
    c_names.push_back(cpp_identifier(n));
    python_names.push_back(python_identifier(n));
  }
  std::vector<ex> gradient;
  for (const auto& v : variables) gradient.push_back(h.diff(ex_to<GiNaC::symbol>(v)));
  auto expressions = [&](SourceLanguage language, const std::vector<std::string>& names) {
    std::vector<std::string> code{source_expression(h, variables, names, language)};
    for (const auto& g : gradient) code.push_back(source_expression(g, variables, names, language));
    return code;
  };
  auto joined = [](const std::vector<std::string>& names, const std::string& prefix) {
    std::string text;
    for (std::size_t k = 0; k < names.size(); ++k) text += (k ? ", " : "") + prefix + names[k];
    return text;
  };
  const std::string identifier = cpp_identifier(name);
  const std::string& description = text.description;
  const int digits = text.digits;
  const std::string signature = "H(" + joined(names, "") + ")";
  const std::string about =
      identifier + ": " + signature + " = " + text.rounded + "\n(rounded to " +
      std::to_string(digits) + " decimals here), recovered by hnn's symbolic stage from \"" +
      description + "\";\nwritten at full precision, its gradient by exact differentiation.";
  std::string unused_c;
  for (const auto& n : c_names) unused_c += "  (void)" + n + ";\n";
  FormulaSources sources;

  {  // C
    const auto code = expressions(SourceLanguage::kC, c_names);
    std::string body;
    for (const auto& line : code) body += line;
    std::ostringstream out;
    std::string comment = about;
    for (std::size_t at = comment.find('\n'); at != std::string::npos;
         at = comment.find('\n', at + 4)) {
      comment.replace(at, 1, "\n   ");
    }
    out << "/* " << comment << "\n   C99; needs <math.h> (link with -lm). */\n#include <math.h>\n\n"
        << sign_and_step(body, "static inline ") << "/* H at (" << joined(c_names, "") << "). */\n"
        << "double " << identifier << "_H(" << joined(c_names, "double ") << ") {\n"
        << unused_c << "  return " << code[0] << ";\n}\n\n"
        << "/* dH/d(" << joined(c_names, "") << ") at (" << joined(c_names, "")
        << ") into dHdx[0 .. " << d << "). */\n"
        << "void " << identifier << "_gradient(" << joined(c_names, "double ")
        << ", double* dHdx) {\n"
        << unused_c;
    for (std::size_t k = 0; k < d; ++k) out << "  dHdx[" << k << "] = " << code[k + 1] << ";\n";
    out << "}\n";
    sources.c = out.str();
  }
  {  // C++
    const auto code = expressions(SourceLanguage::kCpp, c_names);
    std::string all;
    for (const auto& line : code) all += line;
    std::ostringstream body;
    body << sign_and_step(all, "inline ") << "// H at (" << joined(c_names, "") << ").\n"
         << "inline double H(" << joined(c_names, "double ") << ") {\n"
         << unused_c << "  return " << code[0] << ";\n}\n\n"
         << "// dH/d(" << joined(c_names, "") << ") into dHdx[0 .. " << d << ").\n"
         << "inline void gradient(" << joined(c_names, "double ") << ", double* dHdx) {\n"
         << unused_c;
    for (std::size_t k = 0; k < d; ++k) body << "  dHdx[" << k << "] = " << code[k + 1] << ";\n";
    std::string arguments;
    for (std::size_t k = 0; k < d; ++k) arguments += (k ? ", x[" : "x[") + std::to_string(k) + "]";
    body << "}\n\n// H at x (kInputDimension values) and, unless dHdx is null, its gradient.\n"
         << "inline double evaluate(const double* x, double* dHdx) {\n"
         << "  if (dHdx != nullptr) gradient(" << arguments << ", dHdx);\n"
         << "  return H(" << arguments << ");\n}\n";
    CppExportRequest request;
    request.name = identifier + "_formula";
    request.coordinate_names = names;
    request.comment = about + "\nExported by hnn " + std::string(kVersion) +
                      ". Self-contained C++17 (only <cmath>).";
    const std::string header = cpp_header(request, description, static_cast<int>(d), body.str());
    sources.cpp = header;
  }
  {  // Python
    const auto code = expressions(SourceLanguage::kPython, python_names);
    std::string unpack = joined(python_names, "") + (d == 1 ? "," : "");
    std::string convert;
    for (std::size_t k = 0; k < d; ++k) {
      convert += (k ? ", " : "") + std::string("np.asarray(") + python_names[k] + ", dtype=float)";
    }
    std::ostringstream out;
    out << "\"\"\"" << about << "\n\nNeeds NumPy. Example:\n\n    import numpy as np\n"
        << "    from " << identifier << "_formula import hamiltonian, gradient\n"
        << "    H = hamiltonian("
        << joined(std::vector<std::string>(d, "np.linspace(-1.0, 1.0, 5)"), "")
        << ")\n\"\"\"\nimport numpy as np\n\n\n"
        << "def hamiltonian(" << joined(python_names, "") << "):\n"
        << "    \"\"\"H at arrays (or numbers) of shapes that broadcast; returns their "
           "shape.\"\"\"\n"
        << "    " << unpack << " = np.broadcast_arrays(" << convert << ")\n"
        << "    return " << code[0] << " + np.zeros_like(" << python_names[0] << ")\n\n\n"
        << "def gradient(" << joined(python_names, "") << "):\n"
        << "    \"\"\"dH/d(" << joined(python_names, "")
        << ") at arrays of shapes that broadcast, stacked along a new first axis.\"\"\"\n"
        << "    " << unpack << " = np.broadcast_arrays(" << convert << ")\n"
        << "    zero = np.zeros_like(" << python_names[0] << ")\n"
        << "    return np.stack([";
    for (std::size_t k = 0; k < d; ++k) out << (k ? ", " : "") << code[k + 1] << " + zero";
    out << "])\n";
    sources.python = out.str();
  }
  {  // LaTeX
    std::ostringstream out;
    out << "% " << identifier << ": the Hamiltonian recovered by hnn's symbolic stage from\n% \""
        << description << "\", rounded to " << digits << " decimals and at full precision.\n"
        << "\\begin{equation}\n  " << signature << " = " << text.latex_rounded
        << "\n\\end{equation}\n"
        << "\\begin{equation}\n  " << signature << " = " << text.latex_full
        << "\n\\end{equation}\n";
    sources.latex = out.str();
  }
  return sources;
}

FormulaSources formula_sources(const SymbolicFormula& formula, std::size_t output,
                               const std::string& name, const std::string& description,
                               int digits) {
  const FormulaText text{description, formula.text(output, digits), digits,
                         formula.latex(output, digits),
                         formula.latex(output, SymbolicFormula::kFull)};
  return formula_sources(formula.expression(output), formula.variables(), formula.variable_names(),
                         name, text);
}

}  // namespace hnn::symbolic
