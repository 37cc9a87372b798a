"""HMF model and the vanishing 1D Balescu-Lenard flux (particles/kinetic/hmf.py; seed 000, issue 8)."""

import numpy as np
import pytest

from particles.kinetic.hmf import balescu_lenard_flux_1d, energy_per_particle, hmf_leapfrog, waterbag


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
