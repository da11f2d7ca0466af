// A lab's own data format as an hnn data-source plugin: a tracker that writes one frame per
// line as `t=<s> x=<m> v=<m/s>` (any order, blank lines and `;` comments allowed). The
// source returns one trajectory with p = mass * v and no derivatives: the host estimates
// them (data.derivatives), splits the samples and trains, as for any other source.
#include <fstream>
#include <sstream>
#include <string>

#include "hnn/data_source.h"
#include "hnn/error.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"

namespace {

class LabTracker final : public hnn::DataSource {
 public:
  struct Settings {  // the options, each written once: key, default, range, meaning
    std::string file;
    double mass = 1.0;
    static const hnn::OptionBinding<Settings>& binding() {
      static const auto binding = [] {
        hnn::OptionBinding<Settings> b("lab_tracker");
        b.bind_required("file", &Settings::file, "the tracker's file").file_path();
        b.bind("mass", &Settings::mass, "the tracked body's mass (p = mass v)").greater_than(0.0);
        return b;
      }();
      return binding;
    }
  };
  explicit LabTracker(const Settings& settings) : s_(settings) {}

  hnn::TrajectorySet load(const hnn::DataSourceContext& context) const override {
    const std::string path = (context.base_directory / s_.file).string();
    std::ifstream in(path);
    if (!in) throw hnn::ConfigError(hnn::ConfigProblem{path, 0, 0, "", "cannot read the file"});
    std::vector<double> t, x, v;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      line = line.substr(0, line.find(';'));
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      double frame[3];
      bool seen[3] = {false, false, false};
      std::istringstream fields(line);
      for (std::string field; fields >> field;) {
        const auto equals = field.find('=');
        const std::string key = field.substr(0, equals);
        const int index = key == "t" ? 0 : key == "x" ? 1 : key == "v" ? 2 : -1;
        std::size_t used = 0;
        try {
          if (index < 0 || equals == std::string::npos) throw std::invalid_argument(key);
          frame[index] = std::stod(field.substr(equals + 1), &used);
        } catch (const std::exception&) {
          throw hnn::ConfigError(
              hnn::ConfigProblem{path, number, int(line.find(field)) + 1, "",
                                 "expected t=<real>, x=<real> or v=<real>, found '" + field + "'"});
        }
        seen[index] = true;
      }
      if (!(seen[0] && seen[1] && seen[2])) {
        throw hnn::ConfigError(hnn::ConfigProblem{path, number, 1, "", "a frame needs t, x and v"});
      }
      t.push_back(frame[0]);
      x.push_back(frame[1]);
      v.push_back(frame[2]);
    }
    hnn::Trajectory trajectory;
    trajectory.label = s_.file;
    trajectory.times = t;
    trajectory.states.resize(2, Eigen::Index(t.size()));
    for (std::size_t i = 0; i < t.size(); ++i) {
      trajectory.states(0, Eigen::Index(i)) = x[i];
      trajectory.states(1, Eigen::Index(i)) = s_.mass * v[i];
    }
    // The host checks the rest (finite values, increasing times, length for the estimator).
    return hnn::TrajectorySet{{"x", "p"}, {trajectory}};
  }

 private:
  Settings s_;
};

void register_lab_tracker(hnn::Registry& registry) {
  hnn::add_plugin_class<LabTracker>(registry, "lab_tracker",
                                    "frames `t=.. x=.. v=..` of a tracker");
}

}  // namespace

HNN_PLUGIN("lab_tracker", "1.0.0", register_lab_tracker)
