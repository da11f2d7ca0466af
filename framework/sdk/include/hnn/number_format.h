// Printing reals so that they read back exactly.
#ifndef HNN_NUMBER_FORMAT_H_
#define HNN_NUMBER_FORMAT_H_

#include <string>

namespace hnn {

// The shortest decimal that reads back to the same double (std::to_chars): 2, 0.25,
// 1e-05, nan, inf. For YAML output use format_option_value (options.h), which keeps reals
// recognisable as reals (2.0, .nan).
std::string shortest_decimal(double value);

}  // namespace hnn

#endif  // HNN_NUMBER_FORMAT_H_
