"""Pair correlations h(r) = g(r) - 1 as closures of the correlation source (THEORY.md sections 1, 5).

With the quasi-equilibrium ansatz rho_2(x1, x2) = rho(x1) rho(x2) h(|x1 - x2|), the correlation source of
the momentum equation is

    C(x) = int F(x - x2) rho_2(x, x2) dx2 = rho(x) ((F h) * rho)(x),

so mean field + correlation is the convolution with the kernel F g = F (1 + h)
(:class:`continuum.euler.CorrelatedConvolutionMeanField1D`). Sources of h, one interface:

* ``weak_coupling(beta_u)``: h = -beta u (smooth short-range potential, weak coupling);
* ``from_oz(solution)``: Ornstein-Zernike with PY or HNC (:mod:`closures.ornstein_zernike`);
* ``PairCorrelation(r, h, ...)`` directly: a table from MD g(r) or from gBBGKY g2 integrated over labels.

A PairCorrelation knows where it came from (``source``, ``provenance``), is 0 beyond its table, and is
saved and loaded as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

__all__ = ["PairCorrelation", "weak_coupling", "from_oz", "load_pair_correlation"]


@dataclass(frozen=True)
class PairCorrelation:
    """h on the increasing grid r >= 0, linearly interpolated, 0 beyond r[-1]; callable on |d|."""

    r: np.ndarray
    h: np.ndarray
    source: str
    provenance: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        r, h = np.asarray(self.r, float), np.asarray(self.h, float)
        if r.ndim != 1 or r.shape != h.shape or r.size < 2 or np.any(np.diff(r) <= 0) or r[0] < 0:
            raise ValueError("r, h: expected equal-length 1-D arrays with r >= 0 strictly increasing")
        if not np.all(np.isfinite(h)):
            raise ValueError("h: expected finite values")

    def __call__(self, d: np.ndarray) -> np.ndarray:
        return np.interp(np.abs(d), self.r, self.h, right=0.0)

    def to_dict(self) -> dict:
        return {"closure": "PairCorrelation", "source": self.source, "provenance": self.provenance,
                "r": np.asarray(self.r).tolist(), "h": np.asarray(self.h).tolist()}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()))


def load_pair_correlation(path: str | Path) -> PairCorrelation:
    data = json.loads(Path(path).read_text())
    if data.get("closure") != "PairCorrelation":
        raise ValueError(f"{path}: not a PairCorrelation file")
    return PairCorrelation(np.array(data["r"]), np.array(data["h"]), data["source"], data["provenance"])


def weak_coupling(beta_u: Callable[[np.ndarray], np.ndarray], r_max: float, n: int = 4001) -> PairCorrelation:
    """h = -beta u on [0, r_max]."""
    r = np.linspace(0.0, r_max, n)
    return PairCorrelation(r, -beta_u(r), "weak_coupling")


def from_oz(solution, r_max: float | None = None) -> PairCorrelation:
    """h = g - 1 of an OZSolution (optionally truncated at r_max)."""
    keep = slice(None) if r_max is None else solution.r <= r_max
    return PairCorrelation(solution.r[keep], solution.g[keep] - 1.0, f"ornstein_zernike_{solution.closure}",
                           {"iterations": solution.iterations, "residual": solution.residual})
