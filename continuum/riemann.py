"""Exact solution of the Riemann problem of the 1D Euler equations (ideal gas), after Toro ch. 4.

Reference for the Sod shock tube (docs/theory.md §1: "the exact Riemann solution (Sod) for the
Euler part"). Pure NumPy/SciPy, independent of the DG solver it checks.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

__all__ = ["exact_riemann", "star_state"]


def _f(p, rho, pk, gamma):
    """Toro's pressure function f_K(p) and its meaning: velocity change across the K wave."""
    a = np.sqrt(gamma * pk / rho)
    if p > pk:  # shock
        A, B = 2.0 / ((gamma + 1) * rho), (gamma - 1) / (gamma + 1) * pk
        return (p - pk) * np.sqrt(A / (p + B))
    return 2 * a / (gamma - 1) * ((p / pk) ** ((gamma - 1) / (2 * gamma)) - 1)  # rarefaction


def star_state(left, right, gamma: float) -> tuple[float, float]:
    """(p*, u*) of the Riemann problem with primitive states left/right = (rho, u, p)."""
    rl, ul, pl = left
    rr, ur, pr = right
    g = lambda p: _f(p, rl, pl, gamma) + _f(p, rr, pr, gamma) + ur - ul  # noqa: E731
    hi = max(pl, pr)
    while g(hi) < 0:
        hi *= 2
    p = brentq(g, 1e-14 * hi, hi, xtol=1e-15, rtol=1e-15, maxiter=500)
    u = 0.5 * (ul + ur) + 0.5 * (_f(p, rr, pr, gamma) - _f(p, rl, pl, gamma))
    return p, u


def exact_riemann(x: npt.ArrayLike, t: float, left, right, gamma: float = 1.4, x0: float = 0.5):
    """(rho, u, p) at points x and time t > 0 for the discontinuity at x0; left/right = (rho, u, p)."""
    x = np.asarray(x, float)
    rl, ul, pl = left
    rr, ur, pr = right
    ps, us = star_state(left, right, gamma)
    s = (x - x0) / t
    rho, u, p = np.empty_like(s), np.empty_like(s), np.empty_like(s)
    gm, gp = (gamma - 1) / (gamma + 1), (gamma - 1) / (2 * gamma)
    for side, (rk, uk, pk), sgn in (("L", left, -1.0), ("R", right, 1.0)):
        ak = np.sqrt(gamma * pk / rk)
        mask = s < us if side == "L" else s >= us
        ss = s[mask]
        r_, u_, p_ = np.empty_like(ss), np.empty_like(ss), np.empty_like(ss)
        if ps > pk:  # shock
            rstar = rk * (ps / pk + gm) / (gm * ps / pk + 1)
            S = uk + sgn * ak * np.sqrt((gamma + 1) / (2 * gamma) * ps / pk + gp)
            outside = sgn * ss > sgn * S
            r_[:], u_[:], p_[:] = rstar, us, ps
            r_[outside], u_[outside], p_[outside] = rk, uk, pk
        else:  # rarefaction
            rstar = rk * (ps / pk) ** (1 / gamma)
            astar = ak * (ps / pk) ** gp
            head, tail = uk + sgn * ak, us + sgn * astar
            r_[:], u_[:], p_[:] = rstar, us, ps
            outside = sgn * ss > sgn * head
            fan = ~outside & (sgn * ss > sgn * tail)
            r_[outside], u_[outside], p_[outside] = rk, uk, pk
            c = 2 / (gamma + 1) - sgn * gm / ak * (uk - ss[fan])
            r_[fan] = rk * c ** (2 / (gamma - 1))
            u_[fan] = 2 / (gamma + 1) * (-sgn * ak + (gamma - 1) / 2 * uk + ss[fan])
            p_[fan] = pk * c ** (2 * gamma / (gamma - 1))
        rho[mask], u[mask], p[mask] = r_, u_, p_
    return rho, u, p
