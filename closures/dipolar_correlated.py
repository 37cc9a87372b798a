"""The correlated rotational closure: h2 responds to the polarisation (docs/theory.md (3.20)-(3.28)).

In linear response about the isotropic state the correlated part of the pair distribution acts on a molecule
as an extra local field, linear in the polarisation P = mu p (p = rho D):

    E_corr[p](k) = (kT_r / mu) C_sr(k) p(k),   C_sr = C - C_P                                       (3.21)

C(k) the dipolar (d1 . C . d2) projection of the direct correlation function, from the pair correlation h2 by
Ornstein-Zernike, C = H (I + (n/2) H)^-1 (3.22), and C_P(k) = -(mu^2 / (eps0 kT_r)) k^ (x) k^ the mean-field
(Poisson) part the continuum already carries through E. The continuum uses the local (k -> 0) limit
C_sr(0) = c0 I, so the closure is a function of the local state:

    d_t p = B,   d_t B = w0^2 (p_eq(E + E_corr) - p) - g B,   p_eq(E) = mu rho E / (2 kT_r),
    E_corr = (kT_r / mu) c0 p                                                                           (3.23)

giving chi(w) = chi_id / (1 - n c0 / 2 - (w^2 + i w g) / w0^2), chi_id = n mu^2 / (2 eps0 kT_r) (3.25): a static
susceptibility chi_id / (1 - n c0 / 2) and the collective resonance w_c^2 = w0^2 (1 - n c0 / 2). w0^2 = kT_r / I
(sum rule) and the friction g are single-molecule inputs; c0 comes from one of two correlation sources, both
with `c0` (area units) and `fourier(k, kT_r, mu, eps0)`:

* PairHarmonicCorrelation: equilibrium MD, h110(r) and h112(r) (particles.dipolar.pair_harmonics); c0 from
  the Kirkwood factor of the periodic conducting box, 1 - n c0 / 2 = 1 / g_K (3.24).
* PotentialCorrelation: MD-free, c = -u_dd / kT_r outside the core diameter sigma (random phase outside a hard
  core): c0 = mu^2 / (2 eps0 kT_r), the 2D Clausius-Mossotti local field (3.26).

For a linearised continuum at wavevector k: CorrelatedGrad.correlation_kernel(par, k) returns
(c_sr_L(k), c_sr_T(k)) and wavevector_susceptibility the response with the full kernel in closed form (contracts in
their docstrings); nonlocal_kernel gives the same correlation to continuum.wavevector_response's solver (its
correlation contract, K~(k) = (eps0 kT_r / mu^2)(c_sr_L(k) - c0), (4.29)), which must reproduce the closed form. CorrelatedGrad.static_susceptibility and timescales follow (3.25); with c0 = 0 (ideal rotors: no pair
potential, h2 = 0) it is the damped Grad closure (3.11) term by term. Optionally the friction is a kernel with
an exponential cage memory (Memory, (3.28)): g B -> g_b B + Z, d_t Z = D_m B - Z / tau_m, chi(w) of (3.25) with
g -> K^(w); single_dipole_memory takes g_b from the bath and D_m, tau_m from the single-dipole correlation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar, Protocol

import numpy as np
import numpy.typing as npt
import ufl
from scipy.special import j0, j1, jv

from hydrobridge.closures.base import RotationalClosure, RotationalTimescales
from hydrobridge.closures.rotational import DipolarParameters, GradRotational

__all__ = ["CorrelationSource", "PairHarmonicCorrelation", "PotentialCorrelation", "NonlocalKernel", "CorrelatedGrad",
           "single_dipole_friction", "Memory", "relaxation_function", "single_dipole_memory", "EquilibriumInputs",
           "equilibrium_inputs"]


class CorrelationSource(Protocol):
    """What CorrelatedGrad needs of a correlation source: c0 and the kernel in Fourier space."""

    c0: float

    def fourier(self, k: npt.ArrayLike, kT_r: float, mu: float, eps0: float) -> tuple[np.ndarray, np.ndarray]:
        ...


def _check_k(k: npt.ArrayLike) -> np.ndarray:
    k = np.asarray(k, float)
    if np.any(~np.isfinite(k)) or np.any(k < 0):
        raise ValueError("k: expected finite wavenumbers >= 0")
    return k


@dataclass(frozen=True)
class PairHarmonicCorrelation:
    """Measured equilibrium pair harmonics (docs/theory.md (3.20)): radial shell edges (n_bins + 1,) covering every
    minimum-image pair of the box, the number density n, and h110, h112 (n_bins,) on the shells, each shell
    weighted by its area inside the box `areas` (particles.dipolar.pair_harmonics.shell_areas)."""

    edges: npt.NDArray[np.float64]
    density: float
    h110: npt.NDArray[np.float64]
    h112: npt.NDArray[np.float64]
    areas: npt.NDArray[np.float64]
    c0: float = field(init=False)

    def __post_init__(self) -> None:
        nb = len(self.edges) - 1
        if not (self.h110.shape == self.h112.shape == self.areas.shape == (nb,)):
            raise ValueError(f"h110, h112, areas: expected shape ({nb},) (the shells of edges), got "
                             f"{self.h110.shape}, {self.h112.shape}, {self.areas.shape}")
        if not self.density > 0:
            raise ValueError(f"density = {self.density}: expected > 0")
        object.__setattr__(self, "c0", 2.0 / self.density * (1.0 - 1.0 / self.kirkwood_factor()))

    @classmethod
    def from_shell_sums(cls, edges: npt.ArrayLike, sums: npt.ArrayLike, areas: npt.ArrayLike,
                        density: float) -> "PairHarmonicCorrelation":
        """From the mean shell sums s_b (3, n_bins) of particles.dipolar.pair_harmonics.pair_harmonic_sums."""
        sums, areas = np.asarray(sums, float), np.asarray(areas, float)
        if sums.ndim != 2 or sums.shape[0] != 3:
            raise ValueError(f"sums: expected shape (3, n_bins), got {sums.shape}")
        safe = np.where(areas > 0, areas, 1.0)
        return cls(np.asarray(edges, float), density, 2 * sums[1] / (density * safe),
                   2 * sums[2] / (density * safe), areas)

    def kirkwood_factor(self) -> float:
        """g_K = 1 + (n/2) sum_b h110(r_b) a_b, the trace integral of the equilibrium D2 (3.24)."""
        return float(1.0 + 0.5 * self.density * np.sum(self.h110 * self.areas))

    def fourier(self, k: npt.ArrayLike, kT_r: float, mu: float, eps0: float) -> tuple[np.ndarray, np.ndarray]:
        """(c_sr_L(k), c_sr_T(k)), area units, of the short-range direct correlation C_sr = C - C_P (3.21)-(3.22).

        Contract: k (any shape) are wavenumbers >= 0; C_sr(k) = c_L k^ (x) k^ + c_T (I - k^ (x) k^) for every
        direction k^ (the shell average: isotropic liquid). At k = 0 both equal c0 (the periodic conducting box:
        the k = 0 mode has no depolarising field). For k > 0, h_L,T = h110^(k) -/+ h112^(k) with
        h110^ = sum_b a_b h110 J0(k r_b), h112^ = sum_b a_b h112 J2(k r_b), then Ornstein-Zernike (3.22) and
        c_sr_L = c_L + mu^2 / (eps0 kT_r). Resolved for k >= 2 pi / L of the measuring box (the shells stop at
        its half diagonal, where the h112 tail is cut); below that the k = 0 value is the meaningful one.
        """
        k = _check_k(k)
        r = 0.5 * (self.edges[1:] + self.edges[:-1])
        kr = k[..., None] * r
        h0 = np.sum(self.areas * self.h110 * j0(kr), axis=-1)
        h2 = np.sum(self.areas * self.h112 * jv(2, kr), axis=-1)
        half_n = 0.5 * self.density
        c_l = (h0 - h2) / (1 + half_n * (h0 - h2)) + mu**2 / (eps0 * kT_r)
        c_t = (h0 + h2) / (1 + half_n * (h0 + h2))
        at_zero = k == 0
        return np.where(at_zero, self.c0, c_l), np.where(at_zero, self.c0, c_t)


@dataclass(frozen=True)
class PotentialCorrelation:
    """MD-free correlation source (3.26): c = -u_dd / kT_r for |r| > sigma (the core diameter), 0 inside;
    `interactions` False (ideal rotors, no pair potential) gives c = 0 identically."""

    sigma: float
    mu: float
    kT_r: float
    eps0: float
    interactions: bool = True
    c0: float = field(init=False)

    def __post_init__(self) -> None:
        for name in ("sigma", "mu", "kT_r", "eps0"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} = {getattr(self, name)}: expected > 0")
        object.__setattr__(self, "c0", self.mu**2 / (2 * self.eps0 * self.kT_r) if self.interactions else 0.0)

    def fourier(self, k: npt.ArrayLike, kT_r: float, mu: float, eps0: float) -> tuple[np.ndarray, np.ndarray]:
        """(c_sr_L(k), c_sr_T(k)) = (mu^2 / (eps0 kT_r)) (1 - J1(k sigma)/(k sigma), J1(k sigma)/(k sigma)) (3.26),
        area units; same contract as PairHarmonicCorrelation.fourier (its own mu, kT_r, eps0 are used)."""
        k = _check_k(k)
        x = k * self.sigma
        ratio = np.where(x > 0, j1(x) / np.where(x > 0, x, 1.0), 0.5)
        scale = 2 * self.c0
        return scale * (1 - ratio), scale * ratio


@dataclass(frozen=True)
class NonlocalKernel:
    """The nonlocal part of a correlation source as continuum.wavevector_response's correlation kernel (its contract:
    kernel(k) -> K~(k), dimensionless, in E_loc^ = E^ + K~(k) mu p_L^ / eps0, docs/theory.md (4.25)):

        K~(k) = (eps0 kT_r / mu^2) (c_sr_L(k) - c0)                                                          (4.29)

    (3.21) with the Poisson part left to E and the local part c0 left to the closure's sources (3.23): with the
    CorrelatedGrad of the same source, (4.26) gives eps_L = 1 + chi_L(k, w) of CorrelatedGrad.wavevector_susceptibility.
    k > 0 (1/length); par supplies mu, kT_r, eps0."""

    correlation: CorrelationSource
    par: DipolarParameters

    def kernel(self, k: float) -> float:
        par = self.par
        c_l, _ = self.correlation.fourier(k, par.kT_r, par.mu, par.eps0)
        return float(par.eps0 * par.kT_r / par.mu**2 * (c_l - self.correlation.c0))


def single_dipole_friction(correlation: npt.ArrayLike, dt: float, w0: float) -> float:
    """g = w0^2 tau_s, tau_s = int_0^t_max C_s(t) / C_s(0) dt (trapezoid; C_s sampled every dt from t = 0) (3.27):
    the friction of the damped oscillator whose relaxation integral is the single dipole's."""
    c = np.asarray(correlation, float)
    if c.ndim != 1 or len(c) < 2 or not np.all(np.isfinite(c)) or not c[0] > 0:
        raise ValueError("correlation: expected a finite series of >= 2 samples with C_s(0) > 0")
    if not (dt > 0 and w0 > 0):
        raise ValueError(f"dt = {dt}, w0 = {w0}: expected > 0")
    tau = float(np.sum(0.5 * (c[1:] + c[:-1])) * dt / c[0])
    return w0**2 * tau


@dataclass(frozen=True)
class Memory:
    """Friction kernel K(t) = friction delta(t) + strength exp(-t / time) (3.28): friction (1 / time) the
    instantaneous part (the bath), strength (1 / time^2) and time the cage memory; K^(0) = friction + strength time."""

    friction: float
    strength: float = 0.0
    time: float = 1.0

    def __post_init__(self) -> None:
        if not (self.friction >= 0 and self.strength >= 0 and self.time > 0):
            raise ValueError(f"friction = {self.friction}, strength = {self.strength}, time = {self.time}: expected "
                             "friction >= 0, strength >= 0, time > 0")

    def fourier(self, omega: npt.ArrayLike) -> np.ndarray:
        """K^(w) = friction + strength time / (1 - i w time)."""
        w = np.asarray(omega, float)
        return self.friction + self.strength * self.time / (1 - 1j * w * self.time)


def relaxation_function(w0: float, memory: Memory, t: npt.ArrayLike) -> np.ndarray:
    """R(t) of x'' = -w0^2 x - int K(t - t') x'(t') dt', x(0) = 1, x'(0) = 0 (3.28): the normalised single-dipole
    correlation the memory closure implies (the matrix exponential of its three-variable linear system)."""
    A = np.array([[0.0, 1.0, 0.0], [-w0**2, -memory.friction, -1.0], [0.0, memory.strength, -1.0 / memory.time]])
    lam, V = np.linalg.eig(A)
    coef = np.linalg.solve(V, np.array([1.0, 0.0, 0.0]))
    t = np.asarray(t, float)
    return np.real(np.exp(np.multiply.outer(t, lam)) @ (V[0] * coef))


def single_dipole_memory(correlation: npt.ArrayLike, dt: float, w0: float, bath_friction: float) -> Memory:
    """The Memory (3.28) of the single dipole: friction = the bath's, strength fitted (least squares in log strength)
    so that relaxation_function matches C_s(t) / C_s(0) (sampled every dt from t = 0), time fixed by the relaxation
    integral, K^(0) = w0^2 tau_s (3.27). Without memory to spare (w0^2 tau_s <= bath_friction): no memory."""
    from scipy.optimize import minimize_scalar

    total = single_dipole_friction(correlation, dt, w0)
    if total <= bath_friction:
        return Memory(bath_friction)
    c = np.asarray(correlation, float)
    c = c / c[0]
    t = dt * np.arange(len(c))

    def memory(log_strength: float) -> Memory:
        strength = float(np.exp(log_strength))
        return Memory(bath_friction, strength, (total - bath_friction) / strength)

    def misfit(log_strength: float) -> float:
        return float(np.sum((relaxation_function(w0, memory(log_strength), t) - c) ** 2))

    lo, hi = np.log(1e-3 * w0**2), np.log(1e3 * w0**2)
    return memory(minimize_scalar(misfit, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6}).x)


@dataclass(frozen=True)
class EquilibriumInputs:
    """The correlated closure's equilibrium-MD inputs: the pair harmonics, the jackknife standard error of their
    Kirkwood factor over the blocks, the single-dipole correlation time tau_s, friction g = w0^2 tau_s (3.27) and
    memory (3.28)."""

    correlation: PairHarmonicCorrelation
    kirkwood_factor_err: float
    single_dipole_tau: float
    friction: float
    memory: Memory


def equilibrium_inputs(edges: npt.ArrayLike, shell_sum_blocks: npt.ArrayLike, areas: npt.ArrayLike, density: float,
                       single_dipole: npt.ArrayLike, sample_dt: float, w0: float,
                       bath_friction: float) -> EquilibriumInputs:
    """From the mean shell sums of each block (blocks, 3, n_bins) (particles.dipolar.pair_harmonics: blocks of one
    or several replicas), the single-dipole C_s sampled every sample_dt, w0 = sqrt(kT_r / I) and the bath's
    rotational friction rate."""
    blocks = np.asarray(shell_sum_blocks, float)
    if blocks.ndim != 3 or blocks.shape[0] < 2:
        raise ValueError(f"shell_sum_blocks: expected shape (blocks >= 2, 3, n_bins), got {blocks.shape}")
    pairs = PairHarmonicCorrelation.from_shell_sums(edges, blocks.mean(axis=0), areas, density)
    nb = len(blocks)
    loo = np.array([PairHarmonicCorrelation.from_shell_sums(edges, np.delete(blocks, b, axis=0).mean(axis=0), areas,
                                                            density).kirkwood_factor() for b in range(nb)])
    err = float(np.sqrt((nb - 1) / nb * np.sum((loo - loo.mean()) ** 2)))
    friction = single_dipole_friction(single_dipole, sample_dt, w0)
    memory = single_dipole_memory(single_dipole, sample_dt, w0, bath_friction)
    return EquilibriumInputs(pairs, err, friction / w0**2, friction, memory)


@dataclass(frozen=True)
class CorrelatedGrad(RotationalClosure):
    """Damped Grad closure with the correlation field of (3.23): correlation (a CorrelationSource) gives c0;
    friction g (1 / time), w0 (None: the sum-rule sqrt(kT_r / I)) and memory are single-molecule inputs. With a
    memory (3.28) the fields are r = (B, Z), d_t B = w0^2 (p_eq(E + E_corr) - p) - g B - Z, d_t Z = strength B - Z / time
    (g = memory.friction; the `friction` argument must then be 0); without, r = B."""

    correlation: CorrelationSource
    friction: float = 0.0
    w0: float | None = None
    memory: Memory | None = None
    name: str = "correlated"
    is_linear: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not self.friction >= 0:
            raise ValueError(f"friction = {self.friction}: expected >= 0")
        if self.w0 is not None and not self.w0 > 0:
            raise ValueError(f"w0 = {self.w0}: expected a positive frequency")
        if self.memory is not None and self.friction:
            raise ValueError(f"friction = {self.friction} with a memory: expected 0 (memory.friction is the "
                             "instantaneous friction)")

    @property
    def rotational_components(self) -> int:
        return 2 if self.memory is None else 4

    def _kernel(self) -> Memory:
        return Memory(self.friction) if self.memory is None else self.memory

    def _w0sq(self, par: DipolarParameters) -> float:
        return par.w0**2 if self.w0 is None else self.w0**2

    def sources(self, par: DipolarParameters, rho, p, r, E):
        B = ufl.as_vector((r[0], r[1]))
        e_corr = par.kT_r / par.mu * self.correlation.c0 * p
        p_eq = par.mu * rho / (2 * par.kT_r) * (E + e_corr)
        d_B = self._w0sq(par) * (p_eq - p) - self._kernel().friction * B
        if self.memory is None:
            return B, d_B
        Z = ufl.as_vector((r[2], r[3]))
        d_Z = self.memory.strength * B - Z / self.memory.time
        return B, ufl.as_vector((d_B[0] - Z[0], d_B[1] - Z[1], d_Z[0], d_Z[1]))

    def energy_density(self, par: DipolarParameters, rho, p, r):
        return None  # damped (and the correlation field is not a gradient of the closure's K)

    def correlation_torque(self, par: DipolarParameters, rho, p, s_th):
        """As the Grad closure: d_t B += S_th D_perp (Z untouched)."""
        on_p, on_B = GradRotational.correlation_torque(self, par, rho, p, s_th)
        return on_p, on_B if self.memory is None else (*on_B, 0.0, 0.0)

    def local_field_factor(self, density: float) -> float:
        """1 - n c0 / 2: chi_s = chi_id / (that), w_c^2 = w0^2 (that) (3.25)."""
        return 1.0 - 0.5 * density * self.correlation.c0

    def static_susceptibility(self, par: DipolarParameters, density: float) -> float:
        return par.static_susceptibility(density) / self.local_field_factor(density)

    def susceptibility(self, par: DipolarParameters, density: float, omega: npt.ArrayLike) -> np.ndarray:
        """chi(w) of (3.25) (with a memory, g -> K^(w) of (3.28)), the derived linear response the continuum must
        reproduce."""
        w = np.asarray(omega, float)
        return par.static_susceptibility(density) / (
            self.local_field_factor(density) - (w**2 + 1j * w * self._kernel().fourier(w)) / self._w0sq(par))

    def correlation_kernel(self, par: DipolarParameters, k: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """The correlation kernel in Fourier space, (c_sr_L(k), c_sr_T(k)) in area units (3.21)-(3.22), (3.26).

        Contract (for a linearised continuum at wavevector k): k are wavenumbers >= 0 (any shape, the result has
        it); the correlation field of a polarisation p^(k) exp(i k . x) is E_corr^ = (kT_r / mu) [c_L k^ (k^ . p^)
        + c_T (p^ - k^ (k^ . p^))], to be added wherever E enters (3.23); the Poisson (mean-field) part is not
        included (the caller's E carries it). At k = 0 both equal c0, the value the local closure uses."""
        return self.correlation.fourier(k, par.kT_r, par.mu, par.eps0)

    def nonlocal_kernel(self, par: DipolarParameters) -> NonlocalKernel:
        """The correlation kernel (4.29) to pass with this closure to continuum.wavevector_response."""
        return NonlocalKernel(self.correlation, par)

    def wavevector_susceptibility(self, par: DipolarParameters, density: float, k: npt.ArrayLike,
                                  omega: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(chi_L(k, w), chi_T(k, w)): the polarisation response to the Maxwell field at wavevector k with the full
        kernel, chi_id / (1 - (n/2) c_sr(k) - (w^2 + i w K^(w)) / w0^2) (3.25); eps_L(k, w) = 1 + chi_L(k, w).
        k and omega broadcast against each other. The closed form of the derivation: the general solver
        (continuum.wavevector_response.wavevector_permittivity, any closure through the protocol) with
        nonlocal_kernel(par) must equal it (tested), and gives chi_L only."""
        c_l, c_t = self.correlation_kernel(par, k)
        w = np.asarray(omega, float)
        dyn = (w**2 + 1j * w * self._kernel().fourier(w)) / self._w0sq(par)
        chi_id = par.static_susceptibility(density)
        return chi_id / (1 - 0.5 * density * c_l - dyn), chi_id / (1 - 0.5 * density * c_t - dyn)

    def timescales(self, par: DipolarParameters) -> RotationalTimescales:
        """The libration frequency and the instantaneous friction: w0 without memory, with a memory the caged
        libration sqrt(w0^2 + D_m) (w tau_m >> 1 in (3.28)) and the memory time tau_m as a relaxation time."""
        if self.memory is None:
            return RotationalTimescales(frequency=self._w0sq(par) ** 0.5, damping=self.friction)
        return RotationalTimescales(relaxation_time=self.memory.time,
                                    frequency=(self._w0sq(par) + self.memory.strength) ** 0.5,
                                    damping=self.memory.friction)

    def to_dict(self) -> dict:
        return {"closure": type(self).__name__, "name": self.name, "friction": self.friction, "w0": self.w0,
                "memory": None if self.memory is None else asdict(self.memory),
                "correlation": type(self.correlation).__name__, "c0": self.correlation.c0}
