"""Microcanonical binary-collision process (particles/kinetic/mbc.py; docs/theory.md (6.6)-(6.7))."""

import numpy as np
import pytest

from hydrobridge.particles.kinetic.bkw import bkw_fourth_moment, sample_bkw_initial
from hydrobridge.particles.kinetic.kernels import MAXWELL_2D, coulomb
from hydrobridge.particles.kinetic.mbc import collide, collision_rate, mbc_ensemble, mbc_evolve, pair_covariance


def test_single_collision_conserves_and_rotates():
    rng = np.random.default_rng(3)
    v = rng.normal(size=(2, 2)) * 3.0
    z = v[0] - v[1]
    p, e = v.sum(axis=0), (v * v).sum()
    collide(v, 0, 1, 0.3)
    z_new = v[0] - v[1]
    assert np.allclose(v.sum(axis=0), p, rtol=0, atol=1e-14)
    assert abs((v * v).sum() / e - 1) < 1e-15
    assert np.isclose(np.arctan2(z[0] * z_new[1] - z[1] * z_new[0], z @ z_new), 0.3, rtol=1e-13)


def test_million_collisions_conserve_momentum_and_energy_to_roundoff():
    v0 = np.random.default_rng(4).normal(size=(1000, 2))
    snaps, count = mbc_evolve(v0, np.array([0.0, 3.0]), coulomb(1.0, 0.5), 0.3, seed=5)
    assert count > 1_000_000
    p0, p1 = snaps[0].sum(axis=0), snaps[1].sum(axis=0)
    assert np.abs(p1 - p0).max() < 1e-11  # sum of 1000 O(1) numbers, ~1e6 updates each of O(1e-16)
    assert abs((snaps[1] ** 2).sum() / (snaps[0] ** 2).sum() - 1) < 1e-12
    assert np.abs(snaps[1] - snaps[0]).max() > 1.0  # and the velocities did move


def test_collision_count_matches_rate():
    n, t = 400, 3.0
    theta = 0.25
    _, count = mbc_evolve(np.random.default_rng(0).normal(size=(n, 2)), np.array([t]), MAXWELL_2D, theta, seed=1)
    expected = collision_rate(MAXWELL_2D, theta) * (n - 1) / 2 * t  # Poisson mean
    assert abs(count - expected) < 4 * np.sqrt(expected)


def test_fourth_moment_follows_bkw():
    n = 50_000
    times = np.array([0.0, 1.0, 2.0, 5.0, 10.0])
    snaps, _ = mbc_evolve(sample_bkw_initial(n, np.random.default_rng(7)), times, MAXWELL_2D, 0.2, seed=8)
    r4 = ((snaps**2).sum(axis=2)) ** 2
    mean, err = r4.mean(axis=1), r4.std(axis=1) / np.sqrt(n)
    assert np.all(np.abs(mean - bkw_fourth_moment(times)) < 4 * err)
    # The same data reject a Landau flow twice as slow (K = 1 - exp(-t/16)/2): 0.5 apart at t = 5.
    assert abs(mean[3] - bkw_fourth_moment(times[3] / 2)) > 5 * err[3]


def test_second_moments_relax_at_the_exact_landau_rate():
    # Maxwell molecules: d(T_x - T_y)/dt = -(T_x - T_y)/2 exactly, for every f and every theta_max.
    n = 40_000
    rng = np.random.default_rng(11)
    v0 = rng.normal(size=(n, 2)) * np.sqrt([1.6, 0.4])
    times = np.array([0.0, 0.5, 1.0, 2.0])
    snaps, _ = mbc_evolve(v0, times, MAXWELL_2D, 0.5, seed=12)
    aniso = (snaps[:, :, 0] ** 2 - snaps[:, :, 1] ** 2).mean(axis=1)
    predicted = aniso[0] * np.exp(-times / 2)
    noise = 4 * np.sqrt(2 * (1.6**2 + 0.4**2) / n)  # sd of the mean of v_x^2 - v_y^2, at most
    assert np.all(np.abs(aniso - predicted) < noise)
    assert aniso[-1] < 0.5 * aniso[0] - 2 * noise


def test_pair_correlation_decays_like_one_over_n():
    """Propagation of chaos: Cov(psi(v_1), psi(v_2)) ~ c / N.

    For psi = |v|^2 the constant is known: the sum is conserved per realisation and the initial sample is
    i.i.d., so (N - 1) Cov = Var_0(|v|^2) - Var_t(|v|^2) = 2 - (<|v|^4>_BKW(t) - 4) (= -1.427 at t = 5).
    """
    realisations, t = 800, 5.0
    sizes = np.array([40, 160, 640])
    scaled_quartic = []
    for n in sizes:
        snaps = mbc_ensemble(sample_bkw_initial, n, realisations, np.array([t]), MAXWELL_2D, 0.3, seed=n)[:, 0]
        r2 = (snaps**2).sum(axis=2)
        cov2, err2 = pair_covariance(r2)
        assert abs((n - 1) * cov2 - (6.0 - bkw_fourth_moment(t))) < 3.5 * (n - 1) * err2
        cov4, err4 = pair_covariance(r2 * r2)
        assert cov4 < -4 * err4  # a resolved, non-zero correlation at every N
        scaled_quartic.append((cov4, err4))
    cov4, err4 = np.array(scaled_quartic).T
    slope, _ = np.polyfit(np.log(sizes), np.log(-cov4), 1, w=cov4 / err4)
    assert -1.3 < slope < -0.7


@pytest.mark.mpi
def test_ensemble_is_independent_of_the_rank_split():
    mpi4py = pytest.importorskip("mpi4py.MPI")
    times = np.array([0.0, 0.5])
    args = (sample_bkw_initial, 50, 5, times, MAXWELL_2D, 0.3, 9)
    split = mbc_ensemble(*args, comm=mpi4py.COMM_WORLD)
    serial = mbc_ensemble(*args)
    assert np.array_equal(split, serial)
    assert not np.array_equal(serial[0], serial[1])  # realisations differ
