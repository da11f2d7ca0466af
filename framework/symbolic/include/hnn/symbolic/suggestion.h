// Choosing a library function for an edge: fit every candidate and rank them (kan.md §6.4).
//
// suggest_functions() fits each entry of a library (or a subset: SymbolicFunctionLibrary::
// subset) to the activation samples with fit_affine_parameters() and returns the best
// `top_k`, best first.
//
// Ranking with near-ties. pykan ranks by r2 alone (and its reversed argsort lets the *later*
// entry win exact ties). On short sample ranges many functions reach r2 = 1 within
// round-off (x, abs, cosh, exp, x^2 on the spring KAN's hidden node, kan.md §6.4), so here
// scores closer than `tie_tolerance` count as equal and the simpler entry wins. The order is
// built greedily, which keeps it well defined although "closer than" is not transitive:
//
//   repeat until every entry is placed:
//     best = the highest r2 among the entries not yet placed;
//     candidates = those with r2 >= best - tie_tolerance;
//     place the candidate with the lowest complexity, then the earliest library position.
//
// With tie_tolerance = 0 this is plain r2 order with exact ties to the simpler entry.
// Entries with a non-finite r2 cannot occur (fit scores are nan_to_num'ed).
//
// Example:
//
//   auto library = hnn::symbolic::SymbolicFunctionLibrary::pykan();
//   std::vector<hnn::symbolic::Suggestion> best =
//       hnn::symbolic::suggest_functions(x, y, library.subset({"x", "x^2", "sin"}));
//   // best[0].function, best[0].r2, best[0].fit.a ... best[0].fit.d
#ifndef HNN_SYMBOLIC_SUGGESTION_H_
#define HNN_SYMBOLIC_SUGGESTION_H_

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "hnn/symbolic/affine_fit.h"
#include "hnn/symbolic/function_library.h"

namespace hnn::symbolic {

struct SuggestionOptions {
  std::size_t top_k = 5;        // >= 1; more than the library size returns every entry
  double tie_tolerance = 1e-6;  // >= 0, see the header comment
  AffineFitOptions fit;         // used for every candidate

  bool IsValid(std::string* error) const;
};

struct Suggestion {
  std::string function;  // library name
  double r2 = 0.0;
  int complexity = 0;
  std::size_t library_index = 0;  // position in the library that was searched
  AffineFit fit;                  // a, b, c, d, trace
};

// The best min(top_k, library.size()) entries for the samples, best first. x and y as for
// fit_affine_parameters. Throws hnn::Error for an empty library, invalid options, or bad
// samples (the message names the function being fitted).
std::vector<Suggestion> suggest_functions(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                          const SymbolicFunctionLibrary& library,
                                          const SuggestionOptions& options = SuggestionOptions());

// The ranking rule alone, for scores computed elsewhere: the order (indices into
// `candidates`) in which the header comment's greedy rule places them.
std::vector<std::size_t> rank_suggestions(const std::vector<Suggestion>& candidates,
                                          double tie_tolerance);

}  // namespace hnn::symbolic

#endif  // HNN_SYMBOLIC_SUGGESTION_H_
