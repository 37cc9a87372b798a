"""Andersen-thermostatted hard-rod MD (docs/theory.md §5): canonical temperature, exact Tonks pressure at V = 0,
and the measured g(r) as a pair-correlation closure."""

import numpy as np
import pytest

from hydrobridge.closures.ornstein_zernike import tonks_g
from hydrobridge.closures.pair_correlation import from_md, load_pair_correlation
from hydrobridge.particles.hard_rods.potential import PHI6
from hydrobridge.particles.hard_rods.thermostat import sample_canonical


def test_bare_rods_give_the_finite_n_tonks_pressure_and_structure(tmp_path):
    n, ring, a, beta = 40, 200.0, 1.0, 2.5
    runs = [sample_canonical(n, ring, a, beta, 0.0, 20.0, PHI6, t_equilibrate=20.0, t_sample=600.0,
                             sample_interval=1.0, r_max=20.0, nbins=40, seed=s) for s in (1, 2, 3)]
    p = np.array([s.pressure for s in runs])
    exact = (1.0 / beta) * (1.0 / ring + (n - 1) / (ring - n * a))      # kT d ln Z / dL on the ring
    assert abs(p.mean() - exact) < max(4 * p.std(ddof=1) / np.sqrt(len(p)), 5e-3 * exact)
    assert abs(p.mean() - exact) < 0.03 * exact
    assert np.mean([s.temperature for s in runs]) == pytest.approx(1.0 / beta, rel=0.03)
    assert runs[0].pressure_virial == 0.0 and runs[0].pressure_contact > 0
    g = np.mean([s.g for s in runs], axis=0)
    far = runs[0].r > 1.5
    assert np.max(np.abs(g - tonks_g(runs[0].r, n / ring, a))[far]) < 0.08     # N = 40: 1/N offsets, noise
    h = from_md(runs[0].r, g, n / ring, {"runs": 3}, density_range=(0.15, 0.25))
    h.save(tmp_path / "h.json")
    back = load_pair_correlation(tmp_path / "h.json")
    assert back.source == "md" and back.density_range == (0.15, 0.25)
    np.testing.assert_array_equal(back(np.linspace(0, 30, 31)), h(np.linspace(0, 30, 31)))
    with pytest.raises(ValueError, match="leaves the range"):
        back.check_range(np.array([0.2, 0.4]))


def test_point_particle_md_under_the_thermostat_conserves_energy():
    """a = 0: Runge-Kutta stages let neighbours cross; the forces must still use the periodic separation
    (before md.forces wrapped it, the energy grew without bound: T from 0.4 to 660 by t = 35)."""
    from hydrobridge.particles.hard_rods.md import forces, step, work_array
    from hydrobridge.particles.hard_rods.potential import ring_table

    rng = np.random.default_rng(1)
    n, ring = 100, 500.0
    y, u = np.sort(rng.uniform(0.0, ring, n)), rng.normal(0.0, np.sqrt(0.4), n)
    tab, f, work = ring_table(4.0, 20.0, ring, PHI6, 0.05), np.empty(n), work_array(n)
    e0 = forces(y, 0.0, tab, 0.05, ring, f) + 0.5 * u @ u
    for _ in range(300):
        step(y, u, f, 0.1, 0.0, tab, 0.05, ring, work)
    e1 = forces(y, 0.0, tab, 0.05, ring, np.empty(n)) + 0.5 * u @ u
    assert abs(e1 - e0) < 1e-3 * abs(e0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="fit on the ring"):
        sample_canonical(100, 50.0, 1.0, 2.5, 0.0, 20.0, PHI6)
    with pytest.raises(ValueError, match="r_max"):
        sample_canonical(10, 50.0, 1.0, 2.5, 0.0, 20.0, PHI6, r_max=40.0)


@pytest.mark.slow
def test_thermostatted_md_samples_the_canonical_structure_of_monte_carlo():
    """Rods + 1/(1+x^6) potential (a = 1, V0 = 4, xi = 20, beta = 2.5, rho = 0.2), N = 50: the Andersen MD
    g(r) and the Metropolis g(r) of the same finite canonical ensemble agree within their errors."""
    from hydrobridge.particles.hard_rods.equilibrium import sample_pair_correlation

    n, ring, a, beta, v0, xi = 50, 250.0, 1.0, 2.5, 4.0, 20.0
    md = np.array([sample_canonical(n, ring, a, beta, v0, xi, PHI6, t_equilibrate=100.0, t_sample=2000.0,
                                    sample_interval=2.0, r_max=40.0, nbins=40, seed=s).g for s in range(4)])
    mc = np.array([sample_pair_correlation(n, ring, a, beta, v0, xi, PHI6, r_max=40.0, nbins=40, sweeps=10000,
                                           seed=7 + 3 * s)[1] for s in range(4)])
    se = np.hypot(md.std(0, ddof=1), mc.std(0, ddof=1)) / 2.0
    d = np.abs(md.mean(0) - mc.mean(0))[1:]                               # r > 1: outside the core
    assert np.mean(d < 3 * se[1:]) >= 0.9 and np.max(d) < 0.05
    assert np.max(np.abs(md.mean(0) - 1.0)) > 0.1                         # real structure (contact peak)
