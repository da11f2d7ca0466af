// Threads available to models (OpenMP).
//
// libhnn owns the OpenMP runtime: it is linked into libhnn, so it is loaded once for the
// life of the host process. A plugin that uses OpenMP therefore never brings its own copy
// of the runtime, which would be unloaded with the plugin while its worker threads live.
#ifndef HNN_PARALLELISM_H_
#define HNN_PARALLELISM_H_

namespace hnn {

// The number of threads a parallel region uses (OMP_NUM_THREADS, else the core count).
int available_threads();

}  // namespace hnn

#endif  // HNN_PARALLELISM_H_
