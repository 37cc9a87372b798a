"""Relaxation-time estimators on the kurtosis of an ensemble (particles/kinetic/relaxation.py): exact
answers for exponential relaxation, the bootstrap error and the N-scaling exponent."""

import numpy as np
import pytest

from hydrobridge.particles.kinetic.relaxation import (bootstrap_relaxation_times, crossing_time, kurtosis_change,
                                                      relaxation_time, size_exponent)


def test_relaxation_time_estimator():
    """Exponential relaxation K(t) = 3 - (3 - K0) exp(-t / tau0): t_f - t_ref = -tau0 ln(1 - f)."""
    t = np.arange(0.0, 5000.0, 1.0)
    for tau0 in (300.0, 600.0):
        kurtosis = np.tile(3.0 - 0.8 * np.exp(-t / tau0), (2, 1))
        expected = tau0 * np.sqrt(np.log(1 / 0.75) * np.log(1 / 0.5))
        assert relaxation_time(kurtosis, 1.0, (0.25, 0.5), 1, 100.0) == pytest.approx(expected, rel=1e-3)
    assert np.isnan(relaxation_time(kurtosis[:, :200], 1.0, (0.25, 0.5), 1, 100.0))  # not reached yet
    with pytest.raises(ValueError, match="record_time"):
        relaxation_time(kurtosis, 0.0, (0.25,), 1, 100.0)


def test_change_cancels_each_realisations_offset_and_crossing_interpolates():
    """A frozen per-realisation offset drops out of K_r(t) - K_r(t_ref); a linear ramp crosses exactly."""
    t = np.arange(0.0, 100.0)
    offsets = np.array([-0.3, 0.0, 0.5])[:, None]
    change = kurtosis_change(2.0 + 0.01 * t + offsets, window=1, reference=10)
    np.testing.assert_allclose(change, 0.01 * (t - 10), atol=1e-14)
    assert crossing_time(change, 0.255, 11, 2.0) == pytest.approx(2.0 * 35.5)
    assert np.isnan(crossing_time(change, 5.0, 11, 2.0))


def test_bootstrap_spread_and_size_exponent_of_a_known_power_law():
    """tau = c N^2 exactly gives exponent 2 with local exponents 2; noisy realisations give a bootstrap
    spread of tau of the order of the realisation spread / sqrt(R), and a finite exponent error."""
    sizes = np.array([64, 128, 256, 512])
    t = np.arange(0.0, 4000.0)
    rng = np.random.default_rng(4)
    taus, boots = [], []
    for n in sizes:
        tau0 = 125.0 * (n / 128) ** 2
        rates = tau0 * (1 + 0.1 * rng.standard_normal(16))                   # realisation-to-realisation spread
        kurtosis = 3.0 - 0.8 * np.exp(-t[None, :] / rates[:, None])
        taus.append(relaxation_time(kurtosis, 1.0, (0.5,), 1, 0.0))
        boots.append(bootstrap_relaxation_times(kurtosis, 1.0, (0.5,), 1, 0.0, rng, 100))
        assert np.std(boots[-1]) == pytest.approx(0.1 * tau0 * np.log(2) / 4, rel=0.6)
    exponent, error, local = size_exponent(sizes, np.array(taus), np.array(boots))
    assert exponent == pytest.approx(2.0, abs=3 * error + 0.02) and 0 < error < 0.1
    exact, exact_error, exact_local = size_exponent(sizes, 3.0 * sizes**2.0, np.tile(3.0 * sizes[:, None]**2.0, 5))
    assert exact == pytest.approx(2.0) and exact_error == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(exact_local, 2.0)
    with pytest.raises(ValueError, match="sizes"):
        size_exponent(sizes[:1], np.array([1.0]), np.ones((1, 3)))
