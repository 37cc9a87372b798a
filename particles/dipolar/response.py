"""Dynamic permittivity eps(w) by two routes (docs/theory.md §4 (4.8)-(4.12)), time dependence exp(-i w t).

Lock-in: under a uniform applied field E0 e cos(w t) with conducting (tin-foil) boundary, the complex
amplitude over whole periods, X^ = (2/T) int_0^T X(t) exp(+i w t) dt, of the polarisation along e gives
    eps(w) - 1 = (e . M^) / (eps0 |Omega| E0).
Fluctuations (equilibrium, same dynamics, linear-response theorem):
    eps(w) - 1 = (beta / (2 eps0 |Omega|)) [C(0) + i w int_0^inf C(t) exp(i w t) dt],  C(t) = <M(0) . M(t)>,
with <M> subtracted and the integral truncated where C has decayed (trapezoid rule).
Error bars: both estimators are evaluated on n_blocks contiguous blocks; standard error of the block mean.
Fixed-charge (sheet-like) response at wavevector k, from equilibrium fluctuations:
    1 - 1/eps_L(k) = beta <|M_L(k)|^2> / (eps0 |Omega|),   M_L(k) = sum_i (p_i . k_hat) exp(i k . x_i);
it equals the conducting-boundary eps only when L is much larger than the correlation length.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from hydrobridge.lockin import mean_and_standard_error as _mean_and_error
from hydrobridge.particles.dipolar.field import UniformACField
from hydrobridge.particles.dipolar.forcefield import ForceField, force_field
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, State
from hydrobridge.particles.dipolar.observables import block_average, polarization, time_correlation
from hydrobridge.particles.dipolar.simulate import run


def one_period_waveform(t: np.ndarray, x: np.ndarray, omega: float, per: int) -> tuple[list, list]:
    """(phase, x) of the first `per` samples (one period) sorted by the phase w t mod 2 pi in [0, 2 pi)."""
    phase = np.mod(omega * t[:per], 2 * math.pi)
    order = np.argsort(phase)
    return phase[order].tolist(), x[:per][order].tolist()


def inverse_variance_mean(a: np.ndarray, a_err: np.ndarray, b: np.ndarray,
                          b_err: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse-variance mean of two complex estimates a, b with standard errors a_err, b_err (real and
    imaginary parts apart, errors floored at 1e-12), and its standard error 1 / sqrt(1/a_err^2 + 1/b_err^2)."""
    out = []
    for part in (np.real, np.imag):
        wa, wb = 1 / np.maximum(part(a_err), 1e-12) ** 2, 1 / np.maximum(part(b_err), 1e-12) ** 2
        out.append(((wa * part(a) + wb * part(b)) / (wa + wb), 1 / np.sqrt(wa + wb)))
    return out[0][0] + 1j * out[1][0], out[0][1] + 1j * out[1][1]


def longitudinal_polarization(x: np.ndarray, theta: np.ndarray, mu: float, k: np.ndarray) -> complex:
    """M_L(k) = mu sum_i (d(theta_i) . k_hat) exp(i k . x_i) for a wavevector k (2,)."""
    khat = k / np.linalg.norm(k)
    return complex(mu * np.sum((np.cos(theta) * khat[0] + np.sin(theta) * khat[1]) * np.exp(1j * (x @ k))))


def longitudinal_permittivity(ml_samples: np.ndarray, kT: float, eps0: float, area: float,
                              n_blocks: int = 20) -> tuple[float, float]:
    """(eps_L(k), standard error) from samples of M_L(k); the error is propagated from the block error of
    y = beta <|M_L|^2> / (eps0 |Omega|) through eps_L = 1 / (1 - y)."""
    y, err = block_average(np.abs(ml_samples) ** 2 / (eps0 * area * kT), n_blocks)
    return 1.0 / (1.0 - float(y)), float(err) / (1.0 - float(y)) ** 2


def fluctuation_permittivity(m_series: np.ndarray, dt: float, omegas: np.ndarray, kT: float, eps0: float,
                             area: float, max_lag: int, n_blocks: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(eps(w), standard error) at the given w from equilibrium samples M(k dt) of shape (T, 2)."""
    omegas = np.asarray(omegas, dtype=np.float64)
    m = m_series - m_series.mean(axis=0)
    size = m.shape[0] // n_blocks
    if n_blocks < 2 or size <= max_lag:
        raise ValueError(f"blocks of {size} samples must be longer than max_lag = {max_lag}")
    t = dt * np.arange(max_lag + 1)
    weights = np.full(max_lag + 1, dt)
    weights[[0, -1]] = 0.5 * dt
    phase = np.exp(1j * np.outer(omegas, t)) * weights  # trapezoid rule for int_0^tmax
    blocks = []
    for b in range(n_blocks):
        c = time_correlation(m[b * size:(b + 1) * size], max_lag)
        blocks.append(1.0 + (c[0] + 1j * omegas * (phase @ c)) / (2.0 * eps0 * area * kT))
    return _mean_and_error(np.array(blocks))


def fluctuation_permittivity_tensor(m_series: np.ndarray, dt: float, omegas: np.ndarray, kT: float,
                                    eps0: float, area: float, max_lag: int,
                                    n_blocks: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(eps_ab(w), standard error), shape (len(omegas), 2, 2), from equilibrium samples M(k dt), (T, 2):

        eps_ab(w) - delta_ab = (beta / (eps0 |Omega|)) [C_ab(0) + i w int_0^inf C_ab(t) exp(i w t) dt],
        C_ab(t) = <M_a(0) M_b(t)>   (conducting boundary; the trace / 2 is fluctuation_permittivity).
    """
    omegas = np.asarray(omegas, dtype=np.float64)
    m = m_series - m_series.mean(axis=0)
    size = m.shape[0] // n_blocks
    if n_blocks < 2 or size <= max_lag:
        raise ValueError(f"blocks of {size} samples must be longer than max_lag = {max_lag}")
    weights = np.full(max_lag + 1, dt)
    weights[[0, -1]] = 0.5 * dt
    phase = np.exp(1j * np.outer(omegas, dt * np.arange(max_lag + 1))) * weights
    blocks = []
    for b in range(n_blocks):
        mb = m[b * size:(b + 1) * size]
        c = np.empty((max_lag + 1, 2, 2))
        for lag in range(max_lag + 1):
            c[lag] = mb[: size - lag].T @ mb[lag:] / (size - lag)
        c = 0.5 * (c + c.transpose(0, 2, 1))                      # time-reversal symmetric estimate
        blocks.append(np.eye(2) + (c[0][None] + 1j * omegas[:, None, None] * np.einsum("wt,tab->wab", phase, c))
                      / (eps0 * area * kT))
    return _mean_and_error(np.array(blocks))


def polarization_series(base: ForceField, params: DipolarBoxModel, state: State, kT: float, gamma: float,
                        gamma_r: float, dt: float, n_steps: int, e0: float, omega_ac: float,
                        rng: np.random.Generator,
                        record: Callable[[State], np.ndarray] | None = None,
                        direction: tuple[float, float] = (1.0, 0.0),
                        observe: Callable[[int, State, object], None] | None = None) -> np.ndarray:
    """record(state) (default M) at t = k dt, k = 0..n_steps-1, of a BAOAB run from `state` with
    E0 e cos(w t) added along the unit vector e = direction (e0 = 0: none); observe(step, state, forces),
    if given, after every step (e.g. particles.h5md.dipolar_observer writing a trajectory).

    The field's clock starts at t = 0 of this run. The same thermostat serves both routes, as the
    linear-response theorem requires the same dynamics with and without the field.
    """
    if record is None:
        def record(s: State) -> np.ndarray:
            return polarization(s.theta, params.mu)

    state = state.copy()
    state.t = 0.0
    e = np.asarray(direction, dtype=np.float64) / np.linalg.norm(direction)
    terms = base.terms + ((UniformACField(params.mu, (e0 * e[0], e0 * e[1]), omega_ac),) if e0 else ())
    lang = BAOAB(force_field(terms, params.box), params, kT, gamma, gamma_r, dt)
    samples = [record(state)]
    def sample(step: int, s: State, c: object) -> None:
        samples.append(record(s))
        if observe is not None:
            observe(step, s, c)

    run(lang, state, n_steps - 1, rng, observe=sample)
    return np.array(samples)
