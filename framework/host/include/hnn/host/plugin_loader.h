// PluginLoader: loads plugin libraries into a Registry (host side).
//
// Loading a library: check that it exports the `hnn_plugin` descriptor (without running
// it), read the descriptor's ABI version and build tag and compare them with the host's,
// then call its registration function inside try/catch. Every failure is a PluginError
// naming the file and what to do; a library that fails leaves the registry as it was and
// the host fully usable. The library stays loaded while the registry or any object made
// from it lives.
#ifndef HNN_HOST_PLUGIN_LOADER_H_
#define HNN_HOST_PLUGIN_LOADER_H_

#include <filesystem>
#include <string>
#include <vector>

#include "hnn/registry.h"

namespace hnn {

class PluginLoader {
 public:
  explicit PluginLoader(Registry& registry) : registry_(registry) {}

  // Loads one plugin library. Throws PluginError.
  void load_library(const std::filesystem::path& file);

  // Loads every shared library (*.so) in `directory`, in file-name order. Returns one
  // message per library that failed; the others are loaded. A missing directory is an
  // error message too.
  std::vector<std::string> load_directory(const std::filesystem::path& directory);

  // Loads a file or every library of a directory.
  std::vector<std::string> load_path(const std::filesystem::path& path);

  // The build tag of this host (HNN_BUILD_TAG as compiled into libhnn).
  static std::string host_build_tag();

  // Files loaded so far, in order.
  const std::vector<std::string>& loaded_files() const { return loaded_files_; }

 private:
  Registry& registry_;
  std::vector<std::string> loaded_files_;
};

// The bundled plugin folder of this installation: <folder of the running hnn-host or
// libhnn>/../lib/hnn/plugins.
std::filesystem::path bundled_plugin_directory();

}  // namespace hnn

#endif  // HNN_HOST_PLUGIN_LOADER_H_
