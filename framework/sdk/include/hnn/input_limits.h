// The limits on what hnn reads, in one place: every file and formula a user (or a
// hostile one) can hand to hnn-host is refused, with a located message naming the limit
// and its value, before it can exhaust the stack, the memory or the terminal.
//
// The values are far above anything a real pipeline needs (the largest file the runs of
// configs/ write is a 0.9 MB checkpoint) and small enough that a file at the limits is
// read in bounded time and memory (README.md, "Limits on input", gives the measurement).
#ifndef HNN_INPUT_LIMITS_H_
#define HNN_INPUT_LIMITS_H_

#include <cstddef>
#include <string>

namespace hnn {

// Largest YAML file read (pipeline, checkpoint, symbolic.yaml, KAN parameter file, the
// run folder's summary and network files). Non-regular files (a pipe, /dev/zero) are
// read up to this size plus one byte, then refused.
inline constexpr std::size_t kMaxYamlFileBytes = std::size_t(32) << 20;  // 32 MiB

// Deepest nesting of lists and maps in a YAML file (the top-level map is depth 1).
inline constexpr int kMaxYamlNestingDepth = 64;

// Most nodes that aliases (*name) may copy into one YAML file in total: what stops an
// alias bomb ("billion laughs"). An alias to a node that contains it (`x: &s [*s]`) is
// refused whatever its size.
inline constexpr std::size_t kMaxYamlAliasNodes = 100000;

// Deepest nesting of a formula: parentheses, function calls, signs and powers each count
// one level ("-(sin(x))^2" has depth 4).
inline constexpr int kMaxFormulaDepth = 256;

// Most edges of a symbolic network file (symbolic.yaml), all layers together. Its
// composed formula is bounded by kMaxFormulaDepth too: each layer adds the nesting of its
// deepest function plus 3 (for c*f(a*x + b) + d).
inline constexpr std::size_t kMaxSymbolicNetworkEdges = 10000;

// Most terms the composed formula of a symbolic network may grow to when it is expanded
// (estimated before expanding, each layer's outputs together with the expanded arguments
// of their functions): what stops a few edges like exp(-(a·x + b)^8) of a 13-term sum
// (126 000 terms, 2.7 s to expand) from taking minutes and gigabytes. A KAN's formula has
// far fewer: 7 terms for the spring study's, 20 at most in the tests; a [4, 10, 1] network
// with x^2 on its first layer and x^4 on its second would estimate about 5 000.
inline constexpr double kMaxExpandedFormulaTerms = 30000;

// Problems shown for one file; the rest are counted ("and 12 more problems").
inline constexpr std::size_t kMaxReportedProblemsPerFile = 50;

// Problems kept per file (the rest only counted), from which the shown ones are sorted:
// what bounds the memory of a file with millions of mistakes.
inline constexpr std::size_t kMaxKeptProblemsPerFile = 1000;

// Longest text of a value quoted back in a message; longer ones are cut with a count.
inline constexpr std::size_t kMaxQuotedValueLength = 120;

// "32 MiB", "512 bytes": a byte count as messages print a limit.
std::string describe_byte_count(std::size_t bytes);

}  // namespace hnn

#endif  // HNN_INPUT_LIMITS_H_
