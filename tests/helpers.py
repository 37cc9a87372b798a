"""Helpers shared by several test modules (imported as ``helpers``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import numpy as np

# Point dipoles in a small periodic box: the Ewald and particle-mesh tests use the same molecules.
DIPOLE_MU, DIPOLE_EPS0 = 1.3, 0.7
DIPOLE_BOX = np.array([3.0, 2.2])


def random_dipoles(n: int = 10, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(x (n, 2), theta (n,)): uniform positions in DIPOLE_BOX and uniform angles in [0, 2 pi)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, 2)) * DIPOLE_BOX, rng.uniform(0, 2 * np.pi, n)
