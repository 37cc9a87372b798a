"""Point location on a (distributed) DOLFINx mesh: which owned cell holds each point.

One bounding-box tree search plus an exact containment test (dolfinx.geometry); a point on a shared
facet or vertex is given the first owned cell that contains it. A point held only by ghost cells, or
outside the rank's part of the mesh, gets -1 (another rank owns it).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from dolfinx import geometry
from dolfinx import mesh as dmesh

__all__ = ["locate_cells", "padded_points"]


def padded_points(points: npt.ArrayLike) -> np.ndarray:
    """Points (k, gdim) as the (k, 3) array DOLFINx expects (zero-padded)."""
    p = np.atleast_2d(np.asarray(points, float))
    out = np.zeros((len(p), 3))
    out[:, : p.shape[1]] = p
    return out


def locate_cells(msh: dmesh.Mesh, points: npt.ArrayLike) -> np.ndarray:
    """int32 array: for each point (k, gdim), the first owned local cell containing it, else -1."""
    pts = padded_points(points)
    tdim = msh.topology.dim
    tree = geometry.bb_tree(msh, tdim)
    colliding = geometry.compute_colliding_cells(msh, geometry.compute_collisions_points(tree, pts), pts)
    nloc = msh.topology.index_map(tdim).size_local
    cells = np.full(len(pts), -1, np.int32)
    for k in range(len(pts)):
        links = colliding.links(k)
        links = links[links < nloc]
        if len(links):
            cells[k] = links[0]
    return cells
