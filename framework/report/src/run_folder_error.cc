#include "hnn/report/run_folder_error.h"

namespace hnn::report {

// The key function: one typeinfo and vtable.
RunFolderError::~RunFolderError() = default;

}  // namespace hnn::report
