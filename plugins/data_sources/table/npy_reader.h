// Reading NumPy arrays: .npy files (format versions 1, 2 and 3) and .npz archives of them.
//
// Supported: a 2-D array (rows x columns; a 1-D array is one column) of float64, float32,
// signed or unsigned integers of 1 to 8 bytes, in either byte order, C or Fortran order.
// Refused with a message that says so: structured (record) arrays, other element types
// (bool, complex, float16, strings, objects), 0-D and 3-D or higher arrays, pickles.
// An .npz archive is a zip file (members stored or deflated, zip64 included) whose member
// `<name>.npy` is the array `<name>`.
//
// Problems are located by the array's name and index: "x[12, 3]" (row 12, column 3).
#ifndef HNN_PLUGINS_TABLE_NPY_READER_H_
#define HNN_PLUGINS_TABLE_NPY_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "table_columns.h"
#include "table_problems.h"

namespace hnn::data_sources {

// Reads the requested columns of the .npy array `bytes` (the contents of `file_name`; the
// array is called `array_name` in messages). Columns have no names unless the request
// gives column_names. Problems go to `problems` (the result is then not to be used); never
// throws for any input bytes. The result's `locate` does not refer to `bytes`.
SelectedColumns parse_npy(std::string_view bytes, const std::string& file_name,
                          const std::string& array_name, const TableRequest& request,
                          TableProblems& problems);

// Reads the array `array_name` of the .npz archive `bytes` ("" = its only array), its
// members inflated to at most `max_member_bytes` bytes each. A missing name lists the
// archive's arrays (with a suggestion).
SelectedColumns parse_npz(std::string_view bytes, const std::string& file_name,
                          const std::string& array_name, const TableRequest& request,
                          std::size_t max_member_bytes, TableProblems& problems);

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_NPY_READER_H_
