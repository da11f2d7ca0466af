// A recovered formula H(x) written as source code: C, C++, Python/NumPy and LaTeX, with the
// gradient by GiNaC's exact differentiation (docs/export.md).
//
//   C        <name>_formula.c:   double <name>_H(double q, double p);
//                                void <name>_gradient(double q, double p, double* dHdx);
//            (C99, <math.h>; link with -lm)
//   C++      <name>_formula.hpp: namespace <name>_formula { H(q, p), evaluate(x, dHdx),
//            hamiltonian(x), gradient(x, dHdx), hamiltonian_batch(x, n, H, dHdx) } (the shape
//            of a model's export, hnn/cpp_export.h), header-only, <cmath>
//   Python   <name>_formula.py:  hamiltonian(q, p) and gradient(q, p) on NumPy arrays (any
//            shapes that broadcast; gradient stacks dH/dq, dH/dp along a new first axis)
//   LaTeX    <name>_formula.tex: H(q, p) = ... rounded to `digits` decimals and at full
//            precision (SymbolicFormula::latex)
//
// Every number is the double nearest to the exact coefficient, written with 17 significant
// digits; sums and products are written with their operands sorted by their text, so that
// the same formula gives the same files in every process (GiNaC's own order can differ).
// Supported nodes are those of CompiledExpression (compiled_expression.h): numbers and
// constants, the variables, sums, products, powers, exp log sin cos tan asin acos atan sinh
// cosh tanh atanh abs csgn step; anything else throws hnn::NotImplementedError naming it.
//
// Example:
//
//   const hnn::symbolic::FormulaSources sources =
//       hnn::symbolic::formula_sources(formula, 1, "kan", "kan 2-1-2 G=3 k=3 silu", 2);
//   hnn::write_file_atomically("export/kan_formula.c", sources.c);
#ifndef HNN_SYMBOLIC_FORMULA_SOURCE_H_
#define HNN_SYMBOLIC_FORMULA_SOURCE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "hnn/symbolic/formula.h"
#include "hnn/symbolic/ginac.h"

namespace hnn::symbolic {

enum class SourceLanguage { kC, kCpp, kPython };

// `expression` (in `variables`, written as `names`, one per variable) as an expression of
// the language: C's <math.h> functions, C++'s std:: ones, NumPy's np.* (sign and step
// through helper functions hnn_sign/hnn_step that the file defines: see formula_sources).
std::string source_expression(const GiNaC::ex& expression, const std::vector<GiNaC::ex>& variables,
                              const std::vector<std::string>& names, SourceLanguage language);

struct FormulaSources {
  std::string c, cpp, python, latex;
};

// What the comments and the LaTeX file say about a formula.
struct FormulaText {
  std::string description;  // where it comes from, e.g. the model's description
  std::string rounded;      // the formula as text, rounded to `digits` decimals
  int digits = 2;
  std::string latex_rounded;  // in LaTeX, rounded
  std::string latex_full;     // in LaTeX, at full precision
};

// `hamiltonian` (in `variables`, at least one, written as `names`) in the four languages,
// with its gradient by GiNaC's diff; `name` names the functions (made an identifier).
// Variable names that are not identifiers are made ones (cpp_identifier; in Python also
// its keywords and `np` get a '_'). Throws hnn::NotImplementedError for an unsupported node.
FormulaSources formula_sources(const GiNaC::ex& hamiltonian,
                               const std::vector<GiNaC::ex>& variables,
                               const std::vector<std::string>& names, const std::string& name,
                               const FormulaText& text);

// Output `output` of `formula` (the Hamiltonian), the exact expanded expression, with the
// text and LaTeX of SymbolicFormula rounded to `digits` decimals (0 .. 15) and at full
// precision; `description` as in FormulaText. Throws hnn::Error for an output out of range.
FormulaSources formula_sources(const SymbolicFormula& formula, std::size_t output,
                               const std::string& name, const std::string& description, int digits);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_FORMULA_SOURCE_H_
