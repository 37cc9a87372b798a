"""Lock-in projection (docs/theory.md §4): X^ = (2/T) int X exp(i w t) dt over whole periods."""

import numpy as np
import pytest

from hydrobridge.continuum.lockin import lockin_amplitude


def test_lockin_recovers_amplitude_and_rejects_harmonics():
    w = 3.0
    t = np.arange(3 * 40) * (2 * np.pi / w) / 40
    a = 0.7 - 0.2j
    x = np.real(a * np.exp(-1j * w * t)) + 0.5 + 0.3 * np.cos(3 * w * t + 0.1)
    assert abs(lockin_amplitude(t, x, w) - a) < 1e-13


def test_lockin_sign_convention():
    """X = cos(w t - phi) lags the forcing: X^ = exp(i phi), Im > 0 for a lag."""
    w, phi = 1.0, 0.4
    t = np.arange(64) * 2 * np.pi / 64
    assert np.isclose(lockin_amplitude(t, np.cos(w * t - phi), w), np.exp(1j * phi))


@pytest.mark.parametrize("t, message", [
    (np.arange(15) * 0.1, "periods"), (np.r_[0.0, 0.1, 0.3, 0.4], "uniformly"),
])
def test_lockin_bad_input(t, message):
    with pytest.raises(ValueError, match=message):
        lockin_amplitude(t, np.ones_like(t), 2 * np.pi)
