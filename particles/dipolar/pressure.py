"""Box-averaged pressures of the moment system (THEORY.md section 3), number-density normalisation.

With U, D, Omega the means of v, d(theta), omega over the N molecules and A = |Omega| the box area:
    P_vv = (1/A) [sum_i (v_i - U) (x) (v_i - U) + (1/m) W],   W = sum_{i<j} r_ij (x) F_ij  (short-range Phi)
    P_dv = (1/A) sum_i (d_i - D) (x) (v_i - U)
    P_dw = (1/A) sum_i (omega_i - Omega) (d_i - D)
    P_wv = (1/A) sum_i (omega_i - Omega) (v_i - U)
The virial W is that of the short-range pair force only: the dipolar interaction is carried by the mean
field and the correlation sources S_x, S_th of section 3. (1/2) tr(m P_vv) is the 2D scalar pressure.
"""

from __future__ import annotations

import numpy as np

from particles.dipolar.model import DipolarParams, State


def pressure_tensors(state: State, params: DipolarParams, virial: np.ndarray) -> dict[str, np.ndarray]:
    """P_vv (2, 2), P_dv (2, 2), P_dw (2,), P_wv (2,) as defined in the module docstring."""
    dv = state.v - state.v.mean(axis=0)
    d = np.column_stack((np.cos(state.theta), np.sin(state.theta)))
    dd = d - d.mean(axis=0)
    dw = state.omega - state.omega.mean()
    area = params.area
    return {"P_vv": (dv.T @ dv + virial / params.m) / area, "P_dv": dd.T @ dv / area,
            "P_dw": dw @ dd / area, "P_wv": dw @ dv / area}
