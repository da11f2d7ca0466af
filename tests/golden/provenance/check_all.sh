#!/bin/bash
# Re-runs every provenance script of tests/golden/provenance and compares what it computes
# with the values the tests store (README.md). A script whose Python packages are missing is
# skipped with a note; exit 77 (ctest's "skipped") when Python itself is missing.
# PYTHON overrides the interpreter (default: Debian's /usr/bin/python3, which has
# python3-numpy and python3-torch when installed, else python3 on the PATH).
# --full-lbfgs-trace runs only pykan_lbfgs_trace.py over all 300 epochs (ctest
# golden_provenance_lbfgs_trace_test, label slow; exit 77 without torch); by default the
# trace is replayed for its first 10 epochs (200 L-BFGS iterations).
set -u
export PYTHONDONTWRITEBYTECODE=1
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  if [[ -x /usr/bin/python3 ]]; then python=/usr/bin/python3; else python="$(command -v python3)"; fi
fi
if [[ -z "$python" ]]; then echo "no python3: provenance scripts skipped"; exit 77; fi
has() { "$python" -c "import $1" >/dev/null 2>&1; }
status=0
if [[ "${1:-}" == "--full-lbfgs-trace" ]]; then
  if ! { has torch && has numpy && has yaml; }; then
    echo "python3-torch, python3-numpy or python3-yaml not installed: pykan_lbfgs_trace.py skipped"; exit 77
  fi
  echo "== pykan_lbfgs_trace.py"
  "$python" "$here/pykan_lbfgs_trace.py"
  exit
fi
run() { echo "== $*"; "$python" "$here/$@" || status=1; }
run adam_reference.py --check
if has torch; then
  run lbfgs_torch_reference.py --check --torch
else
  run lbfgs_torch_reference.py --check
  echo "(python3-torch not installed: torch.optim.LBFGS side-by-side run skipped)"
fi
if has numpy; then
  run numpy_goldens.py
else
  echo "(python3-numpy not installed: numpy_goldens.py skipped)"
fi
if has numpy && has scipy; then
  run scipy_goldens.py
else
  echo "(python3-numpy or python3-scipy not installed: scipy_goldens.py skipped)"
fi
if has numpy && has yaml; then
  run mlp_small_reference.py
else
  echo "(python3-numpy or python3-yaml not installed: mlp_small_reference.py skipped)"
fi
if has numpy && has yaml; then
  run pykan_numpy_checks.py
else
  echo "(python3-numpy or python3-yaml not installed: pykan_numpy_checks.py skipped)"
fi
if has torch && has numpy && has yaml; then
  run pykan_goldens.py
  run pykan_lbfgs_trace.py --epochs 10
else
  echo "(python3-torch, python3-numpy or python3-yaml not installed: pykan_goldens.py and"
  echo " pykan_lbfgs_trace.py skipped: the pykan 0.0.5 init, forward, gradient and L-BFGS trace)"
fi
if has torch && has numpy && has scipy && has yaml; then
  run pykan_fit_params.py
else
  echo "(python3-torch, python3-numpy, python3-scipy or python3-yaml not installed:"
  echo " pykan_fit_params.py skipped: symbolic_fit_cases.yaml)"
fi
exit $status
