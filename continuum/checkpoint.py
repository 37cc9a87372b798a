"""Checkpoint/restart of discontinuous fields, independent of the number of ranks (docs/theory.md §1, §3 runs).

A DG function's dofs are cell-local, and every cell of a mesh built by :mod:`hydrobridge.meshes.periodic` knows its
input cell id, so a checkpoint stores, per input cell, the cell's dof values (gathered on rank 0) plus
the time, step and free-form metadata, in one NPZ written atomically (temporary file + os.replace):
a run killed at any moment leaves either the previous or the new checkpoint, never a torn one. Loading
works on any number of ranks for the same input mesh.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
from dolfinx import fem

__all__ = ["save_checkpoint", "load_checkpoint"]


def _cell_values(u: fem.Function, cells: npt.NDArray[np.int32]) -> np.ndarray:
    dofmap = u.function_space.dofmap
    bs = dofmap.bs
    dofs = dofmap.list[cells]                                  # (ncells, ndofs_per_cell)
    idx = (dofs[:, :, None] * bs + np.arange(bs)).reshape(len(cells), -1)
    return u.x.array[idx]


def save_checkpoint(path: str | Path, functions: dict[str, fem.Function], cell_input_ids: npt.NDArray[np.int64],
                    time: float, step: int, metadata: dict | None = None) -> None:
    """Write functions (DG) at (time, step) to path atomically; collective over the mesh communicator."""
    first = next(iter(functions.values()))
    msh = first.function_space.mesh
    comm = msh.comm
    nloc = msh.topology.index_map(msh.topology.dim).size_local
    owned = np.arange(nloc, dtype=np.int32)
    ids = comm.gather(np.asarray(cell_input_ids[:nloc]), root=0)
    data = {name: comm.gather(_cell_values(u, owned), root=0) for name, u in functions.items()}
    if comm.rank == 0:
        order = np.argsort(np.concatenate(ids))
        arrays = {f"field_{name}": np.concatenate(parts)[order] for name, parts in data.items()}
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, time=time, step=step, metadata=json.dumps(metadata or {}), **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    comm.barrier()


def load_checkpoint(path: str | Path, functions: dict[str, fem.Function],
                    cell_input_ids: npt.NDArray[np.int64]) -> tuple[float, int, dict]:
    """Fill functions from a checkpoint; returns (time, step, metadata). Raises ValueError on mismatch."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path = {path}: no checkpoint")
    with np.load(path) as z:
        for name, u in functions.items():
            key = f"field_{name}"
            if key not in z:
                raise ValueError(f"checkpoint {path} has no field {name!r} (has {sorted(z.files)})")
            table = z[key]
            ncells = len(cell_input_ids)
            cells = np.arange(ncells, dtype=np.int32)
            dofmap = u.function_space.dofmap
            if table.shape[1] != dofmap.list.shape[1] * dofmap.bs or table.shape[0] <= int(np.max(cell_input_ids)):
                raise ValueError(f"checkpoint {path}: field {name!r} has shape {table.shape}, which does not fit "
                                 f"this mesh/space ({dofmap.list.shape[1] * dofmap.bs} values per cell)")
            idx = (dofmap.list[cells][:, :, None] * dofmap.bs + np.arange(dofmap.bs)).reshape(ncells, -1)
            u.x.array[idx] = table[cell_input_ids]
            u.x.scatter_forward()
        return float(z["time"]), int(z["step"]), json.loads(str(z["metadata"]))
