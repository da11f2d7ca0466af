// PluginLoader: loads plugin libraries into a Registry (host side).
//
// Loading a library: check that it exports the `hnn_plugin` descriptor (without running
// it), read the descriptor's ABI version and build tag and compare them with the host's,
// then call its registration function inside try/catch. Every failure is a PluginProblem
// of a kind (not found, not a plugin, ABI mismatch, ...) with a message naming the file and
// what to do; the host decides from the kind whether it is an error or a warning. A
// library that fails leaves the registry as it was and the host fully usable. The library
// stays loaded while the registry or any object made from it lives.
#ifndef HNN_HOST_PLUGIN_LOADER_H_
#define HNN_HOST_PLUGIN_LOADER_H_

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "hnn/error.h"
#include "hnn/registry.h"

namespace hnn {

// Why a plugin library (or folder) could not be loaded.
enum class PluginProblemKind {
  kNoSuchFile,           // the file does not exist
  kNoSuchFolder,         // a plugin folder does not exist
  kNotAPlugin,           // not a shared library this host can read, or no `hnn_plugin` entry
  kCannotLoad,           // the dynamic linker refused it (e.g. a missing dependency)
  kAbiMismatch,          // built for another plugin ABI version
  kBuildTagMismatch,     // built with another compiler, standard library or Eigen settings
  kNoRegistration,       // its entry is null or has no registration function
  kRegistrationFailed,   // its registration function threw
  kDuplicateName,        // it registers a name that is taken (DuplicateNameError)
  kUnreadableEntry,      // a folder's *.so entry whose status cannot be read (a symlink
                         // loop, a dangling link): skipped
  kWorldWritableFolder,  // a plugin folder any user may write to: loaded, with a warning
};

// True for the kinds that never stop the host (is_warning_only: the entry is skipped or
// the folder loaded all the same), wherever the path came from.
bool is_warning_only(PluginProblemKind kind);

// "no such file", "not a plugin", "ABI mismatch", ... (for logs and tests).
std::string to_string(PluginProblemKind kind);

// One library or folder that failed to load.
struct PluginProblem {
  PluginProblemKind kind;
  std::string file;     // the library or folder, as given
  std::string message;  // complete for the user: names the file, the cause and the remedy
};

// Thrown by PluginLoader::load_library: a PluginError that carries the typed problem.
class PluginLoadError : public PluginError {
 public:
  explicit PluginLoadError(PluginProblem problem);
  ~PluginLoadError() override;
  const PluginProblem& problem() const { return problem_; }

 private:
  PluginProblem problem_;
};

class PluginLoader {
 public:
  explicit PluginLoader(Registry& registry) : registry_(registry) {}

  // Loads one plugin library. Throws PluginLoadError; the registry is then unchanged.
  void load_library(const std::filesystem::path& file);

  // Loads every shared library (*.so) in `directory`, in file-name order. Returns one
  // problem per library that failed; the others are loaded. A missing directory is a
  // problem too (kNoSuchFolder); an entry whose status cannot be read is skipped
  // (kUnreadableEntry) and a world-writable folder reported (kWorldWritableFolder).
  // Never throws for what is in the folder.
  std::vector<PluginProblem> load_directory(const std::filesystem::path& directory);

  // Loads a file or every library of a directory; returns the problems as load_directory.
  std::vector<PluginProblem> load_path(const std::filesystem::path& path);

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

// Loads plugins in hnn-host's search order: the `required` paths (--plugin-dir, the
// pipeline's plugins:, in that order), then HNN_PLUGIN_PATH (':'-separated, empty parts
// skipped), then bundled_plugin_directory(). Calls report(problem, error) for every
// problem: `error` is true for any problem of a required path and for a duplicate name
// from anywhere (which registration should win cannot be guessed), never for a
// warning-only kind; the other problems (a library in HNN_PLUGIN_PATH or the bundled
// folder) are warnings. Returns true when no problem was an error.
bool load_plugins_in_search_order(
    PluginLoader& loader, const std::vector<std::string>& required,
    const std::function<void(const PluginProblem& problem, bool error)>& report);

}  // namespace hnn

#endif  // HNN_HOST_PLUGIN_LOADER_H_
