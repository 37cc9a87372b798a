"""hydrobridge: particles -> BBGKY marginals -> closures -> moment equations on finite-element meshes.

Subpackages (imported on demand):

    hydrobridge.particles   molecular dynamics, gBBGKY and kinetic equations
    hydrobridge.closures    particle output -> what the continuum needs (pressures, correlation sources, fits)
    hydrobridge.continuum   DOLFINx + PETSc + MPI solvers of the moment systems
    hydrobridge.meshes      periodic boxes and sheet geometries
    hydrobridge.demos       runnable studies (the ``hydrobridge`` command runs them from TOML files)

The equations are stated in ``docs/theory.md``. Importing this package settles the import order of the
compiled libraries once, so no module needs to: h5py first (its HDF5 must be loaded before PETSc's, or h5py
fails with "Not a datatype" once dolfinx.fem.petsc is imported), then ``dolfinx_solver`` (which must precede
every ``dolfinx`` import: it orders MPI before the bindings).
"""

from importlib.metadata import PackageNotFoundError, version

import h5py  # noqa: F401  (before PETSc's HDF5, see above)
import dolfinx_solver  # noqa: F401  (must precede every dolfinx import)

try:
    __version__ = version("hydrobridge")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
