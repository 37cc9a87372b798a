"""continuum: see the module docstrings; THEORY.md names the equations."""

import dolfinx_solver  # noqa: F401  (must precede every dolfinx import: orders MPI before the bindings)
