// Long C++ work (a run) called from Python so that Ctrl-C stops it and its progress shows
// in the caller's sys.stdout (a terminal, a log, or a notebook cell).
//
// The work runs on a worker thread. The calling thread keeps the interpreter: it waits
// with the GIL released, and every 50 ms it takes the GIL to write what the work printed to
// `sys.stdout` (which is what a notebook cell shows; the C++ std::cout is not) and to run
// Python's signal handlers (PyErr_CheckSignals). When a handler raises (KeyboardInterrupt on
// Ctrl-C), it sets `interrupt`, which the work reads at its next safe point (a run: the end
// of the epoch), waits for the work to end, and returns the exception for the caller to
// raise. Meanwhile the work may take the GIL itself (a system written in Python).
#ifndef HNN_PYTHON_INTERRUPTIBLE_WORK_H_
#define HNN_PYTHON_INTERRUPTIBLE_WORK_H_

#include <pybind11/pybind11.h>

#include <atomic>
#include <functional>
#include <memory>
#include <ostream>

namespace hnn::python {

// What ran: `interruption` holds the exception a signal handler raised (null when none did).
// `interrupt` was set when it came while the work ran; one that came after the work ended
// (the work is complete) is there for the caller to raise as it is.
struct InterruptibleResult {
  std::unique_ptr<pybind11::error_already_set> interruption;
};

// Calls work(log) on a worker thread and waits for it as above. `log` is a stream whose text
// goes to sys.stdout (flushed at every relay), or null when `show_output` is false. `work`
// must not throw (catch inside). Precondition: the GIL is held by the calling thread.
InterruptibleResult run_interruptibly(const std::function<void(std::ostream* log)>& work,
                                      std::atomic<bool>& interrupt, bool show_output);

}  // namespace hnn::python

#endif  // HNN_PYTHON_INTERRUPTIBLE_WORK_H_
