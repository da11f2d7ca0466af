// hnn-host: runs a pipeline file with the plugins it names.
//
// Exit status: 0 success; 2 usage, configuration or plugin-loading error; 1 a run that
// failed; 128 + the signal's number (130 SIGINT, 143 SIGTERM) for a run that a signal
// stopped (after writing its checkpoints and summary; a second signal exits at once with
// the same status). Errors go to standard error. The status comes from the error's type, in one
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

#include <malloc.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <set>

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
#include "hnn/host/resource_limits.h"
#include "hnn/host/sweep_definition.h"
#include "hnn/host/sweep_expansion.h"
#include "hnn/host/sweep_runner.h"
#include "hnn/host/sweep_summary.h"
#include "hnn/parallelism.h"
#include "hnn/registry.h"
#include "hnn/report/report.h"
#include "hnn/report/run_folder_error.h"
#include "hnn/report/sweep_report.h"
#include "hnn/version.h"

#ifdef HNN_WITH_MPI
#include "mpi/sweep_mpi.h"
#endif

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

// Raised by the first SIGINT or SIGTERM: the run stops at the next epoch boundary
// (RunSettings::interrupt). Lock-free, so setting it is async-signal-safe.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);
volatile std::sig_atomic_t g_stop_signal = 0;  // the first signal's number

void write_to_stderr(const char* text, std::size_t size) {
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text, size);
}

// Only async-signal-safe calls. First signal: ask the run to stop after the epoch (it then
// writes checkpoints with the optimizer's state and the summary). Second: exit at once.
// Every file is written to a temporary file and renamed, so none is ever half written; a
// temporary file left behind is removed by the next --force or --resume.
extern "C" void on_stop_signal(int signal) {
  if (g_stop_signal != 0) {
    static const char message[] = "\nhnn-host: second signal: exiting now\n";
    write_to_stderr(message, sizeof message - 1);
    ::_exit(128 + signal);
  }
  g_stop_signal = signal;
  g_interrupted.store(true);
  static const char message[] =
      "\nhnn-host: stopping at the next epoch boundary to save the run "
      "(a second signal exits at once)\n";
  write_to_stderr(message, sizeof message - 1);
}

// Installs `handler` for SIGINT and SIGTERM (on_stop_signal for a run, on_sweep_stop_signal
// for a sweep).
void install_stop_signal_handlers(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// A sweep's stop signals: counted, never exiting, so that the
// sweep forwards each one to its runs (the first stops them at an epoch boundary, the second
// at once) and still writes its summary.
std::atomic<int> g_sweep_stop_requests{0};
std::atomic<int> g_sweep_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_sweep_stop_signal(int signal) {
  if (g_sweep_stop_requests.fetch_add(1) == 0) {
    g_sweep_stop_signal.store(signal);
    static const char message[] =
        "\nhnn-host: stopping the sweep: its runs stop at their next epoch boundary "
        "(a second signal stops them at once)\n";
    write_to_stderr(message, sizeof message - 1);
  }
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
  std::string report;        // --report RUN_DIR: report on an existing run folder, run nothing
  std::string memory_limit;  // --memory-limit SIZE; "" = the physical memory
  std::string resume;        // --resume RUN_DIR: continue an interrupted run
  long workers = 0;          // --workers N (a sweep); 0 = the sweep file's
  long threads_per_run = 0;  // --threads-per-run M (a sweep); 0 = the sweep file's
  // Hidden, for tests: "TERM:K" or "INT:K" raises that signal after the K-th training epoch
  // of the run (twice with "TERM:K:2": the second exits at once).
  std::string test_signal;
};

// Parses --test-signal-after-epochs; false when malformed.
bool parse_test_signal(const std::string& text, int& signal, long& epochs, int& count) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return false;
  const std::string name = text.substr(0, colon);
  signal = name == "INT" ? SIGINT : name == "TERM" ? SIGTERM : 0;
  char* end = nullptr;
  epochs = std::strtol(text.c_str() + colon + 1, &end, 10);
  count = 1;
  if (*end == ':') count = int(std::strtol(end + 1, &end, 10));
  return signal != 0 && epochs >= 1 && *end == '\0' && count >= 1;
}

// Loads plugins in the documented search order (hnn::load_plugins_in_search_order),
// printing every problem as an error or a warning. Returns false when there was an error.
bool load_plugins(hnn::PluginLoader& loader, const CommandLine& command,
                  const std::vector<std::string>& pipeline_paths) {
  std::vector<std::string> required = command.plugin_dirs;
  required.insert(required.end(), pipeline_paths.begin(), pipeline_paths.end());
  return hnn::load_plugins_in_search_order(
      loader, required, [](const hnn::PluginProblem& problem, bool error) {
        std::cerr << "hnn-host: " << (error ? "error" : "warning") << ": " << problem.message
                  << "\n";
      });
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
  // Functions that plugins add to the symbolic library beside pykan 0.0.5's 24 (kan.md 6.1).
  out << "symbolic functions (beside pykan 0.0.5's 24):\n";
  const auto& functions = registry.symbolic_functions();
  if (functions.empty()) out << "  (none)\n";
  std::size_t width = 4;
  for (const auto& function : functions) width = std::max(width, function.name.size());
  for (const auto& function : functions) {
    out << "  " << std::left << std::setw(int(width)) << function.name
        << "  f(x) = " << function.formula << ", complexity " << function.complexity << "\n"
        << "  " << std::string(width, ' ') << "  from "
        << registry.symbolic_function_source(function.name) << "\n";
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
    out << hnn::host_section_notes(name);
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

// The cores this process may run on.
std::size_t usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::size_t(std::max(1, CPU_COUNT(&set)));
  return std::size_t(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

// hnn-host SWEEP.yaml (docs/sweeps.md): reads the sweep, loads the base pipeline's plugins,
// validates every run, then (unless --check, which prints the plan) runs them in worker
// processes and writes sweep_summary.yaml and .csv. Exit status: 0 every run succeeded; 1 a
// run failed; 2 the sweep or a run's pipeline is invalid; 128 + the signal when stopped.
int run_sweep_file(const CommandLine& command, const hnn::ConfigNode& root,
                   const hnn::ResourceLimits& limits, hnn::PluginLoader& loader,
                   const hnn::Registry& registry) {
  hnn::SweepPlan plan;
  try {
    hnn::Diagnostics diagnostics;
    const hnn::SweepDefinition definition = hnn::read_sweep(root, command.pipeline, diagnostics);
    diagnostics.throw_if_any();
    const hnn::ConfigNode base = hnn::load_sweep_pipeline(definition);
    const auto pipeline_paths =
        hnn::read_plugin_paths(base, definition.settings.pipeline, diagnostics);
    diagnostics.throw_if_any();
    if (!load_plugins(loader, command, pipeline_paths)) return kUsageError;
    plan = hnn::expand_sweep(definition, base, command.overrides, registry, limits, diagnostics);
    diagnostics.throw_if_any();
  } catch (...) {
    return exit_status_of_current_exception();
  }
  if (command.threads_per_run > 0) plan.settings.threads_per_run = command.threads_per_run;
  if (command.workers > 0) plan.settings.workers = command.workers;
  if (plan.settings.workers == 0) {
    plan.settings.workers =
        std::int64_t(std::max<std::size_t>(1, usable_cores() / plan.settings.threads_per_run));
  }
  if (command.check) {
    std::cout << hnn::to_yaml(plan);
    return kSuccess;
  }
#ifdef HNN_WITH_MPI
  // Under mpirun -n N (N > 1) rank 0 schedules the runs over the other ranks.
  std::unique_ptr<hnn::MpiSweep> mpi;
  if (hnn::launched_as_mpi_ranks()) mpi = std::make_unique<hnn::MpiSweep>();
  if (mpi != nullptr && mpi->size() < 2) mpi.reset();  // one rank: a local sweep
  const bool root_rank = mpi == nullptr || mpi->rank() == 0;
#else
  const bool root_rank = true;
#endif

  const fs::path folder = !command.output.empty()         ? fs::path(command.output)
                          : !plan.settings.output.empty() ? fs::path(plan.settings.output)
                                                          : fs::path("runs") / plan.settings.name;
  hnn::SweepRunSettings settings;
  settings.folder = folder;
  std::error_code error_code;
  settings.executable = fs::read_symlink("/proc/self/exe", error_code);
  if (error_code) {
    std::cerr << "hnn-host: error: cannot find this program to start the sweep's runs: "
              << error_code.message() << "\n";
    return kRunFailed;
  }
  for (const auto& directory : command.plugin_dirs) {
    settings.extra_arguments.push_back("--plugin-dir");
    settings.extra_arguments.push_back(fs::absolute(directory).string());
  }
  if (!command.memory_limit.empty()) {
    settings.extra_arguments.push_back("--memory-limit");
    settings.extra_arguments.push_back(command.memory_limit);
  }
  settings.workers = std::size_t(plan.settings.workers);
  settings.threads_per_run = std::size_t(plan.settings.threads_per_run);
  settings.force = command.force;
  settings.reports = plan.settings.reports && !command.no_report;
  settings.live_progress =
      root_rank && !command.quiet && hnn::ProgressReporter::stderr_is_terminal();
  settings.log = !root_rank ? nullptr : settings.live_progress ? &std::cerr : &std::cout;
  settings.stop_requests = &g_sweep_stop_requests;
  settings.stop_signal = &g_sweep_stop_signal;
  install_stop_signal_handlers(on_sweep_stop_signal);
  try {
#ifdef HNN_WITH_MPI
    if (mpi != nullptr) {
      if (!root_rank) {
        mpi->run(plan, settings);
        return kSuccess;
      }
      settings.workers = std::size_t(mpi->size() - 1);
    }
#endif
    *settings.log << plan.settings.name << ": " << plan.runs.size() << " runs ("
                  << plan.settings_values.size() << " settings) in " << folder.string() << ", "
                  << settings.workers << " at a time, " << settings.threads_per_run
                  << " thread(s) each" << std::endl;
#ifdef HNN_WITH_MPI
    const hnn::SweepOutcome outcome =
        mpi != nullptr ? mpi->run(plan, settings) : hnn::run_sweep(plan, settings);
#else
    const hnn::SweepOutcome outcome = hnn::run_sweep(plan, settings);
#endif
    const hnn::SweepSummary summary = hnn::summarize_sweep(plan, outcome, folder);
    hnn::write_sweep_summary(summary, plan, outcome, folder);
    *settings.log << "summary: " << (folder / "sweep_summary.yaml").string() << std::endl;
    if (!command.no_report) {
      try {
        const fs::path page = hnn::report::write_sweep_report(folder, summary);
        *settings.log << "report: " << page.string() << std::endl;
      } catch (const std::exception& error) {
        std::cerr << "hnn-host: error: the sweep report failed: " << error.what()
                  << "\nhnn-host: the sweep's results and summaries in " << folder.string()
                  << " are complete\n";
        return kRunFailed;
      }
    }
    if (outcome.interrupted) return 128 + g_sweep_stop_signal.load();
    if (summary.succeeded != summary.runs) return kRunFailed;
  } catch (...) {
    const int status = exit_status_of_current_exception();
#ifdef HNN_WITH_MPI
    // The other ranks wait for this one: end them all.
    if (mpi != nullptr) mpi->abort(status);
#endif
    return status;
  }
  return kSuccess;
}

// Large blocks come from the heap and freed ones stay there for the next allocation. A
// model's workspace is freed and allocated again whenever its batch size changes: a
// minibatch step, then the whole training and test sets when the losses are recorded. With
// glibc's defaults every block over 32 MB is a fresh mmap, page-faulted and zeroed each time.
// The two-body task (configs/two_body_paper.yaml) took 90 s with them and 44.5 s with these
// settings, with the same numbers (README, "Allocation"). Up to 1 GiB of freed memory at the
// top of the heap is not returned to the system before exit.
void keep_freed_blocks_for_reuse() {
  constexpr int kLarge = 1 << 30;
  mallopt(M_MMAP_THRESHOLD, kLarge);
  mallopt(M_TRIM_THRESHOLD, kLarge);
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_blocks_for_reuse();
  CommandLine command;
  po::options_description visible(
      "Usage: hnn-host [options] PIPELINE.yaml\n"
      "       hnn-host [options] SWEEP.yaml   (a file with a top-level sweep:, docs/sweeps.md)\n"
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
       "print the options of a plugin or pipeline section (data, derivatives, training, "
       "dissipation, evaluation, output, symbolic, sweep)")
      ("set", po::value<std::vector<std::string>>(&command.overrides)->value_name("KEY.PATH=VALUE"),
       "override a pipeline value (repeatable), validated like the file, "
       "e.g. --set training.optimizer.epochs=100")
      ("output,o", po::value<std::string>(&command.output)->value_name("DIR"),
       "run folder (default: output.directory, else runs/<pipeline name>)")
      ("force", "empty an existing run folder first (only a folder a run wrote)")
      ("memory-limit", po::value<std::string>(&command.memory_limit)->value_name("SIZE"),
       "refuse (also with --check) a pipeline whose estimated memory for its data, one "
       "model's training or its evaluation exceeds SIZE (bytes, or with K, M, G, T; "
       "default: the physical memory)")
      ("resume", po::value<std::string>(&command.resume)->value_name("RUN_DIR"),
       "continue a run that a signal interrupted, in its folder, with its pipeline.yaml")
      ("workers", po::value<long>(&command.workers)->value_name("N"),
       "a sweep file: runs at the same time (default: the sweep's workers, else the cores / "
       "threads per run)")
      ("threads-per-run", po::value<long>(&command.threads_per_run)->value_name("M"),
       "a sweep file: OpenMP threads of every run (default: the sweep's threads_per_run, 1)")
      ("plugin-dir", po::value<std::vector<std::string>>(&command.plugin_dirs)->value_name("DIR"),
       "load plugins from this folder or file first (repeatable)")
      ("quiet,q", "no live progress line; only periodic plain lines and results")
      ("no-report", "do not write figures/ and report.html into the run folder after the run "
       "(a sweep: sweep_report.html)")
      ("report", po::value<std::string>(&command.report)->value_name("RUN_DIR"),
       "(re)write the figures and report.html of an existing run folder; run nothing");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("pipeline", po::value<std::string>(&command.pipeline))(
      "test-signal-after-epochs", po::value<std::string>(&command.test_signal));
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
           "\nSIGINT (Ctrl-C) or SIGTERM stops the run at the next epoch boundary: checkpoints\n"
           "(with the optimizer's state) and summary.yaml (interrupted: true) are written, later\n"
           "models are not started; 'hnn-host --resume RUN_DIR' continues it. A second signal\n"
           "exits at once.\n"
           "\nExit status: 0 success; 2 usage or configuration error, or (--report) a missing\n"
           "or unreadable run folder; 1 the run or its report failed; 130 (SIGINT) or 143\n"
           "(SIGTERM) the run was interrupted.\n"
           "\nA sweep file (top-level sweep:, docs/sweeps.md) runs every expanded run as its own\n"
           "hnn-host process in <sweep folder>/runs/<id>, 'workers' at a time, then writes\n"
           "sweep_summary.yaml and .csv; run again, it skips finished runs. Exit status: 0 every\n"
           "run succeeded; 1 a run failed; 2 the sweep or a run's pipeline is invalid (nothing\n"
           "ran); 130 or 143 a signal stopped it (forwarded to the runs).\n";
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
  hnn::ResourceLimits limits;
  if (!command.memory_limit.empty()) {
    const auto bytes = hnn::parse_byte_size(command.memory_limit);
    if (!bytes) {
      std::cerr << "hnn-host: error: --memory-limit: expected a size in bytes such as 512M, "
                   "16G or 1e9, found '"
                << command.memory_limit << "'\nTry 'hnn-host --help'.\n";
      return kUsageError;
    }
    limits.memory_bytes = *bytes;
  }

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

  if (!command.resume.empty()) {
    if (!command.pipeline.empty() || !command.overrides.empty() || command.force ||
        !command.output.empty() || command.check) {
      std::cerr << "hnn-host: error: --resume takes the run folder alone: the pipeline is its "
                   "pipeline.yaml, unchanged (no PIPELINE, --set, --output, --force or --check)\n"
                   "Try 'hnn-host --help'.\n";
      return kUsageError;
    }
    const fs::path pipeline = fs::path(command.resume) / "pipeline.yaml";
    std::error_code error_code;
    if (!fs::is_regular_file(pipeline, error_code)) {
      std::cerr << command.resume << ": error: not a run folder to resume: it has no "
                << "pipeline.yaml\n";
      return kUsageError;
    }
    command.pipeline = pipeline.string();
    command.output = command.resume;
  }
  if (command.pipeline.empty()) {
    std::cerr << "hnn-host: error: no pipeline file given\nTry 'hnn-host --help'.\n";
    return kUsageError;
  }
  if ((variables.count("workers") && command.workers < 1) ||
      (variables.count("threads-per-run") && command.threads_per_run < 1)) {
    std::cerr << "hnn-host: error: --workers and --threads-per-run take an integer >= 1\n"
                 "Try 'hnn-host --help'.\n";
    return kUsageError;
  }

  // A file whose top level has `sweep:` is a sweep (docs/sweeps.md).
  hnn::ConfigNode root;
  try {
    root = hnn::load_config_file(command.pipeline);
  } catch (...) {
    return exit_status_of_current_exception();
  }
  const bool sweep = hnn::is_sweep_file(root);
  if (sweep && !command.resume.empty()) {
    std::cerr << "hnn-host: error: --resume takes a run folder; to continue a sweep, run its "
                 "sweep file again\nTry 'hnn-host --help'.\n";
    return kUsageError;
  }
  if (sweep) return run_sweep_file(command, root, limits, loader, registry);
  if (variables.count("workers") || variables.count("threads-per-run")) {
    std::cerr << "hnn-host: error: --workers and --threads-per-run apply to a sweep file; "
              << command.pipeline << " is a pipeline\nTry 'hnn-host --help'.\n";
    return kUsageError;
  }

  hnn::PipelineConfig config;
  try {
    for (const auto& assignment : command.overrides) hnn::apply_override(root, assignment);
    hnn::Diagnostics diagnostics;
    const auto pipeline_paths = hnn::read_plugin_paths(root, command.pipeline, diagnostics);
    diagnostics.throw_if_any();
    if (!load_plugins(loader, command, pipeline_paths)) return kUsageError;
    config = hnn::validate_pipeline(root, command.pipeline, registry, diagnostics, limits);
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
  settings.resume = !command.resume.empty();
  install_stop_signal_handlers(on_stop_signal);
  if (!command.test_signal.empty()) {
    int signal = 0, count = 1;
    long epochs = 0;
    if (!parse_test_signal(command.test_signal, signal, epochs, count)) {
      std::cerr << "hnn-host: error: --test-signal-after-epochs takes INT:K or TERM:K[:2]\n";
      return kUsageError;
    }
    settings.epoch_observer = [signal, epochs, count, seen = 0L]() mutable {
      if (++seen != epochs) return;
      for (int i = 0; i < count; ++i) std::raise(signal);
    };
  }
  try {
    const hnn::RunOutcome outcome = run_validated_pipeline(config, registry, settings);
    if (g_stop_signal != 0) {
      // The interrupted run's checkpoints and summary are written; the report waits for
      // the resumed run (or 'hnn-host --report').
      return 128 + int(g_stop_signal);
    }
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
