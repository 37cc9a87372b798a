"""Temperature-anisotropy relaxation under the 2D Landau equation (docs/theory.md (6.5)).

With T_x = int v_x^2 f / int f (zero drift) and the weak form
int phi Q = -(1/2) int int f f_w (grad phi - grad_w phi) . A(v - w) (grad log f - grad_w log f),
phi = v_x^2 and a bi-Maxwellian f (log f = -v_x^2/2T_x - v_y^2/2T_y + const) give, for
A(z) = Phi(|z|) (|z|^2 I - z (x) z),

    d(T_x - T_y)/dt = -nu (T_x - T_y),   nu = 2 E[Phi(|z|) z_x^2 z_y^2] / (T_x T_y),

the expectation over z = v - w ~ N(0, diag(2 T_x, 2 T_y)) (unit mass). This is the instantaneous
Landau rate at the moment f is bi-Maxwellian. Special cases: Maxwell molecules Phi = 1/16 give
nu = 1/2 for every f (second moments close); Coulomb Phi = Lambda/|z|^3 without cut-off at
T_x = T_y = T gives nu = Lambda sqrt(pi) / (4 T^(3/2)).
"""

import itertools

import numpy as np
from scipy import integrate

from hydrobridge.particles.kinetic.kernels import LandauKernel, phi


def bimaxwellian_rate(kernel: LandauKernel, tx: float, ty: float, n_angles: int = 64) -> float:
    """nu = 2 E[Phi(|z|) z_x^2 z_y^2] / (T_x T_y) by polar quadrature.

    Trapezoid rule in the angle (periodic integrand: spectral accuracy), adaptive quadrature in |z|
    split at the kernel cut-off (where Phi has a kink).
    """
    splits = [0.0, kernel.cutoff, np.inf] if kernel.cutoff > 0.0 else [0.0, np.inf]
    total = 0.0
    for a in 2 * np.pi * np.arange(n_angles) / n_angles:
        c2, s2 = np.cos(a) ** 2, np.sin(a) ** 2
        w = c2 / (4 * tx) + s2 / (4 * ty)

        def radial(r: float, w: float = w) -> float:
            return phi(r, kernel) * r**5 * np.exp(-w * r * r)

        total += c2 * s2 * sum(integrate.quad(radial, lo, hi)[0] for lo, hi in itertools.pairwise(splits))
    expectation = total * (2 * np.pi / n_angles) / (4 * np.pi * np.sqrt(tx * ty))
    return 2.0 * expectation / (tx * ty)


def initial_decay_rate(times: np.ndarray, delta: np.ndarray) -> float:
    """nu(0) = -d ln(T_x - T_y)/dt at times[0], from a quadratic least-squares fit of ln(delta) in t.

    The quadratic term absorbs the drift of nu as f leaves the bi-Maxwellian shape (non-Maxwell kernels).
    """
    return -float(np.polyfit(times - times[0], np.log(delta), 2)[1])
