"""`cmake --install` puts the package into the Python path of the prefix, and the installed
module loads the installed bundled plugins (not the build tree's)."""
import os
import pathlib
import subprocess
import sys

import pytest

BUILD = os.environ.get("HNN_BINARY_DIR")


@pytest.mark.skipif(not BUILD, reason="HNN_BINARY_DIR (the build tree) is not set")
def test_the_installed_module_loads_the_installed_plugins(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", BUILD, "--prefix", str(prefix)], check=True,
                   stdout=subprocess.DEVNULL)
    (package,) = prefix.glob("lib/python3*/*-packages/hnn/__init__.py")
    environment = dict(os.environ, PYTHONPATH=str(package.parent.parent))
    listing = subprocess.run(
        [sys.executable, "-c",
         "import hnn; print(hnn.__file__); print(*(p['source'] for p in hnn.plugins()))"],
        env=environment, check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    module_file, sources = listing.splitlines()
    assert pathlib.Path(module_file) == package
    assert f"{prefix}/lib/hnn/plugins/hnn_mlp.so" in sources.split()
    assert BUILD not in sources
