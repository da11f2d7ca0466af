// Reads the trigonometric terms of a recovered formula: in an expanded sum, every term that
// depends on a variable x, checked to be amplitude * f(frequency * x + phase) with f a named
// GiNaC function (sin, cos). Test support for formulas of the symbolic stage (a KAN edge
// c f(a x + b) + d composed with affine edges gives exactly that shape).
#ifndef HNN_TESTS_SUPPORT_TRIGONOMETRIC_TERMS_H_
#define HNN_TESTS_SUPPORT_TRIGONOMETRIC_TERMS_H_

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hnn/symbolic/ginac.h"

namespace hnn::testing {

// amplitude * f(frequency * x + phase).
struct TrigonometricTerm {
  double amplitude = 0;
  double frequency = 0;
  double phase = 0;
};

// A number of a formula (REQUIREs that it evaluates to one).
inline double number_of(const GiNaC::ex& value) {
  const GiNaC::ex number = value.evalf();
  REQUIRE(GiNaC::is_a<GiNaC::numeric>(number));
  return GiNaC::ex_to<GiNaC::numeric>(number).to_double();
}

// The terms of `expanded` (a sum, or a single term) that contain `x`; REQUIREs each to be
// a number times `function`(frequency x + phase).
inline std::vector<TrigonometricTerm> trigonometric_terms(const GiNaC::ex& expanded,
                                                          const GiNaC::ex& x,
                                                          const std::string& function) {
  std::vector<TrigonometricTerm> terms;
  auto read_term = [&](const GiNaC::ex& term) {
    if (!term.has(x)) return;
    GiNaC::ex amplitude = 1;
    GiNaC::ex call;
    const bool product = GiNaC::is_a<GiNaC::mul>(term);
    for (std::size_t i = 0; i < (product ? term.nops() : 1); ++i) {
      const GiNaC::ex factor = product ? term.op(i) : term;
      if (factor.has(x)) {
        REQUIRE(call.is_zero());  // one factor with x
        call = factor;
      } else {
        amplitude *= factor;
      }
    }
    CAPTURE(term);
    REQUIRE(GiNaC::is_a<GiNaC::function>(call));
    REQUIRE(GiNaC::ex_to<GiNaC::function>(call).get_name() == function);
    const GiNaC::ex argument = call.op(0).expand();
    REQUIRE(argument.degree(x) == 1);
    terms.push_back({.amplitude = number_of(amplitude),
                     .frequency = number_of(argument.coeff(x, 1)),
                     .phase = number_of(argument.coeff(x, 0))});
  };
  if (GiNaC::is_a<GiNaC::add>(expanded)) {
    for (const GiNaC::ex& term : expanded) read_term(term);
  } else {
    read_term(expanded);
  }
  return terms;
}

}  // namespace hnn::testing

#endif  // HNN_TESTS_SUPPORT_TRIGONOMETRIC_TERMS_H_
