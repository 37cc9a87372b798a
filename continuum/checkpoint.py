"""Checkpoint/restart of discontinuous fields, written and read in parallel on any number of ranks
(docs/theory.md §1, §3 runs).

A DG function's dofs are cell-local, and every cell of a mesh built by :mod:`hydrobridge.meshes.periodic` knows its
input cell id (0 .. G-1, the same for every partition), so a checkpoint is a table of the cell dof values
(rows: input cells, columns: the cell's dof values of one field) split into blocks of consecutive input ids:

    path/manifest.json                   time, step, metadata, G, fields {name: columns}, blocks [file, first, end)
    path/<token>/block<q>.h5             rows first..end-1 of every field (HDF5, one dataset per field)

Writing: every rank sends its owned cells' rows to the rank that owns their id block (id block q of n ranks:
ids floor(q G/n) .. floor((q+1) G/n) - 1; one MPI all-to-all), which writes that block; rank 0 then writes the
manifest (temporary file + fsync + os.replace) and removes the previous checkpoint's block folder. No rank
ever holds more than its own block plus its own cells, and a run killed at any moment leaves the manifest
pointing at one complete checkpoint (the previous or the new one).

Reading on m ranks (m need not be the writer's n): rank r reads the rows of its id block (floor(r G/m) ..
floor((r+1) G/m) - 1, slices of at most a few block files) and answers the other ranks' requests for the ids of
their owned cells (two all-to-alls); ghost cells are then filled by a scatter. The restored values are the
written ones, bit for bit. A file is read only in part, so memory per rank is O(G/m + local cells).
"""

from __future__ import annotations

import json
import os
import shutil
import time as _time
from pathlib import Path

import h5py
import numpy as np
import numpy.typing as npt
from dolfinx import fem
from mpi4py import MPI

__all__ = ["save_checkpoint", "load_checkpoint", "checkpoint_exists"]

MANIFEST = "manifest.json"
FORMAT = "hydrobridge DG checkpoint, id blocks"


def _cell_dof_indices(u: fem.Function, ncells: int) -> npt.NDArray[np.int32]:
    """(ncells, values per cell) indices into u.x.array of the first ncells local cells."""
    dofmap = u.function_space.dofmap
    bs = dofmap.bs
    dofs = dofmap.list[:ncells]
    return (dofs[:, :, None] * bs + np.arange(bs)).reshape(ncells, -1)


def _block_starts(total: int, nblocks: int) -> npt.NDArray[np.int64]:
    """First input id of each of nblocks blocks of consecutive ids (and total at the end)."""
    return (np.arange(nblocks + 1, dtype=np.int64) * total) // nblocks


def _block_of(ids: npt.NDArray[np.int64], starts: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    return (np.searchsorted(starts, ids, side="right") - 1).astype(np.int32)


def _alltoall_rows(comm: MPI.Comm, rows: np.ndarray, counts: npt.NDArray[np.int32]) -> tuple[np.ndarray, np.ndarray]:
    """Send rows (sorted by destination; counts[q] rows to rank q) to their ranks; returns the rows received
    (ordered by source rank) and how many came from each rank."""
    recv_counts = np.empty(comm.size, np.int32)
    comm.Alltoall(np.ascontiguousarray(counts, np.int32), recv_counts)
    width = int(np.prod(rows.shape[1:], dtype=np.int64))
    send = np.ascontiguousarray(rows)
    recv = np.empty((int(recv_counts.sum()),) + rows.shape[1:], rows.dtype)
    scounts, rcounts = counts.astype(np.int64) * width, recv_counts.astype(np.int64) * width
    comm.Alltoallv([send, (scounts, np.concatenate([[0], np.cumsum(scounts)[:-1]]))],
                   [recv, (rcounts, np.concatenate([[0], np.cumsum(rcounts)[:-1]]))])
    return recv, recv_counts


def _owned_ids(functions: dict[str, fem.Function], cell_input_ids: npt.NDArray[np.int64]):
    first = next(iter(functions.values()))
    msh = first.function_space.mesh
    nloc = msh.topology.index_map(msh.topology.dim).size_local
    return msh.comm, nloc, np.asarray(cell_input_ids[:nloc], np.int64)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _raise_collective(comm: MPI.Comm, error: Exception | None) -> None:
    """Raise the first rank's error on every rank (keeps the collective calls of all ranks in step)."""
    errors = comm.allgather(None if error is None else (type(error), str(error)))
    for item in errors:
        if item is not None:
            raise item[0](item[1])


def save_checkpoint(path: str | Path, functions: dict[str, fem.Function], cell_input_ids: npt.NDArray[np.int64],
                    time: float, step: int, metadata: dict | None = None) -> None:
    """Write the DG functions at (time, step) into the folder path (see module doc); collective over the mesh
    communicator. cell_input_ids: input cell id of every local cell (owned first), a permutation of 0..G-1
    over the owned cells of all ranks."""
    comm, nloc, ids = _owned_ids(functions, cell_input_ids)
    total = comm.allreduce(nloc)
    starts = _block_starts(total, comm.size)
    dest = _block_of(ids, starts)
    order = np.argsort(dest, kind="stable")
    names = list(functions)
    tables = [functions[name].x.array[_cell_dof_indices(functions[name], nloc)] for name in names]
    widths = [t.shape[1] for t in tables]
    rows, _ = _alltoall_rows(comm, np.hstack(tables)[order], np.bincount(dest, minlength=comm.size))
    got, _ = _alltoall_rows(comm, ids[order], np.bincount(dest, minlength=comm.size))
    first, end = int(starts[comm.rank]), int(starts[comm.rank + 1])
    by_id = np.argsort(got)
    error = None
    if not np.array_equal(got[by_id], np.arange(first, end)):
        error = ValueError(f"cell_input_ids: the owned cells' ids are not a permutation of 0..{total - 1} "
                           f"(ids {first}..{end - 1} arrive at rank {comm.rank} as {len(got)} rows)")
    _raise_collective(comm, error)
    rows = rows[by_id]
    path = Path(path)
    token = comm.bcast(f"step{step:09d}-{_time.time_ns()}" if comm.rank == 0 else None, root=0)
    folder = path / token
    if comm.rank == 0:
        folder.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    block = folder / f"block{comm.rank:06d}.h5"
    with h5py.File(block, "w") as fh:
        col = 0
        for name, width in zip(names, widths):
            fh.create_dataset(name, data=rows[:, col:col + width])
            col += width
    _fsync_file(block)
    comm.barrier()
    if comm.rank == 0:
        manifest = {"format": FORMAT, "time": float(time), "step": int(step), "metadata": metadata or {},
                    "cells": int(total), "fields": dict(zip(names, widths)),
                    "blocks": [[f"{token}/block{q:06d}.h5", int(starts[q]), int(starts[q + 1])]
                               for q in range(comm.size)]}
        tmp = path / (MANIFEST + ".tmp")
        with open(tmp, "w") as fh:
            json.dump(manifest, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path / MANIFEST)
        _fsync_file(path)
        for old in path.iterdir():
            if old.is_dir() and old.name != token:
                shutil.rmtree(old)
    comm.barrier()


def checkpoint_exists(path: str | Path) -> bool:
    """True if path holds a complete checkpoint (its manifest)."""
    return (Path(path) / MANIFEST).is_file()


def _read_manifest(comm: MPI.Comm, path: Path) -> dict:
    manifest, error = None, None
    if comm.rank == 0:
        try:
            if path.is_file():
                raise ValueError(f"path = {path}: a file, expected a checkpoint folder with {MANIFEST} "
                                 "(a single-file NPZ checkpoint of an older version cannot be read)")
            if not checkpoint_exists(path):
                raise FileNotFoundError(f"path = {path}: no checkpoint (no {MANIFEST})")
            manifest = json.loads((path / MANIFEST).read_text())
            if manifest.get("format") != FORMAT:
                raise ValueError(f"checkpoint {path}: format {manifest.get('format')!r}, expected {FORMAT!r}")
        except (OSError, ValueError) as exc:
            error = exc
    _raise_collective(comm, error)
    return comm.bcast(manifest, root=0)


def _read_rows(path: Path, manifest: dict, name: str, first: int, end: int) -> np.ndarray:
    """Rows first..end-1 of field name, read from the block files that hold them."""
    parts = []
    for file, lo, hi in manifest["blocks"]:
        a, b = max(first, lo), min(end, hi)
        if a < b:
            with h5py.File(path / file, "r", locking=False) as fh:
                parts.append(fh[name][a - lo:b - lo])
    return np.concatenate(parts) if parts else np.zeros((0, manifest["fields"][name]))


def load_checkpoint(path: str | Path, functions: dict[str, fem.Function],
                    cell_input_ids: npt.NDArray[np.int64]) -> tuple[float, int, dict]:
    """Fill functions from the checkpoint folder path (written on any number of ranks); returns
    (time, step, metadata). Raises FileNotFoundError without a checkpoint, ValueError on a mismatch of
    fields, values per cell or number of cells."""
    path = Path(path)
    comm, nloc, ids = _owned_ids(functions, cell_input_ids)
    manifest = _read_manifest(comm, path)
    total = comm.allreduce(nloc)
    if manifest["cells"] != total:
        raise ValueError(f"checkpoint {path}: {manifest['cells']} cells, this mesh has {total}")
    for name, u in functions.items():
        if name not in manifest["fields"]:
            raise ValueError(f"checkpoint {path} has no field {name!r} (has {sorted(manifest['fields'])})")
        width = u.function_space.dofmap.list.shape[1] * u.function_space.dofmap.bs
        if manifest["fields"][name] != width:
            raise ValueError(f"checkpoint {path}: field {name!r} has {manifest['fields'][name]} values per cell, "
                             f"this space has {width}")
    starts = _block_starts(total, comm.size)
    first, end = int(starts[comm.rank]), int(starts[comm.rank + 1])
    dest = _block_of(ids, starts)
    order = np.argsort(dest, kind="stable")
    counts = np.bincount(dest, minlength=comm.size).astype(np.int32)
    requested, requested_counts = _alltoall_rows(comm, ids[order], counts)
    for name, u in functions.items():
        rows = _read_rows(path, manifest, name, first, end)
        answers, _ = _alltoall_rows(comm, rows[requested - first], requested_counts)
        values = np.empty_like(answers)
        values[order] = answers
        u.x.array[_cell_dof_indices(u, nloc)] = values
        u.x.scatter_forward()
    return float(manifest["time"]), int(manifest["step"]), manifest["metadata"]
