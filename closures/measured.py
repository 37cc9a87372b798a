"""Closures measured on the particle rung (docs/theory.md §1, §3 (1.8)): fitted once, saved, reused.

* MeasuredPressure: the scalar pressure p(rho) = (1/2) tr P_vv (kinetic + virial, docs/theory.md §3)
  measured by MD at several densities and one temperature, fitted by a polynomial in rho (so it is a
  UFL expression inside the weak form). It knows the density range it was fitted on: ``check_range``
  raises ValueError for states outside it (``extrapolate=True`` allows them, recorded in the file).
* MeasuredEquationOfState: p(rho, kT) = sum_jk c_jk rho^j kT^k fitted to MD at several densities and
  temperatures; ``at_temperature(kT)`` is the MeasuredPressure of an isothermal rung at that temperature
  (ValueError if kT is outside the fitted temperature range).
* pair_moment_table: the MD pair moments M2(r), M2perp(r) of a homogeneous, unpolarised state, turned
  into the d2(r) = M2(r) / n^2 table of :class:`hydrobridge.continuum.correlation.PairMomentTable` (first-marginal
  terms S_x, S_th).

A closure is saved as JSON with its parameters, provenance (what produced the data) and units, and
loaded back with ``load_closure``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from hydrobridge.closures.base import PressureClosure

__all__ = ["MeasuredPressure", "MeasuredEquationOfState", "fit_pressure", "fit_equation_of_state", "pair_moment_table", "save_closure", "load_closure"]


class MeasuredPressure(PressureClosure):
    """p(rho) = sum_k coefficients[k] rho^k on [rho_min, rho_max] (velocity-moment units, p = P_vv / I)."""

    fields = ("rho", "m")

    def __init__(self, coefficients: list[float], rho_min: float, rho_max: float, extrapolate: bool = False,
                 provenance: dict | None = None, units: str = "rho: 1/length^2; p: rho velocity^2") -> None:
        if not 0 < rho_min < rho_max:
            raise ValueError(f"rho_min = {rho_min}, rho_max = {rho_max}: expected 0 < rho_min < rho_max")
        if len(coefficients) < 2:
            raise ValueError(f"coefficients = {coefficients}: expected at least a linear law")
        self.coefficients = [float(c) for c in coefficients]
        self.rho_min, self.rho_max, self.extrapolate = float(rho_min), float(rho_max), bool(extrapolate)
        self.provenance, self.units = dict(provenance or {}), units
        slope = np.polynomial.polynomial.polyval(np.linspace(rho_min, rho_max, 64),
                                                 np.polynomial.polynomial.polyder(self.coefficients))
        if np.any(slope <= 0):
            raise ValueError("coefficients: the fitted p(rho) is not increasing on its range (no real sound speed)")

    def pressure(self, state: Mapping[str, Any]) -> Any:
        rho = state["rho"]
        out = self.coefficients[-1]
        for c in reversed(self.coefficients[:-1]):
            out = out * rho + c
        return out

    def sound_speed_squared(self, state: Mapping[str, Any]) -> Any:
        rho = state["rho"]
        der = [k * c for k, c in enumerate(self.coefficients)][1:]
        out = der[-1] + 0.0 * rho
        for c in reversed(der[:-1]):
            out = out * rho + c
        return out

    def check_range(self, rho: np.ndarray) -> None:
        """ValueError if a density lies outside the fitted range (unless the closure extrapolates)."""
        lo, hi = float(np.min(rho)), float(np.max(rho))
        if not self.extrapolate and (lo < self.rho_min or hi > self.rho_max):
            raise ValueError(f"rho in [{lo:.4g}, {hi:.4g}] leaves the fitted range [{self.rho_min:.4g}, "
                             f"{self.rho_max:.4g}] of MeasuredPressure; refit or set extrapolate=True")

    def to_dict(self) -> dict[str, Any]:
        return {"closure": "MeasuredPressure", "coefficients": self.coefficients, "rho_min": self.rho_min,
                "rho_max": self.rho_max, "extrapolate": self.extrapolate, "provenance": self.provenance,
                "units": self.units}


def fit_pressure(rho: np.ndarray, p: np.ndarray, p_err: np.ndarray | None = None, degree: int = 2,
                 provenance: dict | None = None) -> MeasuredPressure:
    """Weighted polynomial fit of measured (rho, p) points; the fitted range is that of the data."""
    rho, p = np.asarray(rho, float), np.asarray(p, float)
    if rho.size < degree + 1:
        raise ValueError(f"rho: {rho.size} points cannot fix a degree-{degree} polynomial")
    w = None if p_err is None else 1.0 / np.maximum(np.asarray(p_err, float), 1e-300)
    coef = np.polynomial.polynomial.polyfit(rho, p, degree, w=w)
    return MeasuredPressure(list(coef), float(rho.min()), float(rho.max()), provenance=provenance)


class MeasuredEquationOfState:
    """p(rho, kT) = sum_{j,k} coefficients[j][k] rho^j kT^k on [rho_min, rho_max] x [kT_min, kT_max]."""

    def __init__(self, coefficients: list[list[float]], rho_min: float, rho_max: float, kT_min: float,
                 kT_max: float, extrapolate: bool = False, provenance: dict | None = None,
                 units: str = "rho: 1/length^d; kT: energy; p: rho velocity^2") -> None:
        c = np.asarray(coefficients, dtype=float)
        if c.ndim != 2 or c.shape[0] < 2:
            raise ValueError(f"coefficients: expected a (degree_rho + 1, degree_kT + 1) table with degree_rho >= 1, "
                             f"got shape {c.shape}")
        if not 0 < kT_min <= kT_max:
            raise ValueError(f"kT_min = {kT_min}, kT_max = {kT_max}: expected 0 < kT_min <= kT_max")
        self.coefficients = c.tolist()
        self.rho_min, self.rho_max = float(rho_min), float(rho_max)
        self.kT_min, self.kT_max, self.extrapolate = float(kT_min), float(kT_max), bool(extrapolate)
        self.provenance, self.units = dict(provenance or {}), units

    def pressure(self, rho: np.ndarray, kT: float) -> np.ndarray:
        """p at densities rho and temperature kT (no range check)."""
        return np.polynomial.polynomial.polyval2d(np.asarray(rho, float), np.full(np.shape(rho), kT),
                                                  np.asarray(self.coefficients))

    def at_temperature(self, kT: float) -> MeasuredPressure:
        """The barotropic closure p(rho) = p(rho, kT) of an isothermal rung (ValueError outside the fitted kT
        range unless the equation of state extrapolates)."""
        if not self.extrapolate and not self.kT_min <= kT <= self.kT_max:
            raise ValueError(f"kT = {kT:.4g} leaves the fitted range [{self.kT_min:.4g}, {self.kT_max:.4g}] of "
                             f"MeasuredEquationOfState; refit or set extrapolate=True")
        c = np.asarray(self.coefficients)
        rho_coefficients = c @ (kT ** np.arange(c.shape[1]))
        return MeasuredPressure(list(rho_coefficients), self.rho_min, self.rho_max, self.extrapolate,
                                {**self.provenance, "kT": kT, "from": "MeasuredEquationOfState"}, self.units)

    def to_dict(self) -> dict[str, Any]:
        return {"closure": "MeasuredEquationOfState", "coefficients": self.coefficients,
                "rho_min": self.rho_min, "rho_max": self.rho_max, "kT_min": self.kT_min, "kT_max": self.kT_max,
                "extrapolate": self.extrapolate, "provenance": self.provenance, "units": self.units}


def fit_equation_of_state(rho: np.ndarray, kT: np.ndarray, p: np.ndarray, p_err: np.ndarray | None = None,
                          degree_rho: int = 2, degree_kT: int = 1, provenance: dict | None = None,
                          units: str = "rho: 1/length^d; kT: energy; p: rho velocity^2") -> MeasuredEquationOfState:
    """Weighted least-squares fit of measured (rho, kT, p) points by sum_{j<=degree_rho, k<=degree_kT}
    c_jk rho^j kT^k; the fitted ranges are those of the data."""
    rho, kT, p = (np.asarray(x, float) for x in (rho, kT, p))
    if not rho.shape == kT.shape == p.shape:
        raise ValueError(f"rho, kT, p: expected equal shapes, got {rho.shape}, {kT.shape}, {p.shape}")
    if np.unique(np.round(kT, 12)).size <= degree_kT or np.unique(np.round(rho, 12)).size <= degree_rho:
        raise ValueError(f"rho, kT: {np.unique(rho).size} densities and {np.unique(kT).size} temperatures cannot "
                         f"fix degrees ({degree_rho}, {degree_kT})")
    basis = np.polynomial.polynomial.polyvander2d(rho, kT, [degree_rho, degree_kT])
    w = np.ones_like(p) if p_err is None else 1.0 / np.maximum(np.asarray(p_err, float), 1e-300)
    coef, *_ = np.linalg.lstsq(basis * w[:, None], p * w, rcond=None)
    return MeasuredEquationOfState(coef.reshape(degree_rho + 1, degree_kT + 1).tolist(), rho.min(), rho.max(),
                                   kT.min(), kT.max(), provenance=provenance, units=units)


def pair_moment_table(edges: np.ndarray, m2: np.ndarray, m2perp: np.ndarray, density: float,
                      box: tuple[float, float]):
    """PairMomentTable (FFT-ordered periodic grid of bin width) with d2 = M2 / n^2, d2perp = M2perp / n^2.

    edges: the square bins on [-r_max, r_max) of particles.dipolar.pair_moments; the box must hold a whole
    number of bins in each direction. Separations beyond r_max are set to zero (no correlation data).
    """
    from hydrobridge.continuum.correlation import PairMomentTable

    h = edges[1] - edges[0]
    n_bins = len(edges) - 1
    shape = tuple(int(round(L / h)) for L in box)
    for L, n in zip(box, shape):
        if not np.isclose(n * h, L, rtol=1e-9):
            raise ValueError(f"box = {box}: expected a whole number of bins of width {h:.6g} in each direction")
    if min(shape) < n_bins:
        raise ValueError(f"edges: the binned range 2 r_max = {2 * edges[-1]:.4g} exceeds the box {box}")
    d2 = np.zeros(shape + (2, 2))
    d2p = np.zeros(shape + (2, 2))
    centres = 0.5 * (edges[1:] + edges[:-1])
    idx = np.round(centres / h - 0.5).astype(int)       # bin k holds separations [k h, (k + 1) h)
    ix, iy = np.meshgrid(idx % shape[0], idx % shape[1], indexing="ij")
    d2[ix, iy] = m2 / density**2
    d2p[ix, iy] = m2perp / density**2
    return PairMomentTable((float(box[0]), float(box[1])), d2, d2p)


def save_closure(path: str | Path, closure) -> None:
    """Write closure.to_dict() as JSON (parameters, provenance, units)."""
    Path(path).write_text(json.dumps(closure.to_dict(), indent=2))


def load_closure(path: str | Path):
    """Rebuild a closure saved by save_closure."""
    from hydrobridge.closures.ideal import Adiabatic, Isothermal, Polytropic, TonksPressure

    data = json.loads(Path(path).read_text())
    kind = data.pop("closure", None)
    if kind == "MeasuredPressure":
        return MeasuredPressure(**data)
    if kind == "MeasuredEquationOfState":
        return MeasuredEquationOfState(**data)
    classes = {"Isothermal": Isothermal, "Polytropic": Polytropic, "Adiabatic": Adiabatic,
               "TonksPressure": TonksPressure}
    if kind not in classes:
        raise ValueError(f"{path}: unknown closure {kind!r}; expected MeasuredPressure, MeasuredEquationOfState or {sorted(classes)}")
    return classes[kind](**data)
