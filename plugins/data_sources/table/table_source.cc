#include "table_source.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "table_reading.h"

namespace hnn::data_sources {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMegabyte = std::uintmax_t{1} << 20;

}  // namespace

TableSource::TableSource(const Settings& settings) : settings_(settings) {
  Settings::binding().check(settings_);
}

TrajectorySet TableSource::load(const DataSourceContext& context) const {
  std::vector<std::pair<std::string, std::string>> files;  // option key, name
  if (!settings_.file.empty()) {
    files.emplace_back("file", settings_.file);
  } else {
    for (std::size_t i = 0; i < settings_.files.size(); ++i) {
      files.emplace_back("files[" + std::to_string(i) + "]", settings_.files[i]);
    }
  }
  TableProblems problems;
  TrajectorySet set;
  auto problem = [&](const std::string& file, const std::string& key, std::string message) {
    ConfigProblem located;
    located.file = file;
    located.path = key;
    located.message = std::move(message);
    problems.add(std::move(located));
  };
  for (const auto& [key, name] : files) {
    const fs::path path = fs::path(name).is_absolute()
                              ? fs::path(name)
                              : (context.base_directory / name).lexically_normal();
    const std::string file_name = path.string();
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      problem(file_name, key, fs::exists(path, error) ? "not a regular file" : "no such file");
      continue;
    }
    const std::uintmax_t size = fs::file_size(path, error);
    const std::uintmax_t limit =
        static_cast<std::uintmax_t>(settings_.max_file_megabytes) * kMegabyte;
    if (error || size > limit) {
      problem(file_name, key,
              error
                  ? "cannot read its size: " + error.message()
                  : "the file has " + std::to_string(size) + " bytes, more than the limit of " +
                        std::to_string(settings_.max_file_megabytes) + " MiB (max_file_megabytes)");
      continue;
    }
    std::ifstream stream(path, std::ios::binary);
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(size));
    bytes.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
    if (!stream.good() && !stream.eof()) {
      problem(file_name, key, "cannot be read");
      continue;
    }
    if (bytes.size() > limit) {  // grew since its size was taken
      problem(file_name, key, "the file grew past the limit while it was read");
      continue;
    }
    SelectedColumns columns;
    std::vector<Trajectory> trajectories =
        read_table_bytes(bytes, file_name, settings_, problems, &columns);
    if (set.coordinate_names.empty()) set.coordinate_names = coordinate_names(settings_, columns);
    for (Trajectory& trajectory : trajectories) set.trajectories.push_back(std::move(trajectory));
  }
  problems.throw_if_any();
  return set;
}

}  // namespace hnn::data_sources
