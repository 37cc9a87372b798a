"""hydrobridge: particles -> BBGKY marginals -> closures -> moment equations on finite-element meshes.

Subpackages (imported on demand):

    hydrobridge.particles   molecular dynamics, gBBGKY and kinetic equations
    hydrobridge.closures    particle output -> what the continuum needs (pressures, correlation sources, fits)
    hydrobridge.continuum   DOLFINx + PETSc + MPI solvers of the moment systems
    hydrobridge.meshes      periodic boxes and sheet geometries
    hydrobridge.demos       runnable studies (the ``hydrobridge`` command runs them from TOML files)

The equations are stated in ``docs/theory.md``. Importing this package loads ``dolfinx_solver`` (which
must precede every ``dolfinx`` import: it orders MPI before the bindings) once, so no module needs to.
"""

from importlib.metadata import PackageNotFoundError, version

import dolfinx_solver  # noqa: F401  (must precede every dolfinx import)

try:
    __version__ = version("hydrobridge")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
