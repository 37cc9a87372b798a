"""Temperature-anisotropy relaxation: analytic Landau rate vs deterministic solver vs MBC (docs/theory.md (6.5)).

Coulomb kernel Phi = 1/max(|z|, 0.5)^3 from a bi-Maxwellian T_x = 1.5, T_y = 0.5 (analytic nu = 0.50168).
"""

import numpy as np
import pytest

from hydrobridge.particles.kinetic.anisotropy import bimaxwellian_rate, initial_decay_rate
from hydrobridge.particles.kinetic.kernels import MAXWELL_2D, coulomb
from hydrobridge.particles.kinetic.landau_grid import evolve, landau_operator, make_grid
from hydrobridge.particles.kinetic.mbc import mbc_evolve

KERNEL = coulomb(1.0, 0.5)
TX, TY = 1.5, 0.5
TIMES = np.linspace(0.0, 0.5, 11)


def test_analytic_rate_limits():
    assert bimaxwellian_rate(MAXWELL_2D, TX, TY) == pytest.approx(0.5, rel=1e-12)
    assert bimaxwellian_rate(MAXWELL_2D, 1.0, 1.0) == pytest.approx(0.5, rel=1e-12)
    for t in (0.5, 1.0, 2.0):  # Coulomb, no cut-off, isotropic limit: Lambda sqrt(pi) / (4 T^(3/2))
        assert bimaxwellian_rate(coulomb(2.0, 0.0), t, t) == pytest.approx(2 * np.sqrt(np.pi) / 4 / t**1.5, rel=1e-9)
    # the cut-off raises nothing above Phi_max: a larger cut-off lowers the rate
    assert bimaxwellian_rate(coulomb(1.0, 1.0), TX, TY) < bimaxwellian_rate(KERNEL, TX, TY)


def bimaxwellian_on_grid(grid):
    vx, vy = np.meshgrid(grid.v, grid.v, indexing="ij")
    f = np.exp(-(vx**2) / (2 * TX) - vy**2 / (2 * TY))
    return f / (f.sum() * grid.h**2), vx * vx - vy * vy


def test_deterministic_coulomb_rate_matches_analytic():
    nu = bimaxwellian_rate(KERNEL, TX, TY)
    grid = make_grid(48, 8.0, KERNEL)
    f, psi = bimaxwellian_on_grid(grid)
    delta0 = (psi * f).sum() / f.sum()
    instantaneous = -(psi * landau_operator(f, grid)).sum() / f.sum() / delta0
    assert instantaneous == pytest.approx(nu, rel=0.01)  # measured -0.1 %
    deltas = [delta0]
    for dt in np.diff(TIMES):
        f = evolve(f, grid, dt)[0]
        deltas.append((psi * f).sum() / f.sum())
    assert initial_decay_rate(TIMES, np.array(deltas)) == pytest.approx(nu, rel=0.03)  # measured -0.3 %


def test_mbc_coulomb_rate_matches_analytic():
    nu = bimaxwellian_rate(KERNEL, TX, TY)
    n, replicas = 200_000, 8
    rates = []
    for r in range(replicas):
        v0 = np.random.default_rng(100 + r).normal(size=(n, 2)) * np.sqrt([TX, TY])
        snaps = mbc_evolve(v0 - v0.mean(axis=0), TIMES, KERNEL, np.pi / 2, seed=200 + r)[0]
        rates.append(initial_decay_rate(TIMES, (snaps[:, :, 0] ** 2 - snaps[:, :, 1] ** 2).mean(axis=1)))
    mean, err = np.mean(rates), np.std(rates, ddof=1) / np.sqrt(replicas)
    assert err < 0.01 * nu  # the comparison below resolves 3 %
    assert mean == pytest.approx(nu, rel=0.03)  # measured -2.0 % +- 0.5 % (quadratic fit on [0, 0.5])
