// The error a report throws when a file of the run folder cannot be used.
#ifndef HNN_REPORT_RUN_FOLDER_ERROR_H_
#define HNN_REPORT_RUN_FOLDER_ERROR_H_

#include "hnn/error.h"

namespace hnn::report {

// A file of a run folder is missing, cannot be read, or does not have the expected form.
// The message is complete and compiler-style, starting with the file (and line and column
// when known): "runs/x/history.csv:12: error: column test_loss: expected a real, found 'abc'".
class RunFolderError : public Error {
 public:
  using Error::Error;
  ~RunFolderError() override;
};

}  // namespace hnn::report

#endif  // HNN_REPORT_RUN_FOLDER_ERROR_H_
