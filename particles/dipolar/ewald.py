"""2D periodic point-dipole electrostatics by Ewald summation (docs/theory.md §2 (2.5)-(2.8)).

U_E = -(1/(2 eps0)) sum_{i,j,n}' p_i . H(x_i - x_j + n) . p_j, H = grad grad G, with G the zero-mean
periodic Green's function of -Lap (tin-foil boundary), split as

    G(x) = sum_n E1(kappa^2 |x + n|^2) / (4 pi)                                   (real space)
         + (1/|Omega|) sum_{k != 0} exp(-k^2 / (4 kappa^2)) cos(k . x) / k^2      (reciprocal space)
         - 1 / (4 kappa^2 |Omega|)                                                 (zero-mean constant)

The constant has no gradient, so it drops out for point dipoles (it matters for the finite-l charge model).

Real space, r = x_i - x_j, e = exp(-kappa^2 r^2):
    B = e / (2 pi r^2),  C = e (kappa^2 / r^2 + 1 / r^4) / pi,  H_real = -B I + C r r
    U_ij = (B p_i.p_j - C (p_i.r)(p_j.r)) / eps0
Reciprocal space, S(k) = sum_j (p_j . k) exp(i k . x_j):
    U_rec = (1/(2 eps0 |Omega|)) sum_{k != 0} exp(-k^2/(4 kappa^2)) |S(k)|^2 / k^2
Self term (the n = 0, i = j part of U_rec, Hessian of the smooth kernel at 0 is -kappa^2 I / (2 pi)):
    U_self = -N kappa^2 mu^2 / (4 pi eps0)
Free-space check: kappa -> 0 gives U_ij = (p_i.p_j - 2 (p_i.rhat)(p_j.rhat)) / (2 pi eps0 r^2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from hydrobridge.particles.dipolar.forcefield import Contribution
from hydrobridge.particles.dipolar.pairsum import pair_sum
from hydrobridge.particles.dipolar.space import Pairs


@dataclass(frozen=True)
class EwaldSetup:
    """Splitting parameter kappa, real-space cutoff r_cut and reciprocal cutoff k_cut."""

    kappa: float
    r_cut: float
    k_cut: float


def ewald_setup(box: np.ndarray, accuracy: float, r_cut: float | None = None) -> EwaldSetup:
    """Choose kappa and k_cut so both neglected tails are about `accuracy`.

    exp(-kappa^2 r_cut^2) = accuracy and exp(-k_cut^2 / (4 kappa^2)) = accuracy, i.e.
    kappa = sqrt(-ln accuracy) / r_cut, k_cut = 2 kappa sqrt(-ln accuracy). Default r_cut = min(Lx, Ly) / 2.
    """
    if not 0.0 < accuracy < 1.0:
        raise ValueError(f"accuracy must be in (0, 1), got {accuracy}")
    half = 0.5 * float(np.min(box))
    r_cut = half if r_cut is None else r_cut
    if not 0.0 < r_cut <= half:
        raise ValueError(f"r_cut must be in (0, min(Lx, Ly)/2] = (0, {half}], got {r_cut}")
    s = math.sqrt(-math.log(accuracy))
    kappa = s / r_cut
    return EwaldSetup(kappa=kappa, r_cut=r_cut, k_cut=2.0 * kappa * s)


@numba.njit(cache=True, inline="always")
def _real_pair(rx, ry, r2, ci, si, cj, sj, c):
    """(U_ij, F_i x, F_i y, tau_i, tau_j) of the real-space term for one pair (module docstring);
    c = (mu, eps0, kappa^2)."""
    mu, eps0, k2 = c
    inv2 = 1.0 / r2
    e = math.exp(-k2 * r2)
    b = e * inv2 / (2.0 * math.pi)
    cc = e * (k2 * inv2 + inv2 * inv2) / math.pi
    dd = 2.0 * e * (k2 * k2 * inv2 + 2.0 * k2 * inv2 * inv2 + 2.0 * inv2 * inv2 * inv2) / math.pi
    pix, piy = mu * ci, mu * si
    pjx, pjy = mu * cj, mu * sj
    pipj = pix * pjx + piy * pjy
    pir = pix * rx + piy * ry
    pjr = pjx * rx + pjy * ry
    # grad_r U_ij * eps0 = -C r (pi.pj) + D r (pi.r)(pj.r) - C (pi (pj.r) + pj (pi.r))
    s = -cc * pipj + dd * pir * pjr
    gx = s * rx - cc * (pix * pjr + pjx * pir)
    gy = s * ry - cc * (piy * pjr + pjy * pir)
    cross_ij = pix * pjy - piy * pjx
    return (b * pipj - cc * pir * pjr, -gx / eps0, -gy / eps0,
            -(b * cross_ij - cc * (pix * ry - piy * rx) * pjr) / eps0,
            -(-b * cross_ij - cc * (pjx * ry - pjy * rx) * pir) / eps0)


@numba.njit(cache=True)
def _real_kernel(pi_idx, pj_idx, d, cos_t, sin_t, mu, eps0, kappa, r_cut, force, torque):
    energy, _ = pair_sum(_real_pair, (mu, eps0, kappa * kappa), r_cut, pi_idx, pj_idx, d, cos_t, sin_t, force,
                         torque)
    return energy / eps0


@dataclass(frozen=True)
class EwaldReal:
    """Real-space Ewald term: sum over pairs closer than r_cut of U_ij (module docstring)."""

    mu: float
    eps0: float
    kappa: float
    r_cut: float

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        n = theta.shape[0]
        force, torque = np.zeros((n, 2)), np.zeros(n)
        energy = _real_kernel(pairs.i, pairs.j, pairs.d, np.cos(theta), np.sin(theta), self.mu, self.eps0,
                              self.kappa, self.r_cut, force, torque)
        return Contribution(energy, force, torque)


def half_plane_kvectors(box: np.ndarray, k_cut: float) -> np.ndarray:
    """Integer pairs (a, b), one of each +/-k, with k = 2 pi (a/Lx, b/Ly), 0 < |k| < k_cut; shape (K, 2)."""
    amax = int(k_cut * box[0] / (2.0 * math.pi))
    bmax = int(k_cut * box[1] / (2.0 * math.pi))
    a, b = np.meshgrid(np.arange(0, amax + 1), np.arange(-bmax, bmax + 1), indexing="ij")
    a, b = a.ravel(), b.ravel()
    k2 = (2.0 * math.pi * a / box[0]) ** 2 + (2.0 * math.pi * b / box[1]) ** 2
    keep = ((a > 0) | (b > 0)) & (k2 < k_cut**2)
    return np.column_stack((a[keep], b[keep])).astype(np.int64)


@numba.njit(cache=True)
def phase_tables(x, box, amax, bmax):
    """exp(i 2 pi a x / Lx) for a in [0, amax] and exp(i 2 pi b y / Ly) for b in [-bmax, bmax], by recursion."""
    n = x.shape[0]
    ex = np.empty((n, amax + 1), dtype=np.complex128)
    ey = np.empty((n, 2 * bmax + 1), dtype=np.complex128)
    for j in range(n):
        ux = complex(math.cos(2.0 * math.pi * x[j, 0] / box[0]), math.sin(2.0 * math.pi * x[j, 0] / box[0]))
        uy = complex(math.cos(2.0 * math.pi * x[j, 1] / box[1]), math.sin(2.0 * math.pi * x[j, 1] / box[1]))
        ex[j, 0] = 1.0
        for a in range(1, amax + 1):
            ex[j, a] = ex[j, a - 1] * ux
        ey[j, bmax] = 1.0
        for b in range(1, bmax + 1):
            ey[j, bmax + b] = ey[j, bmax + b - 1] * uy
            ey[j, bmax - b] = ey[j, bmax - b + 1] * uy.conjugate()
    return ex, ey


@numba.njit(cache=True, inline="always")
def reciprocal_sum(weight, kick, c, x, box, kappa, kint, eps0):
    """U_rec = (1/(2 eps0 |Omega|)) sum_{+-k} exp(-k^2/(4 kappa^2)) |S(k)|^2 / k^2 over the half-plane k of kint
    (both k and -k), S(k) = sum_j weight(j, kx, ky, c) exp(i k.x_j), returned; for every k and site j it calls
    kick(j, kx, ky, f, z_j, c) with f = 2 exp(-k^2/(4 kappa^2)) / (k^2 eps0 |Omega|), z_j = S* exp(i k.x_j),
    which adds the site's share of the force (and torque) into arrays held in c. Inlined into its caller."""
    n = x.shape[0]
    amax = 0
    bmax = 0
    for q in range(kint.shape[0]):
        amax = max(amax, kint[q, 0])
        bmax = max(bmax, abs(kint[q, 1]))
    ex, ey = phase_tables(x, box, amax, bmax)
    area = box[0] * box[1]
    phase = np.empty(n, dtype=np.complex128)
    energy = 0.0
    for q in range(kint.shape[0]):
        a, b = kint[q, 0], kint[q, 1]
        kx = 2.0 * math.pi * a / box[0]
        ky = 2.0 * math.pi * b / box[1]
        k2 = kx * kx + ky * ky
        w = math.exp(-k2 / (4.0 * kappa * kappa)) / k2
        s = 0.0 + 0.0j
        for j in range(n):
            phase[j] = ex[j, a] * ey[j, bmax + b]
            s += weight(j, kx, ky, c) * phase[j]
        energy += w * (s.real * s.real + s.imag * s.imag)
        f = 2.0 * w / (eps0 * area)
        for j in range(n):
            kick(j, kx, ky, f, s.conjugate() * phase[j], c)
    return energy / (eps0 * area)


@numba.njit(cache=True, inline="always")
def _dipole_weight(j, kx, ky, c):
    """p_j . k; c = (px, py, force, torque)."""
    px, py, _, _ = c
    return px[j] * kx + py[j] * ky


@numba.njit(cache=True, inline="always")
def _dipole_kick(i, kx, ky, f, z, c):
    """F_i += f k (p_i.k) Im z, tau_i -= f (p_i_perp.k) Re z (both +k and -k); c = (px, py, force, torque)."""
    px, py, force, torque = c
    pk = px[i] * kx + py[i] * ky
    force[i, 0] += f * kx * pk * z.imag
    force[i, 1] += f * ky * pk * z.imag
    torque[i] -= f * (-py[i] * kx + px[i] * ky) * z.real


@numba.njit(cache=True)
def _recip_kernel(x, theta, box, mu, eps0, kappa, kint, force, torque):
    px = mu * np.cos(theta)
    py = mu * np.sin(theta)
    return reciprocal_sum(_dipole_weight, _dipole_kick, (px, py, force, torque), x, box, kappa, kint, eps0)


@dataclass(frozen=True)
class EwaldReciprocal:
    """Reciprocal-space Ewald term U_rec (module docstring), k vectors with 0 < |k| < k_cut."""

    mu: float
    eps0: float
    kappa: float
    box: np.ndarray
    kint: np.ndarray
    r_cut: float = 0.0

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        n = theta.shape[0]
        force, torque = np.zeros((n, 2)), np.zeros(n)
        energy = _recip_kernel(x, theta, self.box, self.mu, self.eps0, self.kappa, self.kint, force, torque)
        return Contribution(energy, force, torque)


@dataclass(frozen=True)
class EwaldSelf:
    """Self term U_self = -N kappa^2 mu^2 / (4 pi eps0); no force, no torque."""

    mu: float
    eps0: float
    kappa: float
    r_cut: float = 0.0

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution:
        n = theta.shape[0]
        energy = -n * self.kappa**2 * self.mu**2 / (4.0 * math.pi * self.eps0)
        return Contribution(energy, np.zeros((n, 2)), np.zeros(n))


def ewald_terms(mu: float, eps0: float, box: np.ndarray, setup: EwaldSetup) -> tuple[EwaldReal, EwaldReciprocal,
                                                                                      EwaldSelf]:
    """The three Ewald terms (real, reciprocal, self) for dipole moment mu in the given box."""
    box = np.asarray(box, dtype=np.float64)
    return (EwaldReal(mu, eps0, setup.kappa, setup.r_cut),
            EwaldReciprocal(mu, eps0, setup.kappa, box, half_plane_kvectors(box, setup.k_cut)),
            EwaldSelf(mu, eps0, setup.kappa))
