#include "hnn/host/plugin_loader.h"

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstring>

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

// True when the file exports the plugin entry in its section, read without loading it.
bool exports_plugin_entry(const fs::path& file, std::string* problem) {
  try {
    boost::dll::library_info info(file, /*throw_if_not_native=*/true);
    const auto symbols = info.symbols(kEntrySection);
    return std::find(symbols.begin(), symbols.end(), kEntrySymbol) != symbols.end();
  } catch (const std::exception& error) {
    *problem = std::string("it is not a shared library this host can read (") + error.what() + ")";
    return false;
  }
}

}  // namespace

std::string PluginLoader::host_build_tag() { return HNN_BUILD_TAG; }

void PluginLoader::load_library(const fs::path& file) {
  const std::string name = file.string();
  std::error_code error_code;
  if (!fs::is_regular_file(file, error_code)) {
    throw PluginError("plugin " + name + ": no such file");
  }
  std::string problem;
  if (!exports_plugin_entry(file, &problem)) {
    if (problem.empty()) {
      problem = std::string("it does not export the entry '") + kEntrySymbol +
                "' (build it with hnn_add_plugin() and the HNN_PLUGIN macro)";
    }
    throw PluginError("plugin " + name + " is not an hnn plugin: " + problem);
  }

  std::shared_ptr<boost::dll::shared_library> library;
  try {
    library = std::make_shared<boost::dll::shared_library>(
        file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& error) {
    throw PluginError("plugin " + name + " could not be loaded: " + error.what());
  }
  if (!library->has(kEntrySymbol)) {
    throw PluginError("plugin " + name + " is not an hnn plugin: it does not export '" +
                      std::string(kEntrySymbol) + "'");
  }
  const auto* descriptor =
      static_cast<const PluginDescriptor*>(library->get<const void*>(kEntrySymbol));
  if (descriptor == nullptr) {
    throw PluginError("plugin " + name + ": its entry '" + std::string(kEntrySymbol) + "' is null");
  }
  // Only the first member is read before the ABI version is known to match.
  if (descriptor->abi_version != kPluginAbiVersion) {
    throw PluginError("plugin " + name + " was built for plugin ABI version " +
                      std::to_string(descriptor->abi_version) + ", this hnn-host (" + kVersion +
                      ") needs version " + std::to_string(kPluginAbiVersion) +
                      ": rebuild the plugin against this hnn SDK");
  }
  const std::string plugin_tag = descriptor->build_tag ? descriptor->build_tag : "";
  if (plugin_tag != host_build_tag()) {
    throw PluginError("plugin " + name + " was built with '" + plugin_tag +
                      "' but this hnn-host with '" + host_build_tag() +
                      "': rebuild the plugin with hnn_add_plugin() from this hnn SDK, with the "
                      "same compiler and Eigen settings");
  }
  const std::string plugin_name = descriptor->name ? descriptor->name : "(unnamed)";
  if (descriptor->register_plugin == nullptr) {
    throw PluginError("plugin '" + plugin_name + "' (" + name + ") has no registration function");
  }

  registry_.begin_source(name, library);
  try {
    descriptor->register_plugin(registry_);
  } catch (const std::exception& error) {
    registry_.abandon_source();
    throw PluginError("plugin '" + plugin_name + "' (" + name +
                      ") failed while registering: " + error.what());
  } catch (...) {
    registry_.abandon_source();
    throw PluginError("plugin '" + plugin_name + "' (" + name +
                      ") failed while registering with an unknown exception");
  }
  registry_.commit_source();  // throws PluginError for a duplicate name, registry unchanged
  loaded_files_.push_back(name);
}

std::vector<std::string> PluginLoader::load_directory(const fs::path& directory) {
  std::vector<std::string> problems;
  std::error_code error_code;
  if (!fs::is_directory(directory, error_code)) {
    problems.push_back("plugin folder " + directory.string() + ": no such folder");
    return problems;
  }
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(directory, error_code)) {
    if (item.is_regular_file() && is_shared_library(item.path())) files.push_back(item.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    try {
      load_library(file);
    } catch (const Error& error) {
      problems.push_back(error.what());
    }
  }
  return problems;
}

std::vector<std::string> PluginLoader::load_path(const fs::path& path) {
  std::error_code error_code;
  if (fs::is_directory(path, error_code)) return load_directory(path);
  try {
    load_library(path);
  } catch (const Error& error) {
    return {error.what()};
  }
  return {};
}

fs::path bundled_plugin_directory() {
  // libhnn lives in <prefix>/<libdir>; bundled plugins in <prefix>/<libdir>/hnn/plugins,
  // in the build tree and in an installation alike.
  return sdk_library_directory() / "hnn" / "plugins";
}

}  // namespace hnn
