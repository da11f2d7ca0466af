#include "hnn/parallelism.h"

#include <omp.h>

namespace hnn {

int available_threads() { return omp_get_max_threads(); }

}  // namespace hnn
