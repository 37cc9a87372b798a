"""Closures measured on the particle rung: fitted pressure (range, save/load), MD pair moments -> d2 table."""

import numpy as np
import pytest

from hydrobridge.closures.measured import (
    MeasuredPressure,
    fit_equation_of_state,
    fit_pressure,
    load_closure,
    pair_moment_table,
    save_closure,
)


def test_fit_recovers_the_law_and_round_trips(tmp_path):
    rho = np.linspace(0.2, 0.8, 7)
    p = 1.3 * rho + 0.7 * rho**2
    closure = fit_pressure(rho, p, degree=2, provenance={"source": "synthetic"})
    np.testing.assert_allclose(closure.coefficients, [0.0, 1.3, 0.7], atol=1e-12)
    np.testing.assert_allclose(closure.sound_speed_squared({"rho": rho}), 1.3 + 1.4 * rho, rtol=1e-12)
    save_closure(tmp_path / "p.json", closure)
    back = load_closure(tmp_path / "p.json")
    assert back.to_dict() == closure.to_dict()
    closure.check_range(np.array([0.3, 0.7]))
    with pytest.raises(ValueError, match="fitted range"):
        closure.check_range(np.array([0.1, 0.5]))
    MeasuredPressure(closure.coefficients, 0.2, 0.8, extrapolate=True).check_range(np.array([0.1]))


def test_equation_of_state_in_density_and_temperature(tmp_path):
    """p(rho, kT) = kT rho (1 + b rho) - c rho^2 (a second virial coefficient plus a mean-field attraction)
    is recovered from a (rho, kT) grid; at_temperature gives the isothermal law; kT outside is refused."""
    rho, kT = (x.ravel() for x in np.meshgrid(np.linspace(0.1, 0.5, 5), [0.3, 0.4, 0.5]))
    b, c = 0.8, 0.2
    eos = fit_equation_of_state(rho, kT, kT * rho * (1 + b * rho) - c * rho**2, degree_rho=2, degree_kT=1,
                                provenance={"source": "synthetic"})
    iso = eos.at_temperature(0.45)
    np.testing.assert_allclose(iso.coefficients, [0.0, 0.45, 0.45 * b - c], atol=1e-12)
    assert (iso.rho_min, iso.rho_max) == (0.1, 0.5) and iso.provenance["kT"] == 0.45
    with pytest.raises(ValueError, match="kT = 0.6 leaves the fitted range"):
        eos.at_temperature(0.6)
    save_closure(tmp_path / "eos.json", eos)
    assert load_closure(tmp_path / "eos.json").to_dict() == eos.to_dict()
    with pytest.raises(ValueError, match="temperatures cannot"):
        fit_equation_of_state(rho[:5], kT[:5], rho[:5], degree_kT=1)


def test_unphysical_fit_is_rejected():
    with pytest.raises(ValueError, match="increasing"):
        MeasuredPressure([1.0, -2.0], 0.1, 0.5)


def test_md_kinetic_pressure_of_an_ideal_gas_gives_kT_over_m():
    """P_vv of Maxwellian molecules (no forces): p = (1/2) tr P_vv = rho kT/m, fitted over 4 densities."""
    from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
    from hydrobridge.particles.dipolar.pressure import pressure_tensors

    rng = np.random.default_rng(7)
    kT, n = 1.7, 2000
    rho, p = [], []
    for density in (0.2, 0.4, 0.6, 0.8):
        L = np.sqrt(n / density)
        params = DipolarBoxModel(Lx=L, Ly=L)
        state = lattice_state(params, n, kT, rng)
        P = pressure_tensors(state, params, np.zeros((2, 2)))["P_vv"]
        rho.append(density)
        p.append(0.5 * np.trace(P))
    closure = fit_pressure(np.array(rho), np.array(p), degree=1)
    assert abs(closure.coefficients[1] / (kT / params.m) - 1) < 0.05


def test_pair_moments_land_on_the_right_separation():
    from hydrobridge.particles.dipolar.pair_moments import pair_moments

    box = np.array([8.0, 8.0])
    x = np.array([[1.0, 1.0], [2.3, 1.6]])
    theta = np.array([0.3, 1.2])
    pm = pair_moments(x, theta, box, r_max=2.0, n_bins=8)
    table = pair_moment_table(pm.edges, pm.m2, pm.m2perp, density=2 / 64.0, box=(8.0, 8.0))
    r = table.separations()
    nonzero = np.argwhere(np.abs(table.d2).sum(axis=(2, 3)) > 0)
    assert len(nonzero) == 2
    h = pm.edges[1] - pm.edges[0]
    for i, j in nonzero:                              # each bin [r, r + h) holds +-(x2 - x1)
        sep = [x[0] - x[1], x[1] - x[0]]
        assert any(np.all((r[i, j] <= s) & (s < r[i, j] + h)) for s in sep)
    with pytest.raises(ValueError, match="whole number of bins"):
        pair_moment_table(pm.edges, pm.m2, pm.m2perp, 0.03, (8.3, 8.0))
