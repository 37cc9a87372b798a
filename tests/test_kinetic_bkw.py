"""BKW solution of the 2D Maxwell-molecule Landau equation (docs/theory.md (6.4)).

The residual d_t f - Q(f) is computed by a quadrature of the full Landau operator that shares no code with
particles/kinetic/landau_grid.py: a = A * f and b = (div A) * f by FFT convolution, Q = div(a grad f - b f)
by centred differences.
"""

import numpy as np
import pytest
from scipy.signal import fftconvolve

from hydrobridge.particles.kinetic.bkw import bkw_f, bkw_fourth_moment, bkw_k, sample_bkw_initial


def landau_residual(n: int, t: float, time_scale: float) -> float:
    """max |Q(f) - d_t f| / max |d_t f| on |v_x|, |v_y| < 4, for f(v, time_scale * t)."""
    half = 10.0
    h = 2 * half / n
    v = -half + h * (np.arange(n) + 0.5)
    vx, vy = np.meshgrid(v, v, indexing="ij")
    f = bkw_f([vx, vy], time_scale * t)
    z = h * np.arange(-n + 1, n)
    zx, zy = np.meshgrid(z, z, indexing="ij")
    c = 1.0 / 16.0

    def conv(kernel):
        return (fftconvolve(f, kernel) * h * h)[n - 1 : 2 * n - 1, n - 1 : 2 * n - 1]

    axx, axy, ayy = conv(c * zy * zy), conv(-c * zx * zy), conv(c * zx * zx)
    bx, by = conv(-c * zx), conv(-c * zy)  # div A = -Phi z in 2D
    fx, fy = np.gradient(f, h, h)
    q = np.gradient(axx * fx + axy * fy - bx * f, h, axis=0) + np.gradient(axy * fx + ayy * fy - by * f, h, axis=1)
    eps = 1e-4
    dfdt = (bkw_f([vx, vy], time_scale * (t + eps)) - bkw_f([vx, vy], time_scale * (t - eps))) / (2 * eps)
    inner = (np.abs(vx) < 4) & (np.abs(vy) < 4)
    return np.abs(q - dfdt)[inner].max() / np.abs(dfdt).max()


def test_bkw_is_exact_solution_with_time_scale_one_eighth():
    coarse, fine = landau_residual(128, 2.0, 1.0), landau_residual(256, 2.0, 1.0)
    assert fine < 0.02
    assert 3.0 < coarse / fine < 5.0  # residual is pure O(h^2) quadrature error
    for wrong in (0.5, 2.0):  # K = 1 - exp(-t/16)/2 or 1 - exp(-t/4)/2
        assert landau_residual(256, 2.0, wrong) > 5 * fine


def test_bkw_moments():
    half, n = 12.0, 400
    h = 2 * half / n
    v = -half + h * (np.arange(n) + 0.5)
    vx, vy = np.meshgrid(v, v, indexing="ij")
    r2 = vx * vx + vy * vy
    for t in (0.0, 1.0, 5.0, 40.0):
        f = bkw_f([vx, vy], t)
        assert h * h * f.sum() == pytest.approx(1.0, abs=1e-10)
        assert h * h * (r2 * f).sum() == pytest.approx(2.0, abs=1e-10)
        assert h * h * (r2 * r2 * f).sum() == pytest.approx(bkw_fourth_moment(t), abs=1e-9)
    assert bkw_k(0.0) == 0.5 and bkw_fourth_moment(0.0) == 6.0
    assert bkw_fourth_moment(1e3) == pytest.approx(8.0)


def test_bkw_initial_sampler():
    v = sample_bkw_initial(200_000, np.random.default_rng(1))
    r2 = (v * v).sum(axis=1)
    # |v|^2 ~ Gamma(2,1): mean 2 (sd 2/sqrt(N)), mean |v|^4 = 6 (sd sqrt(120-36)/sqrt(N))
    assert abs(r2.mean() - 2.0) < 4 * np.sqrt(2.0 / len(r2))
    assert abs((r2 * r2).mean() - 6.0) < 4 * np.sqrt(84.0 / len(r2))
    # isotropy: E[(v_x^2 - v_y^2)^2] = E[|v|^4] / 2 = 3
    assert abs(np.mean(v[:, 0] ** 2 - v[:, 1] ** 2)) < 4 * np.sqrt(3.0 / len(r2))


def radial_residual(dim: int, c: float, t: float, time_scale: float) -> float:
    """max |Q - d_t f| / max |d_t f| on 0.05 < r < 6 with Q = c (d-1) (d h + r h'), h = f'/r + f (T = 1)."""
    r = np.linspace(0.05, 6.0, 2000)
    eps = 1e-5

    def f(radius, time):
        return bkw_f([radius] + [np.zeros_like(radius)] * (dim - 1), time_scale * time)

    def h(radius):
        return (f(radius + eps, t) - f(radius - eps, t)) / (2 * eps) / radius + f(radius, t)

    q = c * (dim - 1) * (dim * h(r) + r * (h(r + eps) - h(r - eps)) / (2 * eps))
    dfdt = (f(r, t + eps) - f(r, t - eps)) / (2 * eps)
    return np.abs(q - dfdt).max() / np.abs(dfdt).max()


def test_bkw_radial_reduction_2d_and_3d():
    """Maxwell molecules, radial f: the 2D (c = 1/16, t/8) and 3D (c = 1/24, t/6) BKW forms are exact."""
    assert radial_residual(2, 1 / 16, 2.0, 1.0) < 1e-5
    assert radial_residual(3, 1 / 24, 7.0, 1.0) < 1e-5
    for wrong in (0.5, 2.0):
        assert radial_residual(2, 1 / 16, 2.0, wrong) > 0.1
        assert radial_residual(3, 1 / 24, 7.0, wrong) > 0.1


def test_bkw_3d_moments():
    n, half = 100, 10.0
    h = 2 * half / n
    v = np.meshgrid(*([-half + h * (np.arange(n) + 0.5)] * 3), indexing="ij")
    for t in (6 * np.log(2.5), 8.0, 15.0):
        f = bkw_f(v, t)
        assert h**3 * f.sum() == pytest.approx(1.0, abs=1e-8)
        assert h**3 * (sum(c * c for c in v) * f).sum() == pytest.approx(3.0, abs=1e-7)
    assert bkw_f([np.zeros(1)] * 3, 6 * np.log(2.5))[0] == pytest.approx(0.0, abs=1e-15)  # K = 3/5: f(0) = 0
