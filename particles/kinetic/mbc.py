"""Microcanonical binary-collision (MBC) process for the 2D Landau equation (docs/theory.md (6.6)-(6.7);
K. Du, "Propagation of chaos for the Landau equation via microcanonical binary collisions", arXiv:2511.09035).

N velocities v_i. Every unordered pair {i, j} collides at rate lambda0 / N (a pure-jump Markov process;
the total rate is lambda0 (N - 1) / 2). A collision rotates the relative velocity z = v_i - v_j by a
small angle +-theta(|z|) (random sign) about the pair's centre of mass:

    z' = R(theta) z,   v_i' = (v_i + v_j)/2 + z'/2,   v_j' = (v_i + v_j)/2 - z'/2,

so momentum and kinetic energy are conserved exactly in every collision (|z'| = |z|).

Realising the Landau kernel A(z) = Phi(|z|) (|z|^2 I - z (x) z): averaged over the sign of theta, one
collision changes z by (cos theta - 1) z (drift) with covariance sin^2(theta) z_perp (x) z_perp. Matching
the Landau generator  a : grad grad phi + 2 b . grad phi  (a = A * f, b = (div A) * f = -(Phi z) * f) to
second order in theta requires lambda0 sin^2 theta(|z|) = 8 Phi(|z|). We take

    lambda0 = 8 Phi_max / sin^2(theta_max),    sin^2 theta(|z|) = sin^2(theta_max) Phi(|z|) / Phi_max,

(theta = theta_max for Maxwell molecules; for Coulomb the cut-off of the kernel makes Phi_max finite).
With this choice lambda0 (1 - cos 2 theta) = 16 Phi holds exactly, so the second moments <v (x) v>
evolve exactly as under the Landau equation for every theta_max; higher moments carry an O(theta_max^2)
grazing error. The Landau equation is the N -> infinity, theta_max -> 0 limit (propagation of chaos).
"""

from collections.abc import Callable

import numpy as np
from numba import njit

from hydrobridge.particles.kinetic.kernels import LandauKernel, phi, phi_max


def collision_rate(kernel: LandauKernel, theta_max: float) -> float:
    """lambda0 = 8 Phi_max / sin^2(theta_max): each particle collides at rate lambda0 (N-1)/N."""
    return 8.0 * phi_max(kernel) / np.sin(theta_max) ** 2


@njit(cache=True)
def collide(v: np.ndarray, i: int, j: int, theta: float) -> None:
    """Rotate z = v_i - v_j by theta about the pair's centre of mass, in place."""
    cx = 0.5 * (v[i, 0] + v[j, 0])
    cy = 0.5 * (v[i, 1] + v[j, 1])
    zx = v[i, 0] - v[j, 0]
    zy = v[i, 1] - v[j, 1]
    c, s = np.cos(theta), np.sin(theta)
    hx = 0.5 * (c * zx - s * zy)
    hy = 0.5 * (s * zx + c * zy)
    v[i, 0], v[i, 1] = cx + hx, cy + hy
    v[j, 0], v[j, 1] = cx - hx, cy - hy


@njit(cache=True)
def random_pair(n: int) -> tuple[int, int]:
    """A uniformly random ordered pair (i, j), i != j, of 0..n-1 (numba's generator)."""
    i = np.random.randint(n)
    j = np.random.randint(n - 1)
    if j >= i:
        j += 1
    return i, j


@njit(cache=True)
def _advance(v: np.ndarray, duration: float, kernel: LandauKernel, sin2_max: float, rate: float, pmax: float) -> int:
    """Run the process for `duration` (exponential waiting times); returns the number of collisions."""
    n = v.shape[0]
    total_rate = rate * (n - 1) / 2.0
    t = np.random.exponential(1.0 / total_rate)
    count = 0
    while t < duration:
        i, j = random_pair(n)
        r = np.hypot(v[i, 0] - v[j, 0], v[i, 1] - v[j, 1])
        theta = np.arcsin(np.sqrt(sin2_max * phi(r, kernel) / pmax))
        if np.random.random() < 0.5:
            theta = -theta
        collide(v, i, j, theta)
        count += 1
        t += np.random.exponential(1.0 / total_rate)
    return count


@njit(cache=True)
def seed_numba(seed: int) -> None:
    """Seed numba's internal generator (used by the njit processes; independent of numpy's)."""
    np.random.seed(seed)


def mbc_evolve(
    v0: np.ndarray, times: np.ndarray, kernel: LandauKernel, theta_max: float, seed: int
) -> tuple[np.ndarray, int]:
    """Snapshots of the MBC process started from v0 (N x 2) at the increasing `times` (first may be 0).

    Returns (snapshots of shape (len(times), N, 2), total number of collisions). The process is Markov,
    so restarting the exponential clock at each output time is exact.
    """
    seed_numba(seed)
    rate = collision_rate(kernel, theta_max)
    sin2_max = np.sin(theta_max) ** 2
    v = np.array(v0, dtype=np.float64, order="C")
    out = np.empty((len(times),) + v.shape)
    t, count = 0.0, 0
    for k, t_out in enumerate(times):
        count += _advance(v, t_out - t, kernel, sin2_max, rate, phi_max(kernel))
        t = t_out
        out[k] = v
    return out, count


def mbc_ensemble(
    sample: Callable[[int, np.random.Generator], np.ndarray],
    n_particles: int,
    n_realisations: int,
    times: np.ndarray,
    kernel: LandauKernel,
    theta_max: float,
    seed: int,
    comm=None,
) -> np.ndarray:
    """Independent realisations of the MBC process, shape (n_realisations, len(times), N, 2).

    Realisation r draws its initial velocities from sample(N, default_rng([seed, r])) and its collisions
    from numba seed (seed * 1_000_003 + r) % 2**31, so the result does not depend on how realisations are
    split: with an mpi4py communicator, rank p runs r = p, p + size, ... and the blocks are allgathered.
    """
    rank, size = (comm.Get_rank(), comm.Get_size()) if comm is not None else (0, 1)
    mine = range(rank, n_realisations, size)
    local = [
        mbc_evolve(sample(n_particles, np.random.default_rng([seed, r])), times, kernel, theta_max,
                   (seed * 1_000_003 + r) % 2**31)[0]
        for r in mine
    ]
    if comm is None:
        return np.array(local)
    blocks = comm.allgather(local)
    out = np.empty((n_realisations, len(times), n_particles, 2))
    for p, block in enumerate(blocks):
        for k, snaps in enumerate(block):
            out[p + k * size] = snaps
    return out


def pair_covariance(psi: np.ndarray) -> tuple[float, float]:
    """Cov(psi(v_1), psi(v_2)) of two distinct particles from M independent realisations, psi of shape (M, N).

    Unbiased U-statistic: mean over realisations of sum_{i != j} psi_i psi_j / (N (N-1)), minus the product
    of means taken across distinct realisations. Returns (covariance, jackknife standard error over M).
    """
    m, n = psi.shape
    s = psi.sum(axis=1)
    within = (s * s - (psi * psi).sum(axis=1)) / (n * (n - 1))

    def estimate(keep: np.ndarray) -> float:
        sk = s[keep]
        k = len(sk)
        return within[keep].mean() - (sk.sum() ** 2 - (sk * sk).sum()) / (k * (k - 1) * n * n)

    full = estimate(np.ones(m, dtype=bool))
    jack = np.array([estimate(np.arange(m) != r) for r in range(m)])
    return full, float(np.sqrt((m - 1) / m * ((jack - jack.mean()) ** 2).sum()))
