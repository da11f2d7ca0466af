#include "run_folder_cleaning.h"

#include <algorithm>
#include <cctype>

#include "hnn/error.h"

namespace hnn::internal {
namespace fs = std::filesystem;

const std::vector<std::string>& run_folder_entries() {
  static const std::vector<std::string> entries{
      "pipeline.yaml", "summary.yaml",     "data.csv",
      "history.csv",   "trajectories.csv", "measured_trajectories.csv",
      "report.html",   "checkpoints",      "figures",
      "symbolic",      "network",          "export"};
  return entries;
}

bool is_temporary_file_name(const std::string& name) {
  const std::size_t marker = name.rfind(".tmp.");
  if (marker == std::string::npos || marker == 0 || marker + 5 == name.size()) return false;
  return std::all_of(name.begin() + std::ptrdiff_t(marker + 5), name.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

void empty_run_folder(const fs::path& directory) {
  const auto& known = run_folder_entries();
  std::vector<fs::path> entries;
  bool has_run_file = false;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (std::find(known.begin(), known.end(), name) == known.end() &&
        !is_temporary_file_name(name)) {
      throw ConfigError(directory.string() + ": error: --force empties only a run folder, and '" +
                        name +
                        "' is not a file a run writes; nothing was removed (check --output, or "
                        "remove the folder yourself)");
    }
    has_run_file = has_run_file || name == "pipeline.yaml" || name == "summary.yaml";
    entries.push_back(entry.path());
  }
  if (!has_run_file) {
    throw ConfigError(directory.string() +
                      ": error: --force empties only a run folder (one with pipeline.yaml or "
                      "summary.yaml); nothing was removed");
  }
  for (const auto& entry : entries) {
    std::error_code error_code;
    fs::remove_all(entry, error_code);
    if (error_code) {
      throw Error("cannot remove " + entry.string() + ": " + error_code.message());
    }
  }
}

void remove_stale_temporary_files(const fs::path& directory) {
  std::vector<fs::path> stale;
  auto collect = [&](const fs::path& folder) {
    std::error_code error_code;
    for (fs::directory_iterator it(folder, error_code), end; !error_code && it != end;
         it.increment(error_code)) {
      if (is_temporary_file_name(it->path().filename().string()) &&
          it->is_regular_file(error_code)) {
        stale.push_back(it->path());
      }
    }
  };
  collect(directory);
  for (const char* folder : {"checkpoints", "figures", "symbolic", "network", "export"}) {
    collect(directory / folder);
  }
  for (const auto& file : stale) {
    std::error_code error_code;
    fs::remove(file, error_code);
  }
}

}  // namespace hnn::internal
