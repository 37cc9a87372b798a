"""meshes: see the module docstrings; THEORY.md names the equations."""

