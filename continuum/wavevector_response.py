"""Longitudinal permittivity eps_L(k, w) of the linearised dipolar continuum at wavevector k (docs/theory.md
(4.24)-(4.28)), for any RotationalClosure, with an optional nonlocal correlation term.

Linearised about the uniform state at rest (rho = n, U = 0, p = r = 0, psi = 0; docs/theory.md §4, frequency-
domain formulation), the closure's sources are linear in u = (p, r) and E at fixed rho = n:

    d_t u = J_u u + J_E E_loc,   J_u = d(sources)/du,  J_E = d(sources)/dE   (about rest, at rho = n)   (4.24)

obtained from closure.sources through the RotationalClosure protocol (UFL differentiation of its expressions,
evaluated as numbers: no mesh). For every field ~ exp(i k x - i w t) (k along x; the closures are isotropic),
Poisson (3.7) with a fixed external charge Q^ exp(i k x) gives E = E_vac - mu p_x / eps0, E_vac = -i Q^ / (eps0 k),
and the field the closure sees is

    E_loc = E + kernel(k) mu p_x / eps0   (longitudinal: along k)                                       (4.25)

(kernel = 0: the mean-field continuum). Then (-i w - J_u - (kernel - 1)(mu/eps0) J_E e_x e_x^T S) u = J_E e_x E_vac,
S u = p, and eps_L(k, w) = E_vac / E:

    eps_L(k, w) = 1 + chi(w) / (1 - kernel(k) chi(w)),   mu p^ = eps0 chi(w) E_loc^                      (4.26)

for a closure whose local response is chi(w). Transport (rho, U) does not enter at linear order: the force
(mu/m)(p . grad) E and the transport of p, r are quadratic about rest, so (rho', m') are not driven (4.27); the
result holds with and without translation (the DG discretisation with translation adds the Rusanov diffusion
of order c h, see `sheet_pair_check`). At w = 0 the system is solved in the least-squares sense (minimum
norm): a closure with no linear dynamics (local equilibrium: J_u = J_E = 0) gets p = 0, eps_L = 1.

Correlation contract: `correlation` is any object with a method kernel(k: float) -> float, k the wavenumber
|k| (1/length) and the value dimensionless: the nonlocal local-field factor of (4.25), i.e. the Fourier
transform at k of the kernel K(x - x') in E_loc(x) = E(x) + (1/eps0) int K(x - x') P_L(x') dx' (P = mu p).
It must be real and even in k (a static, isotropic correlation). A mean-field closure is kernel = 0; a
k-independent kernel K0 is a Lorentz-type local field (K0 = 1/2 in 2D is the Clausius-Mossotti cavity field).
Two analytic kernels: GaussianKernel (a test case) and CorrelationHoleKernel (MD-free, (4.28)); the correlated
closure's kernel from MD pair harmonics is closures.dipolar_correlated.NonlocalKernel ((4.29); with its random-phase
source it equals CorrelationHoleKernel).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, Sequence

import basix.ufl
import numpy as np
import ufl

from hydrobridge.closures.base import RotationalClosure
from hydrobridge.closures.rotational import DipolarParameters

__all__ = ["CorrelationKernel", "GaussianKernel", "CorrelationHoleKernel", "LinearisedClosure", "linearised_closure", "wavevector_permittivity",
           "implied_kernel", "SheetPairCheck", "sheet_pair_check"]


class CorrelationKernel(Protocol):
    """The correlation contract of the module doc: kernel(k) -> dimensionless local-field factor at |k| = k."""

    def kernel(self, k: float) -> float: ...


@dataclass(frozen=True)
class GaussianKernel:
    """kernel(k) = amplitude exp(-(k width)^2 / 2): a local-field kernel of range `width` (length) and strength
    `amplitude` (dimensionless) at k = 0; an analytic test case of the correlation contract."""

    amplitude: float
    width: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amplitude) and math.isfinite(self.width) and self.width >= 0):
            raise ValueError(f"amplitude = {self.amplitude}, width = {self.width}: expected finite numbers, width >= 0")

    def kernel(self, k: float) -> float:
        return self.amplitude * math.exp(-0.5 * (k * self.width) ** 2)


@dataclass(frozen=True)
class CorrelationHoleKernel:
    """kernel(k) = 1/2 - J1(k a) / (k a) (docs/theory.md (4.28)): the local field of a correlation hole of radius a
    (no other molecule within a of a molecule's centre; a = the core diameter s for the MD model), without its
    k -> 0 value 1/2 (the 2D Lorentz field, which would move eps(k -> 0) away from the closure's chi_s). MD-free; 0 at
    k = 0, rising to 1/2 for k a >> 1."""

    radius: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.radius) and self.radius > 0):
            raise ValueError(f"radius = {self.radius}: expected a finite positive length")

    def kernel(self, k: float) -> float:
        from scipy.special import j1     # SciPy is not loaded with hydrobridge.continuum

        x = k * self.radius
        return 0.5 - float(j1(x)) / x if x > 1e-8 else 0.0


@dataclass(frozen=True)
class LinearisedClosure:
    """(4.24) of one closure: state J_u (nu, nu) and field J_E (nu, 2) for u = (p_x, p_y, r_1, ...), nu = 2 + the
    closure's rotational_components, in 1/time and (density / (field time)) units."""

    state: np.ndarray
    field: np.ndarray


def linearised_closure(closure: RotationalClosure, par: DipolarParameters, density: float) -> LinearisedClosure:
    """J_u, J_E of (4.24): ufl.diff of closure.sources(par, n, p, r, E) with respect to (p, r, E), evaluated at
    p = r = E = 0 (exact for the closures with is_linear; for others, their tangent about rest)."""
    if not density > 0:
        raise ValueError(f"density = {density}: expected a positive number density")
    nr = closure.rotational_components
    nu = 2 + nr
    cell = ufl.Mesh(basix.ufl.element("Lagrange", "triangle", 1, shape=(2,)))   # UFL needs a domain; no mesh is built
    values = ufl.Constant(cell, shape=(nu + 2,))
    v = ufl.variable(values)
    p = ufl.as_vector((v[0], v[1]))
    r = ufl.as_vector([v[2 + j] for j in range(nr)]) if nr else None
    E = ufl.as_vector((v[nu], v[nu + 1]))
    src_p, src_r = closure.sources(par, float(density), p, r, E)
    rhs = ufl.as_vector([src_p[0], src_p[1]] + [src_r[j] for j in range(nr)])
    jac = ufl.algorithms.expand_derivatives(ufl.diff(rhs, v))
    rest = {values: np.zeros(nu + 2)}
    full = np.array([[float(jac[i, j]((), rest)) for j in range(nu + 2)] for i in range(nu)])
    return LinearisedClosure(full[:, :nu], full[:, nu:])


def wavevector_permittivity(closure: RotationalClosure, par: DipolarParameters, density: float,
                            ks: Sequence[float], omegas: Sequence[float] = (0.0,),
                            correlation: CorrelationKernel | None = None) -> np.ndarray:
    """eps_L(k, w), complex (len(ks), len(omegas)), of the linearised continuum (module doc, (4.24)-(4.26)) at
    wavenumbers ks > 0 (1/length) and angular frequencies omegas >= 0 (0: static); correlation: None (mean
    field) or an object with kernel(k) -> float (the contract of the module doc)."""
    ks, omegas = np.atleast_1d(np.asarray(ks, float)), np.atleast_1d(np.asarray(omegas, float))
    if ks.ndim != 1 or not len(ks) or not np.all(ks > 0):
        raise ValueError(f"ks = {ks}: expected a non-empty 1D sequence of positive wavenumbers")
    if omegas.ndim != 1 or not len(omegas) or not np.all(omegas >= 0):
        raise ValueError(f"omegas = {omegas}: expected a non-empty 1D sequence of angular frequencies >= 0")
    lin = linearised_closure(closure, par, density)
    nu = lin.state.shape[0]
    drive = lin.field[:, 0]                                  # J_E e_x (field along k)
    out = np.empty((len(ks), len(omegas)), complex)
    for a, k in enumerate(ks):
        kernel = 0.0 if correlation is None else float(correlation.kernel(float(k)))
        if not math.isfinite(kernel):
            raise ValueError(f"correlation.kernel({k}) = {kernel}: expected a finite real number")
        feedback = np.zeros((nu, nu))
        feedback[:, 0] = (kernel - 1.0) * par.mu / par.eps0 * drive
        for b, w in enumerate(omegas):
            A = -1j * w * np.eye(nu) - lin.state - feedback
            u = np.linalg.solve(A, drive) if w > 0 else np.linalg.lstsq(A, drive.astype(complex), rcond=None)[0]
            out[a, b] = 1.0 / (1.0 - par.mu * u[0] / par.eps0)       # E_vac / E with E_vac = 1
    return out


def implied_kernel(inv_eps_L: np.ndarray, chi_s: float) -> np.ndarray:
    """K~(k) = 1/chi_s - 1/(eps_L(k) - 1) of (4.26), written with 1/eps_L(k) (finite where eps_L diverges):
    the kernel with which a closure of static susceptibility chi_s > 0 reproduces a measured static eps_L(k)."""
    if not chi_s > 0:
        raise ValueError(f"chi_s = {chi_s}: expected a positive static susceptibility")
    inv = np.asarray(inv_eps_L, float)
    return 1.0 / chi_s - inv / (1.0 - inv)


@dataclass(frozen=True)
class SheetPairCheck:
    """eps_nn of the frequency-domain sheet-pair solve (continuum.frequency.HarmonicSheetSystem) in a box of
    period 2 pi / k along x, against wavevector_permittivity at (k, omegas): fe, algebraic (complex arrays)."""

    k: float
    omegas: np.ndarray
    fe: np.ndarray
    algebraic: np.ndarray

    @property
    def max_relative_difference(self) -> float:
        return float(np.max(np.abs(self.fe / self.algebraic - 1)))


def sheet_pair_check(closure: RotationalClosure, par: DipolarParameters, density: float, k: float,
                     omegas: Sequence[float], translation: bool = False, mesh_n: int = 16,
                     comm=None) -> SheetPairCheck:
    """The FE counterpart of wavevector_permittivity at wavenumber k: sheets +-sigma0 at L/4, 3L/4 of a periodic box
    L x L/4 with L = 2 pi / k (mesh_n x 4 cells), solved in the frequency domain (docs/theory.md
    (4.14)). The sheets' charge has the harmonics k, 3k, 5k, ...: for a local closure (kernel 0, eps_L independent of
    k) eps_nn = eps_L(k) to round-off without translation, and to the Rusanov diffusion O(c h) with it."""
    from mpi4py import MPI

    from hydrobridge.continuum.frequency import HarmonicSheetSystem
    from hydrobridge.continuum.permittivity import vacuum_drop
    from hydrobridge.meshes.sheets import sheet_pair_mesh

    if not k > 0 or mesh_n % 4:
        raise ValueError(f"k = {k}, mesh_n = {mesh_n}: expected k > 0 and mesh_n a multiple of 4 (sheets on grid lines)")
    omegas = np.asarray(omegas, float)
    length = 2 * math.pi / k
    sp = sheet_pair_mesh(MPI.COMM_SELF if comm is None else comm, "x", mesh_n, 4, length, length / 4)
    system = HarmonicSheetSystem(sp, par, closure, density, translation=translation)
    drop_vac, _ = vacuum_drop(sp, 1.0, par.eps0, degree=2)
    fe = np.array([par.eps0 * drop_vac / system.solve(float(w))[0] for w in omegas])
    return SheetPairCheck(float(k), omegas, fe, wavevector_permittivity(closure, par, density, [k], omegas)[0])
