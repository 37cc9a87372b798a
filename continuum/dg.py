"""Discontinuous Galerkin for systems of conservation laws (docs/theory.md §1, §3 (1.19)-(1.20)).

    d_t U + div F(U) = S(U)

U has m components (m = 1: scalar); F(U) is (m, d) (or (d,) for scalar U). Semi-discretisation on
a discontinuous Lagrange space, for every test function v:

    int d_t U . v dx = int F(U) : grad v dx - int_dS Fhat(U+, U-, n+) . (v+ - v-) dS + int S . v dx
    Fhat = (F(U+) + F(U-)) n+ / 2 + alpha (U+ - U-) / 2        (local Lax-Friedrichs / Rusanov)

alpha = max of the law's wave speed on both sides. On the periodic meshes of ``hydrobridge.meshes.periodic``
the facets of opposite boundaries are interior facets, so the periodic numerical flux is this same
dS integral, with quadrature points matched by construction. The flux terms telescope: total mass
int U dx is conserved to round-off. Time stepping is strong-stability-preserving RK3 with the
block-diagonal DG mass matrix inverted exactly (block Jacobi / ILU(0) is exact for it).

Optional hooks (all default to off, so the plain scheme above is unchanged):

* ``boundary_flux(U, n)``: numerical flux Fhat . n on exterior facets (non-periodic directions),
  e.g. :func:`transmissive_flux` (zero-gradient ghost state: Fhat = F(U) n); without it exterior
  facets carry no flux;
* ``before_rate(stage)``: called with the stage Function before each residual assembly (mean-field
  solves that depend on the stage state);
* ``extra_rate(stage, b)``: adds a hand-assembled contribution to the residual vector b (owned
  entries) before the mass solve (e.g. a convolution force assembled by quadrature);
* ``extra_form(U, v)``: a UFL form added to the residual (terms whose coefficients need explicit
  facet restrictions, e.g. a flux built from a mean-field potential);
* ``quadrature_degree``: fixed quadrature degree of the residual (default: UFL's estimate);
* ``limiter(U)``: applied to the Function after every SSP stage (slope / positivity limiters). SSP-RK3
  stages are convex combinations of forward-Euler steps, so a limiter valid for forward Euler keeps
  its property for the full step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc

__all__ = ["ConservationLaw", "DGConservationLaw", "linear_advection", "transmissive_flux"]


@dataclass(frozen=True)
class ConservationLaw:
    """flux(U) -> F(U); max_speed(U, n) -> largest |eigenvalue| of dF/dU . n; source(U) -> S or None."""

    flux: Callable[[ufl.core.expr.Expr], ufl.core.expr.Expr]
    max_speed: Callable[[ufl.core.expr.Expr, ufl.core.expr.Expr], ufl.core.expr.Expr]
    source: Callable[[ufl.core.expr.Expr], ufl.core.expr.Expr] | None = None


def linear_advection(velocity: ufl.core.expr.Expr) -> ConservationLaw:
    """d_t u + div(a u) = 0 with constant a: Rusanov with alpha = |a . n| is the exact upwind flux."""
    return ConservationLaw(flux=lambda u: velocity * u, max_speed=lambda u, n: abs(ufl.dot(velocity, n)))


def transmissive_flux(law: ConservationLaw) -> Callable:
    """Exterior numerical flux with the ghost state equal to the interior state: Fhat . n = F(U) n."""
    return lambda U, n: ufl.dot(law.flux(U), n)


class DGConservationLaw:
    """Semi-discrete DG operator and SSP-RK3 stepper for a ConservationLaw on the space V."""

    def __init__(
        self,
        law: ConservationLaw,
        V: fem.FunctionSpace,
        boundary_flux: Callable | None = None,
        before_rate: Callable[[fem.Function], None] | None = None,
        extra_rate: Callable[[fem.Function, PETSc.Vec], None] | None = None,
        limiter: Callable[[fem.Function], None] | None = None,
        extra_form: Callable[[fem.Function, ufl.Argument], ufl.Form] | None = None,
        quadrature_degree: int | None = None,
    ) -> None:
        msh = V.mesh
        self.V, self.law = V, law
        self.before_rate, self.extra_rate, self.limiter = before_rate, extra_rate, limiter
        self.U = fem.Function(V, name="U")
        self._stage = fem.Function(V)
        U, v = self._stage, ufl.TestFunction(V)
        n = ufl.FacetNormal(msh)
        Fp, Fm = law.flux(U("+")), law.flux(U("-"))
        alpha = ufl.max_value(law.max_speed(U("+"), n("+")), law.max_speed(U("-"), n("+")))
        fhat = 0.5 * (ufl.dot(Fp, n("+")) + ufl.dot(Fm, n("+"))) + 0.5 * alpha * (U("+") - U("-"))
        # measures carry the domain: a law with identically zero flux (frozen transport) is still a form
        dx, dS, ds = ufl.dx(domain=msh), ufl.dS(domain=msh), ufl.ds(domain=msh)
        residual = ufl.inner(law.flux(U), ufl.grad(v)) * dx - ufl.inner(fhat, v("+") - v("-")) * dS
        if law.source is not None:
            residual += ufl.inner(law.source(U), v) * dx
        if boundary_flux is not None:
            residual -= ufl.inner(boundary_flux(U, n), v) * ds
        if extra_form is not None:
            residual += extra_form(U, v)
        if quadrature_degree is not None:
            residual = ufl.Form([i.reconstruct(metadata={"quadrature_degree": int(quadrature_degree)})
                                 for i in residual.integrals()])
        #: the residual R(U) as a UFL form of the stage Function (e.g. for its derivative about a state)
        self.residual_form = residual
        self._residual = fem.form(residual)
        u, w = ufl.TrialFunction(V), ufl.TestFunction(V)
        #: the mass form int u . w dx of the time derivative
        self.mass_form = ufl.inner(u, w) * ufl.dx
        M = fem_petsc.assemble_matrix(fem.form(self.mass_form))
        M.assemble()
        self._mass_solver = PETSc.KSP().create(msh.comm)
        self._mass_solver.setOperators(M)
        self._mass_solver.setType("preonly")
        self._mass_solver.getPC().setType("bjacobi")
        self._mass_solver.setUp()
        for sub in self._mass_solver.getPC().getBJacobiSubKSP():
            sub.setType("preonly")
            sub.getPC().setType("ilu")
        self.stage_time = 0.0
        self._b = fem_petsc.create_vector(V)
        self._k = self.U.x.petsc_vec.duplicate()

    @property
    def stage(self) -> fem.Function:
        """The Function the residual is evaluated at (holds the current stage state inside rate())."""
        return self._stage

    def apply_inverse_mass(self, b: PETSc.Vec, out: PETSc.Vec) -> None:
        """out = M^-1 b (exact: the DG mass matrix is block diagonal), e.g. for an L2 projection."""
        self._mass_solver.solve(b, out)

    def rate(self, U: PETSc.Vec, out: PETSc.Vec) -> None:
        """out = M^-1 R(U): the time derivative of the coefficients."""
        U.copy(self._stage.x.petsc_vec)
        self._stage.x.scatter_forward()
        if self.before_rate is not None:
            self.before_rate(self._stage)
        with self._b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(self._b, self._residual)
        self._b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        if self.extra_rate is not None:
            self.extra_rate(self._stage, self._b)
        self.apply_inverse_mass(self._b, out)

    def step(self, dt: float, t: float = 0.0) -> None:
        """One SSP-RK3 (Shu-Osher) step of self.U from time t; self.stage_time is the time of each stage."""
        u = self.U.x.petsc_vec
        k = self._k
        u0 = u.copy()
        self.stage_time = t
        self.rate(u, k)
        u.axpy(dt, k)                      # u1 = u0 + dt L(u0)
        self._after_stage()
        self.stage_time = t + dt
        self.rate(u, k)
        u.axpy(dt, k)
        u.scale(0.25)
        u.axpy(0.75, u0)                   # u2 = 3/4 u0 + 1/4 (u1 + dt L(u1))
        self._after_stage()
        self.stage_time = t + 0.5 * dt
        self.rate(u, k)
        u.axpy(dt, k)
        u.axpy(-1.0, u0)
        u.scale(2.0 / 3.0)
        u.axpy(1.0, u0)                    # u = 1/3 u0 + 2/3 (u2 + dt L(u2)) = u0 + 2/3 (u2 + dt L(u2) - u0)
        # (written so: fl(2/3) + fl(1/3) = 1 - 5.6e-17 would shrink every total by that factor each step)
        u0.destroy()
        self._after_stage()

    def _after_stage(self) -> None:
        self.U.x.scatter_forward()
        if self.limiter is not None:
            self.limiter(self.U)
            self.U.x.scatter_forward()
