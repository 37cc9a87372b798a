"""Hamiltonian mean-field (HMF) model on a ring: the 1D long-range system of the kinetic-blocking demo
(seed 000; THEORY.md section 6, issue 8).

    H = sum_i p_i^2 / 2 + (1 / 2N) sum_{i,j} (1 - cos(theta_i - theta_j)),
    d theta_i / dt = p_i,   d p_i / dt = -M_x sin theta_i + M_y cos theta_i,   (M_x, M_y) = (1/N) sum_j (cos, sin) theta_j.

Forces cost O(N) through the magnetisation M. Integration: leapfrog (kick-drift-kick), symplectic and
exactly momentum conserving (the forces sum to N (-M_x M_y + M_y M_x) = 0).
Homogeneous states (M = 0) have a 1D homogeneous Balescu-Lenard flux that vanishes identically (local
resonance v' = v): they relax only at order 1/N^2, on ~N^2 dynamical times (kinetic blocking).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def magnetisation(theta: np.ndarray) -> tuple[float, float]:
    """(M_x, M_y) = (1/N) sum_j (cos theta_j, sin theta_j)."""
    return np.cos(theta).mean(), np.sin(theta).mean()


@njit(cache=True)
def energy_per_particle(theta: np.ndarray, p: np.ndarray) -> float:
    """U = H / N = <p^2>/2 + (1 - M^2)/2."""
    mx, my = magnetisation(theta)
    return 0.5 * (p * p).mean() + 0.5 * (1.0 - mx * mx - my * my)


@njit(cache=True)
def hmf_leapfrog(theta: np.ndarray, p: np.ndarray, dt: float, n_steps: int, every: int) -> np.ndarray:
    """Advance (theta, p) in place by n_steps leapfrog steps; every `every` steps record
    (|M|, kurtosis <p^4>/<p^2>^2 of the momenta about their mean, U). Returns shape (n_steps // every, 3)."""
    out = np.empty((n_steps // every, 3))
    mx, my = magnetisation(theta)
    for step in range(n_steps):
        p += 0.5 * dt * (-mx * np.sin(theta) + my * np.cos(theta))
        theta += dt * p
        mx, my = magnetisation(theta)
        p += 0.5 * dt * (-mx * np.sin(theta) + my * np.cos(theta))
        if (step + 1) % every == 0:
            q = p - p.mean()
            m2 = (q * q).mean()
            k = (step + 1) // every - 1
            out[k, 0] = np.sqrt(mx * mx + my * my)
            out[k, 1] = (q**4).mean() / (m2 * m2)
            out[k, 2] = energy_per_particle(theta, p)
    return out


def waterbag(n: int, energy: float, magnetisation0: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Water-bag: theta uniform on [-a, a] (|M| = sin(a)/a = magnetisation0, a = pi for 0), p uniform on
    [-p0, p0] with p0 fixed by U = p0^2/6 + (1 - M^2)/2. Momenta shifted to zero total momentum."""
    if magnetisation0 == 0.0:
        a = np.pi
    else:
        grid = np.linspace(1e-6, np.pi, 200_001)
        a = grid[np.argmin(np.abs(np.sin(grid) / grid - magnetisation0))]
    theta = rng.uniform(-a, a, n)
    mx, my = np.cos(theta).mean(), np.sin(theta).mean()
    kinetic = energy - 0.5 * (1.0 - mx * mx - my * my)
    if kinetic <= 0.0:
        raise ValueError("energy below the potential energy of the sampled angles")
    p = rng.uniform(-1.0, 1.0, n)
    p -= p.mean()
    p *= np.sqrt(2.0 * kinetic / (p * p).mean())
    return theta, p


def balescu_lenard_flux_1d(f: np.ndarray, v: np.ndarray, sigma: float, weight: np.ndarray) -> np.ndarray:
    """1D homogeneous Balescu-Lenard flux with the resonance delta(v - v') widened to a Gaussian of width sigma:

        J_sigma(v) = weight(v) int dv' delta_sigma(v - v') (f'(v) f(v') - f(v) f'(v')),

    weight(v) = sum_k |psi_k|^2 / |eps_k(k v)|^2 (any positive function of v alone). At sigma = 0 the bracket
    is evaluated at v' = v and vanishes identically; for sigma > 0, J = weight sigma^2 (f' f'' - f f''')/2 + O(sigma^4).
    Uniform grid v; derivatives by centred differences.
    """
    dv = v[1] - v[0]
    fp = np.gradient(f, dv)
    kernel = np.exp(-0.5 * ((v[:, None] - v[None, :]) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma) * dv
    return weight * (fp * (kernel @ f) - f * (kernel @ fp))
