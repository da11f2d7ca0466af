// An order of the operands of sums and products that does not depend on GiNaC's.
//
// GiNaC stores the operands of a sum or product in the order of their hash values, and a
// symbol's hash mixes in the address of its type's name, which moves with address-space
// layout randomisation and with the library a plugin binds it from. So the same expression
// can be stored, printed and evaluated in a different order in another process. The
// canonical key below identifies an expression by its structure alone (operands of sums and
// products sorted by their own keys), and canonical_text() prints with that order, so that
// the text of an expression is the same in every process.
#ifndef HNN_SYMBOLIC_CANONICAL_ORDER_H_
#define HNN_SYMBOLIC_CANONICAL_ORDER_H_

#include <map>
#include <string>

#include "hnn/symbolic/ginac.h"

namespace hnn::symbolic {

// Keys of expressions, cached: add(...), mul(...) with the operands' keys sorted, function
// and power nodes as class:name(operand keys in order), numbers, symbols and constants as
// GiNaC prints them ("12/5", "q", "Pi"). Equal structure gives equal keys.
class CanonicalKeys {
 public:
  const std::string& key(const GiNaC::ex& e);

 private:
  std::map<GiNaC::ex, std::string, GiNaC::ex_is_less> keys_;
};

// The expression as text in GiNaC's notation ("12/5*cos(theta)", "x^(-1)", "sqrt(q)"),
// readable back by parse_formula (formula_parser.h) when every name in it is bound, with
// the operands of every sum and product in the canonical order: the terms of a sum by the
// key of the term without its numeric factor (then by key), the number last
// ("p^2+q^2+1", "x1-x2"); the factors of a product by key after the number
// ("-12/5*cos(theta)"); an even power of a sum with the sign that makes its first term
// positive (GiNaC may hold (x-y)^2 as (-x+y)^2); pi as "pi". The same expression gives the
// same text in every process.
std::string canonical_text(const GiNaC::ex& e);

// GiNaC's own print of `e`, in its stored order, which can differ between processes: for
// messages about one expression and for keys within one process; canonical_text for any
// text that is kept or compared.
std::string ginac_text(const GiNaC::ex& e);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_CANONICAL_ORDER_H_
