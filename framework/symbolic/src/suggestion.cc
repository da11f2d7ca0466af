#include "hnn/symbolic/suggestion.h"

#include <cmath>
#include <limits>

#include "hnn/error.h"

namespace hnn::symbolic {

bool SuggestionOptions::IsValid(std::string* error) const {
  auto fail = [error](const std::string& message) {
    if (error != nullptr) *error = message;
    return false;
  };
  if (top_k < 1) return fail("top_k must be >= 1, found 0");
  if (!(tie_tolerance >= 0.0) || !std::isfinite(tie_tolerance)) {
    return fail("tie_tolerance must be finite and >= 0, found " + std::to_string(tie_tolerance));
  }
  std::string fit_error;
  if (!fit.IsValid(&fit_error)) return fail("fit: " + fit_error);
  return true;
}

std::vector<std::size_t> rank_suggestions(const std::vector<Suggestion>& candidates,
                                          double tie_tolerance) {
  std::vector<std::size_t> order;
  std::vector<bool> placed(candidates.size(), false);
  while (order.size() < candidates.size()) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (!placed[i] && candidates[i].r2 > best) best = candidates[i].r2;
    }
    std::size_t chosen = candidates.size();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (placed[i] || !(candidates[i].r2 >= best - tie_tolerance)) continue;
      if (chosen == candidates.size()) {
        chosen = i;
        continue;
      }
      const Suggestion& a = candidates[i];
      const Suggestion& b = candidates[chosen];
      if (a.complexity < b.complexity ||
          (a.complexity == b.complexity && a.library_index < b.library_index)) {
        chosen = i;
      }
    }
    if (chosen == candidates.size()) {  // only NaN scores left: keep library order
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!placed[i]) {
          chosen = i;
          break;
        }
      }
    }
    placed[chosen] = true;
    order.push_back(chosen);
  }
  return order;
}

std::vector<Suggestion> suggest_functions(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                          const SymbolicFunctionLibrary& library,
                                          const SuggestionOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) throw Error("suggest_functions: invalid options: " + error);
  if (library.empty()) throw Error("suggest_functions: the function library is empty");
  std::vector<Suggestion> candidates;
  candidates.reserve(library.size());
  for (std::size_t i = 0; i < library.size(); ++i) {
    Suggestion suggestion;
    suggestion.function = library[i].name;
    suggestion.complexity = library[i].complexity;
    suggestion.library_index = i;
    suggestion.fit = fit_affine_parameters(x, y, library[i], options.fit);
    suggestion.r2 = suggestion.fit.r2;
    candidates.push_back(std::move(suggestion));
  }
  const std::vector<std::size_t> order = rank_suggestions(candidates, options.tie_tolerance);
  std::vector<Suggestion> result;
  for (std::size_t k = 0; k < order.size() && k < options.top_k; ++k) {
    result.push_back(candidates[order[k]]);
  }
  return result;
}

}  // namespace hnn::symbolic
