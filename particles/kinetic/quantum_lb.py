"""Quantum Lenard-Balescu collisions without screening (eps_hbar = 1), docs/theory.md (6.12)-(6.13), 2D
(eqs. (1.10)-(1.11) of Le Bihan, "Around the quantum Lenard-Balescu equation", arXiv:2501.06544):
the Born-approximation ("quantum Landau") operator that (1.11) reduces to when |eps_hbar| = 1.
The dynamically screened operator (1.12) is in quantum_screening.py, built on this one.

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

Semi-classical limit and the factor 2 (resolved: it is the paper's normalisation, not a code error).
hbar -> 0 gives grazing rotations whose jump covariance is c_d int k (x) k V^2 delta(k.z) dk = A_LB(z), the
kernel of the classical operator (1.18) with eps = 1. A jump process contributes (1/2) (covariance) : grad grad
to its generator while the Landau form has A : grad grad, so with the same c_d in (1.11) and (1.18)
Q_hbar -> Q_0 / 2 and nu_hbar -> nu_classical / 2. The paper's own semi-classical computation (section 4, proof
of Proposition 4.1) shows the same 1/2: the limit term carries V(k)^2 delta(k.(v2 - v1)) / (2 |eps_0|^2), while
its B(v1, v2, H) = c_d int V^2 delta k (x) k / |eps_0|^2 dk has no 1/2. So, as printed, (1.10) tends to (1.17)
run at half speed; (1.11) with c_d replaced by 2 c_d (or (1.18) with c_d / 2) makes the limit exact. We keep the
paper's equations and compare nu_hbar with nu_classical / 2 (tests/test_kinetic_quantum_lb.py: the
gap is O(hbar), docs/validation.md; with screening see quantum_screening.py).
(The extracted (1.18) prints V(k) where section 4 has V(k)^2; V^2 is used, as dimensional consistency with
(1.11) requires.)
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numba import njit
from scipy import integrate

from hydrobridge.particles.kinetic.lenard_balescu import ScreenedPotential
from hydrobridge.particles.kinetic.mbc import collide, random_pair, seed_numba

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
def table_at(values: np.ndarray, kappa_max: float, w_max: float, ex: float, ey: float, kappa: float, w: float) -> float:
    """Trilinear interpolation of a screening table values[theta_e, kappa, w] (theta_e in [0, pi], kappa in
    [0, kappa_max], w in [-w_max, w_max], clamped) at direction e, folded to theta_e in [0, pi] with w -> -w."""
    if ey < 0.0 or (ey == 0.0 and ex < 0.0):
        ex, ey, w = -ex, -ey, -w
    n_dir, n_k, n_w = values.shape[0] - 1, values.shape[1] - 1, values.shape[2] - 1
    t = np.arctan2(ey, ex) / np.pi * n_dir
    m = min(int(t), n_dir - 1)
    ft = t - m
    x = min(kappa / kappa_max, 1.0) * n_k
    i = min(int(x), n_k - 1)
    fk = x - i
    y = (min(max(w, -w_max), w_max) + w_max) / (2 * w_max) * n_w
    j = min(int(y), n_w - 1)
    fw = y - j
    out = 0.0
    for dm, wt in ((0, 1 - ft), (1, ft)):
        for di, wk in ((0, 1 - fk), (1, fk)):
            out += wt * wk * ((1 - fw) * values[m + dm, i + di, j] + fw * values[m + dm, i + di, j + 1])
    return out


@njit(cache=True)
def advance(v: np.ndarray, duration: float, alpha: float, kappa0: float, hbar: float, values: np.ndarray,
            kappa_max: float, w_max: float, bound: float) -> int:
    """Thinned pure-jump process: candidate pairs at rate 2 pi w_max bound / N each, chi uniform, accepted with
    probability (V(kappa)^2 / V(0)^2) (S / bound), S = |eps_hbar|^-2 from the table (table_at) at the transfer
    direction e and w = e.V (quantum_screening.py; a table of ones is eps = 1). Returns the accepted count."""
    n = v.shape[0]
    w_max_rate = C_2D * (alpha / kappa0**2) ** 2 / (2 * hbar**3) * bound
    total_rate = 2 * np.pi * w_max_rate * (n - 1) / 2.0
    t = np.random.exponential(1.0 / total_rate)
    count = 0
    while t < duration:
        i, j = random_pair(n)
        chi = np.random.uniform(-np.pi, np.pi)
        zx, zy = v[i, 0] - v[j, 0], v[i, 1] - v[j, 1]
        kappa = np.hypot(zx, zy) * np.sin(0.5 * abs(chi)) / hbar
        a = np.arctan2(zy, zx)
        sign = 1.0 if chi >= 0 else -1.0
        ex, ey = -sign * np.sin(a + 0.5 * chi), sign * np.cos(a + 0.5 * chi)
        w = 0.5 * (ex * (v[i, 0] + v[j, 0]) + ey * (v[i, 1] + v[j, 1]))
        accept = (kappa0 * kappa0 / (kappa * kappa + kappa0 * kappa0)) ** 2
        accept *= table_at(values, kappa_max, w_max, ex, ey, kappa, w) / bound
        if np.random.random() < accept:
            collide(v, i, j, chi)
            count += 1
        t += np.random.exponential(1.0 / total_rate)
    return count


class Screening(NamedTuple):
    """A screening table for `advance`: values[theta_e, kappa, w] = |eps_hbar|^-2, its ranges and its maximum."""

    values: np.ndarray
    kappa_max: float
    w_max: float
    bound: float


UNSCREENED = Screening(np.ones((2, 2, 2)), 1.0, 1.0, 1.0)


def quantum_evolve(
    v0: np.ndarray,
    times: np.ndarray,
    potential: ScreenedPotential,
    hbar: float,
    seed: int,
    screening: Callable[[np.ndarray], Screening] = lambda v: UNSCREENED,
) -> tuple[np.ndarray, int]:
    """Snapshots (len(times), N, 2) of the quantum binary-collision process and the collision count.
    screening(v) gives the table used until the next output time (default eps = 1: the Born operator)."""
    if potential.kappa0 <= 0.0:
        raise ValueError("needs kappa0 > 0 (V(0) finite) for a bounded collision rate")
    seed_numba(seed)
    v = np.array(v0, dtype=np.float64, order="C")
    out = np.empty((len(times),) + v.shape)
    t, count = 0.0, 0
    for k, t_out in enumerate(times):
        if t_out > t:
            table = screening(v)
            count += advance(v, t_out - t, potential.alpha, potential.kappa0, hbar, *table)
        t = t_out
        out[k] = v
    return out, count
