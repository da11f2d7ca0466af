#include "table_trajectories.h"

#include <map>

#include "hnn/number_format.h"

namespace hnn::data_sources {

std::vector<Trajectory> assemble_trajectories(const SelectedColumns& columns,
                                              const TableLayout& layout, TableProblems& problems) {
  const std::size_t n = layout.dimension;
  const std::size_t time_column = layout.has_trajectory_column ? 1 : 0;
  const std::size_t state_column = time_column + 1;
  const std::size_t derivative_column = state_column + 2 * n;
  std::vector<Trajectory> trajectories;
  if (columns.rows == 0 || columns.names.size() < derivative_column) return trajectories;

  // Runs of rows with one id: [first, end).
  std::map<double, std::size_t> last_row_of;  // id -> the last row of its run
  std::size_t first = 0;
  while (first < columns.rows) {
    std::size_t end = first + 1;
    if (layout.has_trajectory_column) {
      const double id = columns.value(first, 0);
      while (end < columns.rows && columns.value(end, 0) == id) ++end;
      const auto seen = last_row_of.find(id);
      if (seen != last_row_of.end()) {
        const ConfigProblem earlier = columns.locate(seen->second, 0, "");
        const std::string where =
            earlier.line > 0 ? "line " + std::to_string(earlier.line) : earlier.path;
        problems.add(
            columns.locate(first, 0,
                           "the rows of trajectory " + shortest_decimal(id) +
                               " continue here after other rows (its earlier rows end at " + where +
                               "); the rows of one trajectory must be contiguous"));
      }
      last_row_of[id] = end - 1;
    } else {
      end = columns.rows;
    }

    Trajectory trajectory;
    trajectory.label = layout.label;
    if (layout.has_trajectory_column) {
      trajectory.label += " " + columns.names[0] + " " + shortest_decimal(columns.value(first, 0));
    }
    const std::size_t samples = end - first;
    trajectory.times.resize(samples);
    trajectory.states.resize(static_cast<Eigen::Index>(2 * n), static_cast<Eigen::Index>(samples));
    if (layout.has_derivatives) trajectory.derivatives.resizeLike(trajectory.states);
    for (std::size_t i = 0; i < samples; ++i) {
      const std::size_t row = first + i;
      const double time = columns.value(row, time_column);
      if (i > 0 && !(time > trajectory.times[i - 1])) {
        problems.add(columns.locate(
            row, time_column,
            "time " + shortest_decimal(time) + " is not after the previous row's time " +
                shortest_decimal(trajectory.times[i - 1]) +
                (layout.has_trajectory_column
                     ? " in trajectory " + shortest_decimal(columns.value(row, 0))
                     : "") +
                "; times must strictly increase within a trajectory"));
      }
      trajectory.times[i] = time;
      const auto sample = static_cast<Eigen::Index>(i);
      for (std::size_t k = 0; k < 2 * n; ++k) {
        const double scale = (k >= n && !layout.masses.empty()) ? layout.masses[k - n] : 1.0;
        const auto coordinate = static_cast<Eigen::Index>(k);
        trajectory.states(coordinate, sample) = scale * columns.value(row, state_column + k);
        if (layout.has_derivatives) {
          trajectory.derivatives(coordinate, sample) =
              scale * columns.value(row, derivative_column + k);
        }
      }
    }
    trajectories.push_back(std::move(trajectory));
    first = end;
  }
  return trajectories;
}

}  // namespace hnn::data_sources
