"""Quantum Lenard-Balescu collisions without screening (particles/kinetic/quantum_lb.py; docs/theory.md (6.12)-(6.15))."""

import numpy as np
import pytest

from hydrobridge.particles.kinetic.anisotropy import bimaxwellian_rate, initial_decay_rate
from hydrobridge.particles.kinetic.kernels import coulomb
from hydrobridge.particles.kinetic.lenard_balescu import ScreenedPotential
from hydrobridge.particles.kinetic.quantum_lb import C_2D, quantum_anisotropy_rate, quantum_evolve, transport_rate

POTENTIAL = ScreenedPotential(1.0, 1.0)
TX, TY = 1.5, 0.5


def test_collisions_conserve_momentum_and_energy():
    v0 = np.random.default_rng(0).normal(size=(2000, 2))
    snaps, count = quantum_evolve(v0, np.array([0.0, 300.0]), POTENTIAL, 0.5, seed=1)
    assert count > 50_000
    assert np.abs(snaps[1].sum(axis=0) - snaps[0].sum(axis=0)).max() < 1e-11
    assert abs((snaps[1] ** 2).sum() / (snaps[0] ** 2).sum() - 1) < 1e-13
    assert np.abs(snaps[1] - snaps[0]).max() > 1.0


def test_grazing_limit_of_the_transport_rate():
    """sigma(|z|) |z|^3 -> 8 c_d int kappa^2 V^2 dkappa = 2 pi c_d alpha^2 / kappa0 when hbar kappa0 << |z|."""
    limit = 2 * np.pi * C_2D * POTENTIAL.alpha**2 / POTENTIAL.kappa0
    for speed in (1.0, 3.0):
        errors = [abs(transport_rate(speed, POTENTIAL, hbar) * speed**3 / limit - 1) for hbar in (0.02, 0.01)]
        assert errors[1] < 0.03 and errors[1] < 0.7 * errors[0]


def test_particle_process_relaxes_at_the_quadrature_rate():
    hbar = 1.0
    nu = quantum_anisotropy_rate(POTENTIAL, hbar, TX, TY)
    times = np.linspace(0.0, 20.0, 11)
    rates = []
    for r in range(8):
        v0 = np.random.default_rng(r).normal(size=(200_000, 2)) * np.sqrt([TX, TY])
        snaps = quantum_evolve(v0 - v0.mean(axis=0), times, POTENTIAL, hbar, seed=10 + r)[0]
        rates.append(initial_decay_rate(times, (snaps[:, :, 0] ** 2 - snaps[:, :, 1] ** 2).mean(axis=1)))
    assert np.mean(rates) == pytest.approx(nu, rel=0.04)  # measured +1.8 % +- 1.5 %


def test_semiclassical_limit_is_half_the_classical_lenard_balescu_rate():
    """nu_hbar / nu_classical -> 1/2 at first order in hbar (see the module docstring on the factor 2)."""
    classical = bimaxwellian_rate(coulomb(POTENTIAL.alpha**2 / (4 * np.pi * POTENTIAL.kappa0), 0.0), TX, TY)
    hbars = np.array([0.25, 0.125, 0.0625])
    gaps = np.array([abs(quantum_anisotropy_rate(POTENTIAL, h, TX, TY) / classical - 0.5) for h in hbars])
    order = np.polyfit(np.log(hbars), np.log(gaps), 1)[0]
    assert gaps[-1] < 0.04 and 0.8 < order < 1.2  # measured 0.128, 0.070, 0.037


def test_rate_matches_monte_carlo_of_the_literal_equation():
    """d<v_x^2 - v_y^2>/dt from docs/theory.md (6.12) as written (gain - loss, delta solved along k), sharing no code."""
    hbar, c = 0.5, 2 / (2 * np.pi) ** 2
    rng = np.random.default_rng(0)

    def f(v):
        return np.exp(-v[:, 0] ** 2 / (2 * TX) - v[:, 1] ** 2 / (2 * TY)) / (2 * np.pi * np.sqrt(TX * TY))

    estimates = []
    for _ in range(8):
        m = 1_000_000
        kappa, angle = rng.exponential(1.5, m), rng.uniform(0, 2 * np.pi, m)
        q_k = np.exp(-kappa / 1.5) / 1.5 / (2 * np.pi) / kappa  # proposal density in the k-plane
        e = np.column_stack((np.cos(angle), np.sin(angle)))
        e_perp = np.column_stack((-e[:, 1], e[:, 0]))
        v1 = rng.normal(size=(m, 2)) * np.sqrt([TX, TY])  # density f(v1)
        b = rng.normal(size=m) * 1.5
        q_b = np.exp(-b * b / 4.5) / np.sqrt(4.5 * np.pi)
        # delta(k.(v2 - v1 - hbar k)) = delta(a - e.v1 - hbar kappa) / kappa with v2 = a e + b e_perp
        v2 = ((e * v1).sum(axis=1) + hbar * kappa)[:, None] * e + b[:, None] * e_perp
        k = kappa[:, None] * e
        bracket = f(v1 + hbar * k) * f(v2 - hbar * k) / f(v1) - f(v2)
        weight = c / hbar**2 * (POTENTIAL.alpha / (kappa**2 + POTENTIAL.kappa0**2)) ** 2 / kappa / (q_k * q_b)
        estimates.append(np.mean(weight * (v1[:, 0] ** 2 - v1[:, 1] ** 2) * bracket))
    nu_literal = -np.mean(estimates) / (TX - TY)
    assert nu_literal == pytest.approx(quantum_anisotropy_rate(POTENTIAL, hbar, TX, TY), rel=0.02)  # measured 0.5 %
