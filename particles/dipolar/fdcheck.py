"""Finite-difference check of a term: F = -dU/dx and tau = -dU/dtheta (docs/theory.md §2).

Used by the tests and available to anyone adding a new energy term.
"""

from __future__ import annotations

import numpy as np

from hydrobridge.particles.dipolar.forcefield import Term, force_field


def fd_forces_torques(term: Term, x: np.ndarray, theta: np.ndarray, box: np.ndarray, t: float = 0.0,
                      h: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """(-dU/dx, -dU/dtheta) of one term by central differences (U(z + h) - U(z - h)) / (2 h)."""
    ff = force_field([term], box)
    force = np.zeros_like(x)
    torque = np.zeros_like(theta)
    for i in range(x.shape[0]):
        for a in range(2):
            xp, xm = x.copy(), x.copy()
            xp[i, a] += h
            xm[i, a] -= h
            force[i, a] = -(ff(xp, theta, t).energy - ff(xm, theta, t).energy) / (2.0 * h)
        tp, tm = theta.copy(), theta.copy()
        tp[i] += h
        tm[i] -= h
        torque[i] = -(ff(x, tp, t).energy - ff(x, tm, t).energy) / (2.0 * h)
    return force, torque


def relative_error(approx: np.ndarray, exact: np.ndarray) -> float:
    """max |approx - exact| / max |exact|."""
    return float(np.max(np.abs(approx - exact)) / np.max(np.abs(exact)))
