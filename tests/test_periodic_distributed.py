"""meshes/periodic.py: the distributed construction holds no global mesh on any rank and builds the same mesh."""

from __future__ import annotations

import numpy as np
import pytest

import ufl
from dolfinx import fem
from dolfinx import mesh as dmesh
from mpi4py import MPI

from hydrobridge.meshes.io import TaggedMesh, distribute, read_mesh, write_mesh
from hydrobridge.meshes.periodic import periodic_interval, periodic_rectangle, structured_rectangle
from hydrobridge.meshes.sheets import SHEET_A, SHEET_B, sheet_pair_mesh

COMM = MPI.COMM_WORLD


def global_counts(msh: dmesh.Mesh) -> tuple[int, int, int, int]:
    """(cells, facets, vertices, exterior facets) of the whole mesh."""
    tdim = msh.topology.dim
    msh.topology.create_entities(tdim - 1)
    msh.topology.create_connectivity(tdim - 1, tdim)
    exterior = COMM.allreduce(len(dmesh.exterior_facet_indices(msh.topology)))
    return (msh.topology.index_map(tdim).size_global, msh.topology.index_map(tdim - 1).size_global,
            msh.topology.index_map(0).size_global, exterior)


def volume(msh: dmesh.Mesh) -> float:
    return COMM.allreduce(fem.assemble_scalar(fem.form(fem.Constant(msh, 1.0) * ufl.dx(domain=msh))))


@pytest.mark.mpi
def test_each_rank_creates_only_its_share_of_the_input_mesh():
    nx, ny = 40, 30
    pm = periodic_rectangle(COMM, nx, ny, 2.0, 1.5)
    ncells, nnodes = 2 * nx * ny, (nx + 1) * (ny + 1)
    assert pm.input_cells.sum() == ncells and pm.input_nodes.sum() == nnodes
    assert pm.input_cells.max() <= -(-ncells // COMM.size)      # about 1/size of the mesh on every rank
    assert pm.input_nodes.max() <= -(-nnodes // COMM.size)
    local_cells = len(pm.cell_input_ids)                         # owned + ghost cells after partitioning
    if COMM.size > 1:
        assert local_cells < 0.75 * ncells
    assert COMM.allreduce(pm.mesh.topology.index_map(2).size_local) == ncells
    # every input cell is owned exactly once
    owned = np.sort(np.concatenate(COMM.allgather(pm.cell_input_ids[: pm.mesh.topology.index_map(2).size_local])))
    np.testing.assert_array_equal(owned, np.arange(ncells))


@pytest.mark.mpi
@pytest.mark.parametrize("periodic, exterior", [((True, True), 0), ((False, True), 2 * 12), ((True, False), 2 * 10)])
def test_distributed_rectangle_is_the_same_mesh(periodic, exterior):
    nx, ny = 10, 12
    msh = periodic_rectangle(COMM, nx, ny, 1.0, 0.5, periodic=periodic).mesh
    nvx, nvy = nx + (not periodic[0]), ny + (not periodic[1])
    # triangles: 3 edges per cell, each interior edge shared by two cells
    assert global_counts(msh) == (2 * nx * ny, (3 * 2 * nx * ny + exterior) // 2, nvx * nvy, exterior)
    assert np.isclose(volume(msh), 0.5, rtol=1e-14)


@pytest.mark.mpi
def test_distributed_interval_has_no_boundary():
    msh = periodic_interval(COMM, 17, 2.5).mesh
    assert global_counts(msh) == (17, 17, 17, 0)
    assert np.isclose(volume(msh), 2.5, rtol=1e-14)


@pytest.mark.mpi
@pytest.mark.parametrize("orientation", ["x", "y", "45"])
def test_sheet_pair_tags_are_independent_of_the_partition(orientation):
    sp = sheet_pair_mesh(COMM, orientation, 12, 12)
    assert global_counts(sp.mesh)[3] == 0
    dS = ufl.Measure("dS", domain=sp.mesh, subdomain_data=sp.facet_tags)
    for tag in (SHEET_A, SHEET_B):
        length = COMM.allreduce(fem.assemble_scalar(fem.form(fem.Constant(sp.mesh, 1.0) * dS(tag))))
        assert np.isclose(length, sp.sheet_length, rtol=1e-12)


@pytest.mark.mpi
def test_file_mesh_read_on_one_rank_is_scattered_with_its_tags(tmp_path_factory):
    path = None
    if COMM.rank == 0:
        inp = structured_rectangle(8, 8, 1.0, 1.0).share(0, 1)
        cell_values = np.where(inp.x[inp.cells].mean(axis=1)[:, 0] < 0.5, 7, 8).astype(np.int32)
        edges = np.unique(np.sort(inp.cells[:, [[0, 1], [1, 2], [2, 0]]].reshape(-1, 2), axis=1), axis=0)
        on_seam = np.isclose(inp.x[edges][:, :, 0], 0.0).all(axis=1)    # x = 0: a periodic seam
        path = tmp_path_factory.mktemp("mesh") / "m.msh"
        write_mesh(path, TaggedMesh(inp, cell_values, edges[on_seam], np.full(on_seam.sum(), 5, np.int32)))
    path = COMM.bcast(path, root=0)
    tagged = read_mesh(path, period=(1.0, 1.0)) if COMM.rank == 0 else None
    domain, cell_tags, facet_tags = distribute(COMM, tagged)
    assert domain.input_cells.max() <= -(-128 // COMM.size)
    assert global_counts(domain.mesh) == (128, 192, 64, 0)
    nloc = domain.mesh.topology.index_map(2).size_local
    assert COMM.allreduce(int(np.sum((cell_tags.values == 7) & (cell_tags.indices < nloc)))) == 64
    nf = domain.mesh.topology.index_map(1).size_local
    assert COMM.allreduce(int(np.sum((facet_tags.values == 5) & (facet_tags.indices < nf)))) == 8


@pytest.mark.parametrize("dims", [(7,), (6, 5)])
def test_generated_shares_tile_the_whole_mesh(dims):
    """The shares of 3 ranks, concatenated, are the 1-rank share: cells, periodic vertex ids and nodes."""
    from hydrobridge.meshes.periodic import StructuredMesh, input_mesh

    source = StructuredMesh(dims, (1.0,) * len(dims), (True,) + (False,) * (len(dims) - 1), "left")
    whole = source.share(0, 1)
    parts = [source.share(r, 3) for r in range(3)]
    assert [p.cell_start for p in parts] == [0, len(parts[0].cells), len(parts[0].cells) + len(parts[1].cells)]
    for name in ("cells", "vertices", "x"):
        np.testing.assert_array_equal(np.concatenate([getattr(p, name) for p in parts]), getattr(whole, name))
    # the generated periodic vertex ids are those found by matching coordinates
    np.testing.assert_array_equal(input_mesh(whole.x, whole.cells, whole.period, whole.origin).vertices, whole.vertices)
