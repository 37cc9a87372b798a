"""1D Ornstein-Zernike (docs/theory.md §1, §5): PY is exact for hard rods (Tonks); low-density limits."""

import numpy as np
import pytest

from hydrobridge.closures.ornstein_zernike import solve_oz_1d, tonks_g


@pytest.mark.parametrize("eta", [0.2, 0.5])
def test_percus_yevick_reproduces_the_tonks_gas(eta):
    sol = solve_oz_1d(lambda r: 0 * r, density=eta, closure="py", hard_core=1.0, r_max=60.0, n=2**17)
    outside = sol.r > 1.0 + 1e-9
    assert np.max(np.abs(sol.g[outside] - tonks_g(sol.r[outside], eta, 1.0))) < 1e-3
    assert np.max(np.abs(sol.g[sol.r < 1.0 - 1e-9])) < 1e-12          # no overlap: g = 0 inside the core


def test_tonks_g_normalisation_and_contact_value():
    """Contact value 1/(1 - eta) (1D equation of state) and g -> 1 at large r."""
    eta = 0.4
    r = np.array([1.0 + 1e-9, 40.0])
    g = tonks_g(r, eta, 1.0)
    assert abs(g[0] - 1 / (1 - eta)) < 1e-6 and abs(g[1] - 1) < 1e-6


@pytest.mark.parametrize("closure", ["py", "hnc"])
def test_low_density_limit_is_the_boltzmann_factor(closure):
    """rho -> 0: g(r) -> exp(-beta u(r)) for both closures (soft Gaussian repulsion + attraction)."""
    bu = lambda r: 1.5 * np.exp(-r**2) - 0.5 * np.exp(-0.25 * r**2)  # noqa: E731
    sol = solve_oz_1d(bu, density=1e-4, closure=closure, r_max=30.0, n=2**13)
    assert np.max(np.abs(sol.g - np.exp(-bu(sol.r)))) < 1e-3


def test_hnc_weak_coupling_gives_minus_beta_u():
    """Weak, smooth potential at moderate density: h = -beta u + O(eps^2, eps rho)."""
    eps = 1e-3
    bu = lambda r: eps / (1 + r**6)  # noqa: E731
    sol = solve_oz_1d(bu, density=0.05, closure="hnc", r_max=40.0, n=2**13)
    h = sol.g - 1
    assert np.max(np.abs(h + bu(sol.r))) < 0.2 * eps


def test_hnc_is_not_exact_for_hard_rods_and_bad_input():
    sol = solve_oz_1d(lambda r: 0 * r, density=0.5, closure="hnc", hard_core=1.0, r_max=60.0, n=2**15)
    diff = np.max(np.abs(sol.g[sol.r > 1.0 + 1e-9] - tonks_g(sol.r[sol.r > 1.0 + 1e-9], 0.5, 1.0)))
    assert diff > 1e-2                                            # the closure error, measured
    with pytest.raises(ValueError, match="closure"):
        solve_oz_1d(lambda r: 0 * r, 0.5, closure="msa")
    with pytest.raises(ValueError, match="hard_core"):
        solve_oz_1d(lambda r: 0 * r, 0.5, hard_core=2.5)
