// hnn-host: runs a pipeline file with the plugins it names.
//
// Exit status: 0 success; 2 usage, configuration or plugin-loading error; 1 a run that
// failed. Errors go to standard error. The status comes from the error's type, in one
// place (exit_status_of_current_exception):
//   usage errors (boost::program_options::error)   2  hnn-host: error: ... / Try '--help'
//   hnn::ConfigError                                2  its message (file:line:col: error: ...)
//   hnn::report::RunFolderError (--report)          2  its message (file: error: ...)
//   hnn::PluginError, any other hnn::Error          2  hnn-host: error: ...
//   hnn::RunError (a validated run failed)          1  hnn-host: error: the run failed: ...
//   a model diverged (RunOutcome, after the report) 1  hnn-host: error: the run failed: <m>: ...
//   ReportError (drawing or writing the report)     1  hnn-host: error: the report failed: ...
//   any other exception                             1  hnn-host: error: ...
// During the run, every failure but a ConfigError is a RunError (run_validated_pipeline).
// Plugin-loading problems are collected, not thrown: one whose kind or origin makes it an
// error (load_plugins) gives status 2 after all are printed.
#include <boost/program_options.hpp>

#include <csignal>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "hnn/config_tree.h"
#include "hnn/error.h"
#include "hnn/host/host_settings.h"
#include "hnn/host/pipeline_config.h"
#include "hnn/host/pipeline_overrides.h"
#include "hnn/host/pipeline_runner.h"
#include "hnn/host/pipeline_validation.h"
#include "hnn/host/pipeline_yaml.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/host/progress.h"
#include "hnn/parallelism.h"
#include "hnn/registry.h"
#include "hnn/report/report.h"
#include "hnn/report/run_folder_error.h"
#include "hnn/version.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr int kSuccess = 0;
constexpr int kRunFailed = 1;
constexpr int kUsageError = 2;

// Drawing or writing the figures and report.html of a run folder failed (the folder itself
// was readable, or the report followed a run).
class ReportError : public hnn::Error {
 public:
  ReportError(const std::string& message, fs::path run_directory, bool after_run)
      : hnn::Error(message), run_directory_(std::move(run_directory)), after_run_(after_run) {}
  const fs::path& run_directory() const { return run_directory_; }
  // True when the report followed a run whose results are complete all the same.
  bool after_run() const { return after_run_; }

 private:
  fs::path run_directory_;
  bool after_run_;
};

// Prints the error of the exception being handled and returns its exit status, by type
// (the table at the top of this file). Call only inside a catch block.
int exit_status_of_current_exception() {
  try {
    throw;
  } catch (const po::error& error) {
    std::cerr << "hnn-host: error: " << error.what() << "\nTry 'hnn-host --help'.\n";
    return kUsageError;
  } catch (const hnn::ConfigError& error) {
    std::cerr << error.what() << "\n";  // already "<file>:<line>:<column>: error: ..."
    return kUsageError;
  } catch (const hnn::report::RunFolderError& error) {
    std::cerr << error.what() << "\n";  // already "<file>: error: ..."
    return kUsageError;
  } catch (const hnn::RunError& error) {
    std::cerr << "hnn-host: error: the run failed: " << error.what() << "\n";
    return kRunFailed;
  } catch (const ReportError& error) {
    std::cerr << "hnn-host: error: the report failed: " << error.what() << "\n";
    if (error.after_run()) {
      const std::string folder = error.run_directory().string();
      std::cerr << "hnn-host: the run's results in " << folder
                << " are complete; 'hnn-host --report " << folder << "' writes the report again\n";
    }
    return kRunFailed;
  } catch (const hnn::Error& error) {  // PluginError and the others: the setup is wrong
    std::cerr << "hnn-host: error: " << error.what() << "\n";
    return kUsageError;
  } catch (const std::exception& error) {
    std::cerr << "hnn-host: error: " << error.what() << "\n";
    return kRunFailed;
  } catch (...) {
    std::cerr << "hnn-host: error: an unknown exception\n";
    return kRunFailed;
  }
}

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  // First Ctrl-C: stop training after the epoch and write the results; a second one ends
  // the process the default way.
  g_interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);
}

struct CommandLine {
  std::string pipeline;
  bool check = false;
  bool list_plugins = false;
  std::string describe;
  std::vector<std::string> overrides;
  std::string output;
  std::vector<std::string> plugin_dirs;
  bool quiet = false;
  bool force = false;
  bool no_report = false;
  std::string report;  // --report RUN_DIR: report on an existing run folder, run nothing
};

std::vector<std::string> split_path_list(const char* text) {
  std::vector<std::string> parts;
  if (text == nullptr) return parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ':')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Whether a plugin-loading problem stops the host: every problem with a path the user
// named (`required`: --plugin-dir, the pipeline's plugins:), and a duplicate name from
// anywhere (which of the two registrations should win cannot be guessed). Any other
// problem of a library in HNN_PLUGIN_PATH or the bundled folder is reported and skipped.
bool is_error(const hnn::PluginProblem& problem, bool required) {
  return required || problem.kind == hnn::PluginProblemKind::kDuplicateName;
}

// Loads plugins in the documented search order, printing every problem as an error or a
// warning (is_error). Returns false when there was an error.
bool load_plugins(hnn::PluginLoader& loader, const CommandLine& command,
                  const std::vector<std::string>& pipeline_paths) {
  bool ok = true;
  auto load = [&](const std::string& path, bool required) {
    for (const auto& problem : loader.load_path(path)) {
      const bool error = is_error(problem, required);
      std::cerr << "hnn-host: " << (error ? "error" : "warning") << ": " << problem.message << "\n";
      if (error) ok = false;
    }
  };
  for (const auto& path : command.plugin_dirs) load(path, true);
  for (const auto& path : pipeline_paths) load(path, true);
  for (const auto& path : split_path_list(std::getenv("HNN_PLUGIN_PATH"))) load(path, false);
  load(hnn::bundled_plugin_directory().string(), false);
  return ok;
}

void print_schema(std::ostream& out, const hnn::OptionSchema& schema) {
  if (schema.empty()) {
    out << "  (no options)\n";
    return;
  }
  std::size_t key_width = 3, type_width = 4, default_width = 7;
  for (const auto& option : schema.options()) {
    key_width = std::max(key_width, option.key().size());
    type_width = std::max(type_width, hnn::to_string(option.type()).size());
    const std::string def =
        option.is_required() ? "(required)" : hnn::format_option_value(option.default_value());
    default_width = std::max(default_width, std::min<std::size_t>(def.size(), 24));
  }
  out << "  " << std::left << std::setw(int(key_width)) << "key"
      << "  " << std::setw(int(type_width)) << "type"
      << "  " << std::setw(int(default_width)) << "default"
      << "  range / meaning\n";
  for (const auto& option : schema.options()) {
    const std::string def =
        option.is_required() ? "(required)" : hnn::format_option_value(option.default_value());
    const std::string range = option.describe_range();
    out << "  " << std::left << std::setw(int(key_width)) << option.key() << "  "
        << std::setw(int(type_width)) << hnn::to_string(option.type()) << "  "
        << std::setw(int(default_width)) << def << "  " << (range.empty() ? "" : range + ": ")
        << option.doc() << "\n";
  }
}

void list_plugins(std::ostream& out, const hnn::Registry& registry) {
  for (const auto kind : hnn::kAllPluginKinds) {
    out << hnn::to_string(kind) << "s:\n";
    const auto entries = registry.list(kind);
    if (entries.empty()) out << "  (none)\n";
    std::size_t width = 4;
    for (const auto* info : entries) width = std::max(width, info->name.size());
    for (const auto* info : entries) {
      out << "  " << std::left << std::setw(int(width)) << info->name << "  " << info->description
          << "\n"
          << "  " << std::string(width, ' ') << "  from " << info->source << "\n";
    }
  }
}

int describe(std::ostream& out, const hnn::Registry& registry, const std::string& name) {
  bool found = false;
  for (const auto kind : hnn::kAllPluginKinds) {
    if (const auto* info = registry.find(kind, name)) {
      found = true;
      out << hnn::to_string(kind) << " '" << info->name << "': " << info->description << "\n"
          << "from " << info->source << "\n"
          << "options:\n";
      print_schema(out, info->schema);
    }
  }
  if (const auto* schema = hnn::host_section_schema(name)) {
    found = true;
    out << "pipeline section '" << name << "' (read by hnn-host)\noptions:\n";
    print_schema(out, *schema);
  }
  if (!found) {
    std::vector<std::string> all = hnn::host_section_names();
    for (const auto kind : hnn::kAllPluginKinds) {
      for (const auto& n : registry.names(kind)) all.push_back(n);
    }
    std::cerr << "hnn-host: error: --describe: no plugin or section named '" << name << "'";
    const std::string suggestion = hnn::did_you_mean(name, all);
    if (!suggestion.empty()) std::cerr << " (did you mean '" << suggestion << "'?)";
    std::cerr << "; see --list-plugins\n";
    return kUsageError;
  }
  return kSuccess;
}

// Writes the figures and report.html of `run_directory` and prints "report: <path>" to
// `log`. Throws RunFolderError when the run folder cannot be read (--report), and
// ReportError when drawing or writing failed or the report follows a run (`after_run`:
// the run's results are complete all the same, whatever the report's problem).
void write_run_report(const fs::path& run_directory, std::ostream& log, bool after_run) {
  try {
    const auto result = hnn::report::write_report(run_directory, hnn::report::ReportOptions{});
    log << "report: " << result.html_file.string() << std::endl;
  } catch (const hnn::report::RunFolderError& error) {
    if (!after_run) throw;
    throw ReportError(error.what(), run_directory, after_run);
  } catch (const std::exception& error) {
    throw ReportError(error.what(), run_directory, after_run);
  }
}

// Runs a validated pipeline. A ConfigError keeps its type (the run refused the pipeline
// for a configuration reason); any other failure becomes a RunError.
hnn::RunOutcome run_validated_pipeline(const hnn::PipelineConfig& config,
                                       const hnn::Registry& registry,
                                       const hnn::RunSettings& settings) {
  try {
    return hnn::run_pipeline(config, registry, settings);
  } catch (const hnn::ConfigError&) {
    throw;
  } catch (const hnn::RunError&) {
    throw;
  } catch (const std::exception& error) {
    throw hnn::RunError(error.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine command;
  po::options_description visible(
      "Usage: hnn-host [options] PIPELINE.yaml\n"
      "       hnn-host --report RUN_DIR\n\n"
      "Learns a Hamiltonian as the pipeline file says: system, data, models, training,\n"
      "evaluation. Plugins are searched in --plugin-dir, the pipeline's plugins: list,\n"
      "HNN_PLUGIN_PATH (':'-separated) and the bundled plugin folder, in that order.\n\n"
      "Options");
  // clang-format off
  visible.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
      ("check", "validate the pipeline and print it resolved (defaults filled in); run nothing")
      ("list-plugins", "list every registered plugin by kind, with its file")
      ("describe", po::value<std::string>(&command.describe)->value_name("NAME"),
       "print the options of a plugin or pipeline section (data, training, evaluation, output)")
      ("set", po::value<std::vector<std::string>>(&command.overrides)->value_name("KEY.PATH=VALUE"),
       "override a pipeline value (repeatable), validated like the file, "
       "e.g. --set training.optimizer.epochs=100")
      ("output,o", po::value<std::string>(&command.output)->value_name("DIR"),
       "run folder (default: output.directory, else runs/<pipeline name>)")
      ("force", "replace the files of an existing run folder")
      ("plugin-dir", po::value<std::vector<std::string>>(&command.plugin_dirs)->value_name("DIR"),
       "load plugins from this folder or file first (repeatable)")
      ("quiet,q", "no live progress line; only periodic plain lines and results")
      ("no-report", "do not write figures/ and report.html into the run folder after the run")
      ("report", po::value<std::string>(&command.report)->value_name("RUN_DIR"),
       "(re)write the figures and report.html of an existing run folder; run nothing");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("pipeline", po::value<std::string>(&command.pipeline));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("pipeline", 1);

  po::variables_map variables;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
              variables);
    po::notify(variables);
  } catch (...) {
    return exit_status_of_current_exception();
  }
  if (variables.count("help")) {
    std::cout
        << visible
        << "\nAfter a run, hnn-host writes figures/*.svg, figures/*.png and report.html into\n"
           "the run folder (not with --no-report).\n"
           "\nExit status: 0 success; 2 usage or configuration error, or (--report) a missing\n"
           "or unreadable run folder; 1 the run or its report failed.\n";
    return kSuccess;
  }
  if (variables.count("version")) {
    std::cout << "hnn-host " << hnn::kVersion << " (plugin ABI " << hnn::kPluginAbiVersion
              << ", build " << hnn::PluginLoader::host_build_tag() << ", "
              << hnn::available_threads() << " threads)\n";
    return kSuccess;
  }
  command.check = variables.count("check") > 0;
  command.list_plugins = variables.count("list-plugins") > 0;
  command.quiet = variables.count("quiet") > 0;
  command.force = variables.count("force") > 0;
  command.no_report = variables.count("no-report") > 0;

  if (variables.count("report")) {
    if (!command.pipeline.empty()) {
      std::cerr << "hnn-host: error: --report takes a run folder, not a pipeline file; give "
                   "one or the other\nTry 'hnn-host --help'.\n";
      return kUsageError;
    }
    try {
      write_run_report(command.report, std::cout, /*after_run=*/false);
    } catch (...) {
      return exit_status_of_current_exception();
    }
    return kSuccess;
  }

  hnn::Registry registry;
  hnn::PluginLoader loader(registry);

  if (command.list_plugins || !command.describe.empty()) {
    std::vector<std::string> pipeline_paths;
    if (!command.pipeline.empty()) {
      try {
        hnn::Diagnostics diagnostics;
        pipeline_paths = hnn::read_plugin_paths(hnn::load_config_file(command.pipeline),
                                                command.pipeline, diagnostics);
        diagnostics.throw_if_any();
      } catch (...) {
        return exit_status_of_current_exception();
      }
    }
    const bool loaded = load_plugins(loader, command, pipeline_paths);
    int status = kSuccess;
    if (command.list_plugins) list_plugins(std::cout, registry);
    if (!command.describe.empty()) status = describe(std::cout, registry, command.describe);
    return loaded ? status : kUsageError;
  }

  if (command.pipeline.empty()) {
    std::cerr << "hnn-host: error: no pipeline file given\nTry 'hnn-host --help'.\n";
    return kUsageError;
  }

  hnn::PipelineConfig config;
  try {
    hnn::ConfigNode root = hnn::load_config_file(command.pipeline);
    for (const auto& assignment : command.overrides) hnn::apply_override(root, assignment);
    hnn::Diagnostics diagnostics;
    const auto pipeline_paths = hnn::read_plugin_paths(root, command.pipeline, diagnostics);
    diagnostics.throw_if_any();
    if (!load_plugins(loader, command, pipeline_paths)) return kUsageError;
    config = hnn::validate_pipeline(root, command.pipeline, registry, diagnostics);
    diagnostics.throw_if_any();
  } catch (...) {
    return exit_status_of_current_exception();
  }

  if (command.check) {
    std::cout << hnn::to_yaml(config);
    return kSuccess;
  }

  hnn::RunSettings settings;
  settings.output_directory = command.output;
  settings.force = command.force;
  settings.live_progress = !command.quiet && hnn::ProgressReporter::stderr_is_terminal();
  settings.log = settings.live_progress ? &std::cerr : &std::cout;
  settings.interrupt = &g_interrupted;
  std::signal(SIGINT, on_interrupt);
  try {
    const hnn::RunOutcome outcome = run_validated_pipeline(config, registry, settings);
    // The run's results are complete on disk; a failed report only costs the report.
    if (!command.no_report) {
      write_run_report(hnn::run_directory(config, settings), *settings.log, /*after_run=*/true);
    }
    // A model that diverged fails the run once everything else is written.
    for (const std::string& failure : outcome.failures) {
      std::cerr << "hnn-host: error: the run failed: " << failure << "\n";
    }
    if (!outcome.succeeded()) return kRunFailed;
  } catch (...) {
    return exit_status_of_current_exception();
  }
  return kSuccess;
}
