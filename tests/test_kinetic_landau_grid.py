"""Conservative entropic Landau scheme (particles/kinetic/landau_grid.py; docs/theory.md (6.3))."""

import numpy as np
import pytest

from hydrobridge.particles.kinetic.bkw import bkw_f
from hydrobridge.particles.kinetic.kernels import MAXWELL_2D, MAXWELL_3D, coulomb
from hydrobridge.particles.kinetic.landau_grid import (
    diff_axis0,
    diff_transpose_axis0,
    evolve,
    landau_operator,
    make_grid,
)

KERNELS = [MAXWELL_2D, coulomb(1.0, 0.1)]


def grid_velocities(grid):
    return np.meshgrid(grid.v, grid.v, indexing="ij")


def lumpy_density(grid, seed: int) -> np.ndarray:
    """A positive, anisotropic, drifting, non-Maxwellian f (random Fourier modes on a Gaussian)."""
    rng = np.random.default_rng(seed)
    vx, vy = grid_velocities(grid)
    bump = 0.0
    for _ in range(5):
        kx, ky = rng.normal(size=2)
        bump = bump + rng.normal() * np.cos(kx * vx + ky * vy + rng.uniform(0, 6))
    return np.exp(-((vx - 0.7) ** 2) / 3.0 - (vy + 0.2) ** 2 / 1.2 + 0.3 * bump)


def test_difference_operator_exact_on_quadratics_and_transpose():
    h, n = 0.3, 9
    x = h * np.arange(n)[:, None] * np.ones((1, 2))
    assert np.allclose(diff_axis0(np.ones_like(x), h), 0.0, atol=1e-13)
    assert np.allclose(diff_axis0(x, h), 1.0, rtol=1e-13)
    assert np.allclose(diff_axis0(x * x, h), 2 * x, rtol=1e-13, atol=1e-13)
    dense = np.array([diff_axis0(np.eye(n)[:, [j]], h)[:, 0] for j in range(n)]).T
    w = np.random.default_rng(0).normal(size=(n, 1))
    assert np.allclose(diff_transpose_axis0(w, h)[:, 0], dense.T @ w[:, 0], rtol=1e-13)


@pytest.mark.parametrize("kernel", KERNELS)
def test_conservation_and_entropy_production_for_arbitrary_f(kernel):
    grid = make_grid(24, 5.0, kernel)
    vx, vy = grid_velocities(grid)
    for seed in range(3):
        f = lumpy_density(grid, seed)
        q = landau_operator(f, grid)
        scale = np.abs(q).sum()
        assert scale > 1e-3  # the operator is not trivially zero on this f
        for phi in (1.0, vx, vy, vx * vx + vy * vy):
            assert abs((phi * q).sum()) < 1e-13 * scale * 25.0
        # discrete H-theorem: sum log f Q = -(1/2) sum f f (g-g).A.(g-g) <= 0, and strictly here
        assert (np.log(f) * q).sum() < -1e-3 * scale


@pytest.mark.parametrize("kernel", KERNELS)
def test_drifting_maxwellian_is_stationary(kernel):
    grid = make_grid(24, 6.0, kernel)
    vx, vy = grid_velocities(grid)
    m = np.exp(-((vx - 0.4) ** 2 + (vy + 0.3) ** 2) / (2 * 1.3))
    bimax = np.exp(-((vx - 0.4) ** 2) / 2.6 - (vy + 0.3) ** 2 / 1.0)
    q_m, q_bi = landau_operator(m, grid), landau_operator(bimax, grid)
    assert np.abs(q_m).max() < 1e-13 * m.max()
    assert np.abs(q_bi).max() > 1e-2 * bimax.max()  # same grid, non-equilibrium f: O(1) rate


def bkw_run(n: int):
    grid = make_grid(n, 6.0, MAXWELL_2D)
    vx, vy = grid_velocities(grid)
    f, times, history = evolve(bkw_f([vx, vy], 0.0), grid, 5.0)
    exact = bkw_f([vx, vy], 5.0)
    return np.sqrt(((f - exact) ** 2).sum() / (exact**2).sum()), times, np.array(history)


def test_bkw_coarse_run_conserves_and_increases_entropy():
    err24, _, _ = bkw_run(24)
    err32, times, hist = bkw_run(32)
    assert err32 < 0.035 and err32 < 0.6 * err24  # measured 2.8e-2 and 6.8e-2
    mass, px, py, _, energy, entropy = hist.T
    assert np.abs(mass / mass[0] - 1).max() < 1e-12
    assert np.abs(px).max() < 1e-13 and np.abs(py).max() < 1e-13  # relative to O(1) velocity scale
    assert np.abs(energy / energy[0] - 1).max() < 1e-12
    assert np.all(np.diff(entropy) > 0.0)  # at every one of the len(times) - 1 steps
    assert len(times) > 100


@pytest.mark.slow
def test_bkw_error_below_one_percent_and_converging():
    errors = [bkw_run(n)[0] for n in (32, 48, 64)]  # measured 2.8e-2, 1.0e-2, 5.4e-3
    assert errors[2] < 1e-2
    assert errors[0] > errors[1] > errors[2]


@pytest.mark.parametrize("kernel", [MAXWELL_3D, coulomb(1.0, 0.2)])
def test_three_dimensional_conservation_entropy_and_maxwellian(kernel):
    grid = make_grid(10, 4.5, kernel, dim=3)
    v = np.meshgrid(grid.v, grid.v, grid.v, indexing="ij")
    r2 = sum(c * c for c in v)
    f = np.exp(-((v[0] - 0.5) ** 2) / 2.5 - v[1] ** 2 / 1.2 - v[2] ** 2 / 1.8) * (1 + 0.4 * np.sin(v[0] + v[2]) ** 2)
    q = landau_operator(f, grid)
    scale = np.abs(q).sum()
    for phi in (1.0, v[0], v[1], v[2], r2):
        assert abs((phi * q).sum()) < 1e-13 * scale * 25.0
    assert (np.log(f) * q).sum() < -1e-3 * scale
    m = np.exp(-((v[0] - 0.3) ** 2 + v[1] ** 2 + (v[2] + 0.2) ** 2) / 2.2)
    assert np.abs(landau_operator(m, grid)).max() < 1e-13 * m.max()


def bkw3_run(n: int) -> float:
    """3D BKW from K = 3/5 (t0 = 6 ln 5/2, f(0) = 0) over 5 time units on [-5, 5]^3."""
    grid = make_grid(n, 5.0, MAXWELL_3D, dim=3)
    v = np.meshgrid(grid.v, grid.v, grid.v, indexing="ij")
    t0 = 6 * np.log(2.5)
    f, _, history = evolve(bkw_f(v, t0), grid, 5.0)
    exact = bkw_f(v, t0 + 5.0)
    mass, px, py, pz, energy, entropy = np.array(history).T
    assert np.abs(energy / energy[0] - 1).max() < 1e-12 and np.abs([px, py, pz]).max() < 1e-13
    assert np.all(np.diff(entropy) > 0.0)
    return np.sqrt(((f - exact) ** 2).sum() / (exact**2).sum())


@pytest.mark.slow
def test_bkw_three_dimensional_converges():
    coarse, fine = bkw3_run(16), bkw3_run(20)  # measured 6.3e-2, 3.0e-2
    assert fine < 0.035 and fine < 0.6 * coarse
