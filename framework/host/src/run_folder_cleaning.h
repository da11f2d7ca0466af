// Emptying a run folder for `hnn-host --force`, and removing what a killed run left half
// written, without ever deleting what a run did not write. Internal to the host library.
#ifndef HNN_HOST_SRC_RUN_FOLDER_CLEANING_H_
#define HNN_HOST_SRC_RUN_FOLDER_CLEANING_H_

#include <filesystem>
#include <string>
#include <vector>

namespace hnn::internal {

// The entries a run writes at the top of its folder: pipeline.yaml, summary.yaml, data.csv,
// history.csv, trajectories.csv, measured_trajectories.csv (measured data), report.html and
// the folders checkpoints/, figures/, symbolic/, network/.
const std::vector<std::string>& run_folder_entries();

// True for the name of a temporary file of write_file_atomically ("<name>.tmp.<pid>"), which
// a process killed while writing leaves behind.
bool is_temporary_file_name(const std::string& name);

// Removes everything in `directory` (not the folder itself) when it looks like a run folder:
// it has pipeline.yaml or summary.yaml, and every entry is one of run_folder_entries() or a
// temporary file. Otherwise removes nothing and throws ConfigError "<dir>: error: ..." naming
// an entry a run does not write (a mistyped --output must not empty a user's folder).
// Symbolic links are removed, never followed.
void empty_run_folder(const std::filesystem::path& directory);

// Removes the temporary files (is_temporary_file_name) in `directory` and its run-folder
// subfolders.
void remove_stale_temporary_files(const std::filesystem::path& directory);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_RUN_FOLDER_CLEANING_H_
