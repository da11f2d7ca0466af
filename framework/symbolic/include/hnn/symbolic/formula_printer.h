// Printing of an expanded formula as text or LaTeX, the way SymbolicFormula::text and
// SymbolicFormula::latex write it (formula.h, "Printing"): monomial terms by total degree
// (highest first), then by the exponents in variable order; terms with functions or negative
// powers after them, by their text; the constant last. Every coefficient is written.
//
// Example:
//
//   GiNaC::realsymbol q("q"), p("p");
//   std::string text = hnn::symbolic::print_formula(q * q + 2 * p + 1, {q, p}, {"q", "p"},
//                                                    hnn::symbolic::FormulaNotation::kText, 2);
//   // "1.00*q^2 + 2.00*p + 1.00"
#ifndef HNN_SYMBOLIC_FORMULA_PRINTER_H_
#define HNN_SYMBOLIC_FORMULA_PRINTER_H_

#include <string>
#include <vector>

#include "hnn/symbolic/ginac.h"

namespace hnn::symbolic {

enum class FormulaNotation { kText, kLatex };

// `expanded` (an expanded expression in `variables`, GiNaC symbols printed as `names`, one
// name per variable) with every number written with `digits` decimals in fixed notation, or,
// for digits < 0 (SymbolicFormula::kFull), as the shortest decimal that reads back to the
// same double. Names are used verbatim, also in LaTeX.
std::string print_formula(const GiNaC::ex& expanded, const std::vector<GiNaC::ex>& variables,
                          const std::vector<std::string>& names, FormulaNotation notation,
                          int digits);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_FORMULA_PRINTER_H_
