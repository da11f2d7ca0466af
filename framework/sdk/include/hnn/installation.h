// Where this hnn installation (or build tree) is: the folder libhnn was loaded from. The
// host finds its bundled plugins beside it, in <libdir>/hnn/plugins, in the build tree and
// in an installation alike.
#ifndef HNN_INSTALLATION_H_
#define HNN_INSTALLATION_H_

#include <filesystem>

namespace hnn {

// The folder of the libhnn shared library this process uses (absolute, symlinks resolved).
std::filesystem::path sdk_library_directory();

}  // namespace hnn

#endif  // HNN_INSTALLATION_H_
