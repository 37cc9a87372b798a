"""Particles -> FE deposition: integrals equal particle sums, moments of degree 1 are exact."""

import numpy as np
import pytest

import ufl
from dolfinx import fem
from mpi4py import MPI

from hydrobridge.continuum.deposit import deposit
from hydrobridge.meshes.periodic import periodic_rectangle


@pytest.mark.mpi
@pytest.mark.parametrize("degree", [0, 1])
def test_deposition_conserves_every_moment(degree):
    comm = MPI.COMM_WORLD
    rng = np.random.default_rng(3)
    box = (2.0, 1.0)
    x = rng.uniform(-1, 3, size=(500, 2))               # also outside the box: wrapped periodically
    theta = rng.uniform(0, 2 * np.pi, 500)
    v = rng.normal(size=(500, 2))
    w = np.column_stack([np.ones(500), v, np.cos(theta), np.sin(theta), rng.normal(size=500)])  # rho, rhoU, rhoD, rhoOmega
    mine = slice(comm.rank, None, comm.size)             # each rank passes its share
    msh = periodic_rectangle(comm, 10, 6, *box).mesh
    V = fem.functionspace(msh, ("Discontinuous Lagrange", degree, (6,)))
    u = deposit(V, x[mine], w[mine], box)
    totals = [comm.allreduce(fem.assemble_scalar(fem.form(u[k] * ufl.dx))) for k in range(6)]
    np.testing.assert_allclose(totals, w.sum(axis=0), rtol=1e-12, atol=1e-12)
    if degree == 1:
        # degree 1 also reproduces first moments: int x u dx = sum_i x_i w_i (x_i wrapped into the box,
        # which is where the cells' geometry lies)
        X = ufl.SpatialCoordinate(msh)
        xw = np.mod(x, box)
        for k in range(2):
            first = comm.allreduce(fem.assemble_scalar(fem.form(X[k] * u[0] * ufl.dx)))
            assert abs(first - xw[:, k].sum()) < 1e-10 * xw[:, k].sum()


def test_wrong_weights_shape():
    msh = periodic_rectangle(MPI.COMM_SELF, 4, 4).mesh
    V = fem.functionspace(msh, ("Discontinuous Lagrange", 0))
    with pytest.raises(ValueError, match="weights"):
        deposit(V, np.zeros((3, 2)), np.ones((3, 2)), (1.0, 1.0))
