"""Box-averaged pressures of the moment system (docs/theory.md §3 (3.16)), number-density normalisation.

With U, D, Omega the means of v, d(theta), omega over the N molecules and A = |Omega| the box area:
    P_vv = (1/A) [sum_i (v_i - U) (x) (v_i - U) + (1/m) W],   W = sum_{i<j} r_ij (x) F_ij  (short-range Phi)
    P_dv = (1/A) sum_i (d_i - D) (x) (v_i - U)
    P_dw = (1/A) sum_i (omega_i - Omega) (d_i - D)
    P_wv = (1/A) sum_i (omega_i - Omega) (v_i - U)
The virial W is that of the short-range pair force only: the dipolar interaction is carried by the mean
field and the correlation sources S_x, S_th of section 3. (1/2) tr(m P_vv) is the 2D scalar pressure.

pressure_fields gives the kinetic parts on a grid: with [a] the CIC deposit of sum_i a_i (observables.py),
    P_vv = [v (x) v] - [v] (x) [v] / [1],  P_dv = [d (x) v] - [d] (x) [v] / [1],
    P_dw = [omega d] - [omega] [d] / [1],  P_wv = [omega v] - [omega] [v] / [1]
(zero where [1] = 0); each raw moment integrates exactly to its particle sum.
"""

from __future__ import annotations

import numpy as np

from hydrobridge.particles.dipolar.model import DipolarBoxModel, State
from hydrobridge.particles.dipolar.observables import deposit_cic
from hydrobridge.particles.dipolar.shortrange import ShortRange
from hydrobridge.particles.dipolar.space import neighbor_pairs


def pressure_tensors(state: State, params: DipolarBoxModel, virial: np.ndarray) -> dict[str, np.ndarray]:
    """P_vv (2, 2), P_dv (2, 2), P_dw (2,), P_wv (2,) as defined in the module docstring."""
    dv = state.v - state.v.mean(axis=0)
    d = np.column_stack((np.cos(state.theta), np.sin(state.theta)))
    dd = d - d.mean(axis=0)
    dw = state.omega - state.omega.mean()
    area = params.area
    return {"P_vv": (dv.T @ dv + virial / params.m) / area, "P_dv": dd.T @ dv / area,
            "P_dw": dw @ dd / area, "P_wv": dw @ dv / area}


def scalar_pressure(state: State, params: DipolarBoxModel, short: ShortRange | None) -> float:
    """p = (1/2) tr P_vv (pressure units, energy / area): kinetic + the virial of `short` (None: ideal gas)."""
    virial = np.zeros((2, 2)) if short is None else short.virial(state.theta, neighbor_pairs(state.x, params.box,
                                                                                               short.r_cut))
    return 0.5 * float(np.trace(pressure_tensors(state, params, virial)["P_vv"]))


def pressure_fields(state: State, params: DipolarBoxModel, shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Kinetic P_vv, P_dv (nx, ny, 2, 2) and P_dw, P_wv (nx, ny, 2) on the CIC grid (module docstring)."""
    d = np.column_stack((np.cos(state.theta), np.sin(state.theta)))
    v, w = state.v, state.omega
    columns = [np.ones(state.n), v, d, w, (v[:, :, None] * v[:, None, :]).reshape(-1, 4),
               (d[:, :, None] * v[:, None, :]).reshape(-1, 4), w[:, None] * d, w[:, None] * v]
    f = deposit_cic(state.x, np.column_stack(columns), params.box, shape)
    rho, rv, rd, rw = f[..., 0], f[..., 1:3], f[..., 3:5], f[..., 5]
    inv = np.divide(1.0, rho, out=np.zeros_like(rho), where=rho > 0)[..., None]
    shape2 = rho.shape + (2, 2)
    return {"P_vv": f[..., 6:10].reshape(shape2) - rv[..., :, None] * rv[..., None, :] * inv[..., None],
            "P_dv": f[..., 10:14].reshape(shape2) - rd[..., :, None] * rv[..., None, :] * inv[..., None],
            "P_dw": f[..., 14:16] - rw[..., None] * rd * inv,
            "P_wv": f[..., 16:18] - rw[..., None] * rv * inv}
