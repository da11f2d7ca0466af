#include "hnn/host/plugin_loader.h"

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "elf_symbols.h"
#include "hnn/build_tag.h"
#include "hnn/error.h"
#include "hnn/installation.h"
#include "hnn/plugin.h"
#include "hnn/version.h"

namespace hnn {
namespace fs = std::filesystem;

namespace {

constexpr const char* kEntrySymbol = "hnn_plugin";
constexpr const char* kEntrySection = "hnn";

bool is_shared_library(const fs::path& file) {
  return file.extension() == ".so" || file.filename().string().find(".so.") != std::string::npos;
}

// True when the file exports the plugin entry in its section, read without loading it
// (elf_symbols.h: safe on any byte content).
bool exports_plugin_entry(const fs::path& file, std::string* problem) {
  try {
    const auto symbols = internal::elf_section_symbols(file, kEntrySection);
    return std::find(symbols.begin(), symbols.end(), kEntrySymbol) != symbols.end();
  } catch (const std::exception& error) {
    *problem = std::string("it is not a shared library this host can read: ") + error.what();
    return false;
  }
}

[[noreturn]] void fail(const std::string& file, PluginProblemKind kind, std::string message) {
  throw PluginLoadError(PluginProblem{kind, file, std::move(message)});
}

}  // namespace

std::string to_string(PluginProblemKind kind) {
  switch (kind) {
    case PluginProblemKind::kNoSuchFile:
      return "no such file";
    case PluginProblemKind::kNoSuchFolder:
      return "no such folder";
    case PluginProblemKind::kNotAPlugin:
      return "not a plugin";
    case PluginProblemKind::kCannotLoad:
      return "cannot load";
    case PluginProblemKind::kAbiMismatch:
      return "ABI mismatch";
    case PluginProblemKind::kBuildTagMismatch:
      return "build-tag mismatch";
    case PluginProblemKind::kNoRegistration:
      return "no registration function";
    case PluginProblemKind::kRegistrationFailed:
      return "registration failed";
    case PluginProblemKind::kDuplicateName:
      return "duplicate name";
    case PluginProblemKind::kUnreadableEntry:
      return "unreadable folder entry";
    case PluginProblemKind::kWorldWritableFolder:
      return "world-writable folder";
  }
  return "unknown";
}

PluginLoadError::PluginLoadError(PluginProblem problem)
    : PluginError(problem.message), problem_(std::move(problem)) {}

PluginLoadError::~PluginLoadError() = default;

std::string PluginLoader::host_build_tag() { return HNN_BUILD_TAG; }

void PluginLoader::load_library(const fs::path& file) {
  const std::string name = file.string();
  std::error_code error_code;
  if (!fs::is_regular_file(file, error_code)) {
    fail(name, PluginProblemKind::kNoSuchFile,
         "plugin " + name + ": " +
             (error_code && error_code != std::errc::no_such_file_or_directory
                  ? "cannot be read (" + error_code.message() + ")"
                  : std::string("no such file")));
  }
  std::string problem;
  if (!exports_plugin_entry(file, &problem)) {
    if (problem.empty()) {
      problem = std::string("it does not export the entry '") + kEntrySymbol +
                "' (build it with hnn_add_plugin() and the HNN_PLUGIN macro)";
    }
    fail(name, PluginProblemKind::kNotAPlugin,
         "plugin " + name + " is not an hnn plugin: " + problem);
  }

  std::shared_ptr<boost::dll::shared_library> library;
  try {
    library = std::make_shared<boost::dll::shared_library>(
        file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& error) {
    fail(name, PluginProblemKind::kCannotLoad,
         "plugin " + name + " could not be loaded: " + error.what());
  }
  if (!library->has(kEntrySymbol)) {
    fail(name, PluginProblemKind::kNotAPlugin,
         "plugin " + name + " is not an hnn plugin: it does not export '" +
             std::string(kEntrySymbol) + "'");
  }
  const auto* descriptor =
      static_cast<const PluginDescriptor*>(library->get<const void*>(kEntrySymbol));
  if (descriptor == nullptr) {
    fail(name, PluginProblemKind::kNoRegistration,
         "plugin " + name + ": its entry '" + std::string(kEntrySymbol) + "' is null");
  }
  // Only the first member is read before the ABI version is known to match.
  if (descriptor->abi_version != kPluginAbiVersion) {
    fail(name, PluginProblemKind::kAbiMismatch,
         "plugin " + name + " was built for plugin ABI version " +
             std::to_string(descriptor->abi_version) + ", this hnn-host (" + kVersion +
             ") needs version " + std::to_string(kPluginAbiVersion) +
             ": rebuild the plugin against this hnn SDK");
  }
  const std::string plugin_tag = descriptor->build_tag ? descriptor->build_tag : "";
  if (plugin_tag != host_build_tag()) {
    fail(name, PluginProblemKind::kBuildTagMismatch,
         "plugin " + name + " was built with '" + plugin_tag + "' but this hnn-host with '" +
             host_build_tag() +
             "': rebuild the plugin with hnn_add_plugin() from this hnn SDK, with the "
             "same compiler and Eigen settings");
  }
  const std::string plugin_name = descriptor->name ? descriptor->name : "(unnamed)";
  if (descriptor->register_plugin == nullptr) {
    fail(name, PluginProblemKind::kNoRegistration,
         "plugin '" + plugin_name + "' (" + name + ") has no registration function");
  }

  registry_.begin_source(name, library);
  const std::string registering =
      "plugin '" + plugin_name + "' (" + name + ") failed while registering";
  try {
    descriptor->register_plugin(registry_);
  } catch (const DuplicateNameError& error) {
    // A symbolic function's name registered twice by the library itself (other duplicate
    // names are found by the commit).
    registry_.abandon_source();
    fail(name, PluginProblemKind::kDuplicateName, registering + ": " + error.what());
  } catch (const std::exception& error) {
    registry_.abandon_source();
    fail(name, PluginProblemKind::kRegistrationFailed, registering + ": " + error.what());
  } catch (...) {
    registry_.abandon_source();
    fail(name, PluginProblemKind::kRegistrationFailed, registering + " with an unknown exception");
  }
  try {
    registry_.commit_source();  // registry unchanged when it throws
  } catch (const DuplicateNameError& error) {
    fail(name, PluginProblemKind::kDuplicateName, error.what());
  }
  loaded_files_.push_back(name);
}

std::vector<PluginProblem> PluginLoader::load_directory(const fs::path& directory) {
  const std::string folder = directory.string();
  std::error_code error_code;
  if (!fs::is_directory(directory, error_code)) {
    return {PluginProblem{PluginProblemKind::kNoSuchFolder, folder,
                          "plugin folder " + folder + ": no such folder"}};
  }
  std::vector<PluginProblem> problems;
  const fs::perms permissions = fs::status(directory, error_code).permissions();
  if (!error_code && (permissions & fs::perms::others_write) != fs::perms::none) {
    problems.push_back(PluginProblem{
        PluginProblemKind::kWorldWritableFolder, folder,
        "plugin folder " + folder +
            " is world-writable: any user can put a library there that this host would run "
            "(chmod o-w " +
            folder + ")"});
  }
  // Every call with an error_code: an entry that cannot be inspected (a symlink loop, a
  // dangling link, no permission) is skipped with a warning, never an exception.
  std::vector<fs::path> files;
  fs::directory_iterator item(directory, error_code);
  for (; !error_code && item != fs::directory_iterator(); item.increment(error_code)) {
    if (!is_shared_library(item->path())) continue;
    std::error_code status_error;
    const bool regular = item->is_regular_file(status_error);
    if (status_error) {
      const std::string entry = item->path().string();
      problems.push_back(PluginProblem{
          PluginProblemKind::kUnreadableEntry, entry,
          "plugin folder " + folder + ": skipped " + entry + ": " + status_error.message()});
    } else if (regular) {
      files.push_back(item->path());
    }
  }
  if (error_code) {
    problems.push_back(PluginProblem{
        PluginProblemKind::kNoSuchFolder, folder,
        "plugin folder " + folder + ": cannot be listed (" + error_code.message() + ")"});
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    try {
      load_library(file);
    } catch (const PluginLoadError& error) {
      problems.push_back(error.problem());
    }
  }
  return problems;
}

std::vector<PluginProblem> PluginLoader::load_path(const fs::path& path) {
  std::error_code error_code;
  try {
    if (fs::is_directory(path, error_code)) return load_directory(path);
    load_library(path);
  } catch (const PluginLoadError& error) {
    return {error.problem()};
  } catch (const std::exception& error) {  // e.g. bad_alloc: still a problem of this path
    return {PluginProblem{PluginProblemKind::kNotAPlugin, path.string(),
                          "plugin " + path.string() + " cannot be read: " + error.what()}};
  }
  return {};
}

bool is_warning_only(PluginProblemKind kind) {
  return kind == PluginProblemKind::kUnreadableEntry ||
         kind == PluginProblemKind::kWorldWritableFolder;
}

fs::path bundled_plugin_directory() {
  // libhnn lives in <prefix>/<libdir>; bundled plugins in <prefix>/<libdir>/hnn/plugins,
  // in the build tree and in an installation alike.
  return sdk_library_directory() / "hnn" / "plugins";
}

bool load_plugins_in_search_order(
    PluginLoader& loader, const std::vector<std::string>& required,
    const std::function<void(const PluginProblem& problem, bool error)>& report) {
  bool ok = true;
  auto load = [&](const std::string& path, bool is_required) {
    for (const auto& problem : loader.load_path(path)) {
      const bool error = !is_warning_only(problem.kind) &&
                         (is_required || problem.kind == PluginProblemKind::kDuplicateName);
      report(problem, error);
      ok = ok && !error;
    }
  };
  for (const auto& path : required) load(path, true);
  if (const char* list = std::getenv("HNN_PLUGIN_PATH")) {
    std::stringstream stream(list);
    std::string path;
    while (std::getline(stream, path, ':')) {
      if (!path.empty()) load(path, false);
    }
  }
  load(bundled_plugin_directory().string(), false);
  return ok;
}

}  // namespace hnn
