"""Quantum Lenard-Balescu collisions without screening (eps_hbar = 1), seed 003 eqs. (1.10)-(1.11), 2D
(THEORY.md section 6). The dynamical screening (1.12) is NOT included: this is the Born-approximation
("quantum Landau") operator that (1.11) reduces to when |eps_hbar| = 1.

    Q_hbar(f)(v1) = (c_d / hbar^2) int V(k)^2 delta(k.(v2 - v1 - hbar k)) (f(v1 + hbar k) f(v2 - hbar k) - f(v1) f(v2)) dk dv2,

c_d = 2/(2 pi)^2, V(k) = alpha / (|k|^2 + kappa0^2). In weak form a pair (v1, v2) jumps to (v1 + hbar k, v2 - hbar k)
with k on the circle k.z + hbar |k|^2 = 0 (z = v1 - v2), i.e. z is rotated by an angle chi with
hbar |k| = |z| sin(|chi|/2): momentum and energy are conserved exactly. The arc-length Jacobian gives the
rate per unit chi

    w(chi; |z|) = (c_d / (2 hbar^3)) V(|z| sin(|chi|/2) / hbar)^2,

bounded by w_max = c_d V(0)^2 / (2 hbar^3). For a bi-Maxwellian the anisotropy rate is
nu_hbar = E[(z_x^2 - z_y^2) sigma(|z|)] / (2 (T_x - T_y)), sigma(|z|) = int w(chi) sin^2(chi) dchi, and the
H-theorem is the Boltzmann one (the kernel is symmetric under (v1, v2) <-> (v1', v2'); not tested here).
quantum_anisotropy_rate is checked against a Monte Carlo evaluation of (1.11) as written.

Semi-classical limit (verify against the source): hbar -> 0 gives grazing rotations whose jump covariance is
c_d int k (x) k V^2 delta(k.z) dk = A_LB(z), the kernel of the classical operator (1.18) with eps = 1. A jump
process contributes (1/2) (covariance) : grad grad to its generator while the Landau operator has
A : grad grad, so with the same c_d in (1.11) and (1.18) nu_hbar -> nu_classical / 2 (checked numerically in
tests/test_kinetic_quantum_lb.py). The factor 2 is a normalisation question for the seed's equations.
"""

import numpy as np
from numba import njit
from scipy import integrate

from particles.kinetic.lenard_balescu import ScreenedPotential
from particles.kinetic.mbc import collide, seed_numba

C_2D = 2.0 / (2.0 * np.pi) ** 2


def transport_rate(speed: float, potential: ScreenedPotential, hbar: float) -> float:
    """sigma(|z|) = int_{-pi}^{pi} w(chi; |z|) sin^2(chi) dchi (the chi-integrand is even)."""

    def integrand(chi: float) -> float:
        kappa = speed * np.sin(0.5 * chi) / hbar
        return (potential.alpha / (kappa * kappa + potential.kappa0**2)) ** 2 * np.sin(chi) ** 2

    peak = min(np.pi, 2 * hbar * max(potential.kappa0, 1e-3) / max(speed, 1e-12))
    value = integrate.quad(integrand, 0.0, peak, limit=200)[0] + integrate.quad(integrand, peak, np.pi, limit=200)[0]
    return 2.0 * C_2D / (2.0 * hbar**3) * value


def quantum_anisotropy_rate(potential: ScreenedPotential, hbar: float, tx: float, ty: float) -> float:
    """nu_hbar = E[(z_x^2 - z_y^2) sigma(|z|)] / (2 (T_x - T_y)), z ~ N(0, diag(2 T_x, 2 T_y)).

    Polar quadrature: the angle integral of the Gaussian is done in closed form per radius via the
    trapezoid rule (64 angles), the radius by Simpson on [0, 12 sqrt(max T)] with 801 nodes.
    """
    r = np.linspace(0.0, 12.0 * np.sqrt(max(tx, ty)), 801)
    sigma = np.array([transport_rate(x, potential, hbar) if x > 0 else 0.0 for x in r])
    angles = 2 * np.pi * np.arange(64) / 64
    c2, s2 = np.cos(angles) ** 2, np.sin(angles) ** 2
    gauss = np.exp(-np.outer(r * r, c2 / (4 * tx) + s2 / (4 * ty))) / (4 * np.pi * np.sqrt(tx * ty))
    angular = (gauss * (c2 - s2)).sum(axis=1) * (2 * np.pi / 64)
    expectation = integrate.simpson(r**3 * angular * sigma, x=r)
    return expectation / (2.0 * (tx - ty))


@njit(cache=True)
def _advance(v: np.ndarray, duration: float, alpha: float, kappa0: float, hbar: float) -> int:
    """Thinned pure-jump process: candidate pairs at rate 2 pi w_max / N each, chi uniform, accepted with
    probability V(kappa)^2 / V(0)^2; returns the number of accepted collisions."""
    n = v.shape[0]
    w_max = C_2D * (alpha / kappa0**2) ** 2 / (2 * hbar**3)
    total_rate = 2 * np.pi * w_max * (n - 1) / 2.0
    t = np.random.exponential(1.0 / total_rate)
    count = 0
    while t < duration:
        i = np.random.randint(n)
        j = np.random.randint(n - 1)
        if j >= i:
            j += 1
        chi = np.random.uniform(-np.pi, np.pi)
        kappa = np.hypot(v[i, 0] - v[j, 0], v[i, 1] - v[j, 1]) * np.sin(0.5 * abs(chi)) / hbar
        if np.random.random() < (kappa0 * kappa0 / (kappa * kappa + kappa0 * kappa0)) ** 2:
            collide(v, i, j, chi)
            count += 1
        t += np.random.exponential(1.0 / total_rate)
    return count


def quantum_evolve(
    v0: np.ndarray, times: np.ndarray, potential: ScreenedPotential, hbar: float, seed: int
) -> tuple[np.ndarray, int]:
    """Snapshots (len(times), N, 2) of the quantum (Born) binary-collision process and the collision count."""
    if potential.kappa0 <= 0.0:
        raise ValueError("needs kappa0 > 0 (V(0) finite) for a bounded collision rate")
    seed_numba(seed)
    v = np.array(v0, dtype=np.float64, order="C")
    out = np.empty((len(times),) + v.shape)
    t, count = 0.0, 0
    for k, t_out in enumerate(times):
        count += _advance(v, t_out - t, potential.alpha, potential.kappa0, hbar)
        t = t_out
        out[k] = v
    return out, count
