"""First-marginal (correlation) correction of the dipolar fluid (docs/theory.md §3 (3.8)-(3.9)).

    S_x(x1)  = (mu^2 / (m eps0)) int grad^3 G(x1 - x2) : D2(x1, x2) dx2        (added to d_t(rho U))
    S_th(x1) = (mu^2 / (I eps0)) int grad^2 G(x1 - x2) : D2perp(x1, x2) dx2    (added to d_t(rho Omega))

(grad^3 G : D2)_i = d_i d_j d_k G D2_jk and grad^2 G : D2perp = d_j d_k G D2perp_jk. The closure here is
the local pair-moment ansatz D2(x1, x2) = rho(x1) rho(x2) d2(x1 - x2) (and likewise d2perp), with the
pair moments d2(r) = <d(theta1) (x) d(theta2)> g(r) - ..., d2perp(r) tabulated on a periodic grid of
separation vectors (minimum image: the table covers one box, |r| beyond L/2 is not represented), e.g.
measured by MD. Then

    S_x(x1) = (mu^2/(m eps0)) rho(x1) sum_r K_x(r) rho(x1 - r) dA,   K_x(r)_i = d_i d_j d_k G(r) d2_jk(r)

a periodic convolution done by FFT; K vanishes at r = 0 (d2 must vanish at contact: excluded volume).
G is the free-space kernel -(1/2 pi) ln r: the correlation range must be below L/2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hydrobridge.closures.rotational import DipolarParameters

__all__ = ["green_derivatives", "PairMomentTable", "first_marginal_sources", "pair_energy"]


def green_derivatives(r: npt.NDArray[np.float64]) -> tuple[np.ndarray, np.ndarray]:
    """H = grad grad G and T = grad grad grad G of G = -(1/2 pi) ln |r| at separations r (..., 2).

    H_ij = -(1/2pi) (delta_ij / r^2 - 2 r_i r_j / r^4)
    T_ijk = -(1/2pi) (8 r_i r_j r_k / r^6 - 2 (delta_ij r_k + delta_ik r_j + delta_jk r_i) / r^4)
    """
    r = np.asarray(r, float)
    r2 = np.sum(r * r, axis=-1)[..., None, None]
    eye = np.eye(2)
    H = -(eye / r2 - 2 * r[..., :, None] * r[..., None, :] / r2**2) / (2 * np.pi)
    rrr = r[..., :, None, None] * r[..., None, :, None] * r[..., None, None, :]
    sym = (eye[:, :, None] * r[..., None, None, :] + eye[:, None, :] * r[..., None, :, None]
           + eye[None, :, :] * r[..., :, None, None])
    T = -(8 * rrr / r2[..., None] ** 3 - 2 * sym / r2[..., None] ** 2) / (2 * np.pi)
    return H, T


def pair_energy(x1, theta1, x2, theta2, mu: float, eps0: float) -> float:
    """Free-space point-dipole pair energy U = -(1/eps0) p1 . H(x1 - x2) . p2 (docs/theory.md §2)."""
    p1 = mu * np.array([np.cos(theta1), np.sin(theta1)])
    p2 = mu * np.array([np.cos(theta2), np.sin(theta2)])
    H, _ = green_derivatives(np.asarray(x1, float) - np.asarray(x2, float))
    return float(-(p1 @ H @ p2) / eps0)


@dataclass(frozen=True)
class PairMomentTable:
    """d2(r) and d2perp(r) (shape (nx, ny, 2, 2)) on the separation grid r = (i hx, j hy), i, j in
    [-n/2, n/2) stored in FFT order (index 0 = zero separation); box (Lx, Ly)."""

    box: tuple[float, float]
    d2: npt.NDArray[np.float64]
    d2perp: npt.NDArray[np.float64]

    def __post_init__(self) -> None:
        if self.d2.shape != self.d2perp.shape or self.d2.ndim != 4 or self.d2.shape[2:] != (2, 2):
            raise ValueError(f"d2, d2perp: expected two arrays of shape (nx, ny, 2, 2), got "
                             f"{self.d2.shape} and {self.d2perp.shape}")
        if not (self.box[0] > 0 and self.box[1] > 0):
            raise ValueError(f"box = {self.box}: expected positive lengths")

    @property
    def shape(self) -> tuple[int, int]:
        return self.d2.shape[:2]

    def separations(self) -> np.ndarray:
        """Minimum-image separation vectors of the grid, shape (nx, ny, 2), FFT order."""
        (nx, ny), (Lx, Ly) = self.shape, self.box
        sx = np.fft.fftfreq(nx) * Lx
        sy = np.fft.fftfreq(ny) * Ly
        return np.stack(np.meshgrid(sx, sy, indexing="ij"), axis=-1)

    def kernels(self, par: DipolarParameters) -> tuple[np.ndarray, np.ndarray]:
        """K_x (nx, ny, 2) and K_th (nx, ny), including mu^2/(m eps0), mu^2/(I eps0) and the cell area."""
        r = self.separations()
        r_safe = r.copy()
        r_safe[0, 0] = (1.0, 0.0)            # the r = 0 entry is zeroed below
        H, T = green_derivatives(r_safe)
        (nx, ny), (Lx, Ly) = self.shape, self.box
        dA = Lx * Ly / (nx * ny)
        Kx = np.einsum("...ijk,...jk->...i", T, self.d2) * par.mu**2 / (par.mass * par.eps0) * dA
        Kth = np.einsum("...jk,...jk->...", H, self.d2perp) * par.mu**2 / (par.inertia * par.eps0) * dA
        Kx[0, 0] = 0.0
        Kth[0, 0] = 0.0
        return Kx, Kth


def first_marginal_sources(rho: npt.NDArray[np.float64], Kx: np.ndarray, Kth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S_x (nx, ny, 2) and S_th (nx, ny) on the grid from rho (nx, ny): rho(x) (K * rho)(x), periodic."""
    if rho.shape != Kth.shape:
        raise ValueError(f"rho: expected shape {Kth.shape} (the pair-moment grid), got {rho.shape}")
    rho_hat = np.fft.fft2(rho)
    conv = lambda K: np.real(np.fft.ifft2(np.fft.fft2(K) * rho_hat))  # noqa: E731  sum_r K(r) rho(x - r)
    Sx = np.stack([rho * conv(Kx[..., i]) for i in range(2)], axis=-1)
    return Sx, rho * conv(Kth)
