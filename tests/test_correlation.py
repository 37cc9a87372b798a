"""First-marginal correction S_x, S_th (docs/theory.md §3): kernels and signs pinned by the pair energy."""

import numpy as np
import pytest

from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.continuum.correlation import PairMomentTable, first_marginal_sources, green_derivatives, pair_energy

PAR = DipolarParameters(mu=1.3, mass=0.7, inertia=0.2, eps0=0.9)


def test_green_derivatives_are_derivatives_of_each_other():
    r = np.array([[0.3, -0.2], [1.1, 0.4], [-0.5, -0.7]])
    H, T = green_derivatives(r)
    h = 1e-6
    G = lambda x: -np.log(np.linalg.norm(x, axis=-1)) / (2 * np.pi)  # noqa: E731
    for a in range(2):
        e = np.eye(2)[a] * h
        dH = (green_derivatives(r + e)[0] - green_derivatives(r - e)[0]) / (2 * h)
        np.testing.assert_allclose(T[:, :, :, a], dH, rtol=1e-7, atol=1e-9)
        for b in range(2):
            f = np.eye(2)[b] * h
            d2G = (G(r + e + f) - G(r + e - f) - G(r - e + f) + G(r - e - f)) / (4 * h * h)
            np.testing.assert_allclose(H[:, a, b], d2G, rtol=1e-4)


def blob_table(r0, th1, th2, n=256, box=2.0, sigma=0.012):
    table = PairMomentTable((box, box), np.zeros((n, n, 2, 2)), np.zeros((n, n, 2, 2)))
    r = table.separations()
    w = np.exp(-np.sum((r - r0) ** 2, axis=-1) / (2 * sigma**2))
    w /= w.sum() * (box / n) ** 2
    d1, d2 = np.array([np.cos(th1), np.sin(th1)]), np.array([np.cos(th2), np.sin(th2)])
    d1p = np.array([-d1[1], d1[0]])
    return PairMomentTable((box, box), w[..., None, None] * np.outer(d1, d2), w[..., None, None] * np.outer(d1p, d2))


@pytest.mark.parametrize("th1, th2", [(0.3, 1.9), (2.5, -0.4)])
def test_sources_equal_pair_force_and_torque_from_the_energy(th1, th2):
    """A pair moment concentrated at separation r0 gives S_x = n^2 F_1 / m and S_th = n^2 tau_1 / I,
    with F_1 = -grad_x1 U and tau_1 = -dU/dtheta1 by finite differences of the pair energy (signs +)."""
    r0 = np.array([0.31, -0.18])
    n = 1.7
    Kx, Kth = blob_table(r0, th1, th2).kernels(PAR)
    Sx, Sth = first_marginal_sources(np.full(Kth.shape, n), Kx, Kth)
    h = 1e-6
    U = lambda x1, t1: pair_energy(x1, t1, np.zeros(2), th2, PAR.mu, PAR.eps0)  # noqa: E731
    F = -np.array([(U(r0 + e, th1) - U(r0 - e, th1)) / (2 * h) for e in np.eye(2) * h])
    tau = -(U(r0, th1 + h) - U(r0, th1 - h)) / (2 * h)
    np.testing.assert_allclose(Sx[5, 7], n**2 * F / PAR.mass, rtol=5e-3)
    np.testing.assert_allclose(Sth[5, 7], n**2 * tau / PAR.inertia, rtol=5e-3)
    assert np.ptp(Sth) < 1e-9 * abs(Sth).max()        # uniform density: uniform sources


def test_symmetric_pair_moments_give_no_net_force_in_a_uniform_state():
    """d2(r) = d2(-r) (identical molecules): grad^3 G is odd, so S_x vanishes for uniform rho."""
    t = blob_table(np.array([0.2, 0.1]), 0.4, 0.4)
    sym = PairMomentTable(t.box, t.d2 + np.roll(np.flip(t.d2, axis=(0, 1)), 1, axis=(0, 1)), t.d2perp)
    Kx, Kth = sym.kernels(PAR)
    Sx, _ = first_marginal_sources(np.ones(Kth.shape), Kx, Kth)
    assert np.abs(Sx).max() < 1e-10 * np.abs(Kx).sum()


def test_bad_tables():
    with pytest.raises(ValueError, match="d2"):
        PairMomentTable((1.0, 1.0), np.zeros((4, 4, 2, 2)), np.zeros((4, 5, 2, 2)))
    t = blob_table(np.array([0.2, 0.1]), 0.0, 0.0, n=16)
    Kx, Kth = t.kernels(PAR)
    with pytest.raises(ValueError, match="rho"):
        first_marginal_sources(np.ones((8, 8)), Kx, Kth)


def uniform_fluid_with_pair_moments(comm, translation: bool):
    """(fluid, table, (S_x, S_th)): a DipolarFluid at uniform density 1.7, local equilibrium, no field, on a
    4 x 4 periodic unit square, with an asymmetric blob pair-moment table, and that table's first-marginal
    sources at density 1.7."""
    from hydrobridge.closures.rotational import LocalEquilibrium
    from hydrobridge.continuum.dipolar import DipolarFluid
    from hydrobridge.meshes.periodic import periodic_rectangle

    table = blob_table(np.array([0.31, -0.18]), 0.3, 1.9, n=64, box=1.0, sigma=0.05)
    msh = periodic_rectangle(comm, 4, 4).mesh
    fluid = DipolarFluid(msh, PAR, LocalEquilibrium(), 1.7, translation=translation, correlation=table)
    Kx, Kth = table.kernels(PAR)
    return fluid, table, first_marginal_sources(np.full(Kth.shape, 1.7), Kx, Kth)


def test_dipolar_fluid_spins_up_at_the_first_marginal_torque():
    """Uniform state, no field: d_t(rho Omega) = S_th exactly (the correlation torque is the only one)."""
    from mpi4py import MPI

    from hydrobridge.continuum.dipolar import DipolarFluid

    fluid, table, (_, Sth) = uniform_fluid_with_pair_moments(MPI.COMM_SELF, translation=False)
    msh = fluid.mesh
    dt = 0.01
    for _ in range(10):
        fluid.step(dt)
    s = fluid.state.x.array.reshape(-1, 3)[:, 2]
    np.testing.assert_allclose(s, 10 * dt * Sth.mean(), rtol=1e-10)
    # closures without rho Omega: Grad d_t B += S_th D_perp, Debye d_t p += (S_th / gamma_r) D_perp,
    # gamma_r = kT_r tau / I; from a uniform p0 (no field) the first step's slope is known exactly
    from hydrobridge.closures.rotational import Debye, GradRotational

    p0, h, S = np.array([0.4, -0.25]), 1e-3, Sth.mean()
    perp = np.array([-p0[1], p0[0]]) / 1.7
    for closure, comps, slope in ((GradRotational(), slice(2, 4), -PAR.w0**2 * p0 + S * perp),
                                  (Debye(0.5), slice(0, 2), -p0 / 0.5 + S / (PAR.kT_r * 0.5 / PAR.inertia) * perp)):
        fluid = DipolarFluid(msh, PAR, closure, 1.7, translation=False, correlation=table)
        fluid.set_state(polarisation=lambda x: np.outer(p0, np.ones(x.shape[1])))
        start = fluid.state.x.array.reshape(-1, fluid.layout.size)[:, comps].copy()
        fluid.step(h)
        rate = (fluid.state.x.array.reshape(-1, fluid.layout.size)[:, comps] - start) / h
        np.testing.assert_allclose(rate, np.broadcast_to(slope, rate.shape), rtol=2e-3)


@pytest.mark.mpi
def test_dipolar_fluid_accelerates_at_the_first_marginal_force():
    """Uniform density, no field, an asymmetric pair moment: d_t(rho U) = S_x (sampled density path)."""
    import ufl
    from dolfinx import fem
    from mpi4py import MPI

    fluid, _, (Sx, _) = uniform_fluid_with_pair_moments(MPI.COMM_WORLD, translation=True)
    msh = fluid.mesh
    for _ in range(5):
        fluid.step(0.01)
    momentum = [msh.comm.allreduce(fem.assemble_scalar(fem.form(fluid.state[i] * ufl.dx))) for i in (1, 2)]
    np.testing.assert_allclose(momentum, 0.05 * Sx.reshape(-1, 2).mean(axis=0), rtol=1e-8)
