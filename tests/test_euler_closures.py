"""Closure interface (closures/base.py, closures/ideal.py) and the exact Riemann solver (docs/theory.md §1)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hydrobridge.closures.base import CorrelationClosure, PressureClosure, check_state_fields
from hydrobridge.closures.ideal import Adiabatic, Isothermal, Polytropic, kinetic_gamma
from hydrobridge.continuum.riemann import exact_riemann, star_state


def test_ideal_closures_numpy_values_fields_and_dicts():
    rho = np.array([1.0, 2.0])
    m = np.array([[0.5], [-1.0]])
    iso, poly, adi = Isothermal(2.0), Polytropic(p0=1.5, rho0=1.0, gamma=3.0), Adiabatic(1.4)
    np.testing.assert_allclose(iso.pressure({"rho": rho, "m": m}), 2.0 * rho)
    np.testing.assert_allclose(iso.sound_speed_squared({"rho": rho, "m": m}), [2.0, 2.0])
    np.testing.assert_allclose(poly.pressure({"rho": rho, "m": m}), 1.5 * rho**3)
    np.testing.assert_allclose(poly.sound_speed_squared({"rho": rho, "m": m}), 3 * 1.5 * rho**2)
    p = np.array([0.7, 3.0])
    E = adi.energy(rho, m, p)
    np.testing.assert_allclose(E, p / 0.4 + 0.5 * m[:, 0] ** 2 / rho)
    np.testing.assert_allclose(adi.pressure({"rho": rho, "m": m, "E": E}), p, rtol=1e-14)
    assert iso.fields == ("rho", "m") and not iso.has_energy
    assert adi.fields == ("rho", "m", "E") and adi.has_energy
    for c in (iso, poly, adi):
        d = json.loads(json.dumps(c.to_dict()))
        assert d["closure"] == type(c).__name__
    assert kinetic_gamma(1) == 3.0 and kinetic_gamma(2) == 2.0
    with pytest.raises(ValueError):
        Adiabatic(1.0)
    with pytest.raises(ValueError):
        Isothermal(-1.0)


def test_closure_field_check_names_missing_fields():
    class NeedsE(CorrelationClosure):
        fields = ("rho", "E")

        def source(self, state):
            return None

        def to_dict(self):
            return {"closure": "NeedsE"}

    with pytest.raises(ValueError, match="E"):
        check_state_fields(NeedsE(), ("rho", "m"))
    check_state_fields(Isothermal(1.0), ("rho", "m"))
    assert issubclass(Adiabatic, PressureClosure)


@pytest.mark.parametrize(
    "left, right, p_star, u_star",
    [  # Toro, Riemann Solvers and Numerical Methods for Fluid Dynamics, Table 4.3 (gamma = 1.4)
        ((1.0, 0.0, 1.0), (0.125, 0.0, 0.1), 0.30313, 0.92745),
        ((1.0, -2.0, 0.4), (1.0, 2.0, 0.4), 0.00189, 0.0),
        ((1.0, 0.0, 1000.0), (1.0, 0.0, 0.01), 460.894, 19.5975),
        ((1.0, 0.0, 0.01), (1.0, 0.0, 100.0), 46.0950, -6.19633),
        ((5.99924, 19.5975, 460.894), (5.99242, -6.19633, 46.0950), 1691.64, 8.68975),
    ],
)
def test_exact_riemann_star_states_match_toro(left, right, p_star, u_star):
    p, u = star_state(left, right, 1.4)
    assert p == pytest.approx(p_star, rel=2e-5, abs=1e-5)
    assert u == pytest.approx(u_star, rel=2e-5, abs=1e-5)


def test_exact_sod_profile_conserves_mass_and_has_the_plateaus():
    x = np.linspace(0, 1, 200001)
    rho, u, p = exact_riemann(x, 0.2, (1.0, 0.0, 1.0), (0.125, 0.0, 0.1))
    mass = np.trapezoid(rho, x)
    assert mass == pytest.approx(0.5 * 1.0 + 0.5 * 0.125, abs=2e-5)  # no flux through the ends at t = 0.2
    assert np.all(np.diff(rho[x < 0.68]) <= 1e-12)                 # rarefaction + contact: monotone
    # contact at x0 + u* t, shock at x0 + S t (S = 1.75216 for Sod)
    assert rho[np.searchsorted(x, 0.68)] == pytest.approx(0.42632, rel=1e-4)
    assert rho[np.searchsorted(x, 0.8)] == pytest.approx(0.26557, rel=1e-4)
    assert rho[np.searchsorted(x, 0.86)] == pytest.approx(0.125)
