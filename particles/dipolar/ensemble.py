"""Independent replicas distributed over MPI ranks (docs/theory.md §2 dynamics, many initial conditions).

Replica r (seed r) runs on rank r mod size; results are gathered on every rank in replica order, so the
ensemble is the same array whatever the number of ranks. Error bars then come from the replica spread:
mean +/- std / sqrt(R).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np


def run_ensemble(replica: Callable[[int], np.ndarray], n_replicas: int, comm=None) -> np.ndarray:
    """np.array([replica(r) for r in range(n_replicas)]), computed in parallel over comm (mpi4py) if given."""
    if n_replicas < 1:
        raise ValueError(f"n_replicas must be >= 1, got {n_replicas}")
    rank, size = (comm.Get_rank(), comm.Get_size()) if comm is not None else (0, 1)
    local = {r: np.asarray(replica(r)) for r in range(rank, n_replicas, size)}
    if comm is not None:
        merged = {}
        for part in comm.allgather(local):
            merged.update(part)
        local = merged
    return np.array([local[r] for r in range(n_replicas)])


def replica_mean(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, standard error) over axis 0 of independent replica results."""
    if values.shape[0] < 2:
        raise ValueError("need at least 2 replicas for an error bar")
    return values.mean(axis=0), values.std(axis=0, ddof=1) / math.sqrt(values.shape[0])
