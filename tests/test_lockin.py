"""hydrobridge.lockin: the lock-in amplitude shared by particles and continuum (docs/theory.md §4)."""

import subprocess
import sys

import numpy as np
import pytest

from hydrobridge.lockin import lockin_amplitude, lockin_amplitude_with_error


def test_lockin_recovers_amplitude_and_rejects_harmonics():
    w, per = 2.0, 40
    t = np.arange(3 * per) * (2 * np.pi / w) / per
    a = 0.7 - 0.3j
    x = (a * np.exp(-1j * w * t)).real + 0.4 + 0.2 * np.cos(2 * w * t + 0.3)
    assert abs(lockin_amplitude(x, w, t=t) - a) < 1e-13


def test_lockin_sign_convention():
    w, per = 1.3, 32
    t = 5.0 + np.arange(per) * (2 * np.pi / w) / per
    phi = 0.4
    assert np.isclose(lockin_amplitude(np.cos(w * t - phi), w, t=t), np.exp(1j * phi))


def test_lockin_columns_and_uniform_step_agree_with_times():
    w, dt = 3.0, 2 * np.pi / 3.0 / 50
    k = np.arange(100)
    x = np.column_stack([np.cos(w * k * dt), np.sin(w * k * dt)])
    amp = lockin_amplitude(x, w, dt=dt)
    assert np.allclose(amp, [1.0, 1j], atol=1e-13)
    assert np.allclose(amp, lockin_amplitude(x, w, t=k * dt), atol=1e-13)


def test_block_errors_cover_the_spread_of_a_noisy_harmonic():
    rng = np.random.default_rng(3)
    w, dt = 2.0, 0.01
    k = np.arange(20000)
    x = 0.5 * np.cos(w * k * dt - 0.2) + rng.normal(0.0, 1.0, k.size)
    amp, err = lockin_amplitude_with_error(x, w, 10, dt=dt)
    # white noise of variance 1: each of N samples adds 2/N of it to X^, so |error| ~ sqrt(2/N) per part
    assert abs(amp - 0.5 * np.exp(0.2j)) < 4 * abs(err)
    assert 0.5 < err.real / np.sqrt(2 / k.size) < 2.0


@pytest.mark.parametrize("kwargs, message", [
    (dict(t=np.linspace(0, 1, 10) ** 2), "uniformly spaced"),
    (dict(t=np.arange(10) * 0.15), "whole number"),
    (dict(t=np.arange(10) * 0.1, dt=0.1), "exactly one"),
])
def test_lockin_bad_input(kwargs, message):
    n = len(kwargs["t"])
    with pytest.raises(ValueError, match=message):
        lockin_amplitude(np.ones(n), 2 * np.pi, **kwargs)


def test_too_few_periods_for_blocks():
    with pytest.raises(ValueError, match="n_blocks"):
        lockin_amplitude_with_error(np.ones(100), 1.0, 5, dt=0.1)


def test_lockin_module_needs_no_dolfinx():
    code = "import sys, hydrobridge.lockin; sys.exit('dolfinx' in sys.modules or 'numba' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
