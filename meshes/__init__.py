"""meshes: see the module docstrings; docs/theory.md states the equations."""

