// Fuzz target `formula`: the bytes as a formula (the `expression` system's hamiltonian),
// parsed with coordinates q, p and a parameter g, printed, compiled and evaluated with its
// gradient at one state: what the expression system does with its option. Seeds: the
// formulas of configs/, tests/ and the golden symbolic fit cases (scripts/fuzz).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "hnn/symbolic/compiled_expression.h"
#include "hnn/symbolic/formula_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const GiNaC::realsymbol q("q"), p("p");
  static const hnn::symbolic::FormulaNames names{
      {{"q", q}, {"p", p}, {"g", GiNaC::numeric(981, 100)}},
      {"coordinates: q, p", "parameters: g"}};
  const std::string text(reinterpret_cast<const char*>(data), size);
  hnn::fuzz::refuse_only_with_hnn_errors([&] {
    const GiNaC::ex hamiltonian = hnn::symbolic::parse_formula(text, names, "hamiltonian");
    (void)hnn::symbolic::to_text(hamiltonian);
    const hnn::symbolic::CompiledExpression compiled(hamiltonian, {q, p});
    double gradient[2];
    const double state[2] = {0.5, -0.25};
    (void)compiled.value_and_gradient(state, gradient);
  });
  return 0;
}
