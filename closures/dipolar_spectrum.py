"""Closures fitted to a measured permittivity spectrum eps(w) of the dipolar system (docs/theory.md §3-§4).

Given a scalar spectrum eps(w) with standard errors (e.g. the isotropic part of the fluctuation-formula
tensor of particles.dipolar.response), two rotational closures of the continuum are fitted by weighted
least squares (real and imaginary parts separately, each residual divided by its standard error, floored
at 1e-6):

    Debye:    eps(w) = 1 + chi_s / (1 - i w tau)                      -> closures.rotational.Debye
    Lorentz:  eps(w) = 1 + chi_s w0^2 / (w0^2 - w^2 - i w g)           -> damped GradRotational

(time dependence exp(-i w t); w0 the libration frequency, g the rotational friction rate). The reduced
chi^2 of each fit measures how well its shape describes the spectrum.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["fit_spectrum", "combine_replicas"]


def _checked_spectrum(w: npt.ArrayLike, eps: npt.ArrayLike, err: npt.ArrayLike) -> tuple[np.ndarray, ...]:
    w, eps, err = np.asarray(w, float), np.asarray(eps, complex), np.asarray(err, complex)
    if w.ndim != 1 or len(w) < 3:
        raise ValueError(f"w: expected a 1D array of at least 3 frequencies, got shape {w.shape}")
    for name, a in (("eps", eps), ("err", err)):
        if a.shape != w.shape:
            raise ValueError(f"{name}: expected shape {w.shape} like w, got {a.shape}")
    for name, a in (("w", w), ("eps", eps), ("err", err)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name}: contains non-finite values")
    if not np.all(w > 0):
        raise ValueError("w: expected positive angular frequencies")
    return w, eps, err


def _weighted_fit(w: np.ndarray, eps: np.ndarray, err: np.ndarray,
                  model: Callable[[np.ndarray, np.ndarray], np.ndarray], x0: list[float],
                  lower: list[float]) -> tuple[np.ndarray, float]:
    """Least squares of complex eps(w) against model(w, x), residuals weighted by the standard errors."""
    from scipy.optimize import least_squares

    sig_re, sig_im = np.maximum(np.abs(err.real), 1e-6), np.maximum(np.abs(err.imag), 1e-6)

    def resid(x):
        m = model(w, x)
        return np.concatenate([(m.real - eps.real) / sig_re, (m.imag - eps.imag) / sig_im])

    sol = least_squares(resid, x0, bounds=(lower, [np.inf] * len(x0)))
    return sol.x, float(np.sum(sol.fun**2) / max(1, 2 * len(w) - len(x0)))


def fit_spectrum(w: npt.ArrayLike, eps: npt.ArrayLike, err: npt.ArrayLike, w0_guess: float) -> dict[str, dict[str, float]]:
    """Debye (chi_s, tau) and Lorentz (chi_s, w0, friction) fits of eps(w) (module doc), each with its reduced
    chi^2: {"debye": {"chi_s", "tau", "reduced_chi2"}, "lorentz": {"chi_s", "w0", "friction", "reduced_chi2"}}.

    w (n,) increasing angular frequencies (1 / time), eps (n,) complex, err (n,) complex standard errors of the
    real and imaginary parts. The Debye fit starts at chi_s = Re eps(w_0) - 1, tau = 1 / (w at max Im eps);
    the Lorentz fit at the same chi_s, w0 = w0_guess (e.g. the free-rotor sqrt(kT/I)) and friction 1.
    """
    w, eps, err = _checked_spectrum(w, eps, err)
    if not w0_guess > 0:
        raise ValueError(f"w0_guess = {w0_guess!r}: expected a positive frequency")
    chi0 = max(eps.real[0] - 1, 1e-3)
    (chi_d, tau), red_d = _weighted_fit(w, eps, err, lambda w, x: 1 + x[0] / (1 - 1j * w * x[1]),
                                        [chi0, 1.0 / w[np.argmax(eps.imag)]], [0, 1e-6])
    (chi_l, w0, g), red_l = _weighted_fit(w, eps, err, lambda w, x: 1 + x[0] * x[1]**2 / (x[1]**2 - w**2 - 1j * w * x[2]),
                                          [chi0, w0_guess, 1.0], [0, 1e-3, 0])
    return {"debye": {"chi_s": float(chi_d), "tau": float(tau), "reduced_chi2": red_d},
            "lorentz": {"chi_s": float(chi_l), "w0": float(w0), "friction": float(g), "reduced_chi2": red_l}}


def combine_replicas(eps: npt.ArrayLike, err: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mean over independent replicas (axis 0) of complex eps (R, ...), and its standard error from the
    replicas' own standard errors err (R, ...): sqrt(sum_r err_r^2) / R, real and imaginary parts apart."""
    eps, err = np.asarray(eps, complex), np.asarray(err, complex)
    if eps.shape != err.shape or eps.ndim < 1 or len(eps) < 1:
        raise ValueError(f"eps, err: expected equal shapes (R, ...) with R >= 1, got {eps.shape} and {err.shape}")
    mean = np.mean(eps, axis=0)
    err_re = np.sqrt(np.sum(err.real ** 2, axis=0)) / len(eps)
    err_im = np.sqrt(np.sum(err.imag ** 2, axis=0)) / len(eps)
    return mean, err_re + 1j * err_im
