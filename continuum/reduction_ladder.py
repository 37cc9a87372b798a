"""Continuum rungs of the 1D reduction ladder and their errors against a particle ensemble
(docs/theory.md §0, §1, §5).

A rung is the isothermal 1D Euler system (continuum.euler) for a gas with pair potential
V(x) = (V0/xi) phi(x/xi) on a ring, started at rest from the expected density of a
particles.hard_rods.bump.DensityBump, with

* a pressure closure p(rho) (e.g. closures.ideal.TonksPressure, or a closures.measured.MeasuredPressure),
* the mean field F * rho (ConvolutionMeanField1D), or, with a pair correlation h, mean field + correlation
  source rho ((F h) * rho) (CorrelatedConvolutionMeanField1D), or no convolution at all
  (``mean_field=False``: a local equation of state holding mean field and correlations).

``euler_rung`` returns rho and m averaged over the bins of the particle histograms at the sample times;
a closure with ``check_range`` that rejects the state stops the rung (NaN from then on, with the reason).
``rung_errors`` compares a rung with the particle mean: relative L2 error, its bias-corrected value
sqrt(err^2 - se^2), and the paired difference err^2 - err_baseline^2 against a baseline rung with its
standard error from the per-sample projections on the difference of the two rungs, so a rung "reduces"
or "increases" the error only where that difference exceeds 2 standard errors ("unresolved" otherwise).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from mpi4py import MPI

from hydrobridge.closures.base import PressureClosure
from hydrobridge.closures.pair_correlation import PairCorrelation
from hydrobridge.continuum.euler import (ConvolutionMeanField1D, CorrelatedConvolutionMeanField1D, EulerSolver,
                                         EulerSystem)
from hydrobridge.continuum.output import sample
from hydrobridge.meshes.periodic import periodic_interval
from hydrobridge.particles.hard_rods.bump import DensityBump, expected_density
from hydrobridge.particles.hard_rods.potential import PHI3, PHI6, phi_derivatives

__all__ = ["RungProfiles", "euler_rung", "rung_errors"]

KERNEL_NAMES: dict[int, str] = {PHI6: "1/(1+x^6)", PHI3: "1/(1+|x|^3)"}


class RungProfiles(NamedTuple):
    """Bin averages rho, m of shape (times, bins) and "ok" or why the rung stopped (NaN from then on)."""

    rho: np.ndarray
    m: np.ndarray
    status: str


def euler_rung(bump: DensityBump, pressure: PressureClosure, times: np.ndarray, edges: np.ndarray, cells: int,
               pair_correlation: PairCorrelation | None = None, mean_field: bool = True,
               subsamples: int = 4) -> RungProfiles:
    """Run one rung (module doc) on `cells` P1 DG cells of the ring (serial, MPI.COMM_SELF) and sample rho, m
    as the mean of `subsamples` point values per bin of `edges` at the increasing `times`."""
    if pair_correlation is not None and not mean_field:
        raise ValueError("pair_correlation: a correlation source needs mean_field=True")
    if not cells >= 2 or not subsamples >= 1:
        raise ValueError(f"cells = {cells}, subsamples = {subsamples}: expected cells >= 2, subsamples >= 1")
    kind = bump.kind
    dphi = lambda s: phi_derivatives(np.ascontiguousarray(s, dtype=float), kind)[1]  # noqa: E731
    base = dict(V0=bump.v0, xi=bump.xi, dphi=dphi, images=1, kernel_name=KERNEL_NAMES[kind])
    if not mean_field:
        mf = None
    elif pair_correlation is None:
        mf = ConvolutionMeanField1D(**base)
    else:
        mf = CorrelatedConvolutionMeanField1D(**base, pair_correlation=pair_correlation)
    pm = periodic_interval(MPI.COMM_SELF, cells, bump.ring)
    solver = EulerSolver(EulerSystem(1, pressure, mean_field=mf), pm.mesh, degree=1)
    xs, rho_x = expected_density(bump)
    solver.set_state(lambda x: np.interp(x[0], xs, rho_x), lambda x: 0.0 * x[0])
    width = edges[1] - edges[0]
    pts = (edges[:-1, None] + width * (np.arange(subsamples) + 0.5) / subsamples).ravel()[:, None]
    rho_t = np.full((len(times), len(edges) - 1), np.nan)
    m_t = np.full_like(rho_t, np.nan)
    status = "ok"
    for k, target in enumerate(times):
        solver.run(target)
        st = solver.system.state(solver.U)
        rho = sample(st["rho"], pts, pm.mesh).reshape(-1, subsamples).mean(1)
        try:
            for c in (pair_correlation, pressure):
                if hasattr(c, "check_range"):
                    c.check_range(rho)
        except ValueError as err:
            status = f"stopped at t = {target:g}: {err}"
            break
        rho_t[k] = rho
        m_t[k] = sample(st["m"][0], pts, pm.mesh).reshape(-1, subsamples).mean(1)
    return RungProfiles(rho_t, m_t, status)


def _finite_or_none(values: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(x) else float(x) for x in values]


def rung_errors(euler: np.ndarray, reference: np.ndarray, samples: np.ndarray, scale: float,
                baseline: np.ndarray) -> dict[str, list]:
    """Errors of a rung (module doc) per time. euler, reference (the sample mean), baseline (the reference
    rung, the mean field in the ladder): (T, bins); samples: (P, T, bins) independent particle samples;
    scale: the norm errors are divided by. Keys: relative_l2_error, bias_corrected_error,
    err2_minus_mean_field_err2 and its_standard_error (in units of scale^2), vs_mean_field ("reduces",
    "increases", "unresolved" or "stopped" where the rung is NaN); None for NaN values."""
    if not euler.shape == reference.shape == baseline.shape == samples.shape[1:] or samples.shape[0] < 2:
        raise ValueError(f"euler, reference, baseline {euler.shape}, samples {samples.shape}: expected (T, bins) "
                         "and (P >= 2, T, bins)")
    se2 = np.sum(samples.var(0, ddof=1), axis=1) / len(samples)
    err2 = np.sum((euler - reference) ** 2, axis=1)
    diff = euler - baseline
    d = np.sum(diff * (euler + baseline - 2 * reference), axis=1)
    proj = np.einsum("tb,ptb->pt", diff, samples)
    d_se = 2.0 * proj.std(0, ddof=1) / math.sqrt(len(samples))
    verdict = np.where(np.isnan(d), "stopped", np.where(d < -2 * d_se, "reduces",
                                                         np.where(d > 2 * d_se, "increases", "unresolved")))
    return {"relative_l2_error": _finite_or_none(np.sqrt(err2) / scale),
            "bias_corrected_error": _finite_or_none(np.sqrt(np.maximum(err2 - se2, 0.0)) / scale),
            "err2_minus_mean_field_err2": _finite_or_none(d / scale**2),
            "its_standard_error": _finite_or_none(d_se / scale**2),
            "vs_mean_field": verdict.tolist()}
