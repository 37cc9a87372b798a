"""Checkpoint/restart of continuum runs: resuming reproduces the uninterrupted run, on any rank count."""

import numpy as np
import pytest
from mpi4py import MPI

from hydrobridge.continuum.verification import grad_sheet_run


def test_resume_is_bitwise_identical(tmp_path):
    ck = str(tmp_path / "ck.npz")
    full = grad_sheet_run(MPI.COMM_SELF, 30)
    first = grad_sheet_run(MPI.COMM_SELF, 30, checkpoint=ck, save_at=12)
    resumed = grad_sheet_run(MPI.COMM_SELF, 30, checkpoint=ck, resume=True)
    assert first["drops"] == full["drops"]
    assert resumed["drops"] == full["drops"][12:] and resumed["time"] == full["time"]


def test_checkpoint_written_on_two_ranks_resumes_serially(tmp_path, run_parallel):
    ck = str(tmp_path / "ck2.npz")
    full = grad_sheet_run(MPI.COMM_SELF, 24)
    parallel = run_parallel("grad_sheet_run", steps=24, checkpoint=ck, save_at=10)
    resumed = grad_sheet_run(MPI.COMM_SELF, 24, checkpoint=ck, resume=True)
    np.testing.assert_allclose(parallel["drops"], full["drops"], rtol=1e-10)
    np.testing.assert_allclose(resumed["drops"], full["drops"][10:], rtol=1e-10)


def test_missing_or_mismatched_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="path"):
        grad_sheet_run(MPI.COMM_SELF, 3, checkpoint=str(tmp_path / "none.npz"), resume=True)
