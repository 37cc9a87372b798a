"""Study-independent MD runs of the dipolar system (docs/theory.md §2-§4), each from an equilibrated replica.

Every run takes a ReplicaSetup (particles.dipolar.replica) and the replica's key, equilibrates, runs the
BAOAB Langevin dynamics of the setup's bath and returns plain arrays:

* fluctuation_permittivity_run: eps_ab(w) by the fluctuation formula from an equilibrium M(t) series (§4).
* ac_permittivity_run: one column of eps_ab(w) by AC lock-in under E0 e_b cos(w t), conducting boundary (§4).
* equilibrium_run: M(t), Mdot(t), the scalar pressure and (optionally) pair moments of an equilibrium run,
  the input of the closure fits in closures.dipolar_md (§3).
* uniform_field_run: block lock-in amplitudes of the box moments under a uniform field E0 x cos(w t) (§3, §4).
* sheet_run: slab profiles (particles.dipolar.sheet_profiles) in time under the sheet-pair forcing (§4).

Runs under a periodic forcing use dt <= the bath's dt so that a period is a whole number of steps. Every run
takes an optional `observe(step, state, forces)`, called after each step of the measured run (not of the
equilibration), e.g. particles.h5md.dipolar_observer writing an H5MD trajectory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from hydrobridge.particles.dipolar.field import SheetPairField, UniformACField
from hydrobridge.lockin import lockin_amplitude, lockin_amplitude_with_error, mean_and_standard_error
from hydrobridge.particles.dipolar.forcefield import ForceField, force_field
from hydrobridge.particles.dipolar.model import DipolarBoxModel
from hydrobridge.particles.dipolar.pair_moments import PairMoments, pair_moments
from hydrobridge.particles.dipolar.pressure import pressure_tensors, scalar_pressure
from hydrobridge.particles.dipolar.replica import ReplicaSetup, equilibrated
from hydrobridge.particles.dipolar.response import fluctuation_permittivity_tensor, polarization_series
from hydrobridge.particles.dipolar.sheet_profiles import SheetGeometry, sheet_profiles
from hydrobridge.particles.dipolar.shortrange import ShortRange
from hydrobridge.particles.dipolar.simulate import run

__all__ = ["steps_per_period", "fluctuation_permittivity_run", "ac_permittivity_run", "EquilibriumSeries",
           "equilibrium_run", "UNIFORM_FIELD_OBSERVABLES", "uniform_field_run", "SheetSeries", "sheet_run"]

#: an extra per-step callback of a run: observe(step, state, forces)
Observer = Callable[[int, object, object], None]

#: the box moments of uniform_field_run, in order
UNIFORM_FIELD_OBSERVABLES = ("p_x", "p_y", "B_x", "B_y", "P_dv_xx", "P_dv_xy", "P_dv_yx", "P_dv_yy", "P_wv_x", "P_wv_y")


def steps_per_period(dt: float, omega: float) -> tuple[int, float]:
    """(steps per period, time step <= dt) so that a period 2 pi / omega is a whole number of steps."""
    per = math.ceil(2 * math.pi / (omega * dt))
    return per, 2 * math.pi / (omega * per)


def _forced(setup: ReplicaSetup, key: str, forcing: Callable[[DipolarBoxModel], object], dt: float):
    """(params, BAOAB with the base terms plus the term forcing(params) at step dt, state with its clock at 0,
    rng) of the equilibrated replica `key`."""
    params, base, state, rng = equilibrated(setup, key)
    lang = setup.thermostat.integrator(force_field(base.terms + (forcing(params),), params.box), params, dt)
    state = state.copy()
    state.t = 0.0
    return params, lang, state, rng


def fluctuation_permittivity_run(setup: ReplicaSetup, key: str, steps: int, omegas: np.ndarray, max_lag: int,
                                 n_blocks: int, observe: Observer | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(eps_ab(w), standard error), complex (len(omegas), 2, 2), from `steps` samples of M (response.py);
    observe: see the module doc."""
    bath = setup.thermostat
    params, base, state, rng = equilibrated(setup, key)
    m = polarization_series(base, params, state, bath.kT, bath.gamma, bath.gamma_r, bath.dt, steps, 0.0, 0.0, rng,
                            observe=observe)
    return fluctuation_permittivity_tensor(m, bath.dt, omegas, bath.kT, params.eps0, params.area, max_lag, n_blocks)


def ac_permittivity_run(setup: ReplicaSetup, key: str, omega: float, direction: int, e0: float, min_steps: int,
                        n_blocks: int, observe: Observer | None = None) -> tuple[list[complex], list[complex]]:
    """(eps_ab(w), standard errors) for a = x, y and the field along b = direction (0: x, 1: y):
    eps_ab - delta_ab = M^_a / (eps0 |Omega| E0), lock-in after one period of transient over
    max(min_steps, (n_blocks + 2) periods) steps, at least one period per block."""
    if direction not in (0, 1):
        raise ValueError(f"direction = {direction!r}: expected 0 (x) or 1 (y)")
    bath = setup.thermostat
    params, base, state, rng = equilibrated(setup, key)
    e = (1.0, 0.0) if direction == 0 else (0.0, 1.0)
    skip = int(round(2 * np.pi / (omega * bath.dt)))          # one period of transient
    steps = max(min_steps, (n_blocks + 2) * skip)             # at least one period per block
    m = polarization_series(base, params, state, bath.kT, bath.gamma, bath.gamma_r, bath.dt, steps, e0, omega, rng,
                            direction=e, observe=observe)
    scale = params.eps0 * params.area * e0
    column, column_err = [], []
    for a in range(2):
        amp, err = lockin_amplitude_with_error(m[skip:, a], omega, n_blocks, dt=bath.dt)
        column.append(amp / scale + (1.0 if a == direction else 0.0))
        column_err.append(err / scale)
    return column, column_err


def _chain(sample: Observer, observe: Observer | None) -> Observer:
    """The run's own sampling, then the caller's observer (if any)."""
    if observe is None:
        return sample

    def both(step, s, c):
        sample(step, s, c)
        observe(step, s, c)

    return both


def _short_range(base: ForceField) -> ShortRange | None:
    return next((t for t in base.terms if isinstance(t, ShortRange)), None)


@dataclass(frozen=True)
class EquilibriumSeries:
    """Samples of an equilibrium run at t = k dt, k = 1..T: M and Mdot (T, 2); the scalar pressure (S,) every
    sample_every steps; the pair moments averaged over those samples (None if not requested)."""

    m: np.ndarray
    mdot: np.ndarray
    pressure: np.ndarray
    pairs: PairMoments | None


def equilibrium_run(setup: ReplicaSetup, key: str, steps: int, sample_every: int, pair_r_max: float | None = None,
                    pair_bins: int = 0, observe: Observer | None = None) -> EquilibriumSeries:
    """Equilibrium run of `steps` steps: M = mu sum d_i, Mdot = mu sum omega_i d_perp,i every step; the
    scalar pressure (1/2) tr P_vv (kinetic + short-range virial) and, with pair_r_max, the pair moments on
    pair_bins x pair_bins bins of [-pair_r_max, pair_r_max)^2 every sample_every steps."""
    params, base, state, rng = equilibrated(setup, key)
    lang = setup.thermostat.integrator(force_field(base.terms, params.box), params)
    short = _short_range(base)
    m, mdot, pressures = [], [], []
    pairs = {"m2": 0.0, "m2perp": 0.0, "n2": 0.0, "count": 0}

    def sample(step, s, c):
        d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
        m.append(params.mu * d.sum(axis=0))
        mdot.append(params.mu * (s.omega[:, None] * np.column_stack((-d[:, 1], d[:, 0]))).sum(axis=0))
        if step % sample_every == 0:
            pressures.append(scalar_pressure(s, params, short))
            if pair_r_max is not None:
                pm = pair_moments(s.x, s.theta, params.box, pair_r_max, pair_bins)
                pairs["m2"] = pairs["m2"] + pm.m2
                pairs["m2perp"] = pairs["m2perp"] + pm.m2perp
                pairs["n2"] = pairs["n2"] + pm.n2
                pairs["count"] += 1
                pairs["edges"] = pm.edges

    run(lang, state, steps, rng, observe=_chain(sample, observe))
    mean = None if pair_r_max is None else PairMoments(pairs["edges"], pairs["n2"] / pairs["count"],
                                                       pairs["m2"] / pairs["count"], pairs["m2perp"] / pairs["count"])
    return EquilibriumSeries(np.array(m), np.array(mdot), np.array(pressures), mean)


def uniform_field_run(setup: ReplicaSetup, key: str, omega: float, e0: float, periods: int,
                      n_blocks: int, observe: Observer | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Uniform field E0 x cos(w t): (mean, standard error), complex (10,), of the block lock-in amplitudes of
    the UNIFORM_FIELD_OBSERVABLES p = rho D, B = (rho Omega D + P_dw)_perp, P_dv and P_wv (box averages,
    number-density normalisation) over `periods` periods after one period of transient."""
    per, dt = steps_per_period(setup.thermostat.dt, omega)
    params, lang, state, rng = _forced(setup, key, lambda p: UniformACField(p.mu, (e0, 0.0), omega), dt)
    rows = []

    def sample(step, s, c):
        d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
        tens = pressure_tensors(s, params, np.zeros((2, 2)))
        rows.append(np.concatenate([d.sum(axis=0) / params.area,
                                    (s.omega[:, None] * np.column_stack((-d[:, 1], d[:, 0]))).sum(axis=0) / params.area,
                                    tens["P_dv"].ravel(), tens["P_wv"]]))

    run(lang, state, (periods + 1) * per, rng, observe=_chain(sample, observe))
    x = np.array(rows)[per:]                        # sample k is at t = (k + 1) dt
    t = dt * (np.arange(len(x)) + per + 1)
    block = (periods // n_blocks) * per
    amps = np.array([lockin_amplitude(x[b * block:(b + 1) * block], omega, t=t[b * block:(b + 1) * block])
                     for b in range(n_blocks)])
    return mean_and_standard_error(amps)


@dataclass(frozen=True)
class SheetSeries:
    """Slab profiles `fields` (T, 4 n + 1) in the sheet_profiles layout at times t (T,) over whole periods of
    `per` steps each."""

    t: np.ndarray
    fields: np.ndarray
    per: int


def sheet_run(setup: ReplicaSetup, key: str, geo: SheetGeometry, sigma0: float, width: float, omega: float,
              transient_periods: int, periods: int, observe: Observer | None = None) -> SheetSeries:
    """Sheet pair of amplitude sigma0 (Gaussian-smeared with `width`) times cos(w t) normal to x: the slab
    profiles of every step of `periods` periods after `transient_periods` periods."""
    per, dt = steps_per_period(setup.thermostat.dt, omega)
    params, lang, state, rng = _forced(
        setup, key, lambda p: SheetPairField(p.mu, p.eps0, geo.length, 0, geo.a, geo.b, sigma0, width, omega), dt)
    skip = transient_periods * per
    rows = []

    def sample(step, s, c):
        if step > skip:
            rows.append(sheet_profiles(s.x, s.theta, s.v, params, geo, sigma0, omega * s.t))

    run(lang, state, skip + periods * per, rng, observe=_chain(sample, observe))
    x = np.array(rows)
    return SheetSeries(dt * (skip + 1 + np.arange(len(x))), x, per)
