"""Long-range pair potential of the hard-rod gas on a ring (docs/theory.md §5 (5.1)-(5.2)).

    V(x) = (V0/xi) phi(x/xi),   phi = 1/(1+x^6) (PHI6) or 1/(1+|x|^3) (PHI3)

On a ring of length L the pair potential is the periodic image sum V_L(d) = sum_n V(d + n L). Truncating
the image sum with a wrapped separation makes V_L' jump at |d| = L/2 by 2 V'((M+1/2) L) (M images); for
PHI3 that jump dominated the MD energy error. V_L is therefore tabulated once, with many images, as value,
first and second derivative on nodes x_k = k dx of [0, L/2], and evaluated by quintic Hermite
interpolation: a C^2, even, exactly L-periodic potential whose force is the exact derivative of the
interpolated energy (so the MD conserves the interpolated energy). Interpolation error O(dx^6 V^(6)).
"""
import math

import numba
import numpy as np

PHI6: int = 0  # phi(x) = 1/(1+x^6)
PHI3: int = 1  # phi(x) = 1/(1+|x|^3)
PHI_NAMES: dict[str, int] = {"x6": PHI6, "x3": PHI3}


@numba.njit(cache=True)
def phi_derivatives(s: np.ndarray, kind: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """phi(s), phi'(s), phi''(s) (vectorised)."""
    if kind == PHI6:
        q = 1.0 / (1.0 + s**6)
        d1 = -6.0 * s**5 * q**2
        d2 = -30.0 * s**4 * q**2 + 72.0 * s**10 * q**3
    else:
        a = np.abs(s)
        q = 1.0 / (1.0 + a**3)
        d1 = -3.0 * s * a * q**2
        d2 = -6.0 * a * q**2 + 18.0 * a**4 * q**3
    return q, d1, d2


def potential(x: np.ndarray, v0: float, xi: float, kind: int) -> np.ndarray:
    """V(x) = (V0/xi) phi(x/xi) on the infinite line."""
    return v0 / xi * phi_derivatives(np.asarray(x, dtype=float) / xi, kind)[0]


def ring_table(v0: float, xi: float, ring: float, kind: int, dx: float = 0.05,
               n_images: int = 4000) -> np.ndarray:
    """(3, K+1) table of V_L, V_L', V_L'' on x_k = k dx, K dx = L/2 (dx must divide L/2).

    Image sum |n| <= n_images; the neglected tail is < 2 V0 xi^2 / (L^3 n_images^2) for PHI3."""
    k = int(round(0.5 * ring / dx))
    if abs(k * dx - 0.5 * ring) > 1e-9 * ring:
        raise ValueError("dx must divide L/2")
    tab = _image_sums(np.arange(k + 1) * dx / xi, ring / xi, n_images, kind)
    tab *= np.array([v0 / xi, v0 / xi**2, v0 / xi**3])[:, None]
    tab[1, 0] = tab[1, -1] = 0.0       # even and L-periodic: V_L'(0) = V_L'(L/2) = 0
    return tab


@numba.njit(cache=True)
def _image_sums(s: np.ndarray, period: float, n_images: int, kind: int) -> np.ndarray:
    """sum_{|n| <= n_images} of phi, phi', phi'' at s + n period, as a (3, s.size) array."""
    out = np.zeros((3, s.size))
    for n in range(-n_images, n_images + 1):
        p, d1, d2 = phi_derivatives(s + n * period, kind)
        out[0] += p
        out[1] += d1
        out[2] += d2
    return out


@numba.njit(cache=True, inline="always", fastmath=True)
def table_eval(d: float, tab: np.ndarray, inv_dx: float) -> tuple[float, float]:
    """V_L(d) and V_L'(d) for 0 <= d <= L/2 by quintic Hermite interpolation of the table."""
    s = d * inv_dx
    k = min(int(s), tab.shape[1] - 2)
    t = s - k
    dx = 1.0 / inv_dx
    p0 = tab[0, k]
    m0 = tab[1, k] * dx
    c0 = tab[2, k] * dx * dx
    # quintic Hermite on [0, 1]: sum of a_j t^j with a0 = p0, a1 = m0, a2 = c0/2
    delta = tab[0, k + 1] - p0 - m0 - 0.5 * c0
    pp = tab[1, k + 1] * dx - m0 - c0
    qq = tab[2, k + 1] * dx * dx - c0
    a3 = 10.0 * delta - 4.0 * pp + 0.5 * qq
    a4 = -15.0 * delta + 7.0 * pp - qq
    a5 = 6.0 * delta - 3.0 * pp + 0.5 * qq
    v = p0 + t * (m0 + t * (0.5 * c0 + t * (a3 + t * (a4 + t * a5))))
    dv = m0 + t * (c0 + t * (3.0 * a3 + t * (4.0 * a4 + t * 5.0 * a5)))
    return v, dv * inv_dx


@numba.njit(cache=True)
def ring_eval(d: float, tab: np.ndarray, dx: float, ring: float) -> tuple[float, float]:
    """V_L(d) and V_L'(d) for any real d (wrap, then use the evenness of V_L)."""
    d = d - ring * math.floor(d / ring + 0.5)
    v, dv = table_eval(abs(d), tab, 1.0 / dx)
    return v, dv if d >= 0.0 else -dv


def ring_fourier(n_modes: int, tab: np.ndarray, ring: float) -> np.ndarray:
    """V~_m = int_{-L/2}^{L/2} dx V_L(x) exp(-i k_m x), k_m = 2 pi m / L, m = 0..n_modes-1 (real, even).

    Periodic trapezoid rule on the table nodes (spectrally accurate; equals the line transform V~(k_m))."""
    vals = tab[0]
    full = np.concatenate([vals[:-1], vals[::-1][:-1]])   # x in [0, L) sampled at dx
    dx = ring / full.size
    return (np.fft.rfft(full).real * dx)[:n_modes].copy()
