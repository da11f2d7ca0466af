# cmake -DFILE=<path> -DEXPECTED=<sha256> -P check_sha256.cmake: fails unless the file's
# SHA-256 is EXPECTED (the data the repository keeps are the data their README describes).
file(SHA256 "${FILE}" actual)
if(NOT actual STREQUAL EXPECTED)
  message(FATAL_ERROR "${FILE}: SHA-256 ${actual}, expected ${EXPECTED}")
endif()
