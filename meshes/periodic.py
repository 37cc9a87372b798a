"""Genuinely periodic DOLFINx meshes, built distributed (docs/theory.md §2-§4: the periodic box Omega).

DOLFINx has no periodic dofmaps and ``dolfinx_mpc`` is not available here, so periodicity is put
into the *mesh*: the topology is built from periodic vertex ids (a vertex at x = Lx is the vertex
at x = 0), while the geometry keeps each cell's own unwrapped corner coordinates. The result is an
ordinary :class:`dolfinx.mesh.Mesh` on which

* every Lagrange space (P1, P2, scalar, vector) is periodic with no constraint matrix,
* the facets on opposite boundaries *are* interior facets, so ``dS`` integrals (DG numerical
  fluxes, sheet charges) include them with consistently ordered quadrature points on both sides,
* a direction may be left non-periodic (electrode problems): its boundary facets stay exterior.

Parallel layout: no rank ever holds the global mesh. The input mesh exists only as shares
(:class:`InputMesh`: a block of input cells and a block of input nodes per rank). A structured mesh
(:class:`StructuredMesh`, from :func:`structured_interval` / :func:`structured_rectangle`) generates each
rank's share from the (i, j) indices of its cells; a mesh file is read on one rank and scattered
(:func:`hydrobridge.meshes.io.distribute`). :func:`create_periodic_mesh` then applies DOLFINx's parallel
graph partitioner to the distributed periodic cells (``GhostMode.shared_facet`` ghosting), sends every
cell to its owner and ghosting ranks, and builds the topology (``create_topology``) and the geometry
(``create_geometry``); node ownership, coordinates and tags go through rendezvous exchanges keyed by
input ids. Memory per rank is O(local cells + ghosts) plus O(ranks).

Tags: from geometry (:func:`tag_facets`, used for sheets and electrodes) or from input data held in
shares (:meth:`PeriodicMesh.cell_tags`, :meth:`PeriodicMesh.facet_tags`). ``cell_input_ids`` gives every
local cell its input cell id (checkpoints are keyed by it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    "StructuredMesh",
    "PeriodicMesh",
    "input_mesh",
    "periodic_vertex_ids",
    "create_periodic_mesh",
    "tag_facets",
    "structured_interval",
    "structured_rectangle",
    "periodic_interval",
    "periodic_rectangle",
]

_CELL = {1: ("interval", cpp.mesh.CellType.interval), 2: ("triangle", cpp.mesh.CellType.triangle)}


@dataclass(frozen=True)
class InputMesh:
    """One rank's share of an input mesh (affine simplices); the shares of all ranks form the mesh.

    cells: (k, gdim + 1) global input node ids of the input cells cell_start .. cell_start + k - 1;
    vertices: (k, gdim + 1) the periodic vertex ids of the same corners (a node and its periodic
    images share one); x: (m, gdim) unwrapped coordinates of the input nodes node_start .. node_start + m - 1;
    period: per direction, the box length if that direction is periodic, else None; origin: lower
    corner of the box.
    """

    cells: npt.NDArray[np.int64]
    vertices: npt.NDArray[np.int64]
    x: npt.NDArray[np.float64]
    cell_start: int
    node_start: int
    period: tuple[float | None, ...]
    origin: tuple[float, ...]

    def share(self, rank: int, size: int) -> InputMesh:
        """Block `rank` of `size` of this share's cells and nodes (a whole mesh split for scattering)."""
        c0, c1 = _block(len(self.cells), rank, size)
        n0, n1 = _block(len(self.x), rank, size)
        return InputMesh(self.cells[c0:c1], self.vertices[c0:c1], self.x[n0:n1], self.cell_start + c0,
                         self.node_start + n0, self.period, self.origin)


@dataclass(frozen=True)
class StructuredMesh:
    """Generator of a structured box mesh: cells[d] equal cells per direction on [0, lengths[d]].

    1D: intervals. 2D: squares split into two triangles along `diagonal` ("right": from (i, j) to
    (i+1, j+1); "left": from (i+1, j) to (i, j+1)). Input cell 2 s + h (h = 0, 1) is triangle h of
    square s = j nx + i; input node j (nx + 1) + i sits at (i Lx/nx, j Ly/ny).
    """

    cells: tuple[int, ...]
    lengths: tuple[float, ...]
    periodic: tuple[bool, ...]
    diagonal: str = "right"

    @property
    def num_cells(self) -> int:
        return int(np.prod(self.cells)) * (2 if len(self.cells) == 2 else 1)

    @property
    def num_nodes(self) -> int:
        return int(np.prod([n + 1 for n in self.cells]))

    def share(self, rank: int, size: int) -> InputMesh:
        """The input cells and nodes of block `rank` of `size`, computed from their structured indices."""
        c0, c1 = _block(self.num_cells, rank, size)
        n0, n1 = _block(self.num_nodes, rank, size)
        nodes = np.arange(n0, n1, dtype=np.int64)
        if len(self.cells) == 1:
            (n,), (L,) = self.cells, self.lengths
            x = (nodes * (L / n))[:, None]
            x[nodes == n] = L                           # the right end exactly at L
            c = np.arange(c0, c1, dtype=np.int64)
            cells = np.column_stack([c, c + 1])
        else:
            nx, ny = self.cells
            Lx, Ly = self.lengths
            x = np.column_stack([(nodes % (nx + 1)) * (Lx / nx), (nodes // (nx + 1)) * (Ly / ny)])
            c = np.arange(c0, c1, dtype=np.int64)
            s, h = c // 2, c % 2
            a = (s // nx) * (nx + 1) + s % nx
            b, cc, d = a + 1, a + nx + 2, a + nx + 1
            if self.diagonal == "right":
                cells = np.where(h[:, None] == 0, np.column_stack([a, b, cc]), np.column_stack([a, cc, d]))
            else:
                cells = np.where(h[:, None] == 0, np.column_stack([a, b, d]), np.column_stack([b, cc, d]))
        period = tuple(float(L) if p else None for L, p in zip(self.lengths, self.periodic))
        return InputMesh(cells, self._vertex_ids(cells), x, c0, n0, period, (0.0,) * len(self.cells))

    def _vertex_ids(self, nodes: np.ndarray) -> np.ndarray:
        """Periodic vertex id of input nodes: wrapped indices, numbered lexicographically in (i, j)."""
        if len(self.cells) == 1:
            return nodes % self.cells[0] if self.periodic[0] else nodes.copy()
        nx, ny = self.cells
        i, j = nodes % (nx + 1), nodes // (nx + 1)
        if self.periodic[0]:
            i = i % nx
        if self.periodic[1]:
            j = j % ny
        return i * (ny if self.periodic[1] else ny + 1) + j


def _block(n: int, rank: int, size: int) -> tuple[int, int]:
    return n * rank // size, n * (rank + 1) // size


@dataclass(frozen=True)
class PeriodicMesh:
    """A distributed periodic mesh with the bookkeeping needed to tag it from input data.

    mesh: the DOLFINx mesh; vertex_input_ids: for each local topology vertex, its periodic input
    vertex id; cell_input_ids: for each local cell (owned, then ghosts) its input cell id;
    input_cells / input_nodes: (size,) number of input cells / nodes in each rank's share (what each
    rank generated or received before partitioning).
    """

    mesh: dmesh.Mesh
    vertex_input_ids: npt.NDArray[np.int64]
    cell_input_ids: npt.NDArray[np.int64]
    input_cells: npt.NDArray[np.int64]
    input_nodes: npt.NDArray[np.int64]

    def cell_tags(self, values: npt.NDArray[np.int32]) -> dmesh.MeshTags:
        """Tag local cells from this rank's share of one value per input cell (0 = untagged); collective.

        values[k] belongs to input cell cell_start + k of the share the mesh was built from.
        """
        comm = self.mesh.comm
        if len(values) != self.input_cells[comm.rank]:
            raise ValueError(f"values: expected {self.input_cells[comm.rank]} values (this rank's input cells), "
                             f"got {len(values)}")
        starts = np.concatenate([[0], np.cumsum(self.input_cells)])
        vals = np.asarray(values, np.int64)
        start = starts[comm.rank]
        v = _query(comm, np.searchsorted(starts, self.cell_input_ids, "right") - 1, self.cell_input_ids[:, None],
                   lambda ids: vals[ids[:, 0] - start][:, None])[:, 0]
        ids = np.flatnonzero(v != 0).astype(np.int32)
        return dmesh.meshtags(self.mesh, self.mesh.topology.dim, ids, v[ids].astype(np.int32))

    def facet_tags(self, facet_vertices: npt.NDArray[np.int64], values: npt.NDArray[np.int32]) -> dmesh.MeshTags:
        """Tag local facets given by periodic vertex ids (k, tdim), any share per rank; collective."""
        msh, comm = self.mesh, self.mesh.comm
        tdim = msh.topology.dim
        msh.topology.create_entities(tdim - 1)
        msh.topology.create_connectivity(tdim - 1, 0)
        imap = msh.topology.index_map(tdim - 1)
        verts = msh.topology.connectivity(tdim - 1, 0).array.reshape(imap.size_local + imap.num_ghosts, tdim)
        nv = comm.allreduce(int(self.vertex_input_ids.max(initial=-1)) + 1, op=MPI.MAX)
        data = _facet_keys(np.asarray(facet_vertices, np.int64).reshape(-1, tdim), nv)
        local = _facet_keys(self.vertex_input_ids[verts], nv)
        table, _, _ = _send(comm, data % comm.size, np.column_stack([data, np.asarray(values, np.int64)]))
        order = np.argsort(table[:, 0], kind="stable")
        keys, vals = np.concatenate([[-1], table[order, 0]]), np.concatenate([[0], table[order, 1]])  # -1: no facet

        def lookup(q: np.ndarray) -> np.ndarray:
            pos = np.searchsorted(keys, q[:, 0], "right") - 1       # the last entry of a facet wins
            return np.where(keys[pos] == q[:, 0], vals[pos], 0)[:, None]

        found = _query(comm, local % comm.size, local[:, None], lookup)[:, 0]
        ids = np.flatnonzero(found != 0).astype(np.int32)
        return dmesh.meshtags(msh, tdim - 1, ids, found[ids].astype(np.int32))


def _facet_keys(facet_vertices: np.ndarray, nv: int) -> np.ndarray:
    """One int64 per facet (k, tdim) of periodic vertex ids, independent of vertex order (tdim <= 2)."""
    f = np.sort(facet_vertices, axis=1)
    return f[:, 0] if f.shape[1] == 1 else f[:, 0] * nv + f[:, 1]


def _send(comm: MPI.Comm, dest: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Send row k of rows (2D) to rank dest[k]; returns (received rows, their source ranks, send order)."""
    order = np.argsort(dest, kind="stable")
    rows = np.ascontiguousarray(rows[order])
    width = rows.shape[1]
    counts = np.bincount(np.asarray(dest, np.int64), minlength=comm.size).astype(np.int64)
    recv_counts = np.empty_like(counts)
    comm.Alltoall(counts, recv_counts)
    recv = np.empty((int(recv_counts.sum()), width), rows.dtype)
    sd, rd = np.concatenate([[0], np.cumsum(counts)[:-1]]), np.concatenate([[0], np.cumsum(recv_counts)[:-1]])
    comm.Alltoallv([rows, (counts * width, sd * width)], [recv, (recv_counts * width, rd * width)])
    return recv, np.repeat(np.arange(comm.size), recv_counts), order


def _query(comm: MPI.Comm, dest: np.ndarray, keys: np.ndarray,
           answer: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Ask rank dest[k] about keys[k] (rows); `answer` maps received keys to rows of replies there."""
    recv, src, order = _send(comm, dest, keys)
    back, _, _ = _send(comm, src, answer(recv))
    out = np.empty_like(back)
    out[order] = back
    return out


def input_mesh(x: npt.ArrayLike, cells: npt.ArrayLike, period: tuple[float | None, ...],
               origin: tuple[float, ...]) -> InputMesh:
    """A whole mesh (nodes x (m, gdim), cells (k, gdim + 1) node ids) as one share, e.g. read from a file."""
    x = np.ascontiguousarray(x, np.float64)
    cells = np.asarray(cells, np.int64)
    return InputMesh(cells, periodic_vertex_ids(x, period, origin)[cells], x, 0, 0, tuple(period), tuple(origin))


def periodic_vertex_ids(x: npt.ArrayLike, period: tuple[float | None, ...], origin: tuple[float, ...],
                        rtol: float = 1e-9) -> npt.NDArray[np.int64]:
    """Map each node (m, gdim) to a periodic vertex id: nodes that are images of each other share one.

    Coordinates in periodic directions are wrapped into [origin, origin + L) and matched on a grid
    of spacing rtol * L; raises ValueError if a periodic boundary has unmatched nodes.
    """
    x = np.asarray(x, np.float64)
    keys = np.empty_like(x)
    for d, L in enumerate(period):
        scale = L if L is not None else float(np.ptp(x[:, d]) or 1.0)
        rel = (x[:, d] - origin[d]) / scale
        if L is not None:
            rel = np.mod(rel, 1.0)
            rel[np.isclose(rel, 1.0, rtol=0, atol=rtol)] = 0.0
        keys[:, d] = np.round(rel / rtol)
    ids = np.unique(keys, axis=0, return_inverse=True)[1].ravel().astype(np.int64)
    # every node on a periodic face x_d = origin_d + L_d must share its id with a node on x_d = origin_d
    for d, L in enumerate(period):
        if L is None:
            continue
        top = np.isclose(x[:, d], origin[d] + L, rtol=0, atol=rtol * L)
        bottom = np.isclose(x[:, d], origin[d], rtol=0, atol=rtol * L)
        has_bottom = np.zeros(ids.max() + 1, bool)
        has_bottom[ids[bottom]] = True
        if not top.any() or not has_bottom[ids[top]].all():
            raise ValueError(
                f"period[{d}] = {L}: the mesh is not periodic in direction {d} "
                f"(nodes on the face x_{d} = {origin[d] + L} have no image on x_{d} = {origin[d]})"
            )
    return ids


def _distribute_cells(comm: MPI.Comm, cell_type: cpp.mesh.CellType, inp: InputMesh) -> np.ndarray:
    """Partition the shares' cells (DOLFINx's parallel partitioner) and send each to its owner and ghosting ranks.

    Returns rows [input cell id, owner rank, vertices..., nodes...] of the local cells, owned first,
    each group by increasing input cell id.
    """
    ids = inp.cell_start + np.arange(len(inp.cells), dtype=np.int64)
    if comm.size == 1:
        return np.column_stack([ids, np.zeros_like(ids), inp.vertices, inp.cells])
    part = cpp.mesh.create_cell_partitioner(cpp.mesh.GhostMode.shared_facet, 2)
    dest = part(comm, comm.size, [cell_type], [np.ascontiguousarray(inp.vertices).ravel()])
    counts = np.diff(dest.offsets)
    owner = dest.array[dest.offsets[:-1]]
    rows = np.repeat(np.column_stack([ids, owner, inp.vertices, inp.cells]), counts, axis=0)
    local, _, _ = _send(comm, dest.array, rows)
    ghost = local[:, 1] != comm.rank
    return local[np.lexsort((local[:, 0], ghost))]


def _boundary_vertices(cells: np.ndarray) -> np.ndarray:
    """Vertices on facets that only one of the given (owned) cells holds: the only ones ranks may share."""
    tdim = cells.shape[1] - 1
    facets = np.concatenate([np.delete(cells, k, axis=1) for k in range(tdim + 1)])
    keys = _facet_keys(facets, int(cells.max(initial=-1)) + 1)
    _, first, count = np.unique(keys, return_index=True, return_counts=True)
    return np.unique(facets[first[count == 1]])


def create_periodic_mesh(comm: MPI.Comm, source: StructuredMesh | InputMesh) -> PeriodicMesh:
    """Build the distributed periodic DOLFINx mesh (see module doc); collective.

    source: a structured-mesh generator (each rank creates its own share) or this rank's InputMesh share.
    """
    inp = source.share(comm.rank, comm.size) if isinstance(source, StructuredMesh) else source
    gdim = inp.x.shape[1]
    if gdim not in _CELL:
        raise ValueError(f"gdim = {gdim}: periodic meshes are supported for gdim in (1, 2)")
    if inp.cells.shape[1] != gdim + 1:
        raise ValueError(f"cells: expected {gdim + 1} nodes per cell (affine simplices), got {inp.cells.shape[1]}")
    sorted_cells = np.sort(inp.vertices, axis=1)
    if comm.allreduce(bool(np.any(sorted_cells[:, 1:] == sorted_cells[:, :-1])), op=MPI.LOR):
        raise ValueError("the mesh is too coarse for its period: a cell touches its own periodic image")
    name, cell_type = _CELL[gdim]
    nv = gdim + 1
    rank = comm.rank

    local = _distribute_cells(comm, cell_type, inp)
    ids, owner = local[:, 0], local[:, 1]
    vertices, cells = local[:, 2 : 2 + nv], local[:, 2 + nv :]
    nown = int(np.sum(owner == rank))
    topology = cpp.mesh.create_topology(comm, [cell_type], [vertices.ravel()], [ids], [owner[nown:].astype(np.int32)],
                                        _boundary_vertices(vertices[:nown]), 0)

    # geometry: a node is owned by the lowest rank owning a cell that holds it; the rank holding the
    # node's share (rendezvous) records that owner and answers with it and with the coordinates
    node_starts = np.array(comm.allgather(inp.node_start), np.int64)

    def home(n: np.ndarray) -> np.ndarray:
        return np.searchsorted(node_starts, n, "right") - 1

    own_cell_nodes = np.unique(cells[:nown])
    reports = np.column_stack([own_cell_nodes, np.full_like(own_cell_nodes, rank)])
    received, _, _ = _send(comm, home(own_cell_nodes), reports)
    node_owner = np.full(len(inp.x), comm.size, np.int64)
    np.minimum.at(node_owner, received[:, 0] - inp.node_start, received[:, 1])
    nodes = np.unique(cells)
    owners = _query(comm, home(nodes), nodes[:, None], lambda q: node_owner[q[:, 0] - inp.node_start][:, None])[:, 0]
    x = _query(comm, home(nodes), nodes[:, None], lambda q: inp.x[q[:, 0] - inp.node_start])
    mine = owners == rank
    own_nodes, ghost_nodes = nodes[mine], nodes[~mine]
    offset = comm.exscan(own_nodes.size) or 0
    if comm.size > 1:
        ghost_index = _query(comm, owners[~mine], ghost_nodes[:, None],
                             lambda q: (offset + np.searchsorted(own_nodes, q[:, 0]))[:, None])[:, 0]
        index_map = common.IndexMap(comm, own_nodes.size, ghost_index, owners[~mine].astype(np.int32), 0)
    else:
        index_map = common.IndexMap(comm, own_nodes.size)
    order = np.concatenate([np.flatnonzero(mine), np.flatnonzero(~mine)])
    local_of = np.empty(nodes.size, np.int32)
    local_of[order] = np.arange(nodes.size, dtype=np.int32)
    dofmap = local_of[np.searchsorted(nodes, cells)]
    ufl_element = basix.ufl.element("Lagrange", name, 1, shape=(gdim,))
    cmap = fem.coordinate_element(ufl_element.basix_element)
    geometry = dmesh.create_geometry(index_map, dofmap, cmap, np.ascontiguousarray(x[order]), nodes[order])
    msh = dmesh.Mesh(cpp.mesh.Mesh_float64(comm, topology, geometry._cpp_object), ufl.Mesh(ufl_element))

    # local topology vertex -> periodic input vertex id (create_topology keeps cell-local vertex order)
    c2v = msh.topology.connectivity(gdim, 0).array.reshape(len(local), nv)
    vmap = msh.topology.index_map(0)
    vertex_input_ids = np.empty(vmap.size_local + vmap.num_ghosts, np.int64)
    vertex_input_ids[c2v.ravel()] = vertices.ravel()
    sizes = np.array(comm.allgather((len(inp.cells), len(inp.x))), np.int64).reshape(comm.size, 2)
    return PeriodicMesh(msh, vertex_input_ids, ids, sizes[:, 0], sizes[:, 1])


def tag_facets(msh: dmesh.Mesh, markers: Sequence[tuple[int, Callable[[np.ndarray], np.ndarray]]]) -> dmesh.MeshTags:
    """Tag local facets from their geometry: marker(X) -> bool per facet, X (facets, nodes, gdim).

    X holds each facet's node coordinates as seen from one of its cells (unwrapped, so a facet on a
    periodic seam has the coordinates of one side); the first marker that holds gives the tag.
    """
    tdim = msh.topology.dim
    msh.topology.create_entities(tdim - 1)
    msh.topology.create_connectivity(tdim - 1, tdim)
    imap = msh.topology.index_map(tdim - 1)
    facets = np.arange(imap.size_local + imap.num_ghosts, dtype=np.int32)
    X = msh.geometry.x[dmesh.entities_to_geometry(msh, tdim - 1, facets)][:, :, : msh.geometry.dim]
    tags = np.zeros(facets.size, np.int32)
    for tag, marker in reversed(markers):
        tags[np.asarray(marker(X), bool)] = tag
    ids = np.flatnonzero(tags).astype(np.int32)
    return dmesh.meshtags(msh, tdim - 1, ids, tags[ids])


def _check_positive(**kwargs: float) -> None:
    for name, value in kwargs.items():
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} = {value}: expected a positive number")


def _check_cells(**kwargs: int) -> None:
    for name, value in kwargs.items():
        if int(value) != value or value < 3:
            raise ValueError(f"{name} = {value}: expected an integer >= 3 (cells per period)")


def structured_interval(n: int, L: float, periodic: bool = True) -> StructuredMesh:
    """n equal cells on [0, L] (a generator: each rank creates its own share)."""
    _check_cells(n=n)
    _check_positive(L=L)
    return StructuredMesh((int(n),), (float(L),), (bool(periodic),))


def structured_rectangle(
    nx: int, ny: int, Lx: float, Ly: float, periodic: tuple[bool, bool] = (True, True), diagonal: str = "right"
) -> StructuredMesh:
    """nx x ny squares on [0, Lx] x [0, Ly], each split into two triangles (see StructuredMesh).

    diagonal "right": facets on lines x - y = const when hx = hy; "left": on lines x + y = const.
    """
    _check_cells(nx=nx, ny=ny)
    _check_positive(Lx=Lx, Ly=Ly)
    if diagonal not in ("right", "left"):
        raise ValueError(f"diagonal = {diagonal!r}: expected 'right' or 'left'")
    return StructuredMesh((int(nx), int(ny)), (float(Lx), float(Ly)), (bool(periodic[0]), bool(periodic[1])), diagonal)


def periodic_interval(comm: MPI.Comm, n: int, L: float = 1.0) -> PeriodicMesh:
    """Periodic interval [0, L) with n cells, distributed over comm."""
    return create_periodic_mesh(comm, structured_interval(n, L))


def periodic_rectangle(
    comm: MPI.Comm, nx: int, ny: int, Lx: float = 1.0, Ly: float = 1.0,
    periodic: tuple[bool, bool] = (True, True), diagonal: str = "right",
) -> PeriodicMesh:
    """Periodic (or partly periodic) rectangle [0, Lx) x [0, Ly), distributed over comm."""
    return create_periodic_mesh(comm, structured_rectangle(nx, ny, Lx, Ly, periodic, diagonal))
