"""Classical Lenard-Balescu operator with dynamical screening (docs/theory.md (6.8)-(6.10))."""

import numpy as np
import pytest
from scipy.special import wofz

from hydrobridge.particles.kinetic.kernels import coulomb
from hydrobridge.particles.kinetic.landau_grid import evolve, landau_operator, make_grid
from hydrobridge.particles.kinetic.lenard_balescu import ScreenedPotential, lenard_balescu_operator, susceptibility


def normalised(f, grid):
    return f / (f.sum() * grid.h**2)


def velocities(grid):
    return np.meshgrid(grid.v, grid.v, indexing="ij")


def susceptibility_error(n: int, temperature: float) -> float:
    """max |chi - conj(1 + zeta Z(zeta))/T| over |u| < 4 and all directions, for a Maxwellian."""
    grid = make_grid(n, 6.0, coulomb(1.0, 0.0))
    vx, vy = velocities(grid)
    table = susceptibility(normalised(np.exp(-(vx**2 + vy**2) / (2 * temperature)), grid), grid, 16)
    u = table.u0 + table.du * np.arange(table.chi.shape[1])
    zeta = u / np.sqrt(2 * temperature)
    exact = np.conj(1 + zeta * 1j * np.sqrt(np.pi) * wofz(zeta)) / temperature
    inner = np.abs(u) < 4
    return np.abs(table.chi[:, inner] - exact[inner]).max()


def test_susceptibility_of_maxwellian_is_plasma_dispersion_function():
    coarse, fine = susceptibility_error(24, 1.3), susceptibility_error(48, 1.3)
    assert coarse < 0.05 and fine < coarse / 4  # measured 3.6e-2 -> 6.2e-3 at T = 1


def lumpy(grid):
    vx, vy = velocities(grid)
    f = np.exp(-((vx - 0.4) ** 2) / 2.6 - vy**2 / 1.1) * (1 + 0.5 * np.cos(1.1 * vx - 0.7 * vy) ** 2)
    return normalised(f, grid)


@pytest.mark.parametrize("potential", [ScreenedPotential(0.5, 1.0), ScreenedPotential(2.0, 0.0)])
def test_conservation_h_theorem_and_maxwellian(potential):
    grid = make_grid(20, 5.0, coulomb(1.0, 0.0))
    vx, vy = velocities(grid)
    f = lumpy(grid)
    q = lenard_balescu_operator(f, grid, potential)
    scale = np.abs(q).sum()
    for phi in (1.0, vx, vy, vx * vx + vy * vy):
        assert abs((phi * q).sum()) < 1e-13 * scale * 25.0
    assert (np.log(f) * q).sum() < -1e-3 * scale
    m = normalised(np.exp(-((vx + 0.3) ** 2 + (vy - 0.2) ** 2) / 1.8), grid)
    assert np.abs(lenard_balescu_operator(m, grid, potential)).max() < 1e-13 * m.max()


def test_weak_coupling_limit_is_landau_with_linear_rate():
    """alpha -> 0 at kappa0 = 1: eps -> 1 and Q_LB -> Q_Landau(Lambda = alpha^2 / 4 pi), error O(alpha)."""
    grid = make_grid(20, 5.0, coulomb(1.0, 0.0))
    f = lumpy(grid)
    alphas = np.array([0.2, 0.1, 0.05])
    errors = []
    for alpha in alphas:
        q_lb = lenard_balescu_operator(f, grid, ScreenedPotential(alpha, 1.0))
        q_l = landau_operator(f, make_grid(20, 5.0, coulomb(alpha**2 / (4 * np.pi), 0.0)))
        errors.append(np.sqrt(((q_lb - q_l) ** 2).sum() / (q_l**2).sum()))
    slope = np.polyfit(np.log(alphas), np.log(errors), 1)[0]
    assert errors[-1] < 0.15 and 0.8 < slope < 1.2


def test_lenard_balescu_run_conserves_and_increases_entropy():
    # kappa0^2 > alpha * max(-Re chi) keeps eps away from zero (no weakly damped waves): a non-stiff kernel
    potential = ScreenedPotential(0.5, 1.0)
    grid = make_grid(16, 5.0, coulomb(potential.alpha**2 / (4 * np.pi * potential.kappa0), 0.0))
    f, times, history = evolve(lumpy(grid), grid, 5.0, operator=lambda u: lenard_balescu_operator(u, grid, potential))
    mass, px, py, _, energy, entropy = np.array(history).T
    assert len(times) > 5
    assert np.abs(mass / mass[0] - 1).max() < 1e-12 and np.abs(energy / energy[0] - 1).max() < 1e-12
    assert np.abs(px - px[0]).max() < 1e-12 and np.abs(py - py[0]).max() < 1e-12
    assert np.all(np.diff(entropy) > 0.0)
