"""1D reduction ladder pieces (closures.ideal.TonksPressure, particles.hard_rods.bump,
continuum.reduction_ladder): the Euler initial state is the MD ensemble's, the rungs conserve mass, the
variance-reduced MD estimator keeps the symmetries, the paired error statistics, closure range checks."""

import numpy as np
import pytest

from hydrobridge.closures.hard_rods import correlation_closure
from hydrobridge.closures.ideal import TonksPressure
from hydrobridge.closures.measured import MeasuredPressure, load_closure, save_closure
from hydrobridge.continuum.reduction_ladder import euler_rung, rung_errors
from hydrobridge.particles.hard_rods.bump import DensityBump, expected_density, md_realisation, mirrored_pair_sample
from hydrobridge.particles.hard_rods.potential import PHI6

GAS = dict(n=100, ring=500.0, v0=4.0, xi=20.0, beta=2.5, amplitude=2.0, width=25.0)
BINS, CELLS = 25, 50


@pytest.mark.parametrize("a", [0.0, 1.0])
def test_euler_initial_profile_is_the_md_ensemble_mean(a):
    """Rods sampled in contracted coordinates: <rho_x> = rho_y / (1 + a rho_y) mapped by x = y + a N F(y)."""
    bump = DensityBump(a=a, **GAS)
    edges = np.linspace(0.0, bump.ring, BINS + 1)
    hist = np.array([md_realisation(bump, s, np.array([0.0]), edges)[0][0] for s in range(400)])
    mean, se = hist.mean(0), hist.std(0, ddof=1) / np.sqrt(len(hist))
    xs, rho = expected_density(bump)
    expected = np.array([np.trapezoid(np.interp(np.linspace(lo, hi, 201), xs, rho), dx=(hi - lo) / 200) / (hi - lo)
                         for lo, hi in zip(edges[:-1], edges[1:])])
    assert np.trapezoid(rho, xs) == pytest.approx(bump.n, rel=1e-4)
    assert np.all(np.abs(mean - expected) < 4.5 * se + 1e-3)
    assert np.ptp(expected) > 0.2                      # a real bump (peak / background about 3)


def test_antithetic_mirrored_sample_keeps_the_symmetries():
    """Pair sample: density even and momentum odd under x -> L - x; at t = 0 the momentum cancels exactly."""
    bump = DensityBump(a=1.0, **GAS)
    edges = np.linspace(0.0, bump.ring, BINS + 1)
    rho, mom = mirrored_pair_sample(bump, 100006, np.array([0.0, 2.0]), edges)
    np.testing.assert_array_equal(rho, rho[:, ::-1])
    np.testing.assert_array_equal(mom, -mom[:, ::-1])
    assert np.max(np.abs(mom[0])) < 1e-12 and np.max(np.abs(mom[1])) > 1e-3
    assert rho[1].sum() * (edges[1] - edges[0]) == pytest.approx(bump.n)


def test_paired_error_difference_and_its_verdict():
    """err^2 - err_base^2 is exact for the sample mean, and a rung closer to the truth is found to reduce it."""
    rng = np.random.default_rng(0)
    truth = np.sin(np.linspace(0, 2 * np.pi, 30))[None, :].repeat(2, 0)
    samples = truth[None] + 0.3 * rng.standard_normal((400, 2, 30))
    ref = samples.mean(0)
    base, better = truth + 0.2, truth + 0.02
    e = rung_errors(better, ref, samples, 1.0, base)
    direct = np.sum((better - ref) ** 2, axis=1) - np.sum((base - ref) ** 2, axis=1)
    np.testing.assert_allclose(e["err2_minus_mean_field_err2"], direct, rtol=1e-12)
    assert e["vs_mean_field"] == ["reduces", "reduces"]
    assert rung_errors(base, ref, samples, 1.0, base)["vs_mean_field"] == ["unresolved", "unresolved"]
    se = np.sqrt(np.sum(samples.var(0, ddof=1), axis=1) / 400)
    assert np.all(np.array(e["relative_l2_error"]) < 2 * np.hypot(se, 0.02 * np.sqrt(30)))


def test_rungs_conserve_mass_and_closures_stop_outside_their_range():
    bump = DensityBump(a=1.0, **GAS)
    edges = np.linspace(0.0, bump.ring, 51)
    times = np.array([0.0, 5.0])
    tonks = TonksPressure(1.0 / bump.beta, bump.a)
    hnc = correlation_closure("hnc", bump.a, bump.v0, bump.xi, PHI6, bump.ring, bump.density, bump.beta,
                              extrapolate=True)
    for h in (None, hnc):
        rho, m, status = euler_rung(bump, tonks, times, edges, CELLS, pair_correlation=h)
        assert status == "ok"
        assert abs(rho[1].sum() - rho[0].sum()) < 1e-3 * rho[0].sum()     # bin averages of a conserved field
        assert np.all(rho > 0)
    narrow = MeasuredPressure([0.0, 0.4, 0.8], 0.19, 0.21)
    rho, m, status = euler_rung(bump, narrow, times, edges, CELLS, mean_field=False)
    assert status.startswith("stopped at t = 0") and "fitted range" in status and np.all(np.isnan(rho))
    with pytest.raises(ValueError, match="mean_field"):
        euler_rung(bump, tonks, times, edges, CELLS, pair_correlation=hnc, mean_field=False)


def test_tonks_pressure_is_the_hard_rod_equation_of_state(tmp_path):
    """p = rho kT / (1 - a rho), c^2 = dp/drho = kT / (1 - a rho)^2; the ideal gas at a = 0; saved and loaded
    like every closure; bad input named."""
    rho = np.linspace(0.05, 0.9, 18)
    kT, a = 0.4, 1.0
    tonks = TonksPressure(kT, a)
    np.testing.assert_allclose(tonks.pressure({"rho": rho}), rho * kT / (1 - a * rho), rtol=1e-14)
    drho = 1e-6
    numeric = (tonks.pressure({"rho": rho + drho}) - tonks.pressure({"rho": rho - drho})) / (2 * drho)
    np.testing.assert_allclose(tonks.sound_speed_squared({"rho": rho}), numeric, rtol=1e-7)
    np.testing.assert_allclose(TonksPressure(kT, 0.0).pressure({"rho": rho}), kT * rho, rtol=1e-14)
    save_closure(tmp_path / "tonks.json", tonks)
    assert load_closure(tmp_path / "tonks.json").to_dict() == tonks.to_dict()
    with pytest.raises(ValueError, match="kT"):
        TonksPressure(-1.0, 1.0)
    with pytest.raises(ValueError, match="a = -1"):
        TonksPressure(1.0, -1.0)


def test_bump_rejects_rods_that_do_not_fit():
    with pytest.raises(ValueError, match="a = 6"):
        DensityBump(a=6.0, **GAS)
    with pytest.raises(ValueError, match="width"):
        DensityBump(a=1.0, **{**GAS, "width": 0.0})
