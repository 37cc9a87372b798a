"""meshes/: periodic boxes, sheet-pair geometries with tags, gmsh/meshio I/O, input validation."""

from __future__ import annotations

import numpy as np
import pytest

import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.meshes.io import TaggedMesh, distribute, read_mesh, write_mesh
from hydrobridge.meshes.periodic import (input_mesh, periodic_interval, periodic_rectangle, structured_rectangle)
from hydrobridge.meshes.sheets import ELECTRODE_LEFT, ELECTRODE_RIGHT, SHEET_A, SHEET_B, sheet_pair_mesh


def global_count(tags, value):
    imap = tags.topology.index_map(tags.dim)
    local = tags.indices[tags.indices < imap.size_local]
    return MPI.COMM_WORLD.allreduce(int(np.sum(tags.values[np.isin(tags.indices, local)] == value)))


@pytest.mark.mpi
def test_periodic_rectangle_has_no_boundary_and_periodic_dofs():
    pm = periodic_rectangle(MPI.COMM_WORLD, 10, 6, 2.0, 1.0)
    msh = pm.mesh
    assert msh.topology.index_map(2).size_global == 120
    assert msh.topology.index_map(0).size_global == 60           # vertices at x = Lx are those at x = 0
    for degree, dofs in ((1, 60), (2, 240)):
        assert fem.functionspace(msh, ("Lagrange", degree)).dofmap.index_map.size_global == dofs
    assert fem.functionspace(msh, ("Lagrange", 1, (2,))).dofmap.index_map.size_global == 60
    area = MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(fem.Constant(msh, 1.0) * ufl.dx(domain=msh))))
    assert np.isclose(area, 2.0, rtol=1e-14)


@pytest.mark.mpi
def test_partly_periodic_rectangle_keeps_x_boundary():
    msh = periodic_rectangle(MPI.COMM_WORLD, 8, 8, periodic=(False, True)).mesh
    assert msh.topology.index_map(0).size_global == 9 * 8
    assert fem.functionspace(msh, ("Lagrange", 1)).dofmap.index_map.size_global == 72


@pytest.mark.mpi
def test_periodic_interval():
    msh = periodic_interval(MPI.COMM_WORLD, 20, 3.0).mesh
    assert msh.topology.index_map(0).size_global == 20
    assert fem.functionspace(msh, ("Lagrange", 2)).dofmap.index_map.size_global == 40


@pytest.mark.mpi
@pytest.mark.parametrize("orientation, facets_per_sheet", [("x", 8), ("y", 8), ("45", 8)])
def test_sheet_tags_lie_on_the_sheets(orientation, facets_per_sheet):
    sp = sheet_pair_mesh(MPI.COMM_WORLD, orientation, 8, 8)
    assert global_count(sp.facet_tags, SHEET_A) == facets_per_sheet
    assert global_count(sp.facet_tags, SHEET_B) == facets_per_sheet
    # the tagged facets sum to the sheet length and sit at the requested n.x
    dS = ufl.Measure("dS", domain=sp.mesh, subdomain_data=sp.facet_tags)
    X = ufl.SpatialCoordinate(sp.mesh)
    n = ufl.as_vector(sp.normal)
    for tag, pos in ((SHEET_A, sp.positions[0]), (SHEET_B, sp.positions[1])):
        length = MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(fem.Constant(sp.mesh, 1.0) * dS(tag))))
        assert np.isclose(length, sp.sheet_length, rtol=1e-12)
        k = 2 * np.pi / sp.period_n
        off = MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(
            ufl.sin(0.5 * k * (ufl.dot(ufl.avg(X), n) - pos)) ** 2 * dS(tag))))
        assert off < 1e-24


def test_electrode_variant_tags_boundaries():
    sp = sheet_pair_mesh(MPI.COMM_SELF, "x", 8, 8, electrodes=True)
    assert global_count(sp.facet_tags, ELECTRODE_LEFT) == 8 and global_count(sp.facet_tags, ELECTRODE_RIGHT) == 8


@pytest.mark.parametrize("kwargs, parameter", [
    (dict(Lx=0.0), "Lx"), (dict(Ly=-1.0), "Ly"), (dict(nx=2), "nx"),
    (dict(positions=(0.25, 1.2)), r"positions\[1\]"), (dict(positions=(-0.1, 0.5)), r"positions\[0\]"),
    (dict(positions=(0.3, 0.75)), r"positions\[0\]"),
    (dict(orientation="45", Lx=1.0, Ly=2.0), "Ly"), (dict(orientation="45", nx=8, ny=12), "ny"),
    (dict(orientation="z"), "orientation"), (dict(orientation="y", electrodes=True), "electrodes"),
])
def test_sheet_pair_bad_parameters_name_the_parameter(kwargs, parameter):
    with pytest.raises(ValueError, match=parameter):
        sheet_pair_mesh(MPI.COMM_SELF, **kwargs)


@pytest.mark.parametrize("args, parameter", [
    ((0, 4, 1.0, 1.0), "nx"), ((4, 4, 0.0, 1.0), "Lx"), ((4, 4, 1.0, np.nan), "Ly"), ((4, 2.5, 1.0, 1.0), "ny"),
])
def test_rectangle_bad_parameters(args, parameter):
    with pytest.raises(ValueError, match=parameter):
        structured_rectangle(*args)


def test_non_periodic_input_is_rejected():
    inp = structured_rectangle(4, 4, 1.0, 1.0).share(0, 1)
    with pytest.raises(ValueError, match=r"period\[1\]"):
        input_mesh(inp.x, inp.cells, (1.0, 0.9), (0.0, 0.0))  # wrong period in y


def test_meshio_roundtrip_keeps_physical_tags(tmp_path):
    inp = structured_rectangle(6, 6, 1.0, 1.0).share(0, 1)
    cell_values = np.where(inp.x[inp.cells].mean(axis=1)[:, 0] < 0.5, 7, 8).astype(np.int32)
    edges = np.unique(np.sort(inp.cells[:, [[0, 1], [1, 2], [2, 0]]].reshape(-1, 2), axis=1), axis=0)
    on_left = np.isclose(inp.x[edges][:, :, 0], 0.0).all(axis=1)
    mesh = TaggedMesh(inp, cell_values, edges[on_left], np.full(on_left.sum(), 5, np.int32))
    path = tmp_path / "m.msh"
    write_mesh(path, mesh)
    back = read_mesh(path, period=(1.0, 1.0))
    np.testing.assert_allclose(back.input.x, inp.x)
    np.testing.assert_array_equal(back.input.cells, inp.cells)
    np.testing.assert_array_equal(back.cell_values, cell_values)
    np.testing.assert_array_equal(back.facet_values, 5)
    domain, ct, ft = distribute(MPI.COMM_SELF, back)
    assert np.sum(ct.values == 7) == np.sum(cell_values == 7)
    assert len(ft.indices) == on_left.sum() == 6   # x = 0 facets are interior on the periodic mesh, still tagged


def test_read_mesh_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="path"):
        read_mesh(tmp_path / "missing.msh")
