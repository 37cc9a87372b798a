"""Particles -> finite-element fields: conservative deposition of moment densities (docs/theory.md §3 (1.23)).

A particle sum  sum_i w_i delta(x - x_i)  is represented on a discontinuous space V (degree 0 or 1)
by its L2 projection:  int u v dx = sum_i w_i v(x_i)  for all v in V. Because the constants lie in V,
int u dx = sum_i w_i exactly (conservative), and on DG the mass matrix is cell-local, so the
projection is a per-cell solve. Degree 1 uses the barycentric coordinates of affine triangles (or
intervals) as the basis values at the particle positions. Particles are located on the rank owning
their cell; positions are wrapped into the periodic box first.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.meshes.locate import locate_cells

__all__ = ["deposit"]


def _barycentric(cell_x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Barycentric coordinates of points p (k, gdim) in simplices cell_x (k, gdim + 1, gdim)."""
    J = (cell_x[:, 1:, :] - cell_x[:, :1, :]).transpose(0, 2, 1)          # (k, gdim, gdim)
    lam = np.linalg.solve(J, (p - cell_x[:, 0, :])[..., None])[..., 0]
    return np.column_stack([1.0 - lam.sum(axis=1), lam])


def deposit(V: fem.FunctionSpace, positions: npt.NDArray[np.float64], weights: npt.NDArray[np.float64],
            box: tuple[float, ...]) -> fem.Function:
    """L2 projection of sum_i weights_i delta(x - positions_i) onto the DG space V (value size = weights.shape[1]).

    Every rank may pass any subset of the particles (e.g. all of them, or its own); each particle must be
    passed by exactly one rank.
    """
    msh = V.mesh
    gdim = msh.geometry.dim
    degree = V.element.basix_element.degree
    if V.element.basix_element.discontinuous is False and degree != 0:
        raise ValueError("V: expected a discontinuous Lagrange space (degree 0 or 1)")
    if degree not in (0, 1):
        raise ValueError(f"V: degree {degree} not supported; expected 0 or 1")
    x = np.asarray(positions, float).reshape(-1, gdim)
    w = np.asarray(weights, float).reshape(len(x), -1)
    bs = V.dofmap.bs
    if w.shape[1] != bs:
        raise ValueError(f"weights: expected {bs} components per particle (V's value size), got {w.shape[1]}")
    x = np.mod(x, np.asarray(box, float)[:gdim])
    pts = np.zeros((len(x), 3))
    pts[:, :gdim] = x
    # locate: first owned cell containing each point (all particles, on every rank)
    comm = msh.comm
    all_pts = np.concatenate(comm.allgather(pts))
    all_w = np.concatenate(comm.allgather(w))
    cell = locate_cells(msh, all_pts)
    # a point on a partition boundary may be found by two ranks: the lowest rank owning a containing cell takes it
    owned = cell >= 0
    claim = np.where(owned, comm.rank, comm.size).astype(np.int32)
    winner = np.empty_like(claim)
    comm.Allreduce(claim, winner, op=MPI.MIN)
    if np.any(winner == comm.size):
        raise ValueError("positions: some particles lie outside the mesh")
    mine = np.flatnonzero(winner == comm.rank)
    u = fem.Function(V)
    dofs = V.dofmap.list
    b = np.zeros_like(u.x.array).reshape(-1, bs)
    if degree == 0:
        np.add.at(b, dofs[cell[mine], 0], all_w[mine])
    else:
        gx = msh.geometry.x[msh.geometry.dofmaps[0][cell[mine]]][:, :, :gdim]
        phi = _barycentric(gx, all_pts[mine, :gdim])                    # (k, gdim+1)
        # DG1 dofs on simplices sit at the vertices in the cell's geometry order
        for a in range(gdim + 1):
            np.add.at(b, dofs[cell[mine], a], phi[:, a:a + 1] * all_w[mine])
    # cell-local mass matrices: M = |K| (1 + delta_ab) / ((d+1)(d+2)) for P1 simplices, |K| for P0
    gx_all = msh.geometry.x[msh.geometry.dofmaps[0]][:, :, :gdim]
    vol = np.abs(np.linalg.det(gx_all[:, 1:, :] - gx_all[:, :1, :])) / np.prod(np.arange(1, gdim + 1))
    ub = u.x.array.reshape(-1, bs)
    if degree == 0:
        ub[dofs[:, 0]] = b[dofs[:, 0]] / vol[:, None]
    else:
        M = (np.ones((gdim + 1, gdim + 1)) + np.eye(gdim + 1)) / ((gdim + 1) * (gdim + 2))
        ub[dofs] = np.einsum("ab,cbk->cak", np.linalg.inv(M), b[dofs]) / vol[:, None, None]
    u.x.scatter_forward()   # ghost cells received no particles here: take their owners' values
    return u
