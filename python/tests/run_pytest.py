"""ctest's entry for the Python suite: runs pytest on the given arguments, or exits 77
(ctest's SKIP_RETURN_CODE) when pytest is not installed (Debian: python3-pytest)."""
import sys

try:
    import pytest
except ImportError:
    print("python_module_test: skipped: pytest is not installed (apt-get install python3-pytest)")
    sys.exit(77)

sys.exit(pytest.main(sys.argv[1:]))
