"""Genuinely periodic DOLFINx meshes (docs/theory.md §2-§4: the periodic box Omega).

DOLFINx has no periodic dofmaps and ``dolfinx_mpc`` is not available here, so periodicity is put
into the *mesh*: the topology is built from periodic vertex ids (a vertex at x = Lx is the vertex
at x = 0), while the geometry keeps each cell's own unwrapped corner coordinates. The result is an
ordinary :class:`dolfinx.mesh.Mesh` on which

* every Lagrange space (P1, P2, scalar, vector) is periodic with no constraint matrix,
* the facets on opposite boundaries *are* interior facets, so ``dS`` integrals (DG numerical
  fluxes, sheet charges) include them with consistently ordered quadrature points on both sides,
* a direction may be left non-periodic (electrode problems): its boundary facets stay exterior.

Parallel layout: the input mesh (unwrapped nodes and cells) is known on every rank (the meshes of
this package are structured or read once), DOLFINx's own graph partitioner is applied to the
periodic cell graph with ``GhostMode.shared_facet`` ghosting, and each rank builds its owned and
ghost cells, the topology (``create_topology``) and the geometry (``create_geometry``) itself.
Memory per rank is therefore O(global input mesh); this is the documented limit of the approach.
"""

from __future__ import annotations

from dataclasses import dataclass


import basix.ufl
import numpy as np
import numpy.typing as npt
import ufl
from dolfinx import common, cpp, fem
from dolfinx import mesh as dmesh
from mpi4py import MPI

__all__ = [
    "InputMesh",
    "PeriodicMesh",
    "periodic_vertex_ids",
    "create_periodic_mesh",
    "structured_interval",
    "structured_rectangle",
    "periodic_interval",
    "periodic_rectangle",
]

_CELL = {1: ("interval", cpp.mesh.CellType.interval), 2: ("triangle", cpp.mesh.CellType.triangle)}


@dataclass(frozen=True)
class InputMesh:
    """A mesh as read or generated, before distribution: the same arrays on every rank.

    x: (num_nodes, gdim) unwrapped node coordinates; cells: (num_cells, gdim + 1) node ids (affine
    simplices); period: per direction, the box length if that direction is periodic, else None;
    origin: lower corner of the box.
    """

    x: npt.NDArray[np.float64]
    cells: npt.NDArray[np.int64]
    period: tuple[float | None, ...]
    origin: tuple[float, ...]


@dataclass(frozen=True)
class PeriodicMesh:
    """A distributed periodic mesh with the bookkeeping needed to tag it from input data.

    mesh: the DOLFINx mesh; input: the input mesh it was built from; vertex_input_ids: for each
    local topology vertex, its periodic input vertex id; cell_input_ids: for each local cell
    (owned, then ghosts) its input cell index.
    """

    mesh: dmesh.Mesh
    input: InputMesh
    vertex_input_ids: npt.NDArray[np.int64]
    cell_input_ids: npt.NDArray[np.int64]

    def facet_tags(self, facet_nodes: npt.NDArray[np.int64], values: npt.NDArray[np.int32]) -> dmesh.MeshTags:
        """Tag local facets given by their input node ids (k, tdim) with one value each."""
        msh = self.mesh
        tdim = msh.topology.dim
        msh.topology.create_entities(tdim - 1)
        msh.topology.create_connectivity(tdim - 1, 0)
        msh.topology.create_connectivity(tdim - 1, tdim)
        vid = periodic_vertex_ids(self.input)
        tagged = {frozenset(vid[f].tolist()): int(t) for f, t in zip(np.asarray(facet_nodes), np.asarray(values))}
        imap = msh.topology.index_map(tdim - 1)
        verts = msh.topology.connectivity(tdim - 1, 0).array.reshape(imap.size_local + imap.num_ghosts, tdim)
        keys = self.vertex_input_ids[verts]
        ids = [f for f, key in enumerate(keys) if frozenset(key.tolist()) in tagged]
        vals = [tagged[frozenset(keys[f].tolist())] for f in ids]
        return dmesh.meshtags(msh, tdim - 1, np.asarray(ids, np.int32), np.asarray(vals, np.int32))

    def cell_tags(self, values: npt.NDArray[np.int32]) -> dmesh.MeshTags:
        """Tag local cells from one value per input cell (0 = untagged)."""
        v = np.asarray(values, np.int32)[self.cell_input_ids]
        ids = np.flatnonzero(v != 0).astype(np.int32)
        return dmesh.meshtags(self.mesh, self.mesh.topology.dim, ids, v[ids])


def periodic_vertex_ids(inp: InputMesh, rtol: float = 1e-9) -> npt.NDArray[np.int64]:
    """Map each input node to a periodic vertex id: nodes that are images of each other share one.

    Coordinates in periodic directions are wrapped into [origin, origin + L) and matched on a grid
    of spacing rtol * L; raises ValueError if a periodic boundary has unmatched nodes.
    """
    x = np.asarray(inp.x, np.float64)
    keys = np.empty_like(x)
    for d, L in enumerate(inp.period):
        scale = L if L is not None else float(np.ptp(x[:, d]) or 1.0)
        rel = (x[:, d] - inp.origin[d]) / scale
        if L is not None:
            rel = np.mod(rel, 1.0)
            rel[np.isclose(rel, 1.0, rtol=0, atol=rtol)] = 0.0
        keys[:, d] = np.round(rel / rtol)
    ids = np.unique(keys, axis=0, return_inverse=True)[1].ravel().astype(np.int64)
    # every node on a periodic face x_d = origin_d + L_d must share its id with a node on x_d = origin_d
    for d, L in enumerate(inp.period):
        if L is None:
            continue
        top = np.isclose(x[:, d], inp.origin[d] + L, rtol=0, atol=rtol * L)
        bottom = np.isclose(x[:, d], inp.origin[d], rtol=0, atol=rtol * L)
        has_bottom = np.zeros(ids.max() + 1, bool)
        has_bottom[ids[bottom]] = True
        if not top.any() or not has_bottom[ids[top]].all():
            raise ValueError(
                f"period[{d}] = {L}: the mesh is not periodic in direction {d} "
                f"(nodes on the face x_{d} = {inp.origin[d] + L} have no image on x_{d} = {inp.origin[d]})"
            )
    return ids


def _partition(comm: MPI.Comm, cell_type: cpp.mesh.CellType, pcells: np.ndarray):
    """Owner rank and ghost-destination ranks of every input cell (DOLFINx's partitioner)."""
    ncell = pcells.shape[0]
    if comm.size == 1:
        return np.zeros(ncell, np.int32), np.arange(ncell + 1, dtype=np.int32), np.zeros(ncell, np.int32)
    part = cpp.mesh.create_cell_partitioner(cpp.mesh.GhostMode.shared_facet, 2)
    local = pcells if comm.rank == 0 else np.zeros((0, pcells.shape[1]), np.int64)
    dest = part(comm, comm.size, [cell_type], [np.ascontiguousarray(local).ravel()])
    data = (dest.offsets.copy(), dest.array.copy()) if comm.rank == 0 else None
    offsets, links = comm.bcast(data, root=0)
    return links[offsets[:-1]].astype(np.int32), offsets, links


def create_periodic_mesh(comm: MPI.Comm, inp: InputMesh) -> PeriodicMesh:
    """Distribute an input mesh as a DOLFINx mesh whose topology is periodic (see module doc)."""
    gdim = inp.x.shape[1]
    if gdim not in _CELL:
        raise ValueError(f"gdim = {gdim}: periodic meshes are supported for gdim in (1, 2)")
    if inp.cells.shape[1] != gdim + 1:
        raise ValueError(f"cells: expected {gdim + 1} nodes per cell (affine simplices), got {inp.cells.shape[1]}")
    name, cell_type = _CELL[gdim]
    cells = np.asarray(inp.cells, np.int64)
    vid = periodic_vertex_ids(inp)
    pcells = vid[cells]
    sorted_cells = np.sort(pcells, axis=1)
    if np.any(sorted_cells[:, 1:] == sorted_cells[:, :-1]):
        raise ValueError("the mesh is too coarse for its period: a cell touches its own periodic image")

    owner, offsets, links = _partition(comm, cell_type, pcells)
    rank = comm.rank
    owned = np.flatnonzero(owner == rank)
    is_ghost = np.zeros(cells.shape[0], bool)
    for c in np.flatnonzero(owner != rank):
        is_ghost[c] = rank in links[offsets[c] + 1 : offsets[c + 1]]
    ghost = np.flatnonzero(is_ghost)
    order = np.concatenate([owned, ghost]).astype(np.int64)

    # vertices of owned cells that also belong to cells owned elsewhere may be shared
    boundary_vertices = np.intersect1d(pcells[owned], pcells[owner != rank])
    topology = cpp.mesh.create_topology(
        comm, [cell_type], [pcells[order].ravel()], [order], [owner[ghost]], boundary_vertices, 0
    )

    # geometry: unwrapped nodes; a node is owned by the lowest rank owning a cell that holds it
    nnodes = inp.x.shape[0]
    node_owner = np.full(nnodes, comm.size, np.int32)
    np.minimum.at(node_owner, cells.ravel(), np.repeat(owner, cells.shape[1]))
    local_nodes = np.unique(cells[order])
    own_nodes = local_nodes[node_owner[local_nodes] == rank]
    ghost_nodes = local_nodes[node_owner[local_nodes] != rank]
    global_index = np.empty(nnodes, np.int64)
    start = 0
    for q in range(comm.size):
        ids = np.flatnonzero(node_owner == q)
        global_index[ids] = start + np.arange(ids.size)
        start += ids.size
    if comm.size > 1:
        index_map = common.IndexMap(
            comm, own_nodes.size, global_index[ghost_nodes], node_owner[ghost_nodes].astype(np.int32), 0
        )
    else:
        index_map = common.IndexMap(comm, own_nodes.size)
    nodes = np.concatenate([own_nodes, ghost_nodes])
    local_of = np.full(nnodes, -1, np.int32)
    local_of[nodes] = np.arange(nodes.size, dtype=np.int32)
    x3 = np.ascontiguousarray(inp.x[nodes], dtype=np.float64)   # (nodes, gdim): geometry.dim == gdim
    ufl_element = basix.ufl.element("Lagrange", name, 1, shape=(gdim,))
    cmap = fem.coordinate_element(ufl_element.basix_element)
    geometry = dmesh.create_geometry(index_map, local_of[cells[order]], cmap, x3, nodes.astype(np.int64))
    msh = dmesh.Mesh(cpp.mesh.Mesh_float64(comm, topology, geometry._cpp_object), ufl.Mesh(ufl_element))

    # local topology vertex -> periodic input vertex id (create_topology keeps cell-local vertex order)
    tdim = gdim
    c2v = msh.topology.connectivity(tdim, 0).array.reshape(order.size, tdim + 1)
    nverts = msh.topology.index_map(0).size_local + msh.topology.index_map(0).num_ghosts
    vertex_input_ids = np.empty(nverts, np.int64)
    vertex_input_ids[c2v.ravel()] = pcells[order].ravel()
    return PeriodicMesh(msh, inp, vertex_input_ids, order)


def _check_positive(**kwargs: float) -> None:
    for name, value in kwargs.items():
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} = {value}: expected a positive number")


def _check_cells(**kwargs: int) -> None:
    for name, value in kwargs.items():
        if int(value) != value or value < 3:
            raise ValueError(f"{name} = {value}: expected an integer >= 3 (cells per period)")


def structured_interval(n: int, L: float, periodic: bool = True) -> InputMesh:
    """n equal cells on [0, L]."""
    _check_cells(n=n)
    _check_positive(L=L)
    x = np.linspace(0.0, L, n + 1)[:, None]
    cells = np.column_stack([np.arange(n), np.arange(1, n + 1)]).astype(np.int64)
    return InputMesh(x, cells, (float(L) if periodic else None,), (0.0,))


def structured_rectangle(
    nx: int, ny: int, Lx: float, Ly: float, periodic: tuple[bool, bool] = (True, True), diagonal: str = "right"
) -> InputMesh:
    """nx x ny squares on [0, Lx] x [0, Ly], each split into two triangles.

    diagonal "right": from (i, j) to (i+1, j+1) (facets on lines x - y = const when hx = hy);
    "left": from (i+1, j) to (i, j+1) (facets on lines x + y = const when hx = hy).
    """
    _check_cells(nx=nx, ny=ny)
    _check_positive(Lx=Lx, Ly=Ly)
    if diagonal not in ("right", "left"):
        raise ValueError(f"diagonal = {diagonal!r}: expected 'right' or 'left'")
    i, j = np.meshgrid(np.arange(nx + 1), np.arange(ny + 1), indexing="xy")
    x = np.column_stack([i.ravel() * (Lx / nx), j.ravel() * (Ly / ny)])
    ii, jj = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    ii, jj = ii.ravel(), jj.ravel()
    a = jj * (nx + 1) + ii
    b, c, d = a + 1, a + nx + 2, a + nx + 1
    if diagonal == "right":
        tris = [np.column_stack([a, b, c]), np.column_stack([a, c, d])]
    else:
        tris = [np.column_stack([a, b, d]), np.column_stack([b, c, d])]
    cells = np.stack(tris, axis=1).reshape(-1, 3).astype(np.int64)
    period = (float(Lx) if periodic[0] else None, float(Ly) if periodic[1] else None)
    return InputMesh(x, cells, period, (0.0, 0.0))


def periodic_interval(comm: MPI.Comm, n: int, L: float = 1.0) -> PeriodicMesh:
    """Periodic interval [0, L) with n cells, distributed over comm."""
    return create_periodic_mesh(comm, structured_interval(n, L))


def periodic_rectangle(
    comm: MPI.Comm, nx: int, ny: int, Lx: float = 1.0, Ly: float = 1.0,
    periodic: tuple[bool, bool] = (True, True), diagonal: str = "right",
) -> PeriodicMesh:
    """Periodic (or partly periodic) rectangle [0, Lx) x [0, Ly), distributed over comm."""
    return create_periodic_mesh(comm, structured_rectangle(nx, ny, Lx, Ly, periodic, diagonal))
