"""continuum/ and meshes/ export a curated API: every name in __all__ is defined, and importing the packages
costs little beyond DOLFINx itself (no particles, no plotting, no SciPy optimisers)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["hydrobridge.continuum", "hydrobridge.meshes"])
def test_every_exported_name_is_defined(package):
    import importlib

    mod = importlib.import_module(package)
    assert len(mod.__all__) == len(set(mod.__all__))
    for name in mod.__all__:
        assert getattr(mod, name) is not None, name
    assert callable(getattr(mod, "locate_cells" if package.endswith("meshes") else "deposit"))


def _import_time(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_importing_the_packages_loads_nothing_heavy():
    code = ("import sys, hydrobridge.continuum, hydrobridge.meshes; "
            "sys.exit(any(m in sys.modules for m in ('scipy.optimize', 'matplotlib', 'hydrobridge.particles')))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    base = _import_time("import hydrobridge, dolfinx.fem.petsc, dolfinx.io, ufl, basix")
    full = _import_time("import hydrobridge.continuum, hydrobridge.meshes")
    assert full < 1.5 * base + 1.0, (base, full)
