"""Mesh import/export with physical tags (gmsh .msh and every format meshio writes).

A tagged mesh is a whole :class:`hydrobridge.meshes.periodic.InputMesh` (one share holding every cell) plus
one physical tag per cell and a list of tagged facets (input node ids). Reading goes through meshio
(``gmsh:physical`` cell data), so a mesh written by gmsh, by meshio or by :func:`write_mesh` round-trips
with its tags. :func:`distribute` takes the tagged mesh read on one rank, scatters it in blocks (as
DOLFINx does with mesh files) and builds the distributed (periodic or not) mesh and its tags from the
blocks: only the reading rank ever holds the whole mesh, and only while scattering it. :func:`gmsh_sheet_pair` builds an
unstructured periodic sheet-pair geometry with gmsh (docs/theory.md §4).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from dolfinx import mesh as dmesh
from mpi4py import MPI

from hydrobridge.meshes.periodic import InputMesh, PeriodicMesh, create_periodic_mesh, input_mesh

__all__ = ["TaggedMesh", "read_mesh", "write_mesh", "distribute", "gmsh_sheet_pair"]

_CELL_NAMES = {1: ("line", "vertex"), 2: ("triangle", "line")}


def _optional(module: str):
    """Import gmsh or meshio, which come with the `mesh` extra, or say how to install them."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{module} is needed for mesh files: pip install 'hydrobridge[mesh]'") from None


@dataclass(frozen=True)
class TaggedMesh:
    """A whole input mesh with physical tags: cell_values (one per cell), facets (k, tdim) node ids, facet_values."""

    input: InputMesh
    cell_values: npt.NDArray[np.int32]
    facets: npt.NDArray[np.int64]
    facet_values: npt.NDArray[np.int32]


def read_mesh(path: str | Path, gdim: int = 2, period: tuple[float | None, ...] | None = None) -> TaggedMesh:
    """Read a mesh file with physical tags; period as in InputMesh (None: not periodic)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path = {path}: no such mesh file")
    if gdim not in _CELL_NAMES:
        raise ValueError(f"gdim = {gdim}: expected 1 or 2")
    meshio = _optional("meshio")
    m = meshio.read(path)
    cell_name, facet_name = _CELL_NAMES[gdim]
    x = np.ascontiguousarray(m.points[:, :gdim], dtype=np.float64)
    physical = m.cell_data.get("gmsh:physical")
    cells, cvals, facets, fvals = [], [], [], []
    for k, block in enumerate(m.cells):
        tags = physical[k] if physical is not None else np.zeros(len(block.data), np.int32)
        if block.type == cell_name:
            cells.append(block.data)
            cvals.append(tags)
        elif block.type == facet_name:
            facets.append(block.data)
            fvals.append(tags)
    if not cells:
        raise ValueError(f"path = {path}: no '{cell_name}' cells for gdim = {gdim}")
    # drop nodes not used by any cell (gmsh keeps geometry points)
    cells_arr = np.concatenate(cells).astype(np.int64)
    used = np.unique(cells_arr)
    renum = np.full(x.shape[0], -1, np.int64)
    renum[used] = np.arange(used.size)
    facets_arr = np.concatenate(facets).astype(np.int64) if facets else np.zeros((0, gdim), np.int64)
    keep = (renum[facets_arr] >= 0).all(axis=1) if facets_arr.size else np.zeros(0, bool)
    origin = tuple(float(v) for v in x[used].min(axis=0))
    if period is None:
        period = (None,) * gdim
    if len(period) != gdim:
        raise ValueError(f"period = {period}: expected {gdim} entries (a length or None per direction)")
    inp = input_mesh(x[used], renum[cells_arr], tuple(period), origin)
    return TaggedMesh(
        inp,
        np.concatenate(cvals).astype(np.int32),
        renum[facets_arr[keep]],
        (np.concatenate(fvals).astype(np.int32)[keep] if facets else np.zeros(0, np.int32)),
    )


def write_mesh(path: str | Path, mesh: TaggedMesh) -> None:
    """Write a tagged mesh (format from the suffix; '.msh' writes gmsh 2.2 with physical tags)."""
    gdim = mesh.input.x.shape[1]
    cell_name, facet_name = _CELL_NAMES[gdim]
    points = np.zeros((mesh.input.x.shape[0], 3))
    points[:, :gdim] = mesh.input.x
    blocks = [(cell_name, mesh.input.cells)]
    phys = [mesh.cell_values]
    if len(mesh.facets):
        blocks.append((facet_name, mesh.facets))
        phys.append(mesh.facet_values)
    cell_data = {"gmsh:physical": phys, "gmsh:geometrical": phys}
    meshio = _optional("meshio")
    out = meshio.Mesh(points, blocks, cell_data=cell_data)
    if str(path).endswith(".msh"):
        meshio.write(path, out, file_format="gmsh22", binary=False)
    else:
        meshio.write(path, out)


def distribute(comm: MPI.Comm, mesh: TaggedMesh | None,
               root: int = 0) -> tuple[PeriodicMesh, dmesh.MeshTags, dmesh.MeshTags]:
    """Scatter a tagged mesh given on rank `root` (other ranks may pass None) and build the distributed
    (periodic) DOLFINx mesh, its cell tags and facet tags; collective."""
    shares = None
    if comm.rank == root:
        if mesh is None:
            raise ValueError(f"mesh: expected the tagged mesh on rank root = {root}, got None")
        inp = mesh.input
        node_vertex = np.empty(len(inp.x), np.int64)
        node_vertex[inp.cells.ravel()] = inp.vertices.ravel()
        shares = []
        for r in range(comm.size):
            c0, c1 = len(inp.cells) * r // comm.size, len(inp.cells) * (r + 1) // comm.size
            f0, f1 = len(mesh.facets) * r // comm.size, len(mesh.facets) * (r + 1) // comm.size
            shares.append((inp.share(r, comm.size), mesh.cell_values[c0:c1],
                           node_vertex[mesh.facets[f0:f1]], mesh.facet_values[f0:f1]))
    share, cell_values, facet_vertices, facet_values = comm.scatter(shares, root=root)
    del shares
    domain = create_periodic_mesh(comm, share)
    return domain, domain.cell_tags(cell_values), domain.facet_tags(facet_vertices, facet_values)


def gmsh_sheet_pair(path: str | Path, L: float = 1.0, positions: tuple[float, float] = (0.25, 0.75),
                    h: float = 0.05, sheet_tags: tuple[int, int] = (1, 2)) -> Path:
    """Unstructured periodic square [0, L)^2 with two embedded sheets x = positions * L, via gmsh.

    Opposite sides are meshed periodically (gmsh setPeriodic), the sheets are physical lines with
    sheet_tags, the surface is physical group 10. Returns the written .msh path.
    """
    gmsh = _optional("gmsh")

    if not L > 0:
        raise ValueError(f"L = {L}: expected a positive box length")
    if not 0 < h < L / 4:
        raise ValueError(f"h = {h}: expected 0 < h < L/4 = {L / 4}")
    for k, p in enumerate(positions):
        if not 0 < p < 1:
            raise ValueError(f"positions[{k}] = {p}: expected 0 < position < 1")
    gmsh.initialize(interruptible=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("sheet_pair")
        occ = gmsh.model.occ
        square = occ.addRectangle(0, 0, 0, L, L)
        lines = [occ.addLine(occ.addPoint(p * L, 0, 0), occ.addPoint(p * L, L, 0)) for p in positions]
        occ.fragment([(2, square)], [(1, ln) for ln in lines])
        occ.synchronize()
        eps = 1e-6 * L

        def curves_on(xmin, ymin, xmax, ymax):
            return [t for _, t in gmsh.model.getEntitiesInBoundingBox(xmin - eps, ymin - eps, -eps,
                                                                      xmax + eps, ymax + eps, eps, 1)]

        translate_x = [1, 0, 0, L, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        translate_y = [1, 0, 0, 0, 0, 1, 0, L, 0, 0, 1, 0, 0, 0, 0, 1]
        gmsh.model.mesh.setPeriodic(1, curves_on(L, 0, L, L), curves_on(0, 0, 0, L), translate_x)
        def by_x(curves):
            return sorted(curves, key=lambda t: gmsh.model.getBoundingBox(1, t)[0])

        top, bottom = by_x(curves_on(0, L, L, L)), by_x(curves_on(0, 0, L, 0))
        for t, b in zip(top, bottom):
            gmsh.model.mesh.setPeriodic(1, [t], [b], translate_y)
        for tag, p in zip(sheet_tags, positions):
            gmsh.model.addPhysicalGroup(1, curves_on(p * L, 0, p * L, L), tag)
        gmsh.model.addPhysicalGroup(2, [t for _, t in gmsh.model.getEntities(2)], 10)
        gmsh.option.setNumber("Mesh.MeshSizeMax", h)
        gmsh.option.setNumber("Mesh.MeshSizeMin", h)
        gmsh.model.mesh.generate(2)
        gmsh.option.setNumber("Mesh.MshFileVersion", 2.2)
        path = Path(path)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path
