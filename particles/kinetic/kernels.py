"""Landau collision kernels A(z) = Phi(|z|) (|z|^2 I - z (x) z) in 2D and 3D velocity space (docs/theory.md §6 (6.2)).

A kernel is the triple (gamma, scale, cutoff) with

    Phi(r) = scale * max(r, cutoff)^gamma.

* Maxwell molecules (gamma = 0): Phi = 1/16 is the normalisation in which the 2D BKW solution,
  K(t) = 1 - exp(-t/8)/2, is exact (see particles/kinetic/bkw.py); in 3D Phi = 1/24 goes with the 3D BKW
  solution K(t) = 1 - exp(-t/6).
* Coulomb (gamma = -3): A(z) = Lambda (|z|^2 I - z (x) z)/|z|^3 is the Landau kernel of a 1/k^2 pair
  potential in 2D and 3D alike (the k-integral of k (x) k |V(k)|^2 delta(k.z) gives the projector over
  |z|); the cut-off |z| >= cutoff bounds Phi, which the particle process (mbc.py) needs for a finite rate.

In d dimensions div_z A = -(d - 1) Phi(|z|) z for every Phi; in 2D, |z|^2 I - z (x) z = z_perp (x) z_perp.
"""

from typing import NamedTuple

import numpy as np
from numba import njit


class LandauKernel(NamedTuple):
    """Phi(r) = scale * max(r, cutoff)**gamma; numba accepts it as a tuple argument."""

    gamma: float
    scale: float
    cutoff: float


MAXWELL_2D = LandauKernel(0.0, 1.0 / 16.0, 0.0)
MAXWELL_3D = LandauKernel(0.0, 1.0 / 24.0, 0.0)


def coulomb(log_lambda: float, cutoff: float) -> LandauKernel:
    """Coulomb kernel Phi = log_lambda / max(|z|, cutoff)^3 (gamma = -3)."""
    return LandauKernel(-3.0, log_lambda, cutoff)


@njit(cache=True)
def phi(r: float, kernel: LandauKernel) -> float:
    """Scalar Phi(r) = scale * max(r, cutoff)^gamma (Phi(0) = scale when gamma = 0 and cutoff = 0)."""
    if kernel.gamma == 0.0:
        return kernel.scale
    return kernel.scale * max(r, kernel.cutoff) ** kernel.gamma


def phi_max(kernel: LandauKernel) -> float:
    """max_r Phi(r): scale for gamma = 0, scale * cutoff^gamma for gamma < 0 (needs cutoff > 0)."""
    if kernel.gamma == 0.0:
        return kernel.scale
    if kernel.gamma > 0.0 or kernel.cutoff <= 0.0:
        raise ValueError("Phi is unbounded: need gamma == 0, or gamma < 0 with a positive cutoff")
    return kernel.scale * kernel.cutoff**kernel.gamma


def kernel_components(z: list[np.ndarray], kernel: LandauKernel) -> dict[tuple[int, int], np.ndarray]:
    """{(a, b): A_ab, a <= b} of A(z) = Phi(|z|) (|z|^2 I - z (x) z) on arrays z = [z_1, ..., z_d] (A(0) = 0)."""
    r2 = sum(c * c for c in z)
    r = np.sqrt(r2)
    if kernel.gamma == 0.0:
        p = np.full_like(r, kernel.scale)
    else:
        with np.errstate(divide="ignore"):
            p = kernel.scale * np.maximum(r, kernel.cutoff) ** kernel.gamma
        p[r == 0.0] = 0.0
    d = len(z)
    return {(a, b): p * ((r2 if a == b else 0.0) - z[a] * z[b]) for a in range(d) for b in range(a, d)}
