"""The pair propagator with correlated displacements (docs/theory.md (5.35)-(5.36)) against its derivation."""
import numpy as np
import pytest

from hydrobridge.particles.hard_rods import gbbgky as gb
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6

A, DENSITY = 1.0, 0.2


def _grid(n=48):
    theta, w = ghd.velocity_grid(6.0, n)
    return theta, w, ghd.boosted_state(theta, w, DENSITY, 2.5, 1.0)


def test_co_displacement_rate_is_the_exact_covariance_of_two_quasi_particles():
    """(5.35) against (5.12): Cov_12 / 2t for a pair that starts together, at every t; the diagonal of DD on the
    diagonal; the relative diffusion a^2 N |theta - theta'| / (2 (1 - aN))."""
    theta, w, rho = _grid()
    d12 = ghd.cross_diffusion_matrix(theta, w, rho, A)
    for i, j in ((10, 30), (20, 21), (5, 44), (24, 24)):
        for t in (10.0, 700.0):
            cov = ghd.pair_displacement_covariance(theta, w, rho, A, theta[i], theta[j], 0.0, t)
            assert cov[0, 1] / (2 * t) == pytest.approx(d12[i, j], rel=1e-12, abs=1e-16)
    # a separated pair tends to the same rate at late times
    cov = ghd.pair_displacement_covariance(theta, w, rho, A, theta[15], theta[30], 20.0, 1e6)
    assert cov[0, 1] / 2e6 == pytest.approx(d12[15, 30], rel=1e-3)
    diag = np.diag(ghd.diffusion_matrix(theta, w, rho, A))
    assert np.abs(np.diag(d12) - diag).max() < 1e-14
    relative = diag[:, None] + diag[None, :] - 2 * d12
    expected = A**2 * DENSITY / (2 * (1 - A * DENSITY)) * np.abs(theta[:, None] - theta[None, :])
    assert np.abs(relative - expected).max() < 1e-13


def _setup(n_theta=40, n_modes=30):
    return gb.make_setup(A, 4.0, 20.0, PHI6, 250.0, 6.0, n_theta, n_modes)


def test_correction_keeps_pair_number_and_thermal_correlation_and_removes_the_co_displacement():
    st = _setup()
    rho = ghd.boosted_state(st.theta, st.w, DENSITY, 2.5, 1.0)
    d12 = ghd.cross_diffusion_matrix(st.theta, st.w, rho, A)
    rng = np.random.default_rng(1)
    shape = (st.k.size, st.theta.size, st.theta.size)
    g = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    g = 0.5 * (g + g.transpose(0, 2, 1).conj())        # g_m^T = conj(g_m): a real g(z) with g(z)^T = g(-z)
    corr = gb.co_displacement_modes(st, g, rho, d12)
    scale = np.abs(corr).max()
    # int int K[g] = 0: the pair density of positions (and the correlation energy) are not changed
    assert np.abs(np.einsum("i,mij,j->m", st.w, corr, st.w)).max() < 1e-12 * scale * st.w.sum() ** 2
    # Hermitian symmetry kept
    assert np.abs(corr.transpose(0, 2, 1) - corr.conj()).max() < 1e-13 * scale
    # K[rho (x) rho F] = 0: the thermal correlation (5.23) is not moved
    flat = np.outer(rho, rho)[None] * (rng.normal(size=st.k.size) + 1j * rng.normal(size=st.k.size))[:, None, None]
    assert np.abs(gb.co_displacement_modes(st, flat, rho, d12)).max() < 1e-14 * scale
    # off the projection and the rank-2 part, the correction is + k^2 2 D12 o g (5.35): compare on a g whose
    # double integral vanishes and which lives on velocities where rho ~ 0 (so the rank-2 part is negligible) but
    # D12 is not (a pair of fast rods on the same side of rho: every rod crosses both)
    h = np.zeros_like(g)
    h[:, 3, 6] = h[:, 6, 3] = 1.0
    h[:, 4, 6] = h[:, 6, 4] = -st.w[3] / st.w[4]
    out = gb.co_displacement_modes(st, h, rho, d12)
    expected = st.k**2 * 2 * d12[3, 6]
    assert d12[3, 6] > 0.1
    assert np.abs(out[:, 3, 6] - expected).max() < 1e-9 * expected.max()


@pytest.mark.parametrize("terms", [{"collective": False}, {"collective": True},
                                   {"collective": True, "two_body": True, "three_point": True}])
def test_correlated_pairs_conserve_number_momentum_energy(terms):
    st = gb.make_setup(A, 8.0, 20.0, PHI3, 500.0, 6.0, 40, 60)
    rho0 = ghd.boosted_state(st.theta, st.w, DENSITY, 2.5, 1.0) * (1 + 0.2 * np.tanh(st.theta))
    res = gb.sb1_run(st, rho0, np.arange(0.0, 61.0, 20.0), 1.0, correlated_pairs=True, **terms)
    mom = np.array([[st.w @ r, st.w @ (st.theta * r)] for r in res["rho"]])
    energy = res["ekin"] + res["ecorr"]
    assert np.abs(mom[:, 0] - mom[0, 0]).max() < 1e-14
    assert np.abs(mom[:, 1] - mom[0, 1]).max() < 1e-9 * mom[0, 0]
    assert np.abs(energy - energy[0]).max() < 1e-8 * energy[0]
    assert abs(res["ekin"][-1] - res["ekin"][0]) > 1e-3 * energy[0]
    independent = gb.sb1_run(st, rho0, np.array([60.0]), 1.0, **terms)          # the flag reaches the solver
    assert abs(independent["ekin"][-1] - res["ekin"][-1]) > 1e-4 * abs(res["ekin"][-1] - res["ekin"][0])


def test_correlated_pairs_keep_sa20_stationary():
    """(5.23) is a fixed point of (5.15) with (5.36): the projection of (5.36) removes rho (x) rho F from X (without it
    the elementwise part 2 D12 o g moves the thermal correlation)."""
    st = gb.make_setup(A, 4.0, 20.0, PHI6, 500.0, 6.0, 40, 60)
    rho = ghd.thermal_state(st.theta, st.w, DENSITY, 1.0 / 1.2)
    g = gb.stationary_correlation(st, rho)
    state = gb.sb1_initial(st, rho, g)
    for _ in range(20):
        gb.sb1_step(st, state, 2.0, collective=False, correlated_pairs=True)
    assert np.abs(state.rho - rho).max() < 1e-5 * rho.max()
    assert np.abs(gb.correlation_modes(state) - g).max() < 2e-3 * np.abs(g).max()


def test_correlated_pairs_converge_with_the_theta_grid_and_slow_the_relaxation():
    """(5.36) on a finite window converges with the velocity grid (its Markov limit would not: the naive form grew
    x12 from 24 to 32 points), and lowers the kinetic rate of the leading order, whose independent pair diffusion
    separates the close-velocity pairs that (5.36) keeps together. phi6, V0 = 1 (the weak-coupling limit)."""
    times = np.array([0.0, 600.0, 1200.0])
    change = {}
    for n_theta in (40, 60, 80):
        st = gb.make_setup(A, 1.0, 20.0, PHI6, 250.0, 6.0, n_theta, 12)
        rho0 = ghd.boosted_state(st.theta, st.w, DENSITY, 2.5, 1.0)
        for correlated in (False, True):
            k = gb.sb1_run(st, rho0, times, 3.0, collective=False, correlated_pairs=correlated)["kurtosis"]
            change[n_theta, correlated] = k[-1] - k[1]          # the kinetic window
    steps = [abs(change[b, True] - change[a, True]) for a, b in ((40, 60), (60, 80))]
    assert steps[1] < 0.7 * steps[0] and steps[1] < 0.1 * change[80, True]
    assert 0.2 * change[80, False] < change[80, True] < 0.8 * change[80, False]
