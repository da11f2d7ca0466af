// Reads a formula ("p^2/2 + 1 - cos(q)") into a GiNaC expression, with error messages that
// point at the character where the problem is. (GiNaC's own parser reports no usable
// position, so the formula is read here and only the expression is built with GiNaC.)
//
// Grammar (whitespace between tokens is ignored):
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('+' | '-') unary | power
//   power   := primary (('^' | '**') unary)?           right-associative: a^b^c = a^(b^c)
//   primary := number | name | function '(' sum ')' | '(' sum ')'
//   number  := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]   (or '.' digits ...)
// so -q^2 = -(q^2) and 2^-1 = 1/2. Numbers are read exactly (0.1 is the rational 1/10), so
// powers of numbers are computed exactly: an exponent that is a number is at most 10 000 in
// magnitude, and a power whose exact numbers would exceed 2^20 bits (2^(10^6), (2^100)^10^4)
// is refused, both at the '^' with the limit in the message.
// Functions: sqrt exp log sin cos tan asin acos atan sinh cosh tanh abs; constant: pi.
// Every name of the formula must be bound (FormulaNames); the result compiles with
// CompiledExpression (compiled_expression.h).
//
// Example (the `expression` system's H):
//
//   GiNaC::realsymbol q("q"), p("p");
//   hnn::symbolic::FormulaNames names{{{"q", q}, {"p", p}, {"g", GiNaC::numeric(981, 100)}},
//                                     {"coordinates: q, p", "parameters: g"}};
//   GiNaC::ex h = hnn::symbolic::parse_formula("p^2/2 + g*(1 - cos(q))", names, "hamiltonian");
//
// Thread safety: the functions may be called from several threads with distinct
// FormulaNames (GiNaC expressions are reference counted without locks).
#ifndef HNN_SYMBOLIC_FORMULA_PARSER_H_
#define HNN_SYMBOLIC_FORMULA_PARSER_H_

#include "hnn/symbolic/ginac.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hnn::symbolic {

// The names a formula may use besides the functions and pi: each maps to what it stands
// for (a symbol, or a number for a parameter). `kinds` says what the names are, for the
// "unknown name" message, e.g. {"coordinates: q, p", "parameters: none"}.
struct FormulaNames {
  std::map<std::string, GiNaC::ex> values;
  std::vector<std::string> kinds;
};

// Parses `text`. Throws hnn::Error with the message
//   <label>: cannot parse "<text>": at character <N>: <problem>
// where N is 1-based (N = text.size() + 1 is the end of the formula), e.g.
//   hamiltonian: cannot parse "p^2/2 + cos(q": at character 14: expected ')' to close the
//   '(' at character 12, found the end of the formula
// A formula nested deeper than kMaxFormulaDepth (input_limits.h) is refused the same way,
// at the character where the limit is passed.
GiNaC::ex parse_formula(const std::string& text, const FormulaNames& names,
                        const std::string& label);

// For a formula read by another parser (GiNaC's, for symbolic.yaml's functions): the
// 0-based character where its nesting passes kMaxFormulaDepth, counting each unclosed
// parenthesis and each sign and exponent ('^', '**') within them; nullopt when it stays
// within the limit. Bounds the recursion of that parser and of what walks its result.
std::optional<std::size_t> find_excess_nesting(const std::string& text);

// The deepest nesting of the text as find_excess_nesting counts it (0 for "x").
int formula_nesting_depth(const std::string& text);

// The formula in double quotes for a message, cut after kMaxQuotedValueLength characters
// ("..." and the length follow).
std::string quoted_formula(const std::string& text);

// True for a name a formula may bind: [A-Za-z_][A-Za-z0-9_]*, and not a function or pi.
bool is_bindable_name(const std::string& name);

// "sqrt, exp, log, ...": the functions parse_formula knows.
std::string known_functions();

// The expression in GiNaC's notation with its sums and products in the canonical order
// (canonical_text, canonical_order.h): the same text in every process. The form written in
// messages and in the `expression` system's exact_hamiltonian(); parse_formula reads it back.
std::string to_text(const GiNaC::ex& expression);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_FORMULA_PARSER_H_
