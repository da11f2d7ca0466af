// From the requested columns of one file to trajectories: rows grouped by the trajectory
// column, times checked, momenta from velocities.
#ifndef HNN_PLUGINS_TABLE_TABLE_TRAJECTORIES_H_
#define HNN_PLUGINS_TABLE_TABLE_TRAJECTORIES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "hnn/data_source.h"
#include "table_columns.h"
#include "table_problems.h"

namespace hnn::data_sources {

// What the requested columns are, in this order: [trajectory id], time, the n positions,
// the n momenta (or velocities), [the 2n derivatives: dq/dt, then dp/dt (or dv/dt)].
struct TableLayout {
  bool has_trajectory_column = false;
  std::size_t dimension = 0;  // n >= 1
  // n masses when the momenta columns hold velocities (p = m v, dp/dt = m dv/dt); else empty.
  std::vector<double> masses;
  bool has_derivatives = false;
  // The start of every trajectory's label: the file's name.
  std::string label;
};

// The trajectories of `columns`: one per run of equal trajectory ids (in the order of
// their first row; the whole table when there is no trajectory column), labelled "<label>
// <trajectory column name> <id>". Adds a located problem for each row whose time is not
// after the previous row's time within its trajectory and for each trajectory whose rows
// are not contiguous (the result is then not to be used).
std::vector<Trajectory> assemble_trajectories(const SelectedColumns& columns,
                                              const TableLayout& layout, TableProblems& problems);

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TABLE_TRAJECTORIES_H_
