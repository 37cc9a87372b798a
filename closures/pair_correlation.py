"""Pair correlations h(r) = g(r) - 1 as closures of the correlation source (docs/theory.md §1, §5 (1.12)-(1.13)).

With the quasi-equilibrium ansatz rho_2(x1, x2) = rho(x1) rho(x2) h(|x1 - x2|), the correlation source of
the momentum equation is

    C(x) = int F(x - x2) rho_2(x, x2) dx2 = rho(x) ((F h) * rho)(x),

so mean field + correlation is the convolution with the kernel F g = F (1 + h)
(:class:`hydrobridge.continuum.euler.CorrelatedConvolutionMeanField1D`). Sources of h, one interface:

* ``weak_coupling(beta_u)``: h = -beta u (smooth short-range potential, weak coupling);
* ``from_oz(solution)``: Ornstein-Zernike with PY or HNC (:mod:`hydrobridge.closures.ornstein_zernike`);
* ``from_md(r, g, ...)``: a measured MD g(r) (e.g. hydrobridge.particles.hard_rods.thermostat.sample_canonical);
* ``hydrobridge.closures.gbbgky_correlation.from_gbbgky``: gBBGKY g2 integrated over both velocity labels;
* ``PairCorrelation(r, h, ...)`` directly: any table.

A PairCorrelation knows where it came from (``source``, ``provenance``), is 0 beyond its table, and is
saved and loaded as JSON. It also knows the state it was computed for: ``density`` (the homogeneous number
density of the source) and ``density_range``, the local densities it is declared valid for;
``check_range(rho)`` raises ValueError for a state outside that range unless ``extrapolate`` is set (a
documented, recorded choice: e.g. the quasi-equilibrium h of the mean density used across a density bump).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

__all__ = ["PairCorrelation", "weak_coupling", "from_oz", "from_md", "load_pair_correlation"]


@dataclass(frozen=True)
class PairCorrelation:
    """h on the increasing grid r >= 0, linearly interpolated, 0 beyond r[-1]; callable on |d|.

    density_range: (lo, hi) local densities the table is valid for (None: no density dependence claimed,
    e.g. the weak-coupling h = -beta u); extrapolate: allow states outside it (recorded in to_dict)."""

    r: np.ndarray
    h: np.ndarray
    source: str
    provenance: dict = field(default_factory=dict)
    density: float | None = None
    density_range: tuple[float, float] | None = None
    extrapolate: bool = False

    def __post_init__(self) -> None:
        r, h = np.asarray(self.r, float), np.asarray(self.h, float)
        if r.ndim != 1 or r.shape != h.shape or r.size < 2 or np.any(np.diff(r) <= 0) or r[0] < 0:
            raise ValueError("r, h: expected equal-length 1-D arrays with r >= 0 strictly increasing")
        if not np.all(np.isfinite(h)):
            raise ValueError("h: expected finite values")
        if self.density_range is not None and not 0 <= self.density_range[0] <= self.density_range[1]:
            raise ValueError(f"density_range = {self.density_range}: expected 0 <= lo <= hi")

    def check_range(self, rho: np.ndarray) -> None:
        """ValueError if a local density lies outside density_range (unless extrapolate is set)."""
        if self.density_range is None or self.extrapolate:
            return
        lo, hi = float(np.min(rho)), float(np.max(rho))
        if lo < self.density_range[0] or hi > self.density_range[1]:
            raise ValueError(f"rho in [{lo:.4g}, {hi:.4g}] leaves the range [{self.density_range[0]:.4g}, "
                             f"{self.density_range[1]:.4g}] of the {self.source} pair correlation "
                             f"(computed at density {self.density}); recompute h or set extrapolate=True")

    def __call__(self, d: np.ndarray) -> np.ndarray:
        return np.interp(np.abs(d), self.r, self.h, right=0.0)

    def to_dict(self) -> dict:
        return {"closure": "PairCorrelation", "source": self.source, "provenance": self.provenance,
                "density": self.density,
                "density_range": None if self.density_range is None else list(self.density_range),
                "extrapolate": self.extrapolate, "r": np.asarray(self.r).tolist(), "h": np.asarray(self.h).tolist()}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()))


def load_pair_correlation(path: str | Path) -> PairCorrelation:
    data = json.loads(Path(path).read_text())
    if data.get("closure") != "PairCorrelation":
        raise ValueError(f"{path}: not a PairCorrelation file")
    rng = data.get("density_range")
    return PairCorrelation(np.array(data["r"]), np.array(data["h"]), data["source"], data["provenance"],
                           data.get("density"), None if rng is None else (float(rng[0]), float(rng[1])),
                           bool(data.get("extrapolate", False)))


def weak_coupling(beta_u: Callable[[np.ndarray], np.ndarray], r_max: float, n: int = 4001) -> PairCorrelation:
    """h = -beta u on [0, r_max]."""
    r = np.linspace(0.0, r_max, n)
    return PairCorrelation(r, -beta_u(r), "weak_coupling")


def from_oz(solution, r_max: float | None = None, density_range: tuple[float, float] | None = None,
            extrapolate: bool = False) -> PairCorrelation:
    """h = g - 1 of an OZSolution (optionally truncated at r_max), valid for density_range
    (default: only the solution's own density)."""
    keep = slice(None) if r_max is None else solution.r <= r_max
    rng = (solution.density, solution.density) if density_range is None else density_range
    return PairCorrelation(solution.r[keep], solution.g[keep] - 1.0, f"ornstein_zernike_{solution.closure}",
                           {"iterations": solution.iterations, "residual": solution.residual},
                           solution.density, rng, extrapolate)


def from_md(r: np.ndarray, g: np.ndarray, density: float, provenance: dict,
            density_range: tuple[float, float] | None = None, extrapolate: bool = False) -> PairCorrelation:
    """h = g - 1 of an MD-measured g on bin centres r (prepended with h(0) = h(r[0]) so the table starts
    at 0), valid for density_range (default: only the measured density). provenance: what produced it
    (system, run length, thermostat, standard error)."""
    r, g = np.asarray(r, float), np.asarray(g, float)
    rng = (density, density) if density_range is None else density_range
    return PairCorrelation(np.concatenate([[0.0], r]), np.concatenate([[g[0]], g]) - 1.0, "md",
                           dict(provenance), float(density), rng, extrapolate)
