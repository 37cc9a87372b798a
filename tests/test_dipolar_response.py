"""Dynamic permittivity (docs/theory.md §4): lock-in and fluctuation routes, and their agreement (FDT)."""

import math

import numpy as np

from hydrobridge.lockin import lockin_amplitude_with_error
import pytest

from hydrobridge.particles.dipolar.forcefield import force_field
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.response import (fluctuation_permittivity, longitudinal_permittivity,
                                       longitudinal_polarization, polarization_series)
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field


def test_lockin_recovers_harmonic_amplitude():
    dt, omega = 0.01, 2 * math.pi / 0.5  # 50 samples per period
    t = dt * np.arange(5000)
    x = 1.5 * np.cos(omega * t) - 0.7 * np.sin(omega * t) + 0.3 * np.cos(3 * omega * t) + 2.0
    amp, err = lockin_amplitude_with_error(x, omega, 5, dt=dt)
    assert abs(amp - (1.5 - 0.7j)) < 1e-12 and abs(err) < 1e-12


def test_fluctuation_route_gives_debye_for_exponential_correlation():
    # Ornstein-Uhlenbeck M(t): C(t) = C0 exp(-t/tau)  =>  eps - 1 = (C0 / (2 eps0 A kT)) / (1 - i w tau)
    rng = np.random.default_rng(0)
    dt, tau, n = 0.01, 0.2, 400_000
    a = math.exp(-dt / tau)
    noise = rng.normal(size=(n, 2)) * math.sqrt(1 - a * a)
    m = np.empty((n, 2))
    m[0] = rng.normal(size=2)
    for k in range(1, n):
        m[k] = a * m[k - 1] + noise[k]
    omegas = np.array([0.0, 2.0, 5.0, 20.0])
    eps, err = fluctuation_permittivity(m, dt, omegas, kT=1.0, eps0=1.0, area=1.0, max_lag=300, n_blocks=20)
    debye = 1.0 + (2.0 / 2.0) / (1 - 1j * omegas * tau)  # C0 = 2 (two components of unit variance)
    assert np.all(np.abs(eps.real - debye.real) < 4 * err.real + 2e-3)
    assert np.all(np.abs(eps.imag - debye.imag) < 4 * err.imag + 2e-3)
    assert np.max(err.real) < 0.03


def test_longitudinal_estimator_normalisation_for_uncorrelated_dipoles():
    # independent uniform angles: <|M_L(k)|^2> = N mu^2 / 2, so 1 - 1/eps_L = beta N mu^2 / (2 eps0 A)
    rng = np.random.default_rng(8)
    n, mu, kT, eps0, box = 20, 0.8, 0.9, 0.8, np.array([6.0, 5.0])  # y = 0.30
    x = rng.uniform(0, 1, (n, 2)) * box
    k = np.array([2 * np.pi / 6.0, 2 * np.pi / 5.0])
    ml = np.array([longitudinal_polarization(x, rng.uniform(0, 2 * np.pi, n), mu, k) for _ in range(20_000)])
    eps_l, err = longitudinal_permittivity(ml, kT, eps0, 30.0)
    y = n * mu**2 / (2 * eps0 * 30.0 * kT)
    assert abs(eps_l - 1 / (1 - y)) < 3 * err and err < 0.02 * eps_l
    m_sum = longitudinal_polarization(x, np.zeros(n), mu, np.array([1e-12, 0.0]))
    assert m_sum == pytest.approx(n * mu)  # k -> 0 along x with all dipoles along x: M_L = M_x


def driven_rotors(omega_ac, e0, n_steps, seed, params, n, kT, dt):
    """Polarisation samples of Langevin ideal rotors under E0 x_hat cos(w t) (e0 = 0: equilibrium)."""
    rng = np.random.default_rng(seed)
    s = lattice_state(params, n, kT, rng)
    return polarization_series(force_field([], params.box), params, s, kT, 1.0, 3.0, dt, n_steps, e0, omega_ac, rng)


def test_ideal_rotor_lockin_agrees_with_fluctuation_formula():
    params = DipolarBoxModel(Lx=20.0, Ly=20.0)  # mu = 1, I = 1/16
    n, kT, dt = 400, 1.0, 0.01
    m_eq = driven_rotors(0.0, 0.0, 30_000, 1, params, n, kT, dt)
    omegas = np.array([1.0, 4.0, 8.0, 16.0])
    eps_fl, err_fl = fluctuation_permittivity(m_eq, dt, omegas, kT, params.eps0, params.area, 300, 20)
    chi_static = (n / params.area) * params.mu**2 / (2 * params.eps0 * kT)
    e0 = 0.2 * kT / params.mu
    for w, ef, sf in zip(omegas, eps_fl, err_fl):
        m = driven_rotors(w, e0, 8_000, 2, params, n, kT, dt)
        amp, err = lockin_amplitude_with_error(m[:, 0], w, 10, dt=dt)
        eps_ac = 1.0 + amp / (params.eps0 * params.area * e0)
        sigma = np.hypot(abs(err) / (params.eps0 * params.area * e0), abs(sf))
        print(f"w = {w}: eps_AC = {eps_ac:.4f}, eps_FDT = {ef:.4f}, |diff| / sigma = {abs(eps_ac - ef) / sigma:.2f}")
        assert abs(eps_ac - ef) < 3.5 * sigma, (w, eps_ac, ef, sigma)
        assert sigma < 0.15 * chi_static  # eps varies by 0.5 chi_static over these frequencies


@pytest.mark.slow
def test_interacting_liquid_lockin_agrees_with_fluctuation_formula():
    # dipolar liquid n s^2 = 0.6, kT = 1, mu = 1.5 (N = 64, Ewald); about 10 minutes on one core
    n, kT, dt = 64, 1.0, 0.005
    length = math.sqrt(n / 0.6)
    params = DipolarBoxModel(Lx=length, Ly=length, q=3.0)
    base = dipolar_force_field(params, accuracy=1e-5)

    def equilibrated(seed):
        rng = np.random.default_rng(seed)
        s = run(BAOAB(base, params, kT, 0.5, 2.0, dt), lattice_state(params, n, kT, rng), 4000, rng)
        return s, rng

    s, rng = equilibrated(1)
    m_eq = polarization_series(base, params, s, kT, 0.5, 2.0, dt, 120_000, 0.0, 0.0, rng)
    omegas = np.array([1.0, 3.0, 6.0, 12.0])
    eps_fl, err_fl = fluctuation_permittivity(m_eq, dt, omegas, kT, params.eps0, params.area, 1000, 20)
    e0 = 0.2
    for k, (w, ef, sf) in enumerate(zip(omegas, eps_fl, err_fl)):
        s, rng = equilibrated(10 + k)
        m = polarization_series(base, params, s, kT, 0.5, 2.0, dt, 60_000, e0, w, rng)
        amp, err = lockin_amplitude_with_error(m[:, 0], w, 10, dt=dt)
        eps_ac = 1.0 + amp / (params.eps0 * params.area * e0)
        sigma = np.hypot(abs(err) / (params.eps0 * params.area * e0), abs(sf))
        print(f"w = {w}: eps_AC = {eps_ac:.4f}, eps_FDT = {ef:.4f}, |diff| / sigma = {abs(eps_ac - ef) / sigma:.2f}")
        assert abs(eps_ac - ef) < 3.5 * sigma, (w, eps_ac, ef, sigma)
        assert sigma < 0.1
