#include "table_settings.h"

#include <algorithm>
#include <cmath>

namespace hnn::data_sources {
namespace {

std::string empty_reference(const std::vector<std::string>& references, const std::string& key) {
  for (std::size_t i = 0; i < references.size(); ++i) {
    if (references[i].empty()) {
      std::string message = key;
      message.append("[").append(std::to_string(i)).append("]: ");
      return message.append("a column name or index may not be empty");
    }
  }
  return "";
}

}  // namespace

const OptionBinding<TableSourceSettings>& TableSourceSettings::binding() {
  using S = TableSourceSettings;
  static const OptionBinding<S> binding = [] {
    OptionBinding<S> b("table");
    b.bind("file", &S::file, "the data file (relative to the pipeline's folder)").file_path();
    b.bind("files", &S::files,
           "several data files, instead of file: one trajectory each, or "
           "several told apart by the trajectory column")
        .file_path();
    b.bind_choice("format", &S::format,
                  {{"auto", TableFormat::kAuto},
                   {"csv", TableFormat::kCsv},
                   {"text", TableFormat::kText},
                   {"schmidt_lipson", TableFormat::kSchmidtLipson},
                   {"npy", TableFormat::kNpy},
                   {"npz", TableFormat::kNpz}},
                  "auto: by extension (.csv, .npy, .npz, else whitespace-separated text); "
                  "schmidt_lipson: columns trial, t, then those named by the '%' header");
    b.bind("array", &S::array, ".npz: the array to read (empty: the archive's only array)");
    b.bind("column_names", &S::column_names,
           "names for the columns 0, 1, ..., replacing the file's header (for .npy arrays)");
    b.bind("trajectory", &S::trajectory,
           "the trajectory id column, by name or 0-based index (empty: one trajectory per file)");
    b.bind("time", &S::time, "the time column, by name or 0-based index");
    b.bind_required("positions", &S::positions, "the position columns q (names or indices)")
        .min_length(1);
    b.bind("momenta", &S::momenta, "the momentum columns p, one per position");
    b.bind("velocities", &S::velocities,
           "instead of momenta: velocity columns v, one per position; p = masses * v");
    b.bind("masses", &S::masses, "with velocities: one mass for every coordinate, or one each");
    b.bind("derivatives", &S::derivatives,
           "optional: 2n columns dq/dt then dp/dt (dv/dt with velocities); empty: the host "
           "estimates the derivatives");
    b.bind("max_file_megabytes", &S::max_file_megabytes,
           "larger files are refused before they are read")
        .at_least(1)
        .at_most(4000);
    b.require_finite({"masses"});
    b.require([](const S& s) -> std::string {
      if (s.file.empty() == s.files.empty()) return "set either file or files (one of them)";
      if (std::any_of(s.files.begin(), s.files.end(), [](const auto& f) { return f.empty(); })) {
        return "files: a file name may not be empty";
      }
      return "";
    });
    b.require([](const S& s) -> std::string {
      const std::size_t n = s.positions.size();
      if (s.momenta.empty() == s.velocities.empty()) {
        return "give either momenta or velocities (with masses), one column per position";
      }
      const auto& second = s.momenta.empty() ? s.velocities : s.momenta;
      const std::string key = s.momenta.empty() ? "velocities" : "momenta";
      if (second.size() != n) {
        return key + " has " + std::to_string(second.size()) + " columns but positions has " +
               std::to_string(n);
      }
      if (s.velocities.empty() && !s.masses.empty()) {
        return "masses are used only with velocities";
      }
      if (!s.velocities.empty() && s.masses.size() != 1 && s.masses.size() != n) {
        return "masses: give one mass for all coordinates or one per position (" +
               std::to_string(n) + "), found " + std::to_string(s.masses.size());
      }
      if (std::any_of(s.masses.begin(), s.masses.end(), [](double m) { return !(m > 0.0); })) {
        return "masses must be > 0";
      }
      if (!s.derivatives.empty() && s.derivatives.size() != 2 * n) {
        return "derivatives has " + std::to_string(s.derivatives.size()) +
               " columns; expected 2n = " + std::to_string(2 * n) + " (dq/dt, then dp/dt)";
      }
      if (s.time.empty()) return "time: a column name or index may not be empty";
      for (const auto& [references, key] :
           {std::pair{&s.positions, "positions"}, std::pair{&s.momenta, "momenta"},
            std::pair{&s.velocities, "velocities"}, std::pair{&s.derivatives, "derivatives"}}) {
        const std::string problem = empty_reference(*references, key);
        if (!problem.empty()) return problem;
      }
      return "";
    });
    return b;
  }();
  return binding;
}

}  // namespace hnn::data_sources
