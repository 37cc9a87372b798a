"""Periodic DG for conservation laws (docs/theory.md §1): upwind advection rates, mass, matched facets, serial == MPI."""

from __future__ import annotations

import numpy as np
import pytest

import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.meshes.periodic import periodic_rectangle
from hydrobridge.continuum.verification import dg_advection

SIZES = [8, 16, 32]


@pytest.mark.mpi
@pytest.mark.parametrize("degree, min_rate", [(1, 1.8), (2, 2.7)])
def test_periodic_dg_advection_rates_and_mass(degree, min_rate):
    res = dg_advection(MPI.COMM_WORLD, degree, SIZES)
    e = np.asarray(res["errors"])
    assert np.all(np.log2(e[:-1] / e[1:]) >= min_rate), e
    assert max(res["mass_drift"]) <= 1e-12


@pytest.mark.parametrize("degree", [1, 2])
def test_periodic_dg_two_ranks_equal_serial(degree, assert_two_ranks_equal_serial):
    assert_two_ranks_equal_serial("dg_advection", degree=degree, sizes=SIZES[:2])


@pytest.mark.mpi
@pytest.mark.parametrize("diagonal", ["right", "left"])
def test_periodic_facets_are_interior_with_matching_quadrature_points(diagonal):
    """Every facet, the periodic ones included, is interior; both sides see the same quadrature points.

    A periodic P2 field copied into DG2 has zero jump on every facet only if the quadrature points of
    the two sides coincide; the x-coordinate of the points, seen from both sides, differs by exactly
    the period on the seam and by nothing elsewhere.
    """
    comm = MPI.COMM_WORLD
    n = 12
    msh = periodic_rectangle(comm, n, n, 1.0, 2.0, diagonal=diagonal).mesh
    msh.topology.create_entities(1)
    imap = msh.topology.index_map(1)
    assert imap.size_global == 3 * n * n
    msh.topology.create_connectivity(1, 2)
    c = msh.topology.connectivity(1, 2)
    owned_links = np.array([len(c.links(f)) for f in range(imap.size_local)])
    assert np.all(owned_links == 2)
    X = ufl.SpatialCoordinate(msh)
    smooth = ufl.sin(2 * ufl.pi * X[0]) * ufl.cos(ufl.pi * X[1]) + ufl.sin(2 * ufl.pi * (X[0] + X[1] / 2))
    cg = fem.Function(fem.functionspace(msh, ("Lagrange", 2)))
    cg.interpolate(fem.Expression(smooth, cg.function_space.element.interpolation_points))
    dg = fem.Function(fem.functionspace(msh, ("Discontinuous Lagrange", 2)))
    dg.interpolate(cg)
    jump2 = comm.allreduce(fem.assemble_scalar(fem.form(ufl.jump(dg) ** 2 * ufl.dS)))
    assert jump2 < 1e-24
    # geometric check: quadrature points of both sides differ by a lattice vector (0 or a period)
    dx = X[0]("+") - X[0]("-")
    dy = X[1]("+") - X[1]("-")
    off_lattice = ufl.sin(ufl.pi * dx) ** 2 + ufl.sin(ufl.pi * dy / 2.0) ** 2
    seam = dx**2 + dy**2
    assert comm.allreduce(fem.assemble_scalar(fem.form(off_lattice * ufl.dS))) < 1e-24
    # the seams are interior facets: sum of period^2 x seam length = 1^2 * 2 (x seam) + 2^2 * 1 (y seam)
    seam_total = comm.allreduce(fem.assemble_scalar(fem.form(seam * ufl.dS)))
    assert np.isclose(seam_total, 6.0, rtol=1e-12)
