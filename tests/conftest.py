"""Shared test helpers: running a case under `mpiexec -n 2` and reading its JSON result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hydrobridge  # noqa: F401  (dolfinx_solver before any test module imports dolfinx)

HERE = Path(__file__).parent
ROOT = HERE.parent


def mpiexec() -> str:
    exe = Path(sys.executable).with_name("mpiexec")
    if not exe.exists():
        pytest.skip(f"no mpiexec next to {sys.executable}")
    return str(exe)


@pytest.fixture
def run_parallel(tmp_path):
    """run_parallel(case, nprocs=2, **kwargs) -> the JSON dict written by continuum/verification.py on rank 0."""

    def run(case: str, nprocs: int = 2, **kwargs) -> dict:
        out = tmp_path / f"{case}_{nprocs}.json"
        cmd = [mpiexec(), "-n", str(nprocs), sys.executable, "-m", "hydrobridge.continuum.verification", case, str(out),
               json.dumps(kwargs)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
        return json.loads(out.read_text())

    return run


@pytest.fixture
def assert_two_ranks_equal_serial(run_parallel):
    """assert_two_ranks_equal_serial(case, **kwargs): the continuum/verification.py case run here on COMM_SELF and
    under `mpiexec -n 2` gives the same "errors" and "functionals" (rtol 1e-10, atol 1e-14)."""

    def check(case: str, **kwargs) -> None:
        from mpi4py import MPI

        from hydrobridge.continuum.verification import CASES

        serial = CASES[case](MPI.COMM_SELF, **kwargs)
        parallel = run_parallel(case, **kwargs)
        for key in ("errors", "functionals"):
            np.testing.assert_allclose(parallel[key], serial[key], rtol=1e-10, atol=1e-14, err_msg=f"{case} {key}")

    return check
