"""Mean fields of the Euler rung (docs/theory.md §1): the F * rho term, behind one protocol.

A :class:`MeanField` is the problem-side description (parameters, ``to_dict``); ``discretise(context)``
returns its :class:`MeanFieldTerms` on a solver's DG space: what it contributes to the residual of

    d_t(rho U) + ... = (1/m) [... + f_mf],      d_t E + ... = (1/m) U . [... + f_mf]

* ``force_density(state)``: a UFL force density f_mf (before the division by m) or None,
* ``extra_work(state)``: energy-equation work not of the form U . f_mf / m (e.g. of a stress-form force),
* ``stress_form(U, v)``: a UFL form added to the residual (a flux with explicit facet values), or None,
* ``before_rate()``: called before each residual assembly (e.g. a Poisson solve for the stage density),
* ``extra_rate(stage, b)``: a hand-assembled residual contribution (owned entries of b), or None.

Two mean fields:

* :class:`PoissonMeanField` (Coulomb-like kernels, 1/r in 3D, log in 2D, |x| in 1D):
  -eps0 Lap phi = q (rho - rhobar), force per particle -sign q grad phi (sign = +1: like charges
  repel, the plasma; sign = -1: attraction, gravity-like). rhobar is the mean density (neutralising
  background / Jeans swindle on a periodic box). With ``conservative=True`` the force density is
  written as -sign q rhobar grad phi + sign div(eps0 (grad phi (x) grad phi - |grad phi|^2 I / 2)), using
  q (rho - rhobar) = -eps0 Lap phi: the stress part is a flux, so total momentum is conserved to
  round-off (the background part integrates to zero for periodic continuous phi).
* :class:`ConvolutionMeanField1D` (smooth kernels V(x) = (V0/xi) phi(x/xi), 1D periodic):
  (F * rho)(x) = int F(x - y) rho(y) dy with F = -V', by Gauss quadrature over all cells (dense,
  O(N^2), the quadrature values of rho are gathered from all ranks). The force is assembled on
  the same quadrature points, so sum_q sum_q' w w' rho rho' F(x_q - x_q') = 0 exactly (F odd): total
  momentum is conserved to round-off. :class:`CorrelatedConvolutionMeanField1D` adds the correlation
  source C = rho ((F h) * rho) through the kernel F (1 + h).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI
from petsc4py import PETSc

from hydrobridge.continuum.limiters import CellData
from hydrobridge.continuum.poisson import PoissonSolver

__all__ = ["MeanField", "MeanFieldContext", "MeanFieldTerms", "PoissonMeanField", "ConvolutionMeanField1D",
           "CorrelatedConvolutionMeanField1D", "gaussian_kernel"]


@dataclass(frozen=True)
class MeanFieldContext:
    """What a solver offers a mean field: its mesh, DG degree and cell tables, the particle mass, whether E
    is evolved and the mean density rhobar (a Constant the solver keeps current). The stage Function comes
    later, through MeanFieldTerms.attach."""

    mesh: Any
    degree: int
    cells: CellData
    mass: float
    has_energy: bool
    rhobar: fem.Constant


class MeanFieldTerms:
    """A discretised mean field's contributions; the defaults contribute nothing (see module doc)."""

    #: True if force_density returns a force
    has_force_density: bool = False
    #: True if extra_rate adds to the residual
    has_extra_rate: bool = False
    #: True if stress_form gives a form
    has_stress_form: bool = False

    def force_density(self, state: dict) -> Any:
        return None

    def extra_work(self, state: dict) -> Any:
        return None

    def stress_form(self, U: Any, v: Any) -> Any:
        return None

    def attach(self, stage: fem.Function) -> None:
        """Called once with the solver's stage Function (the residual's argument)."""

    def before_rate(self) -> None:
        """Called before each residual assembly."""

    def extra_rate(self, stage: fem.Function, b: PETSc.Vec) -> None:
        """Add to the owned entries of the residual vector b."""


class MeanField(ABC):
    """Problem-side mean field: parameters, the dimensions it supports, its discretisation."""

    def check_dimension(self, dim: int) -> None:
        """Raise ValueError if the mean field is not defined in `dim` dimensions (default: any)."""

    @abstractmethod
    def discretise(self, context: MeanFieldContext) -> MeanFieldTerms:
        """Its contributions on the solver described by context."""

    @abstractmethod
    def to_dict(self) -> dict:
        """Parameters as a JSON-able dict, with a "mean_field" key naming it."""


@dataclass(frozen=True)
class PoissonMeanField(MeanField):
    """Coulomb-like mean field by a Poisson solve: -eps0 Lap phi = q (rho - rhobar), force -sign q grad phi."""

    charge: float = 1.0
    eps0: float = 1.0
    sign: float = 1.0
    degree: int | None = None  # CG degree of phi; default DG degree + 1
    conservative: bool = True

    def __post_init__(self) -> None:
        if self.sign not in (1.0, -1.0, 1, -1):
            raise ValueError(f"sign = {self.sign}: expected +1 (repulsive) or -1 (attractive)")
        if not self.eps0 > 0:
            raise ValueError(f"eps0 = {self.eps0}: expected a positive number")

    def to_dict(self) -> dict:
        return {"mean_field": "Poisson", **asdict(self)}

    def discretise(self, context: MeanFieldContext) -> MeanFieldTerms:
        return _PoissonTerms(self, context)


class _PoissonTerms(MeanFieldTerms):
    """phi in continuous Lagrange (degree: the mean field's, default DG degree + 1), solved per stage."""

    has_force_density = True

    def __init__(self, mf: PoissonMeanField, context: MeanFieldContext) -> None:
        self.mf, self.context = mf, context
        self.has_stress_form = mf.conservative
        Vphi = fem.functionspace(context.mesh, ("Lagrange", mf.degree or context.degree + 1))
        self.phi = fem.Function(Vphi, name="phi")
        self._poisson: PoissonSolver | None = None

    def force_density(self, state: dict) -> Any:
        mf, g = self.mf, ufl.grad(self.phi)
        if mf.conservative:
            return -mf.sign * mf.charge * self.context.rhobar * g
        return -mf.sign * mf.charge * state["rho"] * g

    def extra_work(self, state: dict) -> Any:
        """The stress-form part of the force does work too: (m/rho) . (-sign q (rho - rhobar) grad phi)/m."""
        mf = self.mf
        if not mf.conservative:
            return None
        return -mf.sign * mf.charge * ufl.dot(state["m"], ufl.grad(self.phi)) / state["rho"] * (
            state["rho"] - self.context.rhobar) / self.context.mass

    def stress_form(self, U: Any, v: Any) -> Any:
        """sign/m div(eps0 T), T = grad phi (x) grad phi - |grad phi|^2 I/2, as a flux with central facet values."""
        mf, m = self.mf, self.context.mass
        d = self.context.mesh.topology.dim
        g = ufl.grad(self.phi)
        T = mf.eps0 * (ufl.outer(g, g) - 0.5 * ufl.dot(g, g) * ufl.Identity(d))
        G = -(mf.sign / m) * T  # momentum flux
        vm = ufl.as_vector([v[1 + i] for i in range(d)])
        n = ufl.FacetNormal(self.context.mesh)
        Gp = -(mf.sign / m) * mf.eps0 * (ufl.outer(g("+"), g("+")) - 0.5 * ufl.dot(g("+"), g("+")) * ufl.Identity(d))
        Gm = -(mf.sign / m) * mf.eps0 * (ufl.outer(g("-"), g("-")) - 0.5 * ufl.dot(g("-"), g("-")) * ufl.Identity(d))
        ghat = 0.5 * ufl.dot(Gp + Gm, n("+"))
        return ufl.inner(G, ufl.grad(vm)) * ufl.dx - ufl.inner(ghat, vm("+") - vm("-")) * ufl.dS

    def attach(self, stage: fem.Function) -> None:
        self._poisson = PoissonSolver(self.phi.function_space, self.mf.eps0,
                                      source=self.mf.charge * (stage[0] - self.context.rhobar))

    def before_rate(self) -> None:
        psi = self._poisson.solve()
        self.phi.x.array[:] = psi.x.array


def gaussian_kernel() -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[float], float]]:
    """phi(s) = exp(-s^2/2)/sqrt(2 pi) (unit integral): returns (phi', Fourier transform k -> phi^(k))."""
    c = 1.0 / np.sqrt(2 * np.pi)
    return (lambda s: -c * s * np.exp(-0.5 * s * s)), (lambda k: float(np.exp(-0.5 * k * k)))


@dataclass(frozen=True)
class ConvolutionMeanField1D(MeanField):
    """Smooth pair potential V(x) = (V0/xi) phi(x/xi) on a 1D periodic box; dphi = phi' (odd function).

    The box must be periodic (distances are wrapped with the period read from the mesh extent).

    images: periodic images summed on each side of the minimal image (the kernel must be negligible
    beyond them).
    """

    V0: float
    xi: float
    dphi: Callable[[np.ndarray], np.ndarray] = field(default_factory=lambda: gaussian_kernel()[0])
    images: int = 1
    kernel_name: str = "gaussian"

    def force(self, d: np.ndarray) -> np.ndarray:
        """Pair force F(d) = -V'(d) = -(V0/xi^2) phi'(d/xi)."""
        return -(self.V0 / self.xi**2) * self.dphi(d / self.xi)

    def to_dict(self) -> dict:
        return {"mean_field": "Convolution1D", "V0": self.V0, "xi": self.xi, "images": self.images,
                "kernel": self.kernel_name}

    def check_dimension(self, dim: int) -> None:
        if dim != 1:
            raise ValueError(f"{type(self).__name__}: dim must be 1, got {dim}")

    def discretise(self, context: MeanFieldContext) -> MeanFieldTerms:
        return _Convolution1D(context, self)


@dataclass(frozen=True)
class CorrelatedConvolutionMeanField1D(ConvolutionMeanField1D):
    """Mean field + correlation source C = rho ((F h) * rho) (docs/theory.md §1): the kernel F (1 + h).

    pair_correlation: h(|d|), e.g. a closures.pair_correlation.PairCorrelation.
    """

    pair_correlation: Callable[[np.ndarray], np.ndarray] | None = None

    def force(self, d: np.ndarray) -> np.ndarray:
        base = super().force(d)
        return base if self.pair_correlation is None else base * (1.0 + self.pair_correlation(d))

    def to_dict(self) -> dict:
        h = self.pair_correlation
        return {**super().to_dict(), "mean_field": "CorrelatedConvolution1D",
                "pair_correlation": h.to_dict() if hasattr(h, "to_dict") else repr(h)}


class _Convolution1D(MeanFieldTerms):
    """Force rho (F * rho) / m assembled on Gauss points (see ConvolutionMeanField1D)."""

    has_extra_rate = True

    def __init__(self, context: MeanFieldContext, mf: ConvolutionMeanField1D) -> None:
        cells = context.cells
        msh = cells.mesh
        self.cells, self.has_energy = cells, context.has_energy
        period = _period_1d(msh)
        n = cells.num_owned
        xi_q = cells.quad_points[:, 0]
        x0, x1 = cells.cell_x[:n, 0, 0], cells.cell_x[:n, 1, 0]
        xq = x0[:, None] + xi_q[None, :] * (x1 - x0)[:, None]  # (n, nq)
        wq = np.abs(x1 - x0)[:, None] * cells.quad_weights[None, :]
        self.wq = wq
        comm = msh.comm
        xg = np.concatenate(comm.allgather(xq.ravel()))
        self._counts = [len(a) for a in comm.allgather(xq.ravel())]
        d = xq.ravel()[:, None] - xg[None, :]
        d = d - period * np.round(d / period)
        K = np.zeros_like(d)
        for k in range(-mf.images, mf.images + 1):
            K += mf.force(d + k * period)
        self.K = K / context.mass  # (local q, global q)
        self.table = cells.quad_table  # (nq, ndofs)

    def extra_rate(self, stage: fem.Function, b: PETSc.Vec) -> None:
        cd = self.cells
        c = cd.coefficients(stage)[: cd.num_owned]  # (n, ndofs, ncomp)
        rho_q = np.einsum("qj,cj->cq", self.table, c[:, :, 0])
        wr = np.concatenate(cd.comm.allgather((self.wq * rho_q).ravel()))
        acc = (self.K @ wr).reshape(rho_q.shape)  # (F * rho)/m at local quadrature points
        contrib = np.einsum("qj,cq->cj", self.table, self.wq * rho_q * acc)
        local = b.getArray(readonly=False).reshape(-1, cd.bs)
        dofs = cd.dofs[: cd.num_owned]
        np.add.at(local[:, 1], dofs, contrib)
        if self.has_energy:
            m_q = np.einsum("qj,cj->cq", self.table, c[:, :, 1])
            np.add.at(local[:, 2], dofs, np.einsum("qj,cq->cj", self.table, self.wq * m_q * acc))


def _period_1d(msh) -> float:
    x = msh.geometry.x[:, 0]
    lo = msh.comm.allreduce(float(x.min()), op=MPI.MIN)
    hi = msh.comm.allreduce(float(x.max()), op=MPI.MAX)
    return hi - lo
