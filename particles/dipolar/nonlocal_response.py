"""Wavevector-dependent (nonlocal) static permittivity of the dipolar MD from equilibrium fluctuations
(docs/theory.md (4.18)-(4.23)).

At a wavevector k of the periodic box (k = 2 pi n / L along x or y), with k_hat = k / |k|, k_perp = (-k_y, k_x)/|k|:

    M_L(k) = mu sum_i (d_i . k_hat) exp(i k . x_i),   M_T(k) = mu sum_i (d_i . k_perp) exp(i k . x_i)      (4.19)
    rho_q(k) = sum_a q_a exp(i k . y_a) = 2 i q sum_i sin(k . d_i l / 2) exp(i k . x_i)                     (4.20)

(y_a the charge sites x_i +/- (l/2) d_i). For an MD whose interaction contains the full periodic Coulomb law
(Ewald, tin-foil boundary: every k != 0 mode exactly), the response to a fixed external charge density at k
and to a transverse field at k are

    1 / eps_L(k) = 1 - beta <|rho_q(k)|^2> / (eps0 k^2 |Omega|)   (finite-l charges, exact)                   (4.21)
                 = 1 - beta <|M_L(k)|^2> / (eps0 |Omega|)          (point dipoles, exact; (4.12))
    eps_T(k) = 1 + beta <|M_T(k)|^2> / (eps0 |Omega|)                                                        (4.22)

rho_q(k) = i |k| M_L(k) (1 + O((k l)^2)), so the two routes of (4.21) agree at small k l; the main job's MD uses
point-dipole Ewald, for which the M_L route is the exact one. For k -> 0 both eps_L and eps_T tend to the
conducting-boundary eps of (4.9) when L is much larger than the correlation length (k -> 0 of (4.22) along x and y
is (4.9) itself). Ideal (non-interacting) rotors have <|M_L|^2> = <|M_T|^2> = N mu^2 / 2 and
<|rho_q|^2> = 2 N q^2 (1 - J0(k l)) at every box wavevector (4.23).

Estimates: `ModeSampler` (an MD observer) keeps the per-sample |M_L|^2, |M_T|^2, |rho_q|^2 / k^2 at the box's
wavevectors; its block means from one or more replicas are pooled by `nonlocal_permittivity`, which averages
the equivalent directions (same |k|) and returns eps_L, 1/eps_L and eps_T with jackknife standard errors over
the blocks (the transforms are nonlinear). Units: those of the model (eps0, kT in energy units, lengths).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from hydrobridge.particles.dipolar.model import DipolarBoxModel, State

__all__ = ["MODE_QUANTITIES", "box_wavevectors", "wavevector_modes", "ModeSampler",
           "NonlocalEps", "nonlocal_permittivity", "ideal_rotor_modes"]

#: the per-wavevector fluctuations a ModeSampler records, in order
MODE_QUANTITIES = ("ml2", "mt2", "rho2_over_k2")


def box_wavevectors(box: np.ndarray, n_max: int) -> np.ndarray:
    """The wavevectors 2 pi n / Lx e_x and 2 pi n / Ly e_y, n = 1..n_max, shape (2 n_max, 2) (x ones first)."""
    if not (isinstance(n_max, int) and n_max >= 1):
        raise ValueError(f"n_max = {n_max!r}: expected an integer >= 1")
    box = np.asarray(box, dtype=np.float64)
    n = np.arange(1, n_max + 1)
    zero = np.zeros(n_max)
    return np.concatenate([np.column_stack((2 * np.pi * n / box[0], zero)),
                           np.column_stack((zero, 2 * np.pi * n / box[1]))])


@numba.njit(cache=True)
def _modes_kernel(x, theta, kvecs, q, l, out):
    out[:] = 0.0
    for i in range(x.shape[0]):
        c, s = math.cos(theta[i]), math.sin(theta[i])
        for j in range(kvecs.shape[0]):
            kx, ky = kvecs[j, 0], kvecs[j, 1]
            phase = x[i, 0] * kx + x[i, 1] * ky
            e = complex(math.cos(phase), math.sin(phase))
            along = c * kx + s * ky                          # |k| d . k_hat
            out[0, j] += along * e
            out[1, j] += (s * kx - c * ky) * e               # |k| d . k_perp, k_perp = (-k_y, k_x) / |k|
            out[2, j] += math.sin(0.5 * l * along) * e
    for j in range(kvecs.shape[0]):
        norm = math.sqrt(kvecs[j, 0] ** 2 + kvecs[j, 1] ** 2)
        out[0, j] *= q * l / norm
        out[1, j] *= q * l / norm
        out[2, j] *= 2j * q


def wavevector_modes(x: np.ndarray, theta: np.ndarray, q: float, l: float,
                     kvecs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(M_L(k), M_T(k), rho_q(k)) of (4.19)-(4.20), each complex (n_k,), for molecules with site charges +-q at
    separation l (mu = q l), positions x (N, 2), angles theta (N,), wavevectors kvecs (n_k, 2), k != 0."""
    kvecs = np.ascontiguousarray(kvecs, dtype=np.float64)
    if kvecs.ndim != 2 or kvecs.shape[1] != 2 or np.any(np.hypot(kvecs[:, 0], kvecs[:, 1]) == 0):
        raise ValueError(f"kvecs of shape {kvecs.shape}: expected (n_k, 2) non-zero wavevectors")
    out = np.empty((3, kvecs.shape[0]), np.complex128)
    _modes_kernel(np.ascontiguousarray(x, dtype=np.float64), np.ascontiguousarray(theta, dtype=np.float64), kvecs,
                  float(q), float(l), out)
    return out[0], out[1], out[2]


class ModeSampler:
    """MD observer, `sampler(step, state, forces)`: every `every` steps, |M_L(k)|^2, |M_T(k)|^2 and
    |rho_q(k)|^2 / k^2 (MODE_QUANTITIES) at the wavevectors box_wavevectors(params.box, n_max). It only reads
    the state, so a run with it is the run without it."""

    def __init__(self, params: DipolarBoxModel, n_max: int, every: int = 1) -> None:
        if not (isinstance(every, int) and every >= 1):
            raise ValueError(f"every = {every!r}: expected an integer >= 1")
        self.params, self.every = params, every
        self.kvecs = box_wavevectors(params.box, n_max)
        self._k2 = np.sum(self.kvecs**2, axis=1)
        self._rows: list[np.ndarray] = []

    def __call__(self, step: int, state: State, forces: object = None) -> None:
        if step % self.every:
            return
        ml, mt, rho = wavevector_modes(state.x, state.theta, self.params.q, self.params.l, self.kvecs)
        self._rows.append(np.stack([np.abs(ml) ** 2, np.abs(mt) ** 2, np.abs(rho) ** 2 / self._k2]))

    @property
    def samples(self) -> np.ndarray:
        """The recorded samples, shape (S, 3, n_k) in MODE_QUANTITIES order."""
        return np.array(self._rows).reshape(-1, len(MODE_QUANTITIES), len(self.kvecs))

    def block_means(self, n_blocks: int) -> np.ndarray:
        """Means of n_blocks contiguous blocks of the samples, (n_blocks, 3, n_k) (the leftover samples dropped)."""
        s = self.samples
        if not (isinstance(n_blocks, int) and 2 <= n_blocks <= len(s)):
            raise ValueError(f"n_blocks = {n_blocks!r}: expected an integer in [2, {len(s)}] (the samples recorded)")
        size = len(s) // n_blocks
        return s[:size * n_blocks].reshape(n_blocks, size, *s.shape[1:]).mean(axis=1)


@dataclass(frozen=True)
class NonlocalEps:
    """eps_L(k) and eps_T(k) at the distinct |k| (ascending), with jackknife standard errors over the blocks:
    eps_L and inv_eps_L by the route `route` of (4.21) ("dipole": M_L, "charge": rho_q), eps_T by (4.22)."""

    k: np.ndarray
    eps_L: np.ndarray
    err_eps_L: np.ndarray
    inv_eps_L: np.ndarray
    err_inv_eps_L: np.ndarray
    eps_T: np.ndarray
    err_eps_T: np.ndarray
    route: str
    blocks: int

    def to_dict(self) -> dict:
        """JSON-able: every field (arrays as lists)."""
        return {name: (value.tolist() if isinstance(value, np.ndarray) else value)
                for name, value in self.__dict__.items()}


def _jackknife(blocks: np.ndarray, transform) -> tuple[np.ndarray, np.ndarray]:
    """(transform(mean), jackknife standard error) over axis 0 of `blocks`."""
    b = blocks.shape[0]
    total = blocks.sum(axis=0)
    leave_one_out = np.array([transform((total - blocks[j]) / (b - 1)) for j in range(b)])
    spread = leave_one_out - leave_one_out.mean(axis=0)
    return transform(total / b), np.sqrt((b - 1) / b * np.sum(spread**2, axis=0))


def nonlocal_permittivity(block_means: list[np.ndarray] | np.ndarray, kvecs: np.ndarray, kT: float, eps0: float,
                          area: float, route: str = "dipole") -> NonlocalEps:
    """eps_L(k), 1/eps_L(k), eps_T(k) of (4.21)-(4.22) from ModeSampler.block_means of one or more replicas
    (a list of (B_r, 3, n_k) arrays, pooled as sum_r B_r blocks), wavevectors kvecs (n_k, 2); directions with the
    same |k| (to 1e-9 relative) are averaged. route: "dipole" (M_L, point dipoles) or "charge" (rho_q, finite l)."""
    if route not in ("dipole", "charge"):
        raise ValueError(f"route = {route!r}: expected 'dipole' or 'charge'")
    blocks = np.concatenate([np.asarray(b, dtype=np.float64) for b in
                             (block_means if isinstance(block_means, list) else [block_means])])
    kvecs = np.asarray(kvecs, dtype=np.float64)
    if blocks.ndim != 3 or blocks.shape[1:] != (len(MODE_QUANTITIES), len(kvecs)) or blocks.shape[0] < 2:
        raise ValueError(f"block_means of shape {blocks.shape}: expected (blocks >= 2, {len(MODE_QUANTITIES)}, "
                         f"{len(kvecs)}) (ModeSampler.block_means at these {len(kvecs)} wavevectors)")
    kmag = np.linalg.norm(kvecs, axis=1)
    distinct = np.unique(np.round(kmag / kmag.max(), 9)) * kmag.max()
    groups = [np.flatnonzero(np.isclose(kmag, k, rtol=1e-9)) for k in distinct]
    scale = 1.0 / (eps0 * area * kT)
    y_l = np.stack([blocks[:, 0 if route == "dipole" else 2, g].mean(axis=1) for g in groups], axis=1) * scale
    y_t = np.stack([blocks[:, 1, g].mean(axis=1) for g in groups], axis=1) * scale
    inv, err_inv = _jackknife(y_l, lambda y: 1.0 - y)
    eps_l, err_l = _jackknife(y_l, lambda y: 1.0 / (1.0 - y))
    eps_t, err_t = _jackknife(y_t, lambda y: 1.0 + y)
    return NonlocalEps(distinct, eps_l, err_l, inv, err_inv, eps_t, err_t, route, int(blocks.shape[0]))


def ideal_rotor_modes(n: int, mu: float, q: float, l: float, k: np.ndarray) -> dict[str, np.ndarray]:
    """<|M_L|^2> = <|M_T|^2> = N mu^2 / 2 and <|rho_q|^2> / k^2 = 2 N q^2 (1 - J0(k l)) / k^2 of N independent
    uniformly placed and oriented molecules at box wavevectors of magnitude k (4.23)."""
    from scipy.special import j0

    k = np.asarray(k, dtype=np.float64)
    return {"ml2": np.full(k.shape, 0.5 * n * mu**2), "mt2": np.full(k.shape, 0.5 * n * mu**2),
            "rho2_over_k2": 2 * n * q**2 * (1 - j0(k * l)) / k**2}
