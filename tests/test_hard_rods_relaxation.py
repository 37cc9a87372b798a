"""Kinetic-regime estimators of the boosted hard-rod relaxation (particles/hard_rods/relaxation.py) on
synthetic ensembles with a known answer."""

import numpy as np
import pytest

from hydrobridge.particles.hard_rods.ensemble import RodSystem
from hydrobridge.particles.hard_rods.relaxation import (KINETIC_START, agreement, ensemble_relaxation, kinetic_fit,
                                                        kinetic_slope, time_scale)


def linear_kurtosis_moments(t_bar, slope, sigma, realisations, rng):
    """Raw moments <u>, <u^2>, <u^3>, <u^4> = 0, 1, 0, 3 + kappa_r(t) per realisation with
    kappa_r(t) = -1 + slope t + N(0, sigma^2): the pooled excess kurtosis is the mean of kappa_r."""
    kappa = -1.0 + slope * t_bar + sigma * rng.standard_normal((realisations, t_bar.size))
    moments = np.zeros((realisations, t_bar.size, 4))
    moments[..., 1], moments[..., 3] = 1.0, 3.0 + kappa
    return moments, kappa


def test_jackknife_slope_of_a_linear_series_with_known_noise():
    """Slope 1.5 with noise sigma per realisation and sample: the estimate is the least-squares slope of the
    realisation mean over t_bar >= KINETIC_START, and its jackknife error is, for this linear functional,
    exactly the standard error of the per-realisation slopes; it agrees with sigma / sqrt(R S_xx)."""
    rng = np.random.default_rng(11)
    t_bar = np.linspace(0.0, 0.3, 25)
    kinetic = t_bar >= KINETIC_START
    moments, kappa = linear_kurtosis_moments(t_bar, 1.5, 0.2, 400, rng)
    value, err = kinetic_slope(moments, t_bar)
    per_real = np.array([np.polyfit(t_bar[kinetic], k[kinetic], 1)[0] for k in kappa])
    assert value == pytest.approx(per_real.mean(), rel=1e-9)
    assert err == pytest.approx(per_real.std(ddof=1) / np.sqrt(len(per_real)), rel=1e-6)
    s_xx = np.sum((t_bar[kinetic] - t_bar[kinetic].mean()) ** 2)
    assert err == pytest.approx(0.2 / np.sqrt(400 * s_xx), rel=0.15)
    assert abs(value - 1.5) < 4 * err


def test_slope_needs_a_kinetic_regime_and_two_realisations():
    rng = np.random.default_rng(1)
    short = np.linspace(0.0, 0.06, 4)                     # two samples at t_bar >= 0.05
    assert kinetic_fit(short, short) is None
    assert kinetic_slope(linear_kurtosis_moments(short, 1.0, 0.1, 4, rng)[0], short) == (None, None)
    t_bar = np.linspace(0.0, 0.2, 9)
    assert kinetic_slope(linear_kurtosis_moments(t_bar, 1.0, 0.1, 1, rng)[0], t_bar) == (None, None)
    with pytest.raises(ValueError, match="moments"):
        kinetic_slope(np.zeros((3, 5, 4)), t_bar)


def test_agreement_of_identical_curves_and_of_a_shifted_slope():
    rng = np.random.default_rng(2)
    t = np.linspace(0.0, 2000.0, 21)                     # t_bar up to 0.12
    system = RodSystem(n=10, ring=50.0)
    t_bar = t * time_scale(system)
    obs = np.zeros((8, t.size, 8))
    moments, _ = linear_kurtosis_moments(t_bar, 2.0, 0.05, 8, rng)
    obs[..., :4] = moments
    obs[..., 4], obs[..., 5], obs[..., 6] = 0.5, -0.1, 0.3
    md = ensemble_relaxation(t, obs, system.n, time_scale(system))
    same = agreement(md, {"kurtosis": md["kurtosis"]}, t_bar)
    assert same["max_abs_diff"] == 0 and same["fraction_within"] == 1 and same["fraction_change_within"] == 1
    assert same["slope_diff_in_md_errors"] == pytest.approx(0.0, abs=1e-9)
    steeper = agreement(md, {"kurtosis": md["kurtosis"] + 3.0 * md["kurtosis_slope_kinetic_err"] * t_bar}, t_bar)
    assert steeper["slope_diff_in_md_errors"] == pytest.approx(-3.0, rel=1e-6)
    assert md["energy_rel_err"] == 0 and md["energy_drift_per_rod"] == 0 and md["min_gap"] == 0.3
    obs[3, 10:, 5] -= 1e-3                               # one realisation's energy jumps by 1e-3 per rod (E = 0.4)
    drifted = ensemble_relaxation(t, obs, system.n, time_scale(system))
    assert drifted["energy_drift_per_rod"] == pytest.approx(1e-3) and drifted["energy_rel_err"] == pytest.approx(2.5e-3)


def test_time_scale_is_the_seed_rescaling():
    """d t_bar / d t = (a rho V0)^2 / (xi v_bar)^3 with v_bar^2 = theta0^2 + 1/(2 beta)."""
    system = RodSystem(n=100, ring=500.0, a=1.0, v0=4.0, xi=20.0, beta=2.5, theta0=1.0)
    assert time_scale(system) == pytest.approx((0.2 * 4.0) ** 2 / (20.0 * np.sqrt(1.2)) ** 3, rel=1e-14)
