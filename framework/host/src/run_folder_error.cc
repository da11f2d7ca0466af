#include "hnn/host/run_folder_error.h"

namespace hnn {

// The key function: one typeinfo and vtable.
RunFolderError::~RunFolderError() = default;

}  // namespace hnn
