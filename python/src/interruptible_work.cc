#include "interruptible_work.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <streambuf>
#include <string>
#include <thread>

namespace py = pybind11;

namespace hnn::python {
namespace {

// A stream buffer that collects what is written to it (from one thread) for another thread
// to take.
class TextRelay final : public std::streambuf {
 public:
  std::string take() {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::string text;
    text.swap(text_);
    return text;
  }

 protected:
  int_type overflow(int_type character) override {
    if (traits_type::eq_int_type(character, traits_type::eof()))
      return traits_type::not_eof(character);
    const std::lock_guard<std::mutex> lock(mutex_);
    text_.push_back(traits_type::to_char_type(character));
    return character;
  }
  std::streamsize xsputn(const char* text, std::streamsize count) override {
    const std::lock_guard<std::mutex> lock(mutex_);
    text_.append(text, std::size_t(count));
    return count;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

// Writes `text` to sys.stdout and flushes it. Precondition: the GIL is held.
void write_to_python_stdout(const std::string& text) {
  if (text.empty()) return;
  const py::object out = py::module_::import("sys").attr("stdout");
  if (out.is_none()) return;
  out.attr("write")(text);
  out.attr("flush")();
}

}  // namespace

InterruptibleResult run_interruptibly(const std::function<void(std::ostream* log)>& work,
                                      std::atomic<bool>& interrupt, bool show_output) {
  TextRelay relay;
  std::ostream log(&relay);
  std::mutex mutex;
  std::condition_variable finished_changed;
  bool finished = false;

  InterruptibleResult result;
  std::thread worker([&] {
    work(show_output ? &log : nullptr);
    const std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    finished_changed.notify_all();
  });
  // Whatever happens here, the run is stopped and joined before this frame goes.
  struct JoinedAtExit {
    std::thread& worker;
    std::atomic<bool>& interrupt;
    ~JoinedAtExit() {
      if (!worker.joinable()) return;
      interrupt.store(true);
      const py::gil_scoped_release release;
      worker.join();
    }
  } joined{worker, interrupt};

  // The first exception a signal handler raised stops the run (while it runs); later ones
  // are dropped (a second Ctrl-C while it stops).
  const auto interrupted_by = [&](std::unique_ptr<py::error_already_set> error, bool running) {
    if (result.interruption) return;
    result.interruption = std::move(error);
    if (!running) return;
    interrupt.store(true);
    try {
      py::print(
          "hnn: stopping at the end of the current epoch; the run folder keeps what "
          "was trained (hnn.resume continues it)",
          py::arg("file") = py::module_::import("sys").attr("stderr"));
    } catch (py::error_already_set&) {
    }
  };
  const auto relay_output = [&](bool running) {
    try {
      write_to_python_stdout(relay.take());
    } catch (py::error_already_set& error) {
      // A sys.stdout that cannot be written loses the progress text, not the run; Ctrl-C
      // while it writes is Ctrl-C.
      if (error.matches(PyExc_KeyboardInterrupt)) {
        interrupted_by(std::make_unique<py::error_already_set>(std::move(error)), running);
      }
    }
  };

  bool done = false;
  while (!done) {
    {
      const py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(mutex);
      finished_changed.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; });
      done = finished;
    }
    relay_output(!done);
    if (PyErr_CheckSignals() != 0) {
      interrupted_by(std::make_unique<py::error_already_set>(), !done);  // takes the exception
    }
  }
  worker.join();
  relay_output(false);
  return result;
}

}  // namespace hnn::python
