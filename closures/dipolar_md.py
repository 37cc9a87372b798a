"""Closures of the dipolar moment system fitted from dipolar MD (docs/theory.md §3, §4 (3.18)-(3.19)).

Everything here works on plain numpy arrays recorded by particle runs of the same system the continuum
solves (same mu, m, I, kT, density, box): your own trajectories (dipole_series turns angles theta (T, N) and
angular velocities (T, N) into M, Mdot; pair_moment_average turns positions (T, N, 2) and angles into
symmetrised pair moments) or the runs of particles.dipolar.runs. closures.dipolar_continuum turns the fits
into continuum closures; closures.dipolar_spectrum fits closures to a permittivity spectrum.

* Equilibrium M fluctuations (conducting boundary), M = mu sum_i d_i, Mdot = mu sum_i omega_i d_perp,i:
    chi_s   = <|M - <M>|^2> / (2 eps0 A kT)                                  (static susceptibility)
    w0^2    = <|Mdot|^2> / <|M - <M>|^2>       (= -C''(0)/C(0): the f-sum rule; the Grad closure's w0)
    tau_int = int_0^t_max C(t)/C(0) dt,   C(t) = <dM(0) . dM(t)>
  Debye closure: (chi_s, tau_D = tau_int).  Grad closure: (chi_s, w0), undamped. A Lorentz oscillator with
  friction g has tau_int = g / w0^2, so the damped Grad closure of the same moments has g = w0^2 tau_int.
  Errors: standard errors over contiguous blocks.
* P_dw as a linear-response coefficient ("measured" closure). Under a uniform field E0 e cos(w t) with
  conducting boundary (the mean field of a uniform polarisation vanishes, so E = applied field), with
  p = rho D = (1/A) sum d_i and B = (rho Omega D + P_dw)_perp = (1/A) sum omega_i d_perp,i, the lock-in
  amplitudes at several w are fitted (weighted linear least squares, real coefficients) to the damped Grad
  form of the P_dw closure
      -i w B^ = w0^2 chi_s (eps0 / mu) E0 - w0^2 p^ - g B^,
  giving (chi_s, w0, g) with covariance errors and the reduced chi^2 of the form. The components across
  the field (p_perp, B_perp) and P_dv, P_wv vanish by symmetry in this geometry (no force on the
  centres in a uniform field; isotropy); their lock-in amplitudes are recorded and reported.
* P_vv: MeasuredPressure (closures.measured.fit_pressure) of p = (1/2) tr P_vv (kinetic + short-range
  virial; pressure_series of frames) at several densities.
* D2 / D2perp: pair moments M2, M2perp of the unpolarised homogeneous state (there D (x) D = 0, so they
  are the h_2-weighted moments), averaged over the square box's 8 symmetries (tensor / pseudotensor:
  d_perp picks up det R), which removes the sampling noise that would otherwise give a uniform state a
  spurious net force S_x and torque S_th. Bins must be odd in number and centred on the separation grid
  (edges = (k - 1/2) h); they become the PairMomentTable of hydrobridge.continuum.correlation via
  hydrobridge.closures.measured.pair_moment_table.

DipolarMDClosures collects the fits with errors and provenance; to_dict / from_dict / save / load round trip.

On your own equilibrium trajectory (angles theta (T, N), angular velocities omega (T, N) every dt):

    m, mdot = dipole_series(theta, omega, mu)
    fit = rotational_relaxation(m, mdot, dt, kT, eps0, area, max_lag=1000, n_blocks=10)
    closure = dipolar_closure("debye", density=N / area, relaxation=fit)     # closures.dipolar_continuum
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from hydrobridge.closures.dipolar_continuum import dipolar_closure
from hydrobridge.closures.measured import MeasuredPressure, pair_moment_table
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.particles.dipolar.model import DipolarBoxModel

if TYPE_CHECKING:
    from hydrobridge.particles.dipolar.shortrange import ShortRange

__all__ = ["dipole_series", "rotational_relaxation", "combine_replica_fits", "pressure_series", "fit_dw_response",
           "symmetrise_square",
           "pair_moment_average", "d2_table", "molecular_record", "sheet_pdv_relaxation_time", "DipolarMDClosures"]


def _finite_array(name: str, a: npt.ArrayLike, ndim: int, last: int | None = None) -> np.ndarray:
    """a as a float array of ndim dimensions (last axis of length `last`), finite; else a ValueError naming it."""
    a = np.asarray(a, float)
    if a.ndim != ndim or (last is not None and a.shape[-1] != last) or a.size == 0:
        want = ("(" + ", ".join(["T", "N", "2"][:ndim - 1] + [str(last)]) + ")") if last is not None else f"{ndim}D"
        raise ValueError(f"{name}: expected a non-empty {want} array, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains non-finite values")
    return a


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} = {value!r}: expected a finite positive number")


def dipole_series(theta: npt.ArrayLike, angular_velocity: npt.ArrayLike, mu: float) -> tuple[np.ndarray, np.ndarray]:
    """(M, Mdot), each (T, 2), of T frames of N molecules: M = mu sum_i d(theta_i), Mdot = mu sum_i omega_i
    d_perp(theta_i), with d = (cos theta, sin theta), d_perp = (-sin theta, cos theta) (docs/theory.md §2).

    theta (T, N) in radians, angular_velocity (T, N) in rad / time, mu the dipole moment q l.
    """
    theta = _finite_array("theta", theta, 2)
    omega = _finite_array("angular_velocity", angular_velocity, 2)
    if omega.shape != theta.shape:
        raise ValueError(f"angular_velocity: expected shape {theta.shape} like theta, got {omega.shape}")
    _positive("mu", mu)
    c, s = np.cos(theta), np.sin(theta)
    m = mu * np.stack([c.sum(axis=1), s.sum(axis=1)], axis=1)
    mdot = mu * np.stack([(-omega * s).sum(axis=1), (omega * c).sum(axis=1)], axis=1)
    return m, mdot


def _blocks(n_samples: int, n_blocks: int, min_size: int) -> int:
    size = n_samples // n_blocks
    if n_blocks < 2 or size <= min_size:
        raise ValueError(f"n_blocks = {n_blocks}: blocks of {size} samples must be longer than {min_size}")
    return size


def rotational_relaxation(m: npt.NDArray[np.float64], mdot: npt.NDArray[np.float64], dt: float, kT: float,
                          eps0: float, area: float, max_lag: int, n_blocks: int = 10) -> dict[str, float]:
    """chi_s, w0 (sum rule), tau_int and friction = w0^2 tau_int with block standard errors (module doc).

    m, mdot: equilibrium samples M(k dt), Mdot(k dt) of shape (T, 2) (dipole_series); dt > 0 the sampling
    interval; kT the temperature (energy units); eps0, area = |Omega| the box area; max_lag: the C(t)
    integration range in samples (past the decay of C). Units: chi_s dimensionless, w0 and friction 1 / time,
    tau_D time.
    """
    m = _finite_array("m", m, 2, 2)
    mdot = _finite_array("mdot", mdot, 2, 2)
    if m.shape != mdot.shape:
        raise ValueError(f"m, mdot: expected two (T, 2) arrays, got {m.shape} and {mdot.shape}")
    for name, value in (("dt", dt), ("kT", kT), ("eps0", eps0), ("area", area)):
        _positive(name, value)
    size = _blocks(len(m), n_blocks, max_lag)
    dm = m - m.mean(axis=0)
    weights = np.full(max_lag + 1, dt)
    weights[[0, -1]] = 0.5 * dt
    chi, w0sq, tau = [], [], []
    for b in range(n_blocks):
        mb, db = dm[b * size:(b + 1) * size], mdot[b * size:(b + 1) * size]
        c = np.array([np.sum(mb[:size - k] * mb[k:]) / (size - k) for k in range(max_lag + 1)])
        chi.append(c[0] / (2 * eps0 * area * kT))
        w0sq.append(np.mean(np.sum(db**2, axis=1)) / c[0])
        tau.append(weights @ (c / c[0]))

    def est(x):
        x = np.asarray(x)
        return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))

    (chi_s, chi_err), (w2, w2_err), (t, t_err) = est(chi), est(w0sq), est(tau)
    w0 = math.sqrt(w2)
    g = w2 * t
    return {"chi_s": chi_s, "chi_s_err": chi_err, "w0": w0, "w0_err": 0.5 * w2_err / w0,
            "tau_D": t, "tau_D_err": t_err, "friction": g, "friction_err": g * math.hypot(w2_err / w2, t_err / t)}


def combine_replica_fits(fits: list[Mapping[str, float]]) -> dict[str, float]:
    """Mean of independent replicas' fits (rotational_relaxation) and the standard error sqrt(sum err^2) / R
    of each value `k` from the replicas' `k_err`."""
    if not fits:
        raise ValueError("fits: expected at least one replica")
    R = len(fits)
    out = {}
    for k in fits[0]:
        if not k.endswith("_err"):
            out[k] = float(np.mean([f[k] for f in fits]))
            out[k + "_err"] = float(np.sqrt(np.sum([f[k + "_err"] ** 2 for f in fits])) / R)
    return out


def pressure_series(positions: npt.ArrayLike, velocities: npt.ArrayLike, theta: npt.ArrayLike, model: DipolarBoxModel,
                    short: ShortRange | None = None) -> np.ndarray:
    """Scalar pressure p = (1/2) tr P_vv (energy / area; kinetic + the virial of the short-range term `short`,
    None for none) of each of T frames: positions (T, N, 2) in the box of `model`, velocities (T, N, 2),
    theta (T, N) (particles.dipolar.pressure). Fitted against density by closures.measured.fit_pressure it is
    the P_vv(rho) closure."""
    from hydrobridge.particles.dipolar.model import State
    from hydrobridge.particles.dipolar.pressure import scalar_pressure

    x = _finite_array("positions", positions, 3, 2)
    v = _finite_array("velocities", velocities, 3, 2)
    th = _finite_array("theta", theta, 2)
    if v.shape != x.shape or th.shape != x.shape[:2]:
        raise ValueError(f"velocities, theta: expected shapes {x.shape} and {x.shape[:2]} like positions, "
                         f"got {v.shape} and {th.shape}")
    spin = np.zeros(x.shape[1])
    return np.array([scalar_pressure(State(x[k], th[k], v[k], spin), model, short) for k in range(len(x))])


def fit_dw_response(omegas: npt.ArrayLike, e0: float, p_hat: npt.ArrayLike, b_hat: npt.ArrayLike,
                    p_err: npt.ArrayLike, b_err: npt.ArrayLike, eps0: float, mu: float) -> dict[str, float]:
    """(chi_s, w0, friction) of -i w B^ = w0^2 chi_s (eps0/mu) e0 - w0^2 p^ - g B^ (module doc), with errors.

    p_hat, b_hat: complex lock-in amplitudes along the field at each omega; p_err, b_err: their standard
    errors (complex: real and imaginary parts separately). Unknowns c = (w0^2 chi_s, w0^2, g) enter linearly;
    each residual r = -i w B^ - (c0 eps0 e0/mu - c1 p^ - c2 B^) is weighted by its propagated standard
    error sigma^2 = w^2 |dB|^2 + c1^2 |dp|^2 + c2^2 |dB|^2 (iterated twice with the current c).
    """
    w = np.asarray(omegas, float)
    p, b = np.asarray(p_hat, complex), np.asarray(b_hat, complex)
    dp, db = np.asarray(p_err, complex), np.asarray(b_err, complex)
    if not (len(w) == len(p) == len(b) >= 2):
        raise ValueError(f"omegas, p_hat, b_hat: expected equal lengths >= 2, got {len(w)}, {len(p)}, {len(b)}")
    for name, a in (("omegas", w), ("p_hat", p), ("b_hat", b), ("p_err", dp), ("b_err", db)):
        if a.shape != w.shape or not np.all(np.isfinite(a)):
            raise ValueError(f"{name}: expected {len(w)} finite values (one per frequency), got {a!r}")
    for name, value in (("e0", e0), ("eps0", eps0), ("mu", mu)):
        _positive(name, value)
    lhs = -1j * w * b
    cols = np.stack([np.full(len(w), eps0 * e0 / mu, complex), -p, -b], axis=1)
    a = np.vstack([cols.real, cols.imag])
    y = np.concatenate([lhs.real, lhs.imag])
    c = np.linalg.lstsq(a, y, rcond=None)[0]
    for _ in range(2):
        sig_re = np.sqrt((w * db.imag) ** 2 + (c[1] * dp.real) ** 2 + (c[2] * db.real) ** 2)
        sig_im = np.sqrt((w * db.real) ** 2 + (c[1] * dp.imag) ** 2 + (c[2] * db.imag) ** 2)
        sig = np.maximum(np.concatenate([sig_re, sig_im]), 1e-300)
        aw, yw = a / sig[:, None], y / sig
        c = np.linalg.lstsq(aw, yw, rcond=None)[0]
    cov = np.linalg.inv(aw.T @ aw)
    dof = max(1, len(y) - 3)
    chi2 = float(np.sum((aw @ c - yw) ** 2) / dof)
    if not c[1] > 0:
        raise ValueError(f"fit_dw_response: fitted w0^2 = {c[1]:.4g} is not positive; the data do not fit the "
                         "damped Grad form (check the frequencies and the signal-to-noise ratio)")
    chi_s = c[0] / c[1]
    chi_err = abs(chi_s) * math.sqrt(cov[0, 0] / c[0] ** 2 + cov[1, 1] / c[1] ** 2 - 2 * cov[0, 1] / (c[0] * c[1]))
    w0 = math.sqrt(c[1])
    return {"chi_s": float(chi_s), "chi_s_err": float(chi_err), "w0": w0, "w0_err": float(0.5 * math.sqrt(cov[1, 1]) / w0),
            "friction": float(c[2]), "friction_err": float(math.sqrt(cov[2, 2])), "reduced_chi2": chi2}


_SQUARE_GROUP = [np.array(m, float) for m in ([[1, 0], [0, 1]], [[0, -1], [1, 0]], [[-1, 0], [0, -1]],
                                              [[0, 1], [-1, 0]], [[1, 0], [0, -1]], [[-1, 0], [0, 1]],
                                              [[0, 1], [1, 0]], [[0, -1], [-1, 0]])]


def symmetrise_square(m2: np.ndarray, m2perp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average pair moments on a centred square bin grid (n, n, 2, 2), n odd, over the 8 symmetries R of the
    square: M2(r) -> R M2(R^T r) R^T, M2perp(r) -> det(R) R M2perp(R^T r) R^T (d_perp is a pseudovector)."""
    n = m2.shape[0]
    if m2.shape != (n, n, 2, 2) or m2perp.shape != m2.shape or n % 2 == 0:
        raise ValueError(f"m2, m2perp: expected (n, n, 2, 2) arrays with n odd (bins centred on r = 0), "
                         f"got {m2.shape} and {m2perp.shape}")
    k = np.arange(n) - n // 2
    ix, iy = np.meshgrid(k, k, indexing="ij")
    out, out_p = np.zeros_like(m2), np.zeros_like(m2perp)
    for R in _SQUARE_GROUP:
        # value at r comes from R^T r
        sx = (R[0, 0] * ix + R[1, 0] * iy).astype(int) + n // 2
        sy = (R[0, 1] * ix + R[1, 1] * iy).astype(int) + n // 2
        out += np.einsum("ab,xybc,dc->xyad", R, m2[sx, sy], R)
        out_p += np.linalg.det(R) * np.einsum("ab,xybc,dc->xyad", R, m2perp[sx, sy], R)
    return out / len(_SQUARE_GROUP), out_p / len(_SQUARE_GROUP)


def pair_moment_average(positions: npt.ArrayLike, theta: npt.ArrayLike, box: tuple[float, float], r_max: float,
                        n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(edges, M2, M2perp) of T homogeneous equilibrium frames: the pair moments of
    particles.dipolar.pair_moments on n_bins x n_bins bins of [-r_max, r_max)^2 (n_bins odd, so the bins are
    centred on the separation grid), averaged over the frames and symmetrised over the square (symmetrise_square).

    positions (T, N, 2) in [0, box), theta (T, N) radians, box (Lx, Ly) lengths.
    """
    from hydrobridge.particles.dipolar.pair_moments import pair_moments

    x = _finite_array("positions", positions, 3, 2)
    th = _finite_array("theta", theta, 2)
    if th.shape != x.shape[:2]:
        raise ValueError(f"theta: expected shape {x.shape[:2]} (frames, molecules of positions), got {th.shape}")
    box = np.asarray(box, float)
    if box.shape != (2,) or not np.all(box > 0):
        raise ValueError(f"box = {box.tolist()}: expected two positive lengths (Lx, Ly)")
    _positive("r_max", r_max)
    if not (isinstance(n_bins, int) and n_bins >= 1 and n_bins % 2 == 1):
        raise ValueError(f"n_bins = {n_bins!r}: expected an odd positive integer")
    frames = [pair_moments(x[k], th[k], box, r_max, n_bins) for k in range(len(x))]
    m2, m2perp = symmetrise_square(np.mean([f.m2 for f in frames], axis=0), np.mean([f.m2perp for f in frames], axis=0))
    return frames[0].edges, m2, m2perp


def d2_table(edges: np.ndarray, m2: np.ndarray, m2perp: np.ndarray, density: float, box: tuple[float, float]):
    """PairMomentTable of d2 = M2 / n^2 from bins centred on the grid nodes k h (odd count; module doc).

    closures.measured.pair_moment_table maps the bin [k h, (k + 1) h) to node k; our bin centred on k h
    is handed over with its edges shifted by h / 2.
    """
    edges = np.asarray(edges, float)
    h = edges[1] - edges[0]
    if (len(edges) - 1) % 2 == 0 or not np.isclose(edges[0], -edges[-1]):
        raise ValueError("edges: expected an odd number of bins symmetric about 0 (centred on the nodes k h)")
    return pair_moment_table(edges + 0.5 * h, m2, m2perp, density, box)


def molecular_record(molecule: DipolarParameters, density: float, bath_friction: float) -> dict[str, float]:
    """The molecular parameters beside the fits (DipolarMDClosures.molecular): mu, mass, inertia, kT, eps0 and
    the ideal-rotor chi_s = n mu^2 / (2 eps0 kT), w0 = sqrt(kT / I), tau_D = I gamma_r / kT."""
    par = molecule
    return {"mu": par.mu, "mass": par.mass, "inertia": par.inertia, "kT": par.kT, "eps0": par.eps0,
            "ideal_chi_s": par.static_susceptibility(density), "ideal_w0": par.w0,
            "ideal_tau_D": par.inertia * bath_friction / par.kT}


def sheet_pdv_relaxation_time(p_x: npt.ArrayLike, p_dv_xx: npt.ArrayLike, slab_width: float, sigma0: float,
                              molecule: DipolarParameters, density: float) -> dict[str, Any]:
    """P_dv_xx as a linear response to the field gradient at a sheet pair at L/4, 3L/4 (docs/theory.md §4).

    With the molecules' own dipole force (mu/m)(d . grad) E, d_t P_dv_xx = (mu rho / 2m) d_x E_x - (relaxation)
    P_dv_xx, so across a sheet int P_dv_xx^ dx = tau_dv (mu rho / 2m) [E_x^], [E_x^] = (+-sigma0 - [P_x^]) / eps0
    its jump. tau_dv (complex, a relaxation time) from the two slabs beside each sheet, odd combination of the
    sheets; error from the replica spread of the numerator. p_x, p_dv_xx: per-replica complex lock-in
    amplitudes (R, n) of P_x and P_dv_xx on n slabs of width slab_width (n a multiple of 4).
    """
    px_amp, dv = np.asarray(p_x, complex), np.asarray(p_dv_xx, complex)
    if px_amp.ndim != 2 or dv.shape != px_amp.shape or px_amp.shape[1] % 4 or len(px_amp) < 2:
        raise ValueError(f"p_x, p_dv_xx: expected equal (R >= 2, n) arrays with n a multiple of 4, "
                         f"got {px_amp.shape} and {dv.shape}")
    nc = px_amp.shape[1]
    a, b = nc // 4, 3 * nc // 4                              # first slab inside / outside the sheets
    px = px_amp.mean(axis=0)
    jump = ((sigma0 - (px[a] - px[a - 1])) - (-sigma0 - (px[b] - px[b - 1]))) / molecule.eps0
    num = slab_width * (dv[:, a - 1] + dv[:, a] - dv[:, b - 1] - dv[:, b])
    tau = num / (molecule.mu * density / (2 * molecule.mass) * jump)
    err = np.hypot(tau.real.std(ddof=1), tau.imag.std(ddof=1)) / math.sqrt(len(tau))
    return {"tau_dv": [float(tau.mean().real), float(tau.mean().imag)], "err": float(err),
            "field_jump": [float(jump.real), float(jump.imag)]}


@dataclass
class DipolarMDClosures:
    """The MD-fitted closure parameters of one system (see module doc), with errors and provenance.

    molecular: mu, mass, inertia, kT, eps0 and the number density; equilibrium: rotational_relaxation();
    transport: fit_dw_response() plus the symmetry-zero amplitudes; pressure: MeasuredPressure (or None);
    pair: {"edges", "m2", "m2perp"} symmetrised pair moments (or None).
    """

    molecular: dict[str, float]
    density: float
    equilibrium: dict[str, float]
    transport: dict[str, Any]
    pressure: MeasuredPressure | None = None
    pair: dict[str, np.ndarray] | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def closure(self, name: str):
        """The continuum rotational closure `name` (closures.dipolar_continuum.dipolar_closure) with these fits."""
        return dipolar_closure(name, density=self.density, relaxation=self.equilibrium, transport=self.transport)

    def pair_table(self, box: tuple[float, float]):
        """The D2 / D2perp correlation closure as a continuum.correlation.PairMomentTable."""
        if self.pair is None:
            raise ValueError("pair_table: these closures were fitted without pair moments")
        return d2_table(self.pair["edges"], self.pair["m2"], self.pair["m2perp"], self.density, box)

    def to_dict(self) -> dict[str, Any]:
        pair = None if self.pair is None else {k: np.asarray(v).tolist() for k, v in self.pair.items()}
        return {"closure": "DipolarMDClosures", "molecular": self.molecular, "density": self.density,
                "equilibrium": self.equilibrium, "transport": self.transport,
                "pressure": None if self.pressure is None else self.pressure.to_dict(), "pair": pair,
                "provenance": self.provenance}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DipolarMDClosures:
        data = dict(data)
        if data.pop("closure", None) != "DipolarMDClosures":
            raise ValueError("data: not a DipolarMDClosures record (expected closure = 'DipolarMDClosures')")
        p = data.pop("pressure")
        if p is not None:
            p = dict(p)
            p.pop("closure")
            p = MeasuredPressure(**p)
        pair = data.pop("pair")
        if pair is not None:
            pair = {k: np.asarray(v, float) for k, v in pair.items()}
        return cls(pressure=p, pair=pair, **data)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: str | Path) -> DipolarMDClosures:
        return cls.from_dict(json.loads(Path(path).read_text()))
