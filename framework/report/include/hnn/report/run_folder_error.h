// The error a report throws when a file of the run folder cannot be used: the host's
// run-folder error (hnn/host/run_folder_error.h), which read_run_summary throws too.
#ifndef HNN_REPORT_RUN_FOLDER_ERROR_H_
#define HNN_REPORT_RUN_FOLDER_ERROR_H_

#include "hnn/host/run_folder_error.h"

namespace hnn::report {

using RunFolderError = hnn::RunFolderError;

}  // namespace hnn::report

#endif  // HNN_REPORT_RUN_FOLDER_ERROR_H_
