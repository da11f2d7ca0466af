#include "hnn/host/sweep_settings.h"

#include <limits>

namespace hnn {

const OptionBinding<SweepSettings>& SweepSettings::binding() {
  static const auto binding = [] {
    using S = SweepSettings;
    OptionBinding<S> b("sweep");
    b.bind_required("pipeline", &S::pipeline,
                    "the base pipeline every run starts from (relative to the sweep file)")
        .file_path();
    b.bind("name", &S::name, "the sweep's name; \"\" means the sweep file's name");
    b.bind("output", &S::output, "sweep folder; \"\" means runs/<name>");
    b.bind("workers", &S::workers,
           "runs at the same time (worker processes); 0 means the cores / threads_per_run; "
           "hnn-host --workers overrides it")
        .at_least(0)
        .at_most(4096);
    b.bind("threads_per_run", &S::threads_per_run,
           "OpenMP threads of every run (OMP_NUM_THREADS); hnn-host --threads-per-run "
           "overrides it")
        .at_least(1)
        .at_most(4096);
    b.bind("reports", &S::reports, "every run writes its figures and report.html");
    b.bind("seed_keys", &S::seed_keys,
           "the pipeline keys each seed is written to; [] means data.seed, training.batch_seed "
           "and models.<m>.seed of every model whose plugin has a seed");
    return b;
  }();
  return binding;
}

}  // namespace hnn
