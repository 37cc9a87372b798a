"""Parity in V0 as a split test of the gBBGKY truncation orders (docs/theory.md (5.32)-(5.34)): the leading order is
exactly even in V0, the (5.16)-(5.18) terms are its first odd part, O(V0^3); the MD estimator of the two parts; the
source of (5.15) against the exact mean squared force of the Tonks gas."""
import numpy as np
import pytest

from hydrobridge.particles.hard_rods import gbbgky as gb
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.ensemble import RodSystem
from hydrobridge.particles.hard_rods.observables import jackknife, kurtosis_from_moments
from hydrobridge.particles.hard_rods.propagator_test import source_force_variance, tonks_force_variance
from hydrobridge.particles.hard_rods.relaxation import kinetic_fit, parity_parts, parity_split

TIMES = np.array([0.0, 50.0, 100.0])
FULL = {"collective": True, "two_body": True, "three_point": True}


def _kinetic(v0: float, terms: dict) -> dict:
    setup = gb.make_setup(1.0, v0, 20.0, 0, 100.0, 6.0, 24, 12)
    rho0 = ghd.boosted_state(setup.theta, setup.w, 0.2, 2.5, 1.0)
    return gb.sb1_run(setup, rho0, TIMES, 2.0, **terms)


def test_leading_order_is_even_and_the_closure_terms_are_its_first_odd_part():
    """(5.33): (5.15) alone gives the same rho at +V0 and -V0 (to round-off) while rho moves by 1e-3; with
    (5.16)-(5.18) the odd part of the kurtosis change grows as V0^3 (ratio 8 for V0 doubled) and the even part
    departs from the leading order as V0^4 (ratio 16); the leading-order change itself as V0^2 (ratio 4)."""
    lo = {v0: _kinetic(v0, {"collective": False}) for v0 in (1.0, -1.0, 0.5)}
    assert np.abs(lo[1.0]["rho"] - lo[-1.0]["rho"]).max() <= 1e-13 * np.abs(lo[1.0]["rho"]).max()
    assert np.abs(lo[1.0]["rho"][-1] - lo[1.0]["rho"][0]).max() > 1e-3
    full = {v0: _kinetic(v0, FULL) for v0 in (1.0, -1.0, 0.5, -0.5)}
    odd = {v: parity_parts(full[v]["kurtosis"], full[-v]["kurtosis"])[1][1:] for v in (1.0, 0.5)}
    beyond = {v: parity_parts(full[v]["kurtosis"], full[-v]["kurtosis"])[0][1:]
              - (lo[v]["kurtosis"][1:] - lo[v]["kurtosis"][0]) for v in (1.0, 0.5)}
    leading = {v: lo[v]["kurtosis"][1:] - lo[v]["kurtosis"][0] for v in (1.0, 0.5)}
    assert np.abs(odd[1.0]).min() > 0.1 * np.abs(leading[1.0]).max()      # the odd part is not small here
    assert np.allclose(odd[1.0] / odd[0.5], 8.0, rtol=0.1)
    assert np.allclose(beyond[1.0] / beyond[0.5], 16.0, rtol=0.2)
    assert np.allclose(leading[1.0] / leading[0.5], 4.0, rtol=0.05)


def _mixture_moments(sigma2: np.ndarray) -> np.ndarray:
    """Raw moments (..., 4) of (1/2)[N(1, s2) + N(-1, s2)]: kurtosis known in closed form."""
    return np.stack([np.zeros_like(sigma2), 1.0 + sigma2, np.zeros_like(sigma2),
                     1.0 + 6.0 * sigma2 + 3.0 * sigma2**2], axis=-1)


def test_parity_split_of_paired_ensembles():
    """Kurtosis of the mixture with variance s2(t) = s0 + c t +- d t: parity_split gives the exact even and odd parts
    of the pooled ensembles; noise common to the two signs (the same initial states) cancels in the odd part,
    whose jackknife error is far below that of one run; the kinetic slopes are those of the two parts."""
    rng = np.random.default_rng(3)
    t_bar = np.linspace(0.0, 0.2, 9)
    common = rng.normal(0.0, 0.02, (64, 1))                   # per-realisation offset of s2, shared by +-V0
    plus = _mixture_moments(0.2 + common + 0.3 * t_bar + 0.1 * t_bar)
    minus = _mixture_moments(0.2 + common + 0.3 * t_bar - 0.1 * t_bar)
    res = parity_split(t_bar, plus, minus, start=0.05)
    k_plus, k_minus = kurtosis_from_moments(plus.mean(0)), kurtosis_from_moments(minus.mean(0))
    even, odd = 0.5 * (k_plus + k_minus) - k_plus[0], 0.5 * (k_plus - k_minus)     # (5.32) written out
    assert np.allclose(parity_parts(k_plus, k_minus), (even, odd), atol=1e-15)
    assert np.allclose(res["even"], even, atol=1e-14) and np.allclose(res["odd"], odd, atol=1e-14)
    assert odd[-1] > 0.01 and even[-1] > 0.01     # kurtosis grows with s2: larger at +V0, and on average
    single = parity_split(t_bar, plus, plus, start=0.05)      # odd part identically 0
    assert np.abs(single["odd"]).max() == 0.0
    one_run_err = jackknife(plus, kurtosis_from_moments)[1][-1]
    assert res["odd_err"][-1] < 0.1 * one_run_err
    assert res["slope_even"] == pytest.approx(kinetic_fit(t_bar, even, 0.05), rel=1e-12)
    assert res["slope_odd"] == pytest.approx(kinetic_fit(t_bar, odd, 0.05), rel=1e-12)
    assert 0.0 < res["slope_odd_err"] < 0.1 * abs(res["slope_odd"])
    with pytest.raises(ValueError, match="same states"):
        parity_split(t_bar, plus, _mixture_moments(0.25 + common + 0.3 * t_bar))
    with pytest.raises(ValueError, match="shape"):
        parity_split(t_bar, plus[:, :4], minus[:, :4])


@pytest.mark.parametrize("ring, n", [(250.0, 50), (100.0, 50)])
def test_source_of_the_leading_order_is_exact_at_t0(ring, n):
    """(5.34): the mean squared force of the Tonks gas (figure-2 positions, density 0.2, and a denser 0.5 with
    S0 = 0.25) equals the long-wavelength source (1 - aN)^2 N int V'^2 within 1 % and 3 standard errors; the ideal
    gas value N int V'^2 is far off (the test resolves the hard-core factor)."""
    system = RodSystem(n=n, ring=ring, v0=4.0)
    mean, err = tonks_force_variance(system, 3000, seed=1)
    source = source_force_variance(system)
    assert abs(mean - source) < 3 * err + 0.01 * source
    assert abs(mean - source / (1.0 - n / ring) ** 2) > 20 * err
    with pytest.raises(ValueError, match="n_samples"):
        tonks_force_variance(system, 1)
