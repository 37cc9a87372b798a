"""Cell-wise limiters for DG conservation laws (docs/theory.md §1 (1.21)-(1.22): positivity of rho).

All limiters act on a blocked discontinuous Lagrange Function U (value shape (m,)) through its
coefficients, cell by cell, and keep every cell mean of every component (so they conserve mass,
momentum and energy exactly). Cell means and point values come from the reference element (affine
cells): mean = sum_i w_i U_i with w_i = int phi_i / |K|, values at reference points = T U_cell.

* :class:`PositivityLimiter` (Zhang & Shu 2010): U_K <- Ubar_K + theta (U_K - Ubar_K) with
  theta = min(1, (Ubar - eps) / (Ubar - min_q u)), u the limited component at the nodes and the
  Gauss points of the cell; a cell whose *mean* is not positive cannot be repaired and raises
  :class:`StateError` (which field, where, when).
* :class:`MinmodLimiter1D`: component-wise TVB minmod slope limiter on intervals (Cockburn & Shu):
  if the deviations of the end values from the mean are changed by minmod with the neighbour
  differences, the cell is replaced by a linear polynomial with the limited slope.

A limiter is a callable ``limiter(U)``; ``limiter.t`` is the time used in error messages.
"""

from __future__ import annotations

import basix
import numpy as np
from dolfinx import fem
from mpi4py import MPI

__all__ = ["StateError", "CellData", "PositivityLimiter", "PressurePositivityLimiter", "MinmodLimiter1D", "ChainLimiter", "raise_collective"]


class StateError(RuntimeError):
    """The discrete state cannot be continued (non-positive density, negative pressure, NaN)."""


def raise_collective(comm: MPI.Comm, message: str | None) -> None:
    """Raise StateError on every rank if any rank has a message (keeps collective calls in step)."""
    messages = [m for m in comm.allgather(message) if m]
    if messages:
        raise StateError(messages[0] if len(messages) == 1 else "; ".join(messages[:3]))


class CellData:
    """Reference-element tables and dof layout of a blocked DG space V (value shape (m,))."""

    def __init__(self, V: fem.FunctionSpace) -> None:
        msh = V.mesh
        self.V, self.mesh, self.comm = V, msh, msh.comm
        tdim = msh.topology.dim
        self.tdim = tdim
        self.bs = V.dofmap.bs
        self.dofs = V.dofmap.list  # (num_cells incl. ghosts, ndofs) block indices
        self.num_owned = msh.topology.index_map(tdim).size_local
        el = V.element.basix_element
        self.degree = el.degree
        cell = el.cell_type
        q_pts, q_w = basix.make_quadrature(cell, 2 * self.degree + 2)
        tab = el.tabulate(0, q_pts)[0, :, :, 0]  # (nq, ndofs)
        vol = basix.cell.volume(cell)
        self.mean_weights = (q_w @ tab) / vol  # (ndofs,)
        nodes = el.points
        # check points: nodes, Gauss points and (1D) cell ends
        pts = np.vstack([nodes, q_pts])
        self.check_table = el.tabulate(0, pts)[0, :, :, 0]
        self.quad_points, self.quad_weights, self.quad_table = q_pts, q_w, tab
        self.ref_volume = vol
        self.nodes = nodes
        if tdim == 1:
            self.end_table = el.tabulate(0, np.array([[0.0], [1.0]]))[0, :, :, 0]  # (2, ndofs)
            self.linear_shape = 2.0 * nodes[:, 0] - 1.0  # (2 xi - 1) at the nodes
        xdofs = msh.geometry.dofmaps[0]
        self.cell_x = msh.geometry.x[xdofs][:, :, :tdim]  # (cells, nverts, gdim)

    def coefficients(self, U: fem.Function) -> np.ndarray:
        """(num_cells, ndofs, bs) view-copy of the coefficients of all local cells (ghosts included)."""
        return U.x.array.reshape(-1, self.bs)[self.dofs]

    def set_owned(self, U: fem.Function, coeffs: np.ndarray) -> None:
        arr = U.x.array.reshape(-1, self.bs)
        own = self.dofs[: self.num_owned]
        arr[own] = coeffs[: self.num_owned]

    def means(self, coeffs: np.ndarray) -> np.ndarray:
        return np.einsum("j,cjb->cb", self.mean_weights, coeffs)

    def centroid(self, cell: int) -> np.ndarray:
        return self.cell_x[cell].mean(axis=0)


def _require_positive_means(cells: CellData, means: np.ndarray, quantity: str, t: float, advice: str) -> None:
    """Raise StateError on every rank if some owned cell mean (one value per owned cell) is <= 0 or NaN:
    "<quantity> <value> <= 0 (or NaN) in the cell at x = <centroid> (rank r) at t = <t>: the positivity
    limiter cannot repair <advice>" for the first such cell of each rank (a limiter cannot fix a bad mean)."""
    message = None
    bad = np.flatnonzero(~(means > 0))
    if bad.size:
        k = bad[0]
        message = (
            f"{quantity} {means[k]:.6g} <= 0 (or NaN) in the cell at x = "
            f"{np.array2string(cells.centroid(k), precision=6)} (rank {cells.comm.rank}) at t = {t:.6g}: "
            f"the positivity limiter cannot repair {advice}"
        )
    raise_collective(cells.comm, message)


class PositivityLimiter:
    """Zhang-Shu scaling of every cell towards its mean so that component `component` >= eps.

    eps = rel_eps * (mean of the component over the cell); names: component names for messages.
    """

    def __init__(self, cells: CellData, component: int = 0, names: tuple[str, ...] | None = None,
                 rel_eps: float = 1e-10) -> None:
        self.cells, self.component, self.rel_eps = cells, component, rel_eps
        self.names = names or tuple(f"U[{i}]" for i in range(cells.bs))
        self.t = 0.0
        self.count = 0  # cells scaled so far (owned)

    def __call__(self, U: fem.Function) -> None:
        cd = self.cells
        c = cd.coefficients(U)[: cd.num_owned]
        mean = cd.means(c)
        comp = self.component
        mbar = mean[:, comp]
        _require_positive_means(cd, mbar, f"{self.names[comp]} has cell mean", self.t,
                                "a non-positive mean; reduce the time step (cfl) or check the initial data")
        vals = np.einsum("pj,cj->cp", cd.check_table, c[:, :, comp])
        vmin = vals.min(axis=1)
        eps = self.rel_eps * mbar
        need = vmin < eps
        if not need.any():
            return
        theta = np.clip((mbar[need] - eps[need]) / (mbar[need] - vmin[need]), 0.0, 1.0)
        c[need] = mean[need, None, :] + theta[:, None, None] * (c[need] - mean[need, None, :])
        self.count += int(need.sum())
        full = cd.coefficients(U)
        full[: cd.num_owned] = c
        cd.set_owned(U, full)


class PressurePositivityLimiter:
    """Zhang-Shu second stage: scale cells towards their mean until pressure(U) >= eps at the check points.

    pressure: NumPy function of the state array (..., m) -> p (concave in U for an ideal gas, so the
    admissible set is convex and a bisection in the scaling parameter finds the largest theta).
    A cell whose mean has p <= 0 cannot be repaired and raises StateError.
    """

    def __init__(self, cells: CellData, pressure, name: str = "p", rel_eps: float = 1e-10, iterations: int = 40) -> None:
        self.cells, self.pressure, self.name = cells, pressure, name
        self.rel_eps, self.iterations = rel_eps, iterations
        self.t = 0.0
        self.count = 0

    def __call__(self, U: fem.Function) -> None:
        cd = self.cells
        full = cd.coefficients(U)
        c = full[: cd.num_owned]
        mean = cd.means(c)
        pbar = np.asarray(self.pressure(mean), float)
        _require_positive_means(cd, pbar, f"{self.name} of the cell mean is", self.t,
                                "it; reduce the time step (cfl)")
        vals = np.einsum("pj,cjb->cpb", cd.check_table, c)  # (cells, points, m)
        p = np.asarray(self.pressure(vals), float)
        eps = self.rel_eps * pbar
        need = (p < eps[:, None]).any(axis=1)
        if not need.any():
            return
        m = mean[need][:, None, :]
        dv = vals[need] - m
        e = eps[need][:, None]
        lo = np.zeros(dv.shape[:2])
        hi = np.ones(dv.shape[:2])
        ok = np.asarray(self.pressure(m + dv), float) >= e
        lo[ok] = 1.0
        for _ in range(self.iterations):
            mid = 0.5 * (lo + hi)
            good = np.asarray(self.pressure(m + mid[..., None] * dv), float) >= e
            lo = np.where(good | ok, np.where(ok, 1.0, mid), lo)
            hi = np.where(good | ok, hi, mid)
        theta = lo.min(axis=1)
        c[need] = mean[need, None, :] + theta[:, None, None] * (c[need] - mean[need, None, :])
        self.count += int(need.sum())
        cd.set_owned(U, full)


def _minmod(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    s = np.sign(a)
    same = (s == np.sign(b)) & (s == np.sign(c))
    return np.where(same, s * np.minimum(np.abs(a), np.minimum(np.abs(b), np.abs(c))), 0.0)


class MinmodLimiter1D:
    """Component-wise TVB minmod limiter on an interval mesh (periodic seams included).

    M: TVB constant (0 = TVD minmod); a deviation a with |a| <= M h^2 is left unchanged.
    Cells on a non-periodic boundary use zero neighbour difference there (first order at the ends).
    """

    def __init__(self, cells: CellData, M: float = 0.0) -> None:
        if cells.tdim != 1:
            raise ValueError("MinmodLimiter1D: interval meshes only")
        self.cells, self.M = cells, float(M)
        self.t = 0.0
        msh = cells.mesh
        msh.topology.create_connectivity(1, 0)
        msh.topology.create_connectivity(0, 1)
        c2v = msh.topology.connectivity(1, 0)
        v2c = msh.topology.connectivity(0, 1)
        n = cells.num_owned
        self.neighbours = np.empty((n, 2), np.int64)  # neighbour across reference xi = 0 and xi = 1
        for c in range(n):
            for side, v in enumerate(c2v.links(c)):
                others = [o for o in v2c.links(v) if o != c]
                self.neighbours[c, side] = others[0] if others else c
        self.h = np.abs(cells.cell_x[:n, 1, 0] - cells.cell_x[:n, 0, 0])
        self.count = 0

    def __call__(self, U: fem.Function) -> None:
        cd = self.cells
        full = cd.coefficients(U)
        mean_all = cd.means(full)  # ghosts included
        n = cd.num_owned
        c = full[:n]
        mean = mean_all[:n]
        ends = np.einsum("ej,cjb->ceb", cd.end_table, c)  # values at xi = 0, 1
        d0 = mean - ends[:, 0]      # mean - u(xi=0)
        d1 = ends[:, 1] - mean      # u(xi=1) - mean
        dm = mean - mean_all[self.neighbours[:, 0]]  # across xi = 0
        dp = mean_all[self.neighbours[:, 1]] - mean  # across xi = 1
        tvb = (self.M * self.h**2)[:, None]
        l0 = np.where(np.abs(d0) <= tvb, d0, _minmod(d0, dm, dp))
        l1 = np.where(np.abs(d1) <= tvb, d1, _minmod(d1, dm, dp))
        changed = (np.abs(l0 - d0) > 1e-14 * (1 + np.abs(mean))) | (np.abs(l1 - d1) > 1e-14 * (1 + np.abs(mean)))
        if not changed.any():
            return
        slope = _minmod(0.5 * (d0 + d1), dm, dp)  # half the jump of a linear polynomial across the cell
        lin = mean[:, None, :] + cd.linear_shape[None, :, None] * slope[:, None, :]
        c[:] = np.where(changed[:, None, :], lin, c)
        self.count += int(changed.any(axis=1).sum())
        full[:n] = c
        cd.set_owned(U, full)


class ChainLimiter:
    """Apply several limiters in order (e.g. slope limiter, then positivity)."""

    def __init__(self, *limiters) -> None:
        self.limiters = [lim for lim in limiters if lim is not None]
        self._t = 0.0

    @property
    def t(self) -> float:
        return self._t

    @t.setter
    def t(self, value: float) -> None:
        self._t = value
        for lim in self.limiters:
            lim.t = value

    def __call__(self, U: fem.Function) -> None:
        for lim in self.limiters:
            lim(U)
            U.x.scatter_forward()
