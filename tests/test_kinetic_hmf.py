"""HMF model and the vanishing 1D Balescu-Lenard flux (particles/kinetic/hmf.py; docs/theory.md (6.17)-(6.20))."""

import numpy as np
import pytest

from hydrobridge.particles.kinetic.hmf import (
    balescu_lenard_flux_1d,
    energy_per_particle,
    hmf_dielectric,
    hmf_ensemble,
    hmf_leapfrog,
    homogeneous_quartic,
    magnetisation_fluctuation,
    polytrope,
    waterbag,
)


def test_waterbag_initial_state():
    theta, p = waterbag(4000, 0.8, 0.0, np.random.default_rng(0))
    assert abs(energy_per_particle(theta, p) - 0.8) < 1e-12 and abs(p.sum()) < 1e-10
    q = p - p.mean()
    assert abs((q**4).mean() / (q * q).mean() ** 2 - 1.8) < 0.05  # uniform momenta: kurtosis 9/5
    theta, p = waterbag(4000, 0.4, 0.9, np.random.default_rng(1))
    assert abs(np.hypot(np.cos(theta).mean(), np.sin(theta).mean()) - 0.9) < 0.03
    with pytest.raises(ValueError):  # U = 0.05 < (1 - M^2)/2 ~ 0.1: no kinetic energy left
        waterbag(4000, 0.05, 0.9, np.random.default_rng(1))


def test_leapfrog_conserves_momentum_and_energy():
    theta, p = waterbag(500, 0.4, 0.9, np.random.default_rng(2))
    p0 = p.sum()
    records = hmf_leapfrog(theta, p, 0.05, 4000, 100)
    assert abs(p.sum() - p0) < 1e-10
    assert np.abs(records[:, 2] - 0.4).max() < 1e-3  # O(dt^2), bounded (symplectic)
    coarse = hmf_leapfrog(*waterbag(500, 0.4, 0.9, np.random.default_rng(2)), 0.1, 2000, 100)
    assert np.abs(coarse[:, 2] - 0.4).max() > 2.5 * np.abs(records[:, 2] - 0.4).max()  # second order in dt


def test_vlasov_stability_threshold_of_homogeneous_waterbag():
    """Homogeneous water-bags are Vlasov stable for U > 7/12: M stays O(N^-1/2); below, M grows to O(1)."""
    stable = hmf_leapfrog(*waterbag(5000, 0.8, 0.0, np.random.default_rng(3)), 0.1, 1000, 50)
    unstable = hmf_leapfrog(*waterbag(5000, 0.5, 0.0, np.random.default_rng(3)), 0.1, 1000, 50)
    assert stable[:, 0].max() < 6 / np.sqrt(5000)
    assert unstable[:, 0].max() > 0.3


def test_one_dimensional_balescu_lenard_flux_vanishes_with_the_resonance_width():
    v = np.linspace(-6, 6, 1201)
    f = np.exp(-0.5 * (v - 1) ** 2) + 0.6 * np.exp(-2 * (v + 1.5) ** 2)
    weight = 1.0 / (1.0 + 0.5 * np.exp(-v * v))
    peaks = [np.abs(balescu_lenard_flux_1d(f, v, s, weight))[200:-200].max() for s in (0.1, 0.05)]
    assert peaks[0] > 1e-3  # a non-equilibrium f: the widened operator does act
    assert 3.5 < peaks[0] / peaks[1] < 4.5  # J = O(sigma^2) -> 0: the sigma = 0 flux is identically zero


def test_homogeneous_quartic_state():
    theta, p = homogeneous_quartic(200_000, 0.6, np.random.default_rng(4))
    assert abs(p.mean()) < 1e-12 and abs((p * p).mean() - 0.6) < 1e-12
    assert abs((p**4).mean() / 0.36 - 2.188) < 0.03  # Gamma(1/4) Gamma(5/4) / Gamma(3/4)^2
    assert np.hypot(np.cos(theta).mean(), np.sin(theta).mean()) < 0.01
    with pytest.raises(ValueError, match="temperature"):
        homogeneous_quartic(10, -1.0, np.random.default_rng(0))


def test_polytrope_is_a_self_consistent_stationary_state():
    """F(e) ~ (e0 - e)_+^2 with <cos theta> = M: M and the momentum kurtosis stay put at large N, while a
    magnetised water-bag with the same M (not a function of e) is far from stationary."""
    theta, p = polytrope(20_000, 0.5, 2.0, np.random.default_rng(5))
    assert abs(np.hypot(np.cos(theta).mean(), np.sin(theta).mean()) - 0.5) < 0.02
    records = hmf_leapfrog(theta, p, 0.1, 600, 20)
    assert np.abs(records[:, 0] - 0.5).max() < 0.015 and np.abs(records[:, 1] - 2.445).max() < 0.05  # measured 0.009
    bag = hmf_leapfrog(*waterbag(20_000, 0.56, 0.5, np.random.default_rng(5)), 0.1, 600, 20)
    assert np.abs(bag[:, 0] - 0.5).max() > 0.04  # measured 0.054: breathing
    with pytest.raises(ValueError, match="magnetisation0"):
        polytrope(10, 1.5, 2.0, np.random.default_rng(0))


def test_ensemble_realisations_do_not_depend_on_the_ensemble_size_or_on_chunking():
    def sample(n, rng):
        return homogeneous_quartic(n, 0.6, rng)

    three = hmf_ensemble(sample, 64, 3, 0.25, 4, 40, 80, seed=7)
    two = hmf_ensemble(sample, 64, 2, 0.25, 4, 80, 80, seed=7)
    assert three.shape == (3, 21, 3) and np.array_equal(three[:2], two)


def test_hmf_dielectric_of_a_maxwellian():
    """eps_1(omega) = 1 - conj(1 + zeta Z(zeta)) / (2T); Vlasov threshold eps_1(0) = 0 at T = 1/2."""
    from scipy.special import wofz

    v = np.linspace(-10, 10, 2001)
    for t in (0.5, 0.8):
        eps = hmf_dielectric(np.exp(-v * v / (2 * t)) / np.sqrt(2 * np.pi * t), v)
        zeta = v / np.sqrt(2 * t)
        exact = 1 - np.conj(1 + zeta * 1j * np.sqrt(np.pi) * wofz(zeta)) / (2 * t)
        assert np.abs(eps - exact)[500:1500].max() < 1e-3
    assert abs(eps[1000] - 0.375) < 1e-3


@pytest.mark.mpi
def test_ensemble_split_over_ranks_equals_serial():
    from mpi4py import MPI

    def sample(n, rng):
        return polytrope(n, 0.5, 2.0, rng)

    split = hmf_ensemble(sample, 64, 5, 0.25, 4, 40, 80, seed=3, comm=MPI.COMM_WORLD)
    serial = hmf_ensemble(sample, 64, 5, 0.25, 4, 40, 80, seed=3)
    assert np.array_equal(split, serial)


def test_magnetisation_fluctuation_level():
    """N <|M|^2> = int f / |eps_1|^2 reduces to the fluctuation-dissipation value 1 / (1 - 1/(2T)) for a
    Maxwellian, and the simulated homogeneous Maxwellian state (N = 2000, T = 0.8) has that level."""
    v = np.linspace(-12, 12, 4801)
    t = 0.8
    f = np.exp(-v * v / (2 * t)) / np.sqrt(2 * np.pi * t)
    assert magnetisation_fluctuation(f, v) == pytest.approx(1 / (1 - 1 / (2 * t)), rel=1e-3)
    rng = np.random.default_rng(9)
    levels = []
    for _ in range(4):
        p = rng.normal(size=2000) * np.sqrt(t)
        records = hmf_leapfrog(rng.uniform(-np.pi, np.pi, 2000), p - p.mean(), 0.2, 2000, 10)
        levels.append(2000 * (records[20:, 0] ** 2).mean())
    assert np.mean(levels) == pytest.approx(1 / (1 - 1 / (2 * t)), rel=0.15)
