"""Checkpoint/restart of continuum runs: resuming reproduces the uninterrupted run, on any rank count.

The mpi-marked tests are rank-agnostic: under `mpiexec -n 2` they write on two ranks and read serially (every
rank on COMM_SELF), and the other way round; run serially they check the same on one rank.
"""

from pathlib import Path

import numpy as np
import pytest
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.closures.rotational import DipolarParameters, GradRotational
from hydrobridge.continuum.checkpoint import checkpoint_exists, load_checkpoint, save_checkpoint
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.verification import grad_sheet_run
from hydrobridge.meshes.periodic import periodic_rectangle
from hydrobridge.meshes.sheets import sheet_pair_mesh


def shared_folder(tmp_path: Path) -> Path:
    """Rank 0's tmp_path on every rank of COMM_WORLD (pytest gives each rank its own)."""
    return Path(MPI.COMM_WORLD.bcast(str(tmp_path), root=0))


def test_resume_is_bitwise_identical(tmp_path):
    ck = str(tmp_path / "ck")
    full = grad_sheet_run(MPI.COMM_SELF, 30)
    first = grad_sheet_run(MPI.COMM_SELF, 30, checkpoint=ck, save_at=12)
    resumed = grad_sheet_run(MPI.COMM_SELF, 30, checkpoint=ck, resume=True)
    assert first["drops"] == full["drops"]
    assert resumed["drops"] == full["drops"][12:] and resumed["time"] == full["time"]


def test_checkpoint_written_on_two_ranks_resumes_serially(tmp_path, run_parallel):
    ck = str(tmp_path / "ck2")
    full = grad_sheet_run(MPI.COMM_SELF, 24)
    parallel = run_parallel("grad_sheet_run", steps=24, checkpoint=ck, save_at=10)
    resumed = grad_sheet_run(MPI.COMM_SELF, 24, checkpoint=ck, resume=True)
    np.testing.assert_allclose(parallel["drops"], full["drops"], rtol=1e-10)
    np.testing.assert_allclose(resumed["drops"], full["drops"][10:], rtol=1e-10)


def test_checkpoint_written_serially_resumes_on_two_ranks(tmp_path, run_parallel):
    ck = str(tmp_path / "ck1")
    full = grad_sheet_run(MPI.COMM_SELF, 24, checkpoint=ck, save_at=10)
    resumed = run_parallel("grad_sheet_run", steps=24, checkpoint=ck, resume=True)
    np.testing.assert_allclose(resumed["drops"], full["drops"][10:], rtol=1e-10)


def test_missing_or_mismatched_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="path"):
        grad_sheet_run(MPI.COMM_SELF, 3, checkpoint=str(tmp_path / "none"), resume=True)
    (tmp_path / "old.npz").write_bytes(b"")
    with pytest.raises(ValueError, match="folder"):
        grad_sheet_run(MPI.COMM_SELF, 3, checkpoint=str(tmp_path / "old.npz"), resume=True)
    pm = periodic_rectangle(MPI.COMM_SELF, 4, 4)
    u = fem.Function(fem.functionspace(pm.mesh, ("Discontinuous Lagrange", 1, (2,))))
    save_checkpoint(tmp_path / "ck", {"u": u}, pm.cell_input_ids, 0.0, 0)
    with pytest.raises(ValueError, match="no field 'w'"):
        load_checkpoint(tmp_path / "ck", {"w": u}, pm.cell_input_ids)
    scalar = fem.Function(fem.functionspace(pm.mesh, ("Discontinuous Lagrange", 1)))
    with pytest.raises(ValueError, match="values per cell"):
        load_checkpoint(tmp_path / "ck", {"u": scalar}, pm.cell_input_ids)
    coarse = periodic_rectangle(MPI.COMM_SELF, 3, 4)
    v = fem.Function(fem.functionspace(coarse.mesh, ("Discontinuous Lagrange", 1, (2,))))
    with pytest.raises(ValueError, match="cells"):
        load_checkpoint(tmp_path / "ck", {"u": v}, coarse.cell_input_ids)
    with pytest.raises(ValueError, match="cell_input_ids"):
        save_checkpoint(tmp_path / "bad", {"u": u}, np.zeros_like(pm.cell_input_ids), 0.0, 0)


def test_a_new_checkpoint_replaces_the_previous_one(tmp_path):
    pm = periodic_rectangle(MPI.COMM_SELF, 4, 4)
    u = fem.Function(fem.functionspace(pm.mesh, ("Discontinuous Lagrange", 1)))
    for step in (1, 2):
        u.x.array[:] = step
        save_checkpoint(tmp_path / "ck", {"u": u}, pm.cell_input_ids, 0.1 * step, step, {"label": "x"})
    assert checkpoint_exists(tmp_path / "ck") and len([p for p in (tmp_path / "ck").iterdir() if p.is_dir()]) == 1
    u.x.array[:] = 0.0
    assert load_checkpoint(tmp_path / "ck", {"u": u}, pm.cell_input_ids) == (0.2, 2, {"label": "x"})
    assert np.all(u.x.array == 2.0)


def cell_pattern(u: fem.Function, cell_input_ids: np.ndarray) -> np.ndarray:
    """A value for every local dof of DG u that depends only on its input cell and its place in the cell."""
    dofmap = u.function_space.dofmap
    bs = dofmap.bs
    idx = (dofmap.list[:, :, None] * bs + np.arange(bs)).reshape(len(dofmap.list), -1)
    out = np.empty_like(u.x.array)
    out[idx] = np.sin(1.0 + cell_input_ids[:, None] * 0.37 + np.arange(idx.shape[1]) * 1.3)
    return out


def dg_pair(comm):
    pm = periodic_rectangle(comm, 9, 7, 1.0, 0.8)
    funcs = {"state": fem.Function(fem.functionspace(pm.mesh, ("Discontinuous Lagrange", 1, (3,)))),
             "scalar": fem.Function(fem.functionspace(pm.mesh, ("Discontinuous Lagrange", 2)))}
    return pm, funcs


@pytest.mark.mpi
def test_fields_round_trip_between_rank_counts(tmp_path):
    """Written on all ranks and read on one, and written on one and read on all: every dof (ghosts included)
    equals the written value exactly."""
    world, folder = MPI.COMM_WORLD, shared_folder(tmp_path)
    pm, funcs = dg_pair(world)
    for u in funcs.values():
        u.x.array[:] = cell_pattern(u, pm.cell_input_ids)
    save_checkpoint(folder / "world", funcs, pm.cell_input_ids, 1.5, 7, {"ranks": world.size})
    serial, serial_funcs = dg_pair(MPI.COMM_SELF)
    assert load_checkpoint(folder / "world", serial_funcs, serial.cell_input_ids) == (1.5, 7, {"ranks": world.size})
    for u in serial_funcs.values():
        assert np.max(np.abs(u.x.array - cell_pattern(u, serial.cell_input_ids))) == 0.0
    if world.rank == 0:
        save_checkpoint(folder / "self", serial_funcs, serial.cell_input_ids, 2.5, 8)
    world.barrier()
    for u in funcs.values():
        u.x.array[:] = 0.0
    assert load_checkpoint(folder / "self", funcs, pm.cell_input_ids)[:2] == (2.5, 8)
    for u in funcs.values():
        assert np.max(np.abs(u.x.array - cell_pattern(u, pm.cell_input_ids))) == 0.0


def translating_fluid(comm):
    """The dipolar system with translation, Poisson and sheet forcing on a small mesh, in a non-uniform state."""
    sp = sheet_pair_mesh(comm, "x", 12, 8)
    fluid = DipolarFluid(sp.mesh, DipolarParameters(), GradRotational(), 1.0, translation=True,
                         facet_tags=sp.facet_tags, forcing=SheetForcing(0.5, 2.0), sheet_length=sp.sheet_length)
    fluid.set_state(density=lambda x: 1.0 + 0.2 * np.sin(2 * np.pi * x[0]) * np.cos(2 * np.pi * x[1]),
                    polarisation=lambda x: np.vstack([0.1 * np.cos(2 * np.pi * x[1]), 0.05 * np.sin(2 * np.pi * x[0])]),
                    velocity=lambda x: np.vstack([0.1 + 0 * x[0], 0.05 * np.sin(2 * np.pi * x[0])]))
    return fluid, sp.domain.cell_input_ids


def advance_fluid(fluid, steps, dt=0.01):
    for _ in range(steps):
        fluid.step(dt)


@pytest.mark.mpi
def test_restart_on_another_rank_count_gives_the_same_fields(tmp_path):
    """The translating dipolar fluid checkpointed at step 3 on all ranks and continued to step 6 on one rank (and
    checkpointed on one rank, continued on all) ends with the fields of the uninterrupted run to 1e-12."""
    world, folder = MPI.COMM_WORLD, shared_folder(tmp_path)
    rank = world.rank
    reference, ids = translating_fluid(MPI.COMM_SELF)          # uninterrupted, serial
    advance_fluid(reference, 3)
    save_checkpoint(folder / f"self_at_3_rank{rank}", {"state": reference.state}, ids, reference.time, 3)
    advance_fluid(reference, 3)
    world.barrier()

    fluid, world_ids = translating_fluid(world)                 # checkpointed on all ranks, finished serially
    advance_fluid(fluid, 3)
    save_checkpoint(folder / "world_at_3", {"state": fluid.state}, world_ids, fluid.time, 3)
    serial, ids = translating_fluid(MPI.COMM_SELF)
    serial.time, step, _ = load_checkpoint(folder / "world_at_3", {"state": serial.state}, ids)
    assert step == 3
    advance_fluid(serial, 3)

    resumed, world_ids = translating_fluid(world)               # checkpointed serially, finished on all ranks
    resumed.time, _, _ = load_checkpoint(folder / "self_at_3_rank0", {"state": resumed.state}, world_ids)
    advance_fluid(resumed, 3)
    save_checkpoint(folder / "world_at_6", {"state": resumed.state}, world_ids, resumed.time, 6)
    finished, ids = translating_fluid(MPI.COMM_SELF)
    finished.time, _, _ = load_checkpoint(folder / "world_at_6", {"state": finished.state}, ids)

    scale = np.max(np.abs(reference.state.x.array))
    for other in (serial, finished):
        assert other.time == pytest.approx(reference.time, abs=1e-15)
        assert np.max(np.abs(other.state.x.array - reference.state.x.array)) <= 1e-12 * scale
