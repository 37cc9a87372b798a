"""Poisson with sheet charges (docs/theory.md §3-§4): convergence, exact sheet fields, serial == MPI."""

from __future__ import annotations

import numpy as np
import pytest

import ufl
from dolfinx import fem
from dolfinx.mesh import compute_midpoints
from mpi4py import MPI

from hydrobridge.continuum.poisson import PoissonSolver
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.meshes.io import distribute, gmsh_sheet_pair, read_mesh
from hydrobridge.meshes.sheets import ELECTRODE_LEFT, ELECTRODE_RIGHT, sheet_pair_mesh
from hydrobridge.continuum.verification import manufactured_poisson

SIZES = [16, 32, 64, 128]  # three refinements


def rates(errors):
    e = np.asarray(errors)
    return np.log2(e[:-1] / e[1:])


@pytest.mark.mpi
@pytest.mark.parametrize("degree, min_rate", [(1, 1.9), (2, 2.9)])
def test_periodic_poisson_converges(degree, min_rate):
    res = manufactured_poisson(MPI.COMM_WORLD, degree, SIZES)
    assert np.all(rates(res["errors"]) >= min_rate), res["errors"]


@pytest.mark.parametrize("degree", [1, 2])
def test_periodic_poisson_two_ranks_equal_serial(degree, assert_two_ranks_equal_serial):
    assert_two_ranks_equal_serial("manufactured_poisson", degree=degree, sizes=SIZES[:3])


def normal_field(psi, sp):
    """E.n per owned cell (DG0 of -grad psi) and each cell midpoint's n.x folded into one period."""
    msh = sp.mesh
    W = fem.functionspace(msh, ("Discontinuous Lagrange", 0, (2,)))
    E = fem.Function(W)
    E.interpolate(fem.Expression(-ufl.grad(psi), W.element.interpolation_points))
    nloc = msh.topology.index_map(2).size_local
    mid = compute_midpoints(msh, 2, np.arange(nloc, dtype=np.int32))[:, :2]
    return E.x.array.reshape(-1, 2)[:nloc] @ sp.normal, np.mod(mid @ sp.normal, sp.period_n)


@pytest.mark.mpi
@pytest.mark.parametrize("orientation, electrodes", [("x", False), ("y", False), ("45", False), ("x", True)])
@pytest.mark.parametrize("eps", [1.0, 2.5])
def test_sheet_pair_field_is_sigma_over_two_eps(orientation, electrodes, eps):
    sigma0 = 0.7
    sp = sheet_pair_mesh(MPI.COMM_WORLD, orientation, 16, 16, electrodes=electrodes)
    V = fem.functionspace(sp.mesh, ("Lagrange", 1))
    bcs = {ELECTRODE_LEFT: 0.0, ELECTRODE_RIGHT: 0.0} if electrodes else None
    psi = PoissonSolver(V, eps, facet_tags=sp.facet_tags, forcing=SheetForcing(sigma0), dirichlet=bcs).solve()
    En, s = normal_field(psi, sp)
    between = (s > sp.positions[0]) & (s < sp.positions[1])
    expected = np.where(between, 1.0, -1.0) * sigma0 / (2 * eps)
    assert np.max(np.abs(En - expected)) <= 1e-8 * sigma0 / (2 * eps)


def test_sheet_pair_field_follows_sheets_and_charge_sign():
    """Moving the sheets moves the field jump; swapping their order flips the sign (the test can fail)."""
    sp = sheet_pair_mesh(MPI.COMM_WORLD, "x", 16, 16, positions=(0.75, 0.25))
    V = fem.functionspace(sp.mesh, ("Lagrange", 1))
    En, s = normal_field(PoissonSolver(V, 1.0, facet_tags=sp.facet_tags, forcing=SheetForcing(1.0)).solve(), sp)
    between = (s > 0.25) & (s < 0.75)
    assert np.allclose(En[between], -0.5, atol=1e-9) and np.allclose(En[~between], 0.5, atol=1e-9)


def test_unstructured_gmsh_sheet_pair(tmp_path):
    """gmsh periodic mesh with embedded sheets, read back with its tags: the field is still exact."""
    path = gmsh_sheet_pair(tmp_path / "sheets.msh", h=0.08)
    tagged = read_mesh(path, period=(1.0, 1.0))
    domain, _, facet_tags = distribute(MPI.COMM_SELF, tagged)
    V = fem.functionspace(domain.mesh, ("Lagrange", 1))
    psi = PoissonSolver(V, 1.0, facet_tags=facet_tags, forcing=SheetForcing(1.0)).solve()
    W = fem.functionspace(domain.mesh, ("Discontinuous Lagrange", 0, (2,)))
    E = fem.Function(W)
    E.interpolate(fem.Expression(-ufl.grad(psi), W.element.interpolation_points))
    nloc = domain.mesh.topology.index_map(2).size_local
    x = np.mod(compute_midpoints(domain.mesh, 2, np.arange(nloc, dtype=np.int32))[:, 0], 1.0)
    expected = np.where((x > 0.25) & (x < 0.75), 0.5, -0.5)
    assert np.max(np.abs(E.x.array.reshape(-1, 2)[:nloc] - np.column_stack([expected, 0 * x]))) < 1e-8


def test_polarisation_source_gives_minus_P_over_eps0():
    """A zero-mean polarisation P(x) e_x alone gives E = -P/eps0 (the -div P source, sign included)."""
    from hydrobridge.meshes.periodic import periodic_rectangle

    msh = periodic_rectangle(MPI.COMM_SELF, 32, 4).mesh
    V = fem.functionspace(msh, ("Lagrange", 2))
    X = ufl.SpatialCoordinate(msh)
    P = ufl.as_vector((ufl.cos(2 * ufl.pi * X[0]), 0.0))
    psi = PoissonSolver(V, 2.0, polarisation=P).solve()
    err = fem.assemble_scalar(fem.form(ufl.inner(-ufl.grad(psi) + P / 2.0, -ufl.grad(psi) + P / 2.0) * ufl.dx))
    assert np.sqrt(err) < 1e-3


def test_bad_permittivity_and_electrodes_raise():
    sp = sheet_pair_mesh(MPI.COMM_SELF, "x", 8, 8)
    V = fem.functionspace(sp.mesh, ("Lagrange", 1))
    with pytest.raises(ValueError, match="eps"):
        PoissonSolver(V, -1.0)
    with pytest.raises(ValueError, match="dirichlet"):
        PoissonSolver(V, 1.0, dirichlet={ELECTRODE_LEFT: 0.0})


def test_petsc_options_with_the_poisson_prefix_reach_the_solver():
    """-poisson_pc_gamg_threshold changes the GAMG hierarchy (fewer CG iterations on P2), not the solution."""
    from petsc4py import PETSc

    from hydrobridge.continuum.poisson import OPTIONS_PREFIX

    sp = sheet_pair_mesh(MPI.COMM_SELF, "x", 32, 32)
    V = fem.functionspace(sp.mesh, ("Lagrange", 2))

    def solve():
        solver = PoissonSolver(V, 1.0, facet_tags=sp.facet_tags, forcing=SheetForcing(1.0))
        psi = solver.solve().x.array.copy()
        return psi, solver.ksp.getIterationNumber()

    psi, its = solve()
    options = PETSc.Options()
    options[OPTIONS_PREFIX + "pc_gamg_threshold"] = 0.02
    try:
        psi_threshold, its_threshold = solve()
    finally:
        options.delValue(OPTIONS_PREFIX + "pc_gamg_threshold")
    assert its_threshold < its
    np.testing.assert_allclose(psi_threshold, psi, rtol=0, atol=1e-10 * np.max(np.abs(psi)))
