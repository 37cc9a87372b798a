"""Dynamical screening of the quantum Lenard-Balescu operator, eqs. (1.10)-(1.12) of
Le Bihan, "Around the quantum Lenard-Balescu equation", arXiv:2501.06544, and its classical limit
(1.17)-(1.19), for bi-Maxwellian f in 2D (docs/theory.md (6.14)-(6.15)).

Susceptibility. With k = kappa e and the projection F_e(u) = int f delta(e.v - u) dv,

    G_e(w) = int F_e(u) / (w - u - i0) du = -conj(Z(w / sqrt(2 T_e))) / sqrt(2 T_e)   (Gaussian F_e, T_e = e.T.e),

classical (1.19):  eps_0 = 1 + V(kappa) chi_0,   chi_0(e, w) = int F_e'(u) / (w - u - i0) du = G_e'(w),  w = e.v;
quantum (1.12):    eps_h = 1 + V(kappa) chi_h,   chi_h(e, kappa, w) = (G_e(w + a) - G_e(w - a)) / (2 a),  a = hbar kappa / 2,

a centred difference of G_e, so chi_h = chi_0 + O(hbar^2) (Lindhard-type, semi-classical). Here w is the
resonant frequency: for the jump (v1, v2) -> (v1 + hbar k, v2 - hbar k) on the resonance k.(v2 - v1 - hbar k) = 0,
w = e.v1 + a = e.(v1 + v2)/2 = e.V (V the centre-of-mass velocity).
Sign convention (checked, not taken on trust): (1.12) as printed, (Phi(v*) - Phi(v* - hbar k)) / (hbar k.(v* - v - hbar k) - i0),
tends to 1 - V int F_e'/(w - u + i0), i.e. to 2 - conj(eps_0): anti-screening (static eps = 1 - V/T for a
Maxwellian, where (1.19) gives the Debye value 1 + V/T). We use the denominator hbar k.(v - v* + hbar k), which is the
Lindhard function for the energy hbar k.(v1 + hbar k/2) given to particle 1 and tends to (1.19); |eps| is
unchanged by the sign of i0. With it |eps_h(-e, kappa, -w)| = |eps_h(e, kappa, w)|: the reverse collision
(v1', v2') -> (v1, v2) has the same weight (micro-reversibility, hence the H-theorem of (1.11)).

Rates. For phi = v_x^2 - v_y^2 and bi-Maxwellian f (z = v1 - v2 ~ N(0, 2T), V ~ N(0, T/2), independent):

* classical (Landau form of lenard_balescu.py, B = Psi(e, e.V) (|z|^2 I - z (x) z)/|z|^3, e = z_perp/|z|,
  Psi = alpha^2 / (4 pi Re sqrt(kappa0^2 + alpha chi_0))):  nu_0 = 2 E[<Psi>_V z_x^2 z_y^2 / |z|^3] / (T_x T_y);
* quantum (the jump process of quantum_lb.py, rotation chi of z at rate w(chi; |z|) / |eps_h|^2):
  d(T_x - T_y)/dt = (1/2) E[int dchi w(chi) <|eps_h(e, kappa, e.V)|^-2>_V Delta(chi, z)],
  Delta = (cos 2chi - 1)(z_x^2 - z_y^2)/2 - sin(2chi) z_x z_y,  e = sign(chi) (-sin(a_z + chi/2), cos(a_z + chi/2)),
  hbar kappa = |z| |sin(chi/2)|.
<.>_V over e.V ~ N(0, T_e/2) by Gauss-Hermite quadrature. Without screening nu_h -> nu_0 / 2 (the factor 2 of
quantum_lb.py: the paper writes the same c_d in (1.11) and (1.18), and its own Section 4 limit carries the 1/2).
"""

import numpy as np
from scipy.special import wofz

from hydrobridge.particles.kinetic.lenard_balescu import ScreenedPotential
from hydrobridge.particles.kinetic.quantum_lb import C_2D, Screening, quantum_evolve


def g_maxwellian(w: np.ndarray, temperature: np.ndarray) -> np.ndarray:
    """G(w) = int F(u) / (w - u - i0) du for F = N(0, temperature): -conj(Z(zeta)) / sqrt(2 T), zeta = w / sqrt(2 T)."""
    s = np.sqrt(2.0 * temperature)
    return -np.conj(1j * np.sqrt(np.pi) * wofz(w / s)) / s


def chi_classical(w: np.ndarray, temperature: np.ndarray) -> np.ndarray:
    """chi_0 = G'(w) = conj(1 + zeta Z(zeta)) / T (eq. 1.19 for a Maxwellian projection)."""
    zeta = w / np.sqrt(2.0 * temperature)
    return np.conj(1.0 + zeta * 1j * np.sqrt(np.pi) * wofz(zeta)) / temperature


def chi_quantum(w: np.ndarray, half_step: np.ndarray, temperature: np.ndarray) -> np.ndarray:
    """chi_h = (G(w + a) - G(w - a)) / (2 a), a = hbar kappa / 2 (eq. 1.12 with the Lindhard sign, see module doc)."""
    return (g_maxwellian(w + half_step, temperature) - g_maxwellian(w - half_step, temperature)) / (2.0 * half_step)


def _projected_temperature(ex: np.ndarray, ey: np.ndarray, tx: float, ty: float) -> np.ndarray:
    return tx * ex * ex + ty * ey * ey


def _potential(kappa: np.ndarray, potential: ScreenedPotential) -> np.ndarray:
    return potential.alpha / (kappa * kappa + potential.kappa0**2)


def mean_inverse_eps2(ex, ey, kappa, potential: ScreenedPotential, hbar: float, tx: float, ty: float,
                      n_hermite: int = 16) -> np.ndarray:
    """<|eps_h(e, kappa, e.V)|^-2> over e.V ~ N(0, T_e/2) (hbar = 0: the classical eps_0)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(n_hermite)
    t_e = _projected_temperature(ex, ey, tx, ty)[..., None]
    w = nodes * np.sqrt(t_e / 2.0)
    if hbar == 0.0:
        chi = chi_classical(w, t_e)
    else:
        chi = chi_quantum(w, 0.5 * hbar * np.asarray(kappa)[..., None], t_e)
    eps = 1.0 + _potential(np.asarray(kappa), potential)[..., None] * chi
    return (weights / np.abs(eps) ** 2).sum(axis=-1) / np.sqrt(2 * np.pi)


def _polar_gaussian(tx: float, ty: float, n_r: int, n_a: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes (r, a) and weights of E over z ~ N(0, diag(2 T_x, 2 T_y)): Gauss-Legendre in r on [0, 10 sqrt(2 max T)],
    trapezoid in the angle."""
    x, wx = np.polynomial.legendre.leggauss(n_r)
    r_max = 10.0 * np.sqrt(2.0 * max(tx, ty))
    r = 0.5 * r_max * (x + 1.0)
    a = 2 * np.pi * np.arange(n_a) / n_a
    rr, aa = np.meshgrid(r, a, indexing="ij")
    density = np.exp(-(rr * np.cos(aa)) ** 2 / (4 * tx) - (rr * np.sin(aa)) ** 2 / (4 * ty)) / (4 * np.pi * np.sqrt(tx * ty))
    weight = density * rr * (0.5 * r_max * wx)[:, None] * (2 * np.pi / n_a)
    return rr, aa, weight


def screened_classical_rate(potential: ScreenedPotential, tx: float, ty: float, screening: bool = True,
                            n_r: int = 48, n_a: int = 32) -> float:
    """nu_0 = 2 E[<Psi(e, e.V)>_V z_x^2 z_y^2 / |z|^3] / (T_x T_y), Psi of lenard_balescu.kernel_table (module doc)."""
    rr, aa, weight = _polar_gaussian(tx, ty, n_r, n_a)
    ex, ey = -np.sin(aa), np.cos(aa)
    if screening:
        nodes, hw = np.polynomial.hermite_e.hermegauss(16)
        t_e = _projected_temperature(ex, ey, tx, ty)[..., None]
        chi = chi_classical(nodes * np.sqrt(t_e / 2.0), t_e)
        root = np.sqrt(potential.kappa0**2 + potential.alpha * chi).real
        psi = (hw * potential.alpha**2 / (4 * np.pi * root)).sum(axis=-1) / np.sqrt(2 * np.pi)
    else:
        psi = potential.alpha**2 / (4 * np.pi * potential.kappa0)
    zx, zy = rr * np.cos(aa), rr * np.sin(aa)
    return float(2.0 * (weight * psi * zx**2 * zy**2 / rr**3).sum() / (tx * ty))


def screened_quantum_rate(potential: ScreenedPotential, hbar: float, tx: float, ty: float, screening: bool = True,
                          n_r: int = 48, n_a: int = 32, n_chi: int = 12) -> float:
    """nu_h = -d(T_x - T_y)/dt / (T_x - T_y) of eq. (1.11) with |eps_h|^-2 (module doc), by quadrature: chi in
    geometric panels (Gauss-Legendre, n_chi nodes each) that resolve the forward peak chi ~ 2 hbar kappa0 / |z|."""
    rr, aa, weight = _polar_gaussian(tx, ty, n_r, n_a)
    x, wx = np.polynomial.legendre.leggauss(n_chi)
    total = 0.0
    for i in range(rr.shape[0]):
        r = rr[i, 0]
        peak = min(np.pi, 2 * hbar * potential.kappa0 / r)
        edges = np.unique(np.concatenate(([0.0], np.minimum(np.pi, peak * np.geomspace(0.05, 2.0**20, 26)), [np.pi])))
        lo, hi = edges[:-1], edges[1:]
        chi = (0.5 * (hi - lo)[:, None] * (x + 1.0) + lo[:, None]).ravel()
        dchi = (0.5 * (hi - lo)[:, None] * wx).ravel()
        chi = np.concatenate((chi, -chi))
        dchi = np.concatenate((dchi, dchi))
        kappa = r * np.abs(np.sin(0.5 * chi)) / hbar
        rate = C_2D / (2 * hbar**3) * _potential(kappa, potential) ** 2 * dchi
        a = aa[i][:, None]
        ex, ey = -np.sign(chi) * np.sin(a + 0.5 * chi), np.sign(chi) * np.cos(a + 0.5 * chi)
        screen = mean_inverse_eps2(ex, ey, np.broadcast_to(kappa, ex.shape), potential, hbar, tx, ty) if screening else 1.0
        zx, zy = r * np.cos(a), r * np.sin(a)
        delta = 0.5 * (np.cos(2 * chi) - 1) * (zx**2 - zy**2) - np.sin(2 * chi) * zx * zy
        total += (weight[i][:, None] * rate * screen * delta).sum()
    return float(-0.5 * total / (tx - ty))


def screening_table(potential: ScreenedPotential, hbar: float, tx: float, ty: float,
                    n_dir: int = 32, n_kappa: int = 96, n_w: int = 96) -> Screening:
    """|eps_h(e, kappa, w)|^-2 of a frozen bi-Maxwellian, for the particle process (one value per candidate
    collision): theta_e in [0, pi] (n_dir + 1 values), kappa in [0, kappa_max], w in [-w_max, w_max] (clamped
    outside: eps -> 1 as V(kappa) -> 0), and its maximum, the thinning bound."""
    kappa_max = 40.0 * max(potential.kappa0, 1.0)
    w_max = 8.0 * np.sqrt(max(tx, ty))
    th, ka, w = np.meshgrid(np.pi * np.arange(n_dir + 1) / n_dir, np.linspace(0.0, kappa_max, n_kappa),
                            np.linspace(-w_max, w_max, n_w), indexing="ij")
    chi = chi_quantum(w, 0.5 * hbar * np.maximum(ka, 1e-9), _projected_temperature(np.cos(th), np.sin(th), tx, ty))
    values = 1.0 / np.abs(1.0 + _potential(ka, potential) * chi) ** 2
    return Screening(values, kappa_max, w_max, float(values.max()))


def screened_quantum_evolve(v0: np.ndarray, times: np.ndarray, potential: ScreenedPotential, hbar: float,
                            seed: int) -> tuple[np.ndarray, int]:
    """Snapshots (len(times), N, 2) of the screened quantum binary-collision process and the collision count.
    The screening table is rebuilt at every output time from the bi-Maxwellian with the particles' T_x, T_y."""

    def screening(v: np.ndarray) -> Screening:
        c = v - v.mean(axis=0)
        return screening_table(potential, hbar, float((c[:, 0] ** 2).mean()), float((c[:, 1] ** 2).mean()))

    return quantum_evolve(v0, times, potential, hbar, seed, screening)
