"""SheetForcing: sigma(t) = sigma0 s(t) cos(w t) with the sin^2 switch-on (docs/theory.md §4)."""

import numpy as np
import pytest

from hydrobridge.continuum.forcing import SheetForcing


def test_switch_on_is_smooth_and_complete():
    f = SheetForcing(0.5, omega=2.0, ramp_periods=3)
    T = f.ramp_time
    assert T == pytest.approx(3 * np.pi)
    assert f.envelope(0.0) == 0.0 and f.envelope(T) == 1.0 and f.envelope(2 * T) == 1.0
    assert f.envelope(0.5 * T) == pytest.approx(0.5)
    t = np.linspace(0.0, T, 7)
    assert np.all(np.diff([f.envelope(x) for x in t]) > 0)
    assert SheetForcing(0.5, 2.0).envelope(0.0) == 1.0          # no ramp: on from t = 0


@pytest.mark.parametrize("t", [0.3, 2.0, 7.0, 12.0])
def test_charge_rate_is_the_derivative_of_the_charge(t):
    f = SheetForcing(0.7, omega=1.3, ramp_periods=2)
    h = 1e-6
    numeric = 0.7 * (f.charge_factor(t + h) - f.charge_factor(t - h)) / (2 * h)
    assert f.charge_rate(t) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_static_sheets_and_held_envelope():
    static = SheetForcing(0.7)
    assert static.charge_factor(5.0) == 1.0 and static.charge_rate(5.0) == 0.0
    ramped = SheetForcing(1.0, omega=1.0, ramp_periods=1)
    assert ramped.charge_factor(1.0, envelope=0.25) == pytest.approx(0.25 * np.cos(1.0))


@pytest.mark.parametrize("kwargs, name", [
    (dict(sigma0=np.nan), "sigma0"), (dict(sigma0=1.0, omega=-1.0), "omega"),
    (dict(sigma0=1.0, omega=0.0, ramp_periods=2), "ramp_periods"),
])
def test_bad_forcing(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SheetForcing(**kwargs)
