"""Equilibrium inputs of the correlated closure (docs/theory.md §3, "Correlated closure"): the dipolar angular
harmonics of the pair correlation, binned in |r|, and the single-dipole orientational autocorrelation.

For one configuration and radial shells b = [r_b, r_{b+1}) of minimum-image separations r_ij = x_i - x_j
(phi_ij its polar angle):

    s_b = (1/N) sum_{i != j, |r_ij| in b} (1, cos(theta_i - theta_j), cos(theta_i + theta_j - 2 phi_ij))

so that, with n = N / A and a_b the area of shell b inside the box (shell_areas), the harmonics of
h2(r, theta1, theta2) = ... + h110(r) cos(theta1 - theta2) + h112(r) cos(theta1 + theta2 - 2 phi) + ... are
h110(r_b) = 2 s_b[1] / (n a_b), h112(r_b) = 2 s_b[2] / (n a_b), and the pair density g(r_b) = s_b[0] / (n a_b).
Shells up to the box's half diagonal contain every pair: then 1 + sum_b s_b[1] = (1/N) sum_{i, j} d_i . d_j is
the Kirkwood factor g_K of the periodic (conducting-boundary) box, docs/theory.md (3.24).

single_dipole_correlation: C_s(t) = <d_i(0) . d_i(t)> = <cos(theta_i(t0 + t) - theta_i(t0))>, averaged over
molecules i and time origins t0 (FFT, every origin).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["all_pairs_edges", "shell_areas", "pair_harmonic_sums", "single_dipole_correlation"]


def all_pairs_edges(box: npt.ArrayLike, n_bins: int) -> np.ndarray:
    """n_bins + 1 radial edges from 0 to just beyond the half diagonal of the box (every minimum-image pair)."""
    if n_bins < 1:
        raise ValueError(f"n_bins = {n_bins}: expected >= 1")
    half = 0.5 * np.asarray(box, float)
    return np.linspace(0.0, float(np.hypot(*half)) * (1 + 1e-9), n_bins + 1)


def _disc_in_box(r: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Area of the disc |x| < r inside the rectangle [-a, a) x [-b, b), r <= sqrt(a^2 + b^2)."""
    area = np.pi * r**2
    for a in half:
        c = np.clip(a / np.maximum(r, 1e-300), -1.0, 1.0)
        seg = np.where(r > a, r**2 * np.arccos(c) - a * np.sqrt(np.maximum(r**2 - a**2, 0.0)), 0.0)
        area = area - 2 * seg
    return area


def shell_areas(edges: npt.ArrayLike, box: npt.ArrayLike) -> np.ndarray:
    """Area of each shell [r_b, r_{b+1}) inside the minimum-image cell of the box (n_bins,)."""
    edges = np.asarray(edges, float)
    half = 0.5 * np.asarray(box, float)
    if edges[-1] > np.hypot(*half) * (1 + 1e-6):
        raise ValueError(f"edges[-1] = {edges[-1]}: expected <= the half diagonal {np.hypot(*half)}")
    return np.diff(_disc_in_box(np.minimum(edges, np.hypot(*half)), half))


def pair_harmonic_sums(x: npt.ArrayLike, theta: npt.ArrayLike, box: npt.ArrayLike,
                       edges: npt.ArrayLike) -> np.ndarray:
    """s_b (3, n_bins) of one configuration (module doc): positions x (N, 2), angles theta (N,), box (Lx, Ly)."""
    x = np.asarray(x, float)
    theta = np.asarray(theta, float)
    box = np.asarray(box, float)
    if x.ndim != 2 or x.shape[1] != 2 or theta.shape != (len(x),):
        raise ValueError(f"x, theta: expected shapes (N, 2), (N,), got {x.shape}, {theta.shape}")
    n = len(x)
    i, j = np.triu_indices(n, 1)
    r = x[i] - x[j]
    r -= box * np.round(r / box)
    dist = np.hypot(r[:, 0], r[:, 1])
    phi = np.arctan2(r[:, 1], r[:, 0])
    weights = (np.ones_like(dist), np.cos(theta[i] - theta[j]), np.cos(theta[i] + theta[j] - 2 * phi))
    # each unordered pair counts twice (i j and j i: the same cosines, phi -> phi + pi leaves 2 phi mod 2 pi)
    return np.array([2 * np.histogram(dist, bins=edges, weights=w)[0] for w in weights]) / n


def single_dipole_correlation(theta: npt.ArrayLike, max_lag: int) -> np.ndarray:
    """C_s(k) for lags k = 0..max_lag samples from angle series theta (T, N) (module doc)."""
    theta = np.asarray(theta, float)
    if theta.ndim != 2 or not 0 < max_lag < theta.shape[0]:
        raise ValueError(f"theta: expected (T, N) with T > max_lag = {max_lag} > 0, got shape {theta.shape}")
    T = theta.shape[0]
    z = np.exp(1j * theta)
    f = np.fft.fft(z, n=2 * T, axis=0)
    acf = np.fft.ifft(f * np.conj(f), axis=0)[: max_lag + 1].real.mean(axis=1)
    return acf / (T - np.arange(max_lag + 1))
