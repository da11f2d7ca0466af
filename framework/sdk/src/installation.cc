#include "hnn/installation.h"

#include <boost/dll/runtime_symbol_info.hpp>

namespace hnn {

std::filesystem::path sdk_library_directory() {
  // this_line_location() is the file that holds this function: libhnn itself.
  std::error_code error_code;
  return std::filesystem::weakly_canonical(boost::dll::this_line_location(), error_code)
      .parent_path();
}

}  // namespace hnn
