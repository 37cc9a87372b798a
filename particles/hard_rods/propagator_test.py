"""Split tests of the gBBGKY's leading order against MD: the pair propagator alone, MD states with the potential
switched off against the gBBGKY pair operator without source (docs/theory.md (5.28)-(5.31)), and the source at t = 0
(5.34), the mean squared force of the Tonks gas against its long-wavelength form (``tonks_force_variance``,
``source_force_variance``).

At a time t0 the interaction is switched off. The hard rods then move freely, and the probe current

    J(theta, s) = (1/L) < sum_i delta(theta - u_i) F_i(s) >,   F_i(s) = -sum_j V_L'(x_i(s) - x_j(s))      (5.28)

(F evaluated with the frozen potential, per unit ring length) measures how the pair correlation present at t0
is carried by the free dynamics alone. In contracted coordinates free hard rods are free point particles that
exchange labels, so the state at any s is analytic: y_q + u_q s (mod L - N a), re-sorted into rank order
(``free_evolution``); no time stepping. The gBBGKY counterpart propagates the correlation modes at t0 with the
pair operator (5.13) only, i.e. (5.20) with bold C, the collective, two-body and three-point terms and the
evolution of rho switched off (``propagate_correlation``), and evaluates the same current (5.29).

Scalar norms of J (``probe_weights``): the contribution to d kappa / dt of the excess kurtosis kappa and to the
kinetic energy density, d kappa/dt = int J(theta) W_kappa(theta) dtheta (5.30). The propagator test is the
ratio of int_0^S ds of a norm, MD over gBBGKY, with a jackknife error over realisations (``integral_ratio``).
"""
from __future__ import annotations

import math

import numba
import numpy as np

from . import gbbgky as gb
from .ensemble import RodSystem, initial_state, table
from .md import forces
from .observables import jackknife

__all__ = ["free_evolution", "probe_weights", "md_probe_current", "propagate_correlation",
           "gbbgky_probe_current", "integral_ratio", "trapezoid_integral", "tonks_force_variance",
           "source_force_variance"]


def free_evolution(y: np.ndarray, u: np.ndarray, a: float, ring: float, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact state of free hard rods after a time s: contracted positions y (rank order, contracted ring
    L - N a) and velocities u by rank become (y_q + u_q s) mod (L - N a), sorted, with the velocities carried
    along (docs/theory.md §5, MD paragraph). Returns (y_s, u_s) in rank order, y_s in [0, L - N a)."""
    if y.shape != u.shape or y.ndim != 1:
        raise ValueError(f"y, u: expected two arrays of the same shape (N,), got {y.shape} and {u.shape}")
    ys, us = _free_sorted(np.asarray(y, float), np.asarray(u, float), ring - y.size * a, float(s))
    return ys, us


@numba.njit(cache=True)
def _free_sorted(y, u, contracted, s):
    pos = y + u * s
    pos = pos - contracted * np.floor(pos / contracted)
    order = np.argsort(pos)
    return pos[order], u[order]


def probe_weights(theta: np.ndarray, density: float, mean: float, mu2: float, mu4: float) -> np.ndarray:
    """(2, len(theta)) weights W of the two norms int J W dtheta of the probe current (5.30):

        kurtosis: W = (4 / N) [(theta - m)^3 / mu2^2 - mu4 (theta - m) / mu2^3]   (d kappa / dt)
        energy:   W = theta                                                     (d e_kin / dt per length)

    for a state of number density N = density, mean velocity m and central moments mu2, mu4 (d_t rho = -d_theta J,
    so d_t mu_k = (k/N) int (theta - m)^(k-1) J; int J = 0 by momentum conservation)."""
    c = np.asarray(theta, float) - mean
    return np.stack([4.0 / density * (c**3 / mu2**2 - mu4 * c / mu2**3), np.asarray(theta, float)])


@numba.njit(cache=True, parallel=True)
def _probe_all(y, u, weights, a, tab, dx, ring, s_grid, edges, current, norms):
    n_real, n = y.shape
    contracted = ring - n * a
    nb = edges.size - 1
    width = edges[1] - edges[0]
    for r in numba.prange(n_real):
        f = np.empty(n)
        for k in range(s_grid.size):
            pos = y[r] + u[r] * s_grid[k]
            pos = pos - contracted * np.floor(pos / contracted)
            order = np.argsort(pos)
            forces(pos[order], a, tab, dx, ring, f)
            for i in range(n):
                q = order[i]
                for c in range(weights.shape[1]):
                    norms[r, k, c] += weights[r, c, q] * f[i] / ring
                b = int(math.floor((u[r, q] - edges[0]) / width))
                if 0 <= b < nb:
                    current[r, k, b] += f[i] / (ring * width)


def md_probe_current(y: np.ndarray, u: np.ndarray, a: float, tab: np.ndarray, dx: float, ring: float,
                     s_grid: np.ndarray, edges: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probe current (5.28) of R MD states (y, u: (R, N) contracted positions and velocities by rank at t0)
    evolved freely by each s of s_grid, with the frozen potential table `tab` (ensemble.table, node spacing dx).

    Returns current (R, S, B): J on the uniform velocity bins `edges` (force per unit length and per unit
    velocity), and norms (R, S, C) = (1/L) sum_i W_c(u_i) F_i for the weights (R, C, N) given per rod of the
    state at t0 (e.g. probe_weights evaluated at u). Units of docs/theory.md §5."""
    y = np.ascontiguousarray(y, float)
    u = np.ascontiguousarray(u, float)
    if y.ndim != 2 or u.shape != y.shape:
        raise ValueError(f"y, u: expected two (R, N) arrays of the same shape, got {y.shape} and {u.shape}")
    if weights.ndim != 3 or weights.shape[0] != y.shape[0] or weights.shape[2] != y.shape[1]:
        raise ValueError(f"weights: expected shape ({y.shape[0]}, C, {y.shape[1]}), got {weights.shape}")
    widths = np.diff(edges)
    if edges.ndim != 1 or edges.size < 2 or np.abs(widths - widths[0]).max() > 1e-12 * abs(widths[0]):
        raise ValueError("edges: expected uniform, increasing bin edges")
    s_grid = np.asarray(s_grid, float)
    current = np.zeros((y.shape[0], s_grid.size, edges.size - 1))
    norms = np.zeros((y.shape[0], s_grid.size, weights.shape[1]))
    _probe_all(y, u, np.ascontiguousarray(weights, float), a, tab, dx, ring, s_grid, np.asarray(edges, float),
               current, norms)
    return current, norms


def propagate_correlation(setup: gb.KineticSetup, state: gb.SB1State, s: float) -> np.ndarray:
    """Eigenbasis coefficients Y(s) = exp(mu s) Y of the correlation of `state` propagated for a time s by the
    pair operator (5.13) alone, (5.29): no source, rho frozen at state.rho (the eigenbasis must be built on it:
    gbbgky.refreeze). g_m(s) = conj(U) Y(s) U^T."""
    return np.exp(gb.pair_eigenvalues(setup, state) * s) * state.y


def gbbgky_probe_current(setup: gb.KineticSetup, state: gb.SB1State, s_grid: np.ndarray,
                         weights: np.ndarray) -> dict[str, np.ndarray]:
    """Probe current (5.29) of the gBBGKY correlation of `state` propagated by (5.13) alone (rho frozen; the
    eigenbasis is rebuilt on state.rho first, so `state` is modified only by that change of basis).

    weights (C, n): norms on the velocity grid (probe_weights at setup.theta). Returns, at each s of s_grid,
    current (S, n) = J(theta_i, s), norms (S, C) = int J W_c dtheta and integrals (S, C) = int_0^s of the norms,
    exact in s (phi_1 of the exponential), plus ecorr (S,) = (1/2) int V(z) int int g dtheta dtheta' (5.31)."""
    if weights.ndim != 2 or weights.shape[1] != setup.theta.size:
        raise ValueError(f"weights: expected shape (C, {setup.theta.size}), got {weights.shape}")
    gb.refreeze(setup, state)
    mu = gb.pair_eigenvalues(setup, state)
    r = state.u.transpose(0, 2, 1) @ setup.w                  # U^T w

    def current(y: np.ndarray) -> np.ndarray:                 # -velocity_flux of g_m = conj(U) Y U^T
        return -gb.velocity_flux(setup, np.einsum("mij,mj->mi", state.u.conj(), np.einsum("mij,mj->mi", y, r)))

    out = {key: [] for key in ("current", "norms", "integrals", "ecorr")}
    for s in np.asarray(s_grid, float):
        y = np.exp(mu * s) * state.y
        j = current(y)
        out["current"].append(j)
        out["norms"].append(weights @ (setup.w * j))
        out["integrals"].append(weights @ (setup.w * current(s * gb.phi_functions(mu * s)[0] * state.y)))
        wgw = np.einsum("mi,mij,mj->m", r.conj(), y, r)
        out["ecorr"].append(float(np.sum(setup.vhat * wgw.real) / setup.ring))
    return {key: np.asarray(val) for key, val in out.items()}


def trapezoid_integral(values: np.ndarray, s_grid: np.ndarray) -> np.ndarray:
    """Cumulative trapezoid rule int_0^s along axis 1 of values (R, S, ...) on s_grid (S,), s_grid[0] = 0."""
    ds = np.diff(np.asarray(s_grid, float))
    if ds.size + 1 != values.shape[1] or abs(s_grid[0]) > 0 or (ds <= 0).any():
        raise ValueError(f"s_grid: expected {values.shape[1]} increasing times from 0, got {np.asarray(s_grid)[:3]}...")
    shape = (1, -1) + (1,) * (values.ndim - 2)
    steps = 0.5 * (values[:, 1:] + values[:, :-1]) * ds.reshape(shape)
    return np.concatenate([np.zeros_like(values[:, :1]), np.cumsum(steps, axis=1)], axis=1)


def integral_ratio(md_integrals: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MD over gBBGKY ratio of a probe integral, md_integrals (R, ...) per realisation, reference (...) from the
    deterministic gBBGKY: value and jackknife error over realisations (observables.jackknife)."""
    return jackknife(md_integrals, lambda m: m / reference)


def tonks_force_variance(system: RodSystem, n_samples: int, seed: int = 0) -> tuple[float, float]:
    """Left side of (5.34): the mean squared force <F_1^2> on a rod of the Tonks gas of `system` (N rods of length a
    on its ring, contracted positions independent and uniform: the positions of the figure-2 initial state), with
    the system's tabulated ring potential. Direct sampling of n_samples configurations (ensemble.initial_state, the
    realisations of `seed`): mean and standard error."""
    if n_samples < 2:
        raise ValueError(f"n_samples: expected at least 2 configurations, got {n_samples}")
    values = np.mean(initial_state(system, n_samples, seed).f ** 2, axis=1)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(n_samples))


def source_force_variance(system: RodSystem) -> float:
    """Right side of (5.34): (1 - a N)^2 N int V_L'(z)^2 dz over the ring (N = n / L the density), the mean squared
    force that the source bold C (5.11) of the gBBGKY implies at t = 0: d^2 rho / dt^2 = this times rho''."""
    density = system.n / system.ring
    tab = table(system)
    x = np.arange(tab.shape[1]) * system.table_dx          # V_L' is odd: twice the integral over [0, L/2]
    return float((1.0 - system.a * density) ** 2 * density * 2.0 * np.trapezoid(tab[1] ** 2, x))
