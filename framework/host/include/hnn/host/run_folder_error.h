// The error thrown when a file of a run folder cannot be used (read back by the report,
// read_run_summary, or any other tool).
#ifndef HNN_HOST_RUN_FOLDER_ERROR_H_
#define HNN_HOST_RUN_FOLDER_ERROR_H_

#include "hnn/error.h"

namespace hnn {

// A file of a run folder is missing, cannot be read, or does not have the expected form.
// The message is complete and compiler-style, starting with the file (and line and column
// when known): "runs/x/history.csv:12: error: column test_loss: expected a real, found 'abc'".
class RunFolderError : public Error {
 public:
  using Error::Error;
  ~RunFolderError() override;
};

}  // namespace hnn

#endif  // HNN_HOST_RUN_FOLDER_ERROR_H_
