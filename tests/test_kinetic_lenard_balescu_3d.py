"""Classical Lenard-Balescu operator in 3D with dynamical screening (particles/kinetic/lenard_balescu_3d.py;
docs/theory.md (6.8), (6.9), (6.11))."""

import numpy as np
import pytest
from scipy.special import wofz

from hydrobridge.particles.kinetic.kernels import coulomb
from hydrobridge.particles.kinetic.landau_grid import evolve, landau_operator, make_grid
from hydrobridge.particles.kinetic.lenard_balescu import ScreenedPotential
from hydrobridge.particles.kinetic.lenard_balescu_3d import (
    kappa_integral,
    lenard_balescu_operator_3d,
    susceptibility_3d,
    unscreened_coulomb_log,
)

KAPPA_MAX = 10.0
RESOLUTION = {"n_theta": 8, "n_phi": 16, "n_circle": 12}


def setup(n: int = 8):
    grid = make_grid(n, 5.0, coulomb(1.0, 0.0), dim=3)
    v = np.meshgrid(grid.v, grid.v, grid.v, indexing="ij")
    return grid, v


def normalised(f, grid):
    return f / (f.sum() * grid.h**3)


def lumpy(grid, v):
    vx, vy, vz = v
    f = np.exp(-((vx - 0.4) ** 2) / 2.6 - vy**2 / 1.1 - vz**2 / 1.7) * (1 + 0.5 * np.cos(1.1 * vx - 0.7 * vy + 0.3 * vz) ** 2)
    return normalised(f, grid)


def test_kappa_integral_matches_quadrature():
    x = np.linspace(0.0, 100.0, 400_001)
    for a, b in ((1.0, 0.0), (0.7, 0.4), (-0.3, 0.5)):
        y = x / ((x + a) ** 2 + b * b)
        reference = (y.sum() - 0.5 * (y[0] + y[-1])) * (x[1] - x[0])
        assert kappa_integral(np.array(a), np.array(b), 100.0) == pytest.approx(reference, rel=1e-8)


def susceptibility_error(n: int) -> float:
    grid = make_grid(n, 6.0, coulomb(1.0, 0.0), dim=3)
    v = np.meshgrid(grid.v, grid.v, grid.v, indexing="ij")
    table = susceptibility_3d(normalised(np.exp(-sum(c * c for c in v) / 2.0), grid), grid, 4, 8)
    u = table.u0 + table.du * np.arange(table.chi.shape[2])
    exact = np.conj(1 + u / np.sqrt(2) * 1j * np.sqrt(np.pi) * wofz(u / np.sqrt(2)))
    inner = np.abs(u) < 3
    return np.abs(table.chi[..., inner] - exact[inner]).max()


def test_susceptibility_of_a_3d_maxwellian():
    """Projection of a 3D Maxwellian on any direction: chi = conj(1 + zeta Z(zeta)) / T (T = 1)."""
    coarse, fine = susceptibility_error(16), susceptibility_error(24)
    assert fine < 0.05 and fine < coarse / 2.5  # measured 0.110 -> 0.033


def test_conservation_h_theorem_and_maxwellian_3d():
    grid, v = setup()
    potential = ScreenedPotential(0.5, 1.0)
    f = lumpy(grid, v)
    q = lenard_balescu_operator_3d(f, grid, potential, KAPPA_MAX, **RESOLUTION)
    scale = np.abs(q).sum()
    for phi in (1.0, v[0], v[1], v[2], sum(c * c for c in v)):
        assert abs((phi * q).sum()) < 1e-13 * scale * 25.0
    assert (np.log(f) * q).sum() < -1e-3 * scale
    m = normalised(np.exp(-((v[0] + 0.3) ** 2 + (v[1] - 0.2) ** 2 + v[2] ** 2) / 1.8), grid)
    assert np.abs(lenard_balescu_operator_3d(m, grid, potential, KAPPA_MAX, **RESOLUTION)).max() < 1e-13 * m.max()


def test_unscreened_is_coulomb_landau_and_screening_vanishes_linearly_in_alpha():
    grid, v = setup()
    f = lumpy(grid, v)
    errors = []
    for alpha in (0.2, 0.1):
        potential = ScreenedPotential(alpha, 1.0)
        landau = landau_operator(f, make_grid(8, 5.0, coulomb(unscreened_coulomb_log(potential, KAPPA_MAX), 0.0), dim=3))
        bare = lenard_balescu_operator_3d(f, grid, potential, KAPPA_MAX, screening=False, **RESOLUTION)
        assert np.abs(bare - landau).max() < 1e-12 * np.abs(landau).max()
        screened = lenard_balescu_operator_3d(f, grid, potential, KAPPA_MAX, **RESOLUTION)
        errors.append(np.sqrt(((screened - landau) ** 2).sum() / (landau**2).sum()))
    assert 0.01 < errors[0] < 0.1 and errors[0] / errors[1] == pytest.approx(2.0, rel=0.1)  # measured 0.040, 0.021


@pytest.mark.slow
def test_lenard_balescu_3d_run_conserves_and_increases_entropy():
    grid, v = setup()
    potential = ScreenedPotential(0.5, 1.0)
    lam = unscreened_coulomb_log(potential, KAPPA_MAX)
    grid = make_grid(8, 5.0, coulomb(lam, 0.0), dim=3)  # the stability bound uses the unscreened kernel
    _, times, history = evolve(lumpy(grid, v), grid, 1.0,
                               operator=lambda u: lenard_balescu_operator_3d(u, grid, potential, KAPPA_MAX, **RESOLUTION))
    mass, px, py, pz, energy, entropy = np.array(history).T
    assert len(times) > 3
    assert np.abs(mass / mass[0] - 1).max() < 1e-12 and np.abs(energy / energy[0] - 1).max() < 1e-12
    assert max(np.abs(px - px[0]).max(), np.abs(py - py[0]).max(), np.abs(pz - pz[0]).max()) < 1e-12
    assert np.all(np.diff(entropy) > 0.0)
