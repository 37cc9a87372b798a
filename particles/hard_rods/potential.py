"""Long-range pair potential of the hard-rod gas (THEORY.md section 5).

    V(x) = (V0/xi) phi(x/xi),   phi = 1/(1+x^6) (PHI6) or 1/(1+|x|^3) (PHI3)

On a ring of length L the pair potential is the image sum V_L(d) = sum_{|n|<=M} V(d_w + n L), with d_w the
minimum-image separation in [-L/2, L/2). V_L is continuous at the wrap |d_w| = L/2 (V is even); its
derivative jumps there by 2 V'((M+1/2) L), negligible for M >= 1 at the sizes used here.
"""
import math

import numba
import numpy as np

PHI6: int = 0  # phi(x) = 1/(1+x^6)
PHI3: int = 1  # phi(x) = 1/(1+|x|^3)
PHI_NAMES: dict[str, int] = {"x6": PHI6, "x3": PHI3}


@numba.njit(cache=True, inline="always")
def phi_and_dphi(x: float, kind: int) -> tuple[float, float]:
    """phi(x) and phi'(x) for phi = 1/(1+x^6) (kind 0) or 1/(1+|x|^3) (kind 1)."""
    if kind == PHI6:
        x2 = x * x
        x5 = x2 * x2 * x
        den = 1.0 / (1.0 + x5 * x)
        return den, -6.0 * x5 * den * den
    ax = abs(x)
    den = 1.0 / (1.0 + ax * ax * ax)
    return den, -3.0 * x * ax * den * den


@numba.njit(cache=True, inline="always")
def image_sum(dw: float, v0: float, xi: float, ring: float, n_images: int, kind: int) -> tuple[float, float]:
    """V_L(dw) and V_L'(dw) for a separation dw already wrapped into [-L/2, L/2)."""
    e = 0.0
    de = 0.0
    for n in range(-n_images, n_images + 1):
        p, dp = phi_and_dphi((dw + n * ring) / xi, kind)
        e += p
        de += dp
    return v0 / xi * e, v0 / (xi * xi) * de


@numba.njit(cache=True, inline="always")
def ring_pair(d: float, v0: float, xi: float, ring: float, n_images: int, kind: int) -> tuple[float, float]:
    """V_L(d) and V_L'(d): image sum of V(x) = (V0/xi) phi(x/xi) on a ring of length `ring`."""
    return image_sum(d - ring * math.floor(d / ring + 0.5), v0, xi, ring, n_images, kind)


def potential(x: np.ndarray, v0: float, xi: float, kind: int) -> np.ndarray:
    """V(x) = (V0/xi) phi(x/xi) on the infinite line (vectorised)."""
    s = np.abs(np.asarray(x, dtype=float)) / xi
    p = 1.0 / (1.0 + s**6) if kind == PHI6 else 1.0 / (1.0 + s**3)
    return v0 / xi * p


def ring_fourier(n_modes: int, v0: float, xi: float, ring: float, n_images: int, kind: int,
                 n_grid: int = 2**16) -> np.ndarray:
    """Fourier coefficients V~_m = int_{-L/2}^{L/2} dx V_L(x) exp(-i k_m x), k_m = 2 pi m / L, m = 0..n_modes-1.

    By Poisson summation these equal the line transform V~(k_m) = int dx V(x) exp(-i k_m x) up to the
    truncated images. Periodic trapezoid rule on n_grid points (spectrally accurate; the |x|^3 kink of PHI3
    at x = 0 gives an O((L/(n_grid xi))^4) error). Real and even in m.
    """
    x = np.arange(n_grid) * (ring / n_grid)
    vx = np.array([ring_pair(xx, v0, xi, ring, n_images, kind)[0] for xx in x])
    vhat = np.fft.rfft(vx).real * (ring / n_grid)
    return vhat[:n_modes].copy()
