"""Sheet-pair geometries for the AC impedance problem (docs/theory.md §4).

Two parallel sheets of opposite charge in the periodic box; the mesh has facets exactly on both
sheets, tagged SHEET_A (+sigma0) and SHEET_B (-sigma0). Sheet normals along x, along y, or at 45
degrees (normal (1, 1)/sqrt 2, sheets on the lines x + y = const, periodic only when Lx = Ly).
Positions are fractions of the period along the normal: for the normal n, the box repeats in n.x
with period Lx (x), Ly (y) or L/sqrt 2 (45 degrees). The electrode variant (normal x only) is
bounded in x with Dirichlet facets ELECTRODE_LEFT (x = 0) and ELECTRODE_RIGHT (x = Lx).
The mesh is built distributed (:mod:`hydrobridge.meshes.periodic`) and every rank tags its local facets
from their coordinates (:func:`hydrobridge.meshes.periodic.tag_facets`), so no rank holds the global mesh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from dolfinx import mesh as dmesh
from mpi4py import MPI

from hydrobridge.meshes.periodic import PeriodicMesh, create_periodic_mesh, structured_rectangle, tag_facets

__all__ = ["SHEET_A", "SHEET_B", "ELECTRODE_LEFT", "ELECTRODE_RIGHT", "SheetPair", "sheet_pair_mesh"]

SHEET_A, SHEET_B, ELECTRODE_LEFT, ELECTRODE_RIGHT = 1, 2, 3, 4
ORIENTATIONS = ("x", "y", "45")


@dataclass(frozen=True)
class SheetPair:
    """A sheet-pair mesh: the periodic mesh, its facet tags, and the geometry needed downstream.

    normal: unit normal of the sheets; period_n: period of the box along the normal;
    positions: the sheets' n.x (in [0, period_n)); sheet_length: length of each sheet in the box.
    """

    domain: PeriodicMesh
    facet_tags: dmesh.MeshTags
    orientation: str
    normal: np.ndarray
    period_n: float
    positions: tuple[float, float]
    sheet_length: float
    electrodes: bool

    @property
    def mesh(self) -> dmesh.Mesh:
        return self.domain.mesh


def _validate(orientation, nx, ny, Lx, Ly, positions, electrodes):
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation = {orientation!r}: expected one of {ORIENTATIONS}")
    for name, value in (("Lx", Lx), ("Ly", Ly)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} = {value}: expected a positive box length")
    for name, value in (("nx", nx), ("ny", ny)):
        if int(value) != value or value < 4:
            raise ValueError(f"{name} = {value}: expected an integer >= 4")
    if len(positions) != 2:
        raise ValueError(f"positions = {positions}: expected two fractions (sheet A, sheet B)")
    for k, p in enumerate(positions):
        if not (0.0 < p < 1.0):
            raise ValueError(
                f"positions[{k}] = {p}: sheet outside the box; expected 0 < position < 1 "
                "(fraction of the period along the normal)"
            )
    if np.isclose(positions[0], positions[1]):
        raise ValueError(f"positions = {positions}: the two sheets must be distinct")
    if orientation == "45":
        if not np.isclose(Lx, Ly, rtol=1e-12):
            raise ValueError(
                f"Ly = {Ly}: a 45-degree sheet is periodic only in a square box; expected Ly == Lx = {Lx}"
            )
        if nx != ny:
            raise ValueError(f"ny = {ny}: 45-degree sheets need a square grid; expected ny == nx = {nx}")
    if electrodes and orientation != "x":
        raise ValueError(f"electrodes = True: supported for orientation 'x' only, got {orientation!r}")
    n_normal = {"x": nx, "y": ny, "45": nx}[orientation]
    for k, p in enumerate(positions):
        if not np.isclose(p * n_normal, round(p * n_normal), atol=1e-9):
            name = "ny" if orientation == "y" else "nx"
            raise ValueError(
                f"positions[{k}] = {p}: the sheet must lie on a grid line; expected positions * {name} "
                f"to be an integer ({name} = {n_normal})"
            )


def sheet_pair_mesh(
    comm: MPI.Comm,
    orientation: str = "x",
    nx: int = 32,
    ny: int = 32,
    Lx: float = 1.0,
    Ly: float = 1.0,
    positions: tuple[float, float] = (0.25, 0.75),
    electrodes: bool = False,
) -> SheetPair:
    """Build the tagged sheet-pair mesh (see module doc); bad parameters raise ValueError naming them."""
    _validate(orientation, nx, ny, Lx, Ly, positions, electrodes)
    diagonal = "left" if orientation == "45" else "right"
    source = structured_rectangle(nx, ny, Lx, Ly, periodic=(not electrodes, True), diagonal=diagonal)
    if orientation == "x":
        normal, period_n, sheet_length = np.array([1.0, 0.0]), Lx, Ly
    elif orientation == "y":
        normal, period_n, sheet_length = np.array([0.0, 1.0]), Ly, Lx
    else:
        normal = np.array([1.0, 1.0]) / np.sqrt(2.0)
        period_n, sheet_length = Lx / np.sqrt(2.0), np.sqrt(2.0) * Lx
    tol = 1e-9 * period_n

    def on_sheet(frac):
        def marker(X):            # every node of the facet at n.x = frac * period_n (mod period_n)
            d = np.mod(X @ normal - frac * period_n + 0.5 * period_n, period_n) - 0.5 * period_n
            return (np.abs(d) < tol).all(axis=1)
        return marker

    def on_plane(x0):
        return lambda X: (np.abs(X[:, :, 0] - x0) < tol).all(axis=1)

    markers = [(SHEET_A, on_sheet(positions[0])), (SHEET_B, on_sheet(positions[1]))]
    if electrodes:
        markers += [(ELECTRODE_LEFT, on_plane(0.0)), (ELECTRODE_RIGHT, on_plane(Lx))]
    domain = create_periodic_mesh(comm, source)
    tags = tag_facets(domain.mesh, markers)
    pos = (positions[0] * period_n, positions[1] * period_n)
    return SheetPair(domain, tags, orientation, normal, period_n, pos, sheet_length, electrodes)
