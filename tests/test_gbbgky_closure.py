"""gBBGKY closure export (docs/theory.md (5.27)): g2(z), rho2(z) and h = rho2 / rho_bar^2."""

import numpy as np
import pytest

from hydrobridge.closures.gbbgky_correlation import correlation_field, from_gbbgky, pair_density, thermal_gbbgky_closure
from hydrobridge.particles.hard_rods import ghd
from hydrobridge.particles.hard_rods.gbbgky import make_setup, stationary_correlation
from hydrobridge.particles.hard_rods.potential import PHI6, ring_table

BETA, RHO, RING, XI, V0 = 2.5, 0.2, 500.0, 20.0, 4.0


def sa20_h(a: float, z: np.ndarray) -> np.ndarray:
    """(5.23) integrated over both labels, / rho_bar^2: -beta (V_L - <V_L>) (1 - a rho)^4 (no k = 0 mode)."""
    tab = ring_table(V0, XI, RING, PHI6)
    nodes = np.arange(tab.shape[1]) * 0.05
    v_mean = 2.0 * np.sum(tab[0, :-1]) * 0.05 / RING
    return -BETA * (np.interp(z, nodes, tab[0]) - v_mean) * (1.0 - a * RHO) ** 4


def test_thermal_rods_reproduce_sa20():
    h = thermal_gbbgky_closure(1.0, V0, XI, PHI6, RING, RHO, BETA, n_theta=31, n_modes=64)
    ref = sa20_h(1.0, h.r)
    assert np.max(np.abs(h.h - ref)) < 2e-3 * np.max(np.abs(ref))       # measured 1.5e-3 (velocity grid)
    assert h.source == "gbbgky" and h.density == pytest.approx(RHO)


def test_point_particles_converge_to_weak_coupling_at_first_order():
    """a = 0: h -> -beta V; the regularised diagonal theta = theta' costs O(dtheta) (module doc)."""
    errors = []
    for n_theta in (31, 61):
        h = thermal_gbbgky_closure(0.0, V0, XI, PHI6, RING, RHO, BETA, n_theta=n_theta, n_modes=48)
        ref = sa20_h(0.0, h.r)
        errors.append(np.max(np.abs(h.h - ref)) / np.max(np.abs(ref)))
    assert 0.02 < errors[1] < 0.08
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.15)


def test_field_integrates_to_pair_density_and_range_check():
    setup = make_setup(1.0, V0, XI, PHI6, RING, 3.0, 21, 16)
    rho = ghd.thermal_state(setup.theta, setup.w, RHO, BETA)
    g = stationary_correlation(setup, rho)
    z = np.linspace(0.0, 250.0, 7)
    field = correlation_field(setup, g, z)
    np.testing.assert_allclose(np.einsum("i,zij,j->z", setup.w, field, setup.w), pair_density(setup, g, z),
                               atol=1e-14)
    np.testing.assert_allclose(correlation_field(setup, g, -z), field.transpose(0, 2, 1), atol=1e-12)  # g(z)^T = g(-z)
    h = from_gbbgky(setup, rho, g, {"test": True}, density_range=(0.1, 0.3))
    h.check_range(np.array([0.15, 0.25]))
    with pytest.raises(ValueError, match="leaves the range"):
        h.check_range(np.array([0.05, 0.25]))
    with pytest.raises(ValueError, match="g_modes"):
        pair_density(setup, g[:, :3], z)
