"""Poisson equation of the dipolar fluid with AC sheet-pair forcing (docs/theory.md §3, §4 (4.3)).

    -div(eps grad psi) = -div(P) + sigma(t) Q + f,     E = -grad psi

on a periodic box (zero-mean gauge, conducting / tin-foil convention) or with Dirichlet electrodes.
eps is eps0 (vacuum) or a permittivity of a uniform or tagged medium; P is a given polarisation
field; f is an optional general source (e.g. the charge density q (rho - n0) of a fluid with its
neutralising background); sigma(t) Q = sigma(t) (delta on sheet A - delta on sheet B), with sigma(t) read
from a :class:`continuum.forcing.SheetForcing`, enters as interior-facet integrals over the tagged sheet
facets. Weak form, for every test function v:

    int eps grad psi . grad v dx = int P . grad v dx + int f v dx + sigma(t) (int_A v dS - int_B v dS)

(the boundary term of -div P vanishes on a periodic box; with electrodes P . n = 0 is assumed on
them). The operator is assembled once; each solve assembles only the right-hand side. PETSc CG
with algebraic multigrid (GAMG), the constant nullspace removed on periodic boxes; PETSc options with the
prefix ``poisson_`` (:data:`OPTIONS_PREFIX`) change the Krylov method or preconditioner of every solver.
"""

from __future__ import annotations


import numpy as np
import ufl
from dolfinx import fem
from dolfinx import mesh as dmesh
from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc

from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.meshes.sheets import SHEET_A, SHEET_B

__all__ = ["PoissonSolver", "sheet_charge_form", "OPTIONS_PREFIX"]

#: prefix of the PETSc options that reach every PoissonSolver's KSP and PC, e.g.
#: PETSC_OPTIONS="-poisson_pc_gamg_threshold 0.02 -poisson_ksp_initial_guess_nonzero" (docs/performance.md)
OPTIONS_PREFIX = "poisson_"


def sheet_charge_form(v: ufl.Argument, facet_tags: dmesh.MeshTags, sigma0: float) -> ufl.Form:
    """Q tested with v: sigma0 (int_A avg(v) dS - int_B avg(v) dS) on the tagged sheet facets."""
    dS = ufl.Measure("dS", domain=v.ufl_function_space().mesh, subdomain_data=facet_tags)
    return sigma0 * (ufl.avg(v) * dS(SHEET_A) - ufl.avg(v) * dS(SHEET_B))


class PoissonSolver:
    """Solve -div(eps grad psi) = -div(P) + sigma(t) Q + f repeatedly with one assembled operator.

    V: scalar Lagrange space (periodic when its mesh is); eps: permittivity (number or UFL
    expression, possibly a tensor); polarisation: a vector UFL expression, typically a Function the caller updates in place,
    or None; facet_tags / forcing: the tagged sheets and their SheetForcing (None: no sheets); dirichlet: {facet tag: potential}
    for electrode problems (empty: periodic box, zero-mean gauge); rtol: Krylov relative tolerance;
    source: a scalar UFL expression f (typically of Functions the caller updates in place), or None.
    On a periodic box the right-hand side must be compatible (zero total charge: include the
    neutralising background in f); the constant-nullspace projection only removes round-off.
    """

    def __init__(
        self,
        V: fem.FunctionSpace,
        eps: float | ufl.core.expr.Expr,
        polarisation: ufl.core.expr.Expr | None = None,
        facet_tags: dmesh.MeshTags | None = None,
        forcing: SheetForcing | None = None,
        dirichlet: dict[int, float] | None = None,
        rtol: float = 1e-12,
        source: ufl.core.expr.Expr | None = None,
    ) -> None:
        msh = V.mesh
        self.V, self.mesh = V, msh
        psi, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        eps_ufl = fem.Constant(msh, float(eps)) if np.isscalar(eps) else eps
        if np.isscalar(eps) and not eps > 0:
            raise ValueError(f"eps = {eps}: expected a positive permittivity")
        zero = fem.Constant(msh, 0.0) * v * ufl.dx
        self._bcs: list[fem.DirichletBC] = []
        if dirichlet:
            if facet_tags is None:
                raise ValueError("dirichlet: electrode potentials need facet_tags marking the electrodes")
            tdim = msh.topology.dim
            msh.topology.create_connectivity(tdim - 1, tdim)
            for tag, value in dirichlet.items():
                facets = facet_tags.find(tag)
                dofs = fem.locate_dofs_topological(V, tdim - 1, facets)
                self._bcs.append(fem.dirichletbc(PETSc.ScalarType(value), dofs, V))
        #: the UFL forms of the weak form (4.3): operator, polarisation + source term, sheet term (sigma0 Q)
        self.operator_form = ufl.inner(eps_ufl * ufl.grad(psi), ufl.grad(v)) * ufl.dx
        L_P = ufl.inner(polarisation, ufl.grad(v)) * ufl.dx if polarisation is not None else zero
        if source is not None:
            L_P = L_P + ufl.inner(source, v) * ufl.dx
        self.source_form = L_P
        self._a = fem.form(self.operator_form)
        self._L_P = fem.form(L_P)
        if forcing is not None and facet_tags is None:
            raise ValueError("forcing: sheet charges need facet_tags marking the sheets")
        self.forcing = forcing
        q = sheet_charge_form(v, facet_tags, forcing.sigma0) if (forcing is not None and forcing.sigma0 != 0.0) else zero
        self.sheet_form = q
        self._L_Q = fem.form(q)

        A = fem_petsc.assemble_matrix(self._a, bcs=self._bcs)
        A.assemble()
        self._nullspace = None
        if not self._bcs:
            self._nullspace = PETSc.NullSpace().create(constant=True, comm=msh.comm)
            A.setNullSpace(self._nullspace)
            A.setNearNullSpace(self._nullspace)
        self.A = A
        self._b_Q = fem_petsc.assemble_vector(self._L_Q)
        self._b_Q.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        self._b = self._b_Q.duplicate()
        ksp = PETSc.KSP().create(msh.comm)
        ksp.setOperators(A)
        ksp.setType("cg")
        ksp.getPC().setType("gamg")
        ksp.setTolerances(rtol=rtol, atol=1e-50, max_it=1000)
        ksp.setOptionsPrefix(OPTIONS_PREFIX)    # PETSc options "-poisson_..." override the settings above
        ksp.setFromOptions()
        self.ksp = ksp
        self.psi = fem.Function(V, name="psi")
        volume = msh.comm.allreduce(fem.assemble_scalar(fem.form(fem.Constant(msh, 1.0) * ufl.dx(domain=msh))))
        self._mean = fem.form((1.0 / volume) * self.psi * ufl.dx)

    def solve(self, t: float = 0.0, envelope: float | None = None) -> fem.Function:
        """psi at time t with sheet charges sigma(t) of the forcing (zero mean on periodic boxes); envelope:
        the forcing's switch-on factor if held from elsewhere (e.g. once per time step; default s(t))."""
        b = self._b
        with b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(b, self._L_P)
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        if self.forcing is not None:
            b.axpy(self.forcing.charge_factor(t, envelope), self._b_Q)
        if self._bcs:
            fem_petsc.apply_lifting(b, [self._a], bcs=[self._bcs])
            b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
            fem_petsc.set_bc(b, self._bcs)
        else:
            self._nullspace.remove(b)
        self.ksp.solve(b, self.psi.x.petsc_vec)
        if self.ksp.getConvergedReason() <= 0:
            raise RuntimeError(
                f"Poisson solve did not converge (PETSc reason {self.ksp.getConvergedReason()}, "
                f"{self.ksp.getIterationNumber()} iterations, t = {t})"
            )
        self.psi.x.scatter_forward()
        if not self._bcs:
            self.psi.x.array[:] -= self.mesh.comm.allreduce(fem.assemble_scalar(self._mean))
        return self.psi
