"""Field output for ParaView and line-outs for plots (docs/theory.md §3-§4 fields psi, E, P).

Functions on periodic meshes are written through discontinuous Lagrange copies of the same degree
(exact, and each cell keeps its own unwrapped coordinates, so ParaView draws no wrap-around cells).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import ufl
from dolfinx import fem, io
from mpi4py import MPI

from hydrobridge.meshes.locate import locate_cells, padded_points

__all__ = ["FieldWriter", "sample"]


class FieldWriter:
    """VTX (ADIOS2 .bp) time series of several fields, written as discontinuous copies of degree `degree`.

    The mesh does not move, so its geometry and topology are written with the first frame only
    (VTXMeshPolicy.reuse); each later frame holds the field values alone. Size of a frame: 8 bytes per
    value, (number of cells) x (nodes per cell of the degree) x (sum over fields of 1, or 3 for a vector,
    which VTX pads to three components); docs/outputs.md.
    """

    def __init__(self, path: str | Path, fields: dict[str, fem.Function | ufl.core.expr.Expr],
                 mesh, degree: int = 1) -> None:
        self._copies: list[tuple[fem.Function, fem.Expression]] = []
        for name, expr in fields.items():
            shape = expr.ufl_shape
            V = fem.functionspace(mesh, ("Discontinuous Lagrange", degree, shape))
            self._copies.append((fem.Function(V, name=name), fem.Expression(expr, V.element.interpolation_points)))
        self._writer = io.VTXWriter(mesh.comm, Path(path), [c for c, _ in self._copies], engine="BP4",
                                    mesh_policy=io.VTXMeshPolicy.reuse)

    def write(self, t: float) -> None:
        for copy, expr in self._copies:
            copy.interpolate(expr)
        self._writer.write(t)

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> "FieldWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def sample(u: fem.Function | ufl.core.expr.Expr, points: npt.NDArray[np.float64], mesh=None) -> npt.NDArray[np.float64]:
    """Values of u at points (k, gdim), the same array on every rank (NaN where no cell holds a point).

    UFL expressions are first interpolated into a discontinuous space of degree 1.
    """
    if not isinstance(u, fem.Function):
        V = fem.functionspace(mesh, ("Discontinuous Lagrange", 1, u.ufl_shape))
        f = fem.Function(V)
        f.interpolate(fem.Expression(u, V.element.interpolation_points))
        u = f
    msh = u.function_space.mesh
    pts = padded_points(points)
    cells = locate_cells(msh, pts)
    size = int(np.prod(u.ufl_shape)) if u.ufl_shape else 1
    values = np.full((len(points), size), np.nan)
    found = np.flatnonzero(cells >= 0)
    if len(found):
        values[found] = u.eval(pts[found], cells[found]).reshape(len(found), size)
    found = np.where(np.isnan(values), -np.inf, values)
    merged = np.empty_like(found)
    msh.comm.Allreduce(found, merged, op=MPI.MAX)
    merged[np.isinf(merged)] = np.nan
    return merged[:, 0] if not u.ufl_shape else merged
