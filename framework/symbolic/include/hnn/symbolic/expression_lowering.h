// Lowering: GiNaC expressions turned into an ExpressionTape (expression_tape.h) in one of the
// evaluation orders of CompiledExpression. compiled_expression.h documents the supported
// nodes and both orders; users compile with CompiledExpression, which checks the variables
// and calls this.
#ifndef HNN_SYMBOLIC_EXPRESSION_LOWERING_H_
#define HNN_SYMBOLIC_EXPRESSION_LOWERING_H_

#include <vector>

#include "hnn/symbolic/compiled_expression.h"
#include "hnn/symbolic/expression_tape.h"
#include "hnn/symbolic/ginac.h"

namespace hnn::symbolic {

// The tape of `expressions` (outputs, in order; at least one) in `variables` (distinct
// symbols: a precondition). Subexpressions that are equal (GiNaC's is_equal) are lowered
// once and shared, also between outputs. Throws hnn::NotImplementedError, its message
// starting with options.label, for a node that is not supported.
ExpressionTape lower_expressions(const std::vector<GiNaC::ex>& expressions,
                                 const std::vector<GiNaC::ex>& variables,
                                 const CompileOptions& options);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_EXPRESSION_LOWERING_H_
