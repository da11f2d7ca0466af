#include "table_reading.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "npy_reader.h"
#include "table_trajectories.h"
#include "text_table_reader.h"

namespace hnn::data_sources {
namespace {

constexpr std::size_t kMegabyte = std::size_t{1} << 20;

bool has_extension(const std::string& file_name, std::string_view extension) {
  if (file_name.size() < extension.size()) return false;
  return std::equal(extension.rbegin(), extension.rend(), file_name.rbegin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

std::string position_name(const SelectedColumns& columns, std::size_t column, std::size_t i,
                          std::size_t n, char letter) {
  const std::string& name = columns.names[column];
  if (name.rfind("column ", 0) != 0) return name;
  std::string numbered(1, letter);
  if (n != 1) numbered += std::to_string(i + 1);
  return numbered;
}

}  // namespace

TableFormat resolve_format(TableFormat format, const std::string& file_name) {
  if (format != TableFormat::kAuto) return format;
  if (has_extension(file_name, ".csv")) return TableFormat::kCsv;
  if (has_extension(file_name, ".npy")) return TableFormat::kNpy;
  if (has_extension(file_name, ".npz")) return TableFormat::kNpz;
  return TableFormat::kText;
}

TableRequest table_request(const TableSourceSettings& settings) {
  TableRequest request;
  request.column_names = settings.column_names;
  auto add_list = [&](const std::vector<std::string>& references, const std::string& key) {
    for (std::size_t i = 0; i < references.size(); ++i) {
      request.columns.push_back({key + "[" + std::to_string(i) + "]", references[i]});
    }
  };
  if (!settings.trajectory.empty()) request.columns.push_back({"trajectory", settings.trajectory});
  request.columns.push_back({"time", settings.time});
  add_list(settings.positions, "positions");
  if (settings.momenta.empty()) {
    add_list(settings.velocities, "velocities");
  } else {
    add_list(settings.momenta, "momenta");
  }
  add_list(settings.derivatives, "derivatives");
  return request;
}

std::vector<std::string> coordinate_names(const TableSourceSettings& settings,
                                          const SelectedColumns& columns) {
  const std::size_t n = settings.positions.size();
  const std::size_t first = settings.trajectory.empty() ? 1 : 2;
  std::vector<std::string> names;
  if (columns.names.size() < first + 2 * n) return names;
  for (std::size_t i = 0; i < n; ++i) names.push_back(position_name(columns, first + i, i, n, 'q'));
  for (std::size_t i = 0; i < n; ++i) {
    names.push_back(settings.momenta.empty() ? "p_" + names[i]
                                             : position_name(columns, first + n + i, i, n, 'p'));
  }
  return names;
}

std::vector<Trajectory> read_table_bytes(std::string_view bytes, const std::string& file_name,
                                         const TableSourceSettings& settings,
                                         TableProblems& problems, SelectedColumns* columns) {
  const TableRequest request = table_request(settings);
  const std::size_t problems_before = problems.count();
  SelectedColumns selected;
  switch (resolve_format(settings.format, file_name)) {
    case TableFormat::kNpy:
      selected = parse_npy(bytes, file_name, std::filesystem::path(file_name).stem().string(),
                           request, problems);
      break;
    case TableFormat::kNpz:
      selected =
          parse_npz(bytes, file_name, settings.array, request,
                    static_cast<std::size_t>(settings.max_file_megabytes) * kMegabyte, problems);
      break;
    case TableFormat::kCsv:
      selected = parse_text_table(bytes, file_name, TextDialect::kCsv, request, problems);
      break;
    case TableFormat::kSchmidtLipson:
      selected = parse_text_table(bytes, file_name, TextDialect::kSchmidtLipson, request, problems);
      break;
    case TableFormat::kAuto:
    case TableFormat::kText:
      selected = parse_text_table(bytes, file_name, TextDialect::kWhitespace, request, problems);
      break;
  }
  if (problems.count() > problems_before) return {};

  TableLayout layout;
  layout.has_trajectory_column = !settings.trajectory.empty();
  layout.dimension = settings.positions.size();
  layout.has_derivatives = !settings.derivatives.empty();
  layout.label = std::filesystem::path(file_name).filename().string();
  if (!settings.velocities.empty()) {
    layout.masses = settings.masses.size() == 1
                        ? std::vector<double>(layout.dimension, settings.masses[0])
                        : settings.masses;
  }
  std::vector<Trajectory> trajectories = assemble_trajectories(selected, layout, problems);
  if (columns != nullptr) *columns = std::move(selected);
  return trajectories;
}

}  // namespace hnn::data_sources
