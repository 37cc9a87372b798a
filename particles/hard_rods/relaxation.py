"""Relaxation of the boosted hard-rod state: MD and gBBGKY drivers and their comparison (docs/theory.md §5).

Observables against the rescaled time t_bar = t (a rho_bar V0)^2 / (xi v_bar)^3, v_bar^2 = 2 E_kin(0) =
theta0^2 + 1/(2 beta) (``time_scale`` = d t_bar / d t): the excess kurtosis kappa of rho(theta) (pooled
over realisations, particles.hard_rods.observables) and the kinetic energy per particle. The kinetic regime
is t_bar >= ``KINETIC_START`` (after the correlation build-up, where E_kin is nearly constant); its
relaxation rate is the least-squares slope d kappa / d t_bar there (``kinetic_fit``), with a jackknife
error over realisations for MD data (``kinetic_slope``, on per-realisation raw velocity moments, so it
applies to a user's ensembles too). ``agreement`` compares a gBBGKY run with the MD: levels, changes since
t = 0 (the sampling noise of the initial state cancels) and kinetic slopes. ``parity_split`` separates the MD
kurtosis change of ensembles run at +V0 and -V0 from the same initial states into its even and odd parts in V0
(docs/theory.md (5.32)-(5.34)), which the gBBGKY truncation orders predict separately (``parity_parts``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np

from . import ensemble as ens
from . import gbbgky as gb
from . import ghd
from .observables import jackknife, kurtosis_from_moments, mean_and_error, rescaled_time

__all__ = ["KINETIC_START", "time_scale", "kinetic_fit", "kinetic_slope", "ensemble_relaxation", "md_checkpoint_stem",
           "md_relaxation",
           "gbbgky_relaxation", "agreement", "parity_parts", "parity_split"]

KINETIC_START: float = 0.05       # t_bar at which the kinetic regime starts (end of the correlation build-up)


def time_scale(system: ens.RodSystem) -> float:
    """d t_bar / d t = (a rho_bar V0)^2 / (xi v_bar)^3 of the system's boosted state (module doc)."""
    v_bar = np.sqrt(system.theta0**2 + 0.5 / system.beta)
    return float(rescaled_time(1.0, system.a, system.n / system.ring, system.v0, system.xi, v_bar))


def kinetic_fit(t_bar: np.ndarray, kurtosis: np.ndarray, start: float = KINETIC_START) -> float | None:
    """Least-squares d kurtosis / d t_bar over t_bar >= start; None with fewer than three samples there."""
    kinetic = t_bar >= start
    return float(np.polyfit(t_bar[kinetic], kurtosis[kinetic], 1)[0]) if kinetic.sum() >= 3 else None


def kinetic_slope(moments: np.ndarray, t_bar: np.ndarray,
                  start: float = KINETIC_START) -> tuple[float | None, float | None]:
    """kinetic_fit of the kurtosis of per-realisation raw moments (R, S, 4) = <u>, <u^2>, <u^3>, <u^4> at the
    S times t_bar, with its jackknife (leave-one-realisation-out) error; None without a kinetic regime or
    with R < 2."""
    if moments.ndim != 3 or moments.shape[1:] != (t_bar.size, 4):
        raise ValueError(f"moments: expected shape (R, {t_bar.size}, 4), got {moments.shape}")
    if kinetic_fit(t_bar, kurtosis_from_moments(moments.mean(axis=0)), start) is None or moments.shape[0] < 2:
        return None, None
    value, err = jackknife(moments, lambda m: np.array([kinetic_fit(t_bar, kurtosis_from_moments(m), start)]))
    return float(value[0]), float(err[0])


def ensemble_relaxation(times: np.ndarray, obs: np.ndarray, n: int, scale: float,
                        start: float = KINETIC_START) -> dict:
    """Reduced observables of an MD ensemble: obs (R, S, 8) per realisation and time with the columns
    ensemble.OBS_NAMES; n rods; scale = d t_bar / d t. Kurtosis level and change since t = 0 with jackknife
    errors, kinetic slope (over t_bar >= start), kinetic energy (change) per particle with standard errors, mean
    interaction energy, largest relative energy error, largest energy drift per rod (absolute: with an attractive
    potential the total energy of a realisation can be near 0), momentum error, smallest gap and number of
    collisions."""
    if obs.ndim != 3 or obs.shape[1] != times.size or obs.shape[2] != len(ens.OBS_NAMES):
        raise ValueError(f"obs: expected shape (R, {times.size}, {len(ens.OBS_NAMES)}), got {obs.shape}")
    kurt, kerr = jackknife(obs[:, :, :4], kurtosis_from_moments)
    dkurt, dkerr = jackknife(obs[:, :, :4], lambda m: kurtosis_from_moments(m) - kurtosis_from_moments(m[:1]))
    slope, slope_err = kinetic_slope(obs[:, :, :4], times * scale, start)
    ekin, ekin_err = mean_and_error(obs[:, :, 4])
    dekin, dekin_err = mean_and_error(obs[:, :, 4] - obs[:, :1, 4])   # change per realisation: small errors
    energy = obs[:, :, 4] + obs[:, :, 5]
    drift = float(np.abs(energy - energy[:, :1]).max())
    return {"t": times, "kurtosis": kurt, "kurtosis_err": kerr, "kurtosis_change": dkurt,
            "kurtosis_change_err": dkerr, "kurtosis_slope_kinetic": slope, "kurtosis_slope_kinetic_err": slope_err,
            "ekin": ekin, "ekin_err": ekin_err,
            "ekin_change": dekin, "ekin_change_err": dekin_err,
            "eint": obs[:, :, 5].mean(0),
            "energy_rel_err": drift / float(np.abs(energy[:, 0]).min()), "energy_drift_per_rod": drift,
            "momentum_err": float(np.abs(obs[:, :, 0] - obs[:, :1, 0]).max() * n),
            "min_gap": float(obs[:, :, 6].min()), "collisions": int(obs[:, :, 7].sum())}


def md_checkpoint_stem(system: ens.RodSystem, n_real: int, dt_sample: float) -> str:
    """Name (without directory and .rank<p>.npz) of md_relaxation's checkpoint: independent of the run length."""
    return f"md_ckpt_phi{system.kind}_V{system.v0:g}_L{system.ring:g}_R{n_real}_dt{dt_sample:g}_h{system.h:g}"


def md_relaxation(system: ens.RodSystem, n_real: int, t_end: float, dt_sample: float, comm=None,
                  checkpoint_dir: str | None = None, seed: int = 2024,
                  observe: Callable[[ens.EnsembleState], None] | None = None,
                  part: tuple[int, int] | None = None, start: float = KINETIC_START) -> dict | None:
    """MD ensemble (ensemble.run_ensemble) of the boosted state sampled every dt_sample up to t_end;
    ensemble_relaxation on rank 0 (None elsewhere), with wall time, n_real, h and the per-realisation raw velocity
    moments (R, S, 4) (kinetic_slope, parity_split). observe(state) after each
    sample this process computes (e.g. particles.h5md.rod_observer writing a trajectory).

    The checkpoint in checkpoint_dir is named without t_end: a longer run of the same ensemble is reused
    (and cut at t_end), a shorter one is continued. part = (p, P): only rank p's share of a P-rank run
    (ensemble.run_ensemble), the observables of those realisations. start: t_bar at which the kinetic regime
    starts (ensemble_relaxation)."""
    n_samples = int(round(t_end / dt_sample))
    t0 = time.perf_counter()
    t_run = n_samples * dt_sample
    stem = md_checkpoint_stem(system, n_real, dt_sample)
    res = ens.run_ensemble(system, n_real, seed, t_run, n_samples, np.linspace(-4, 4, 81), comm,
                           checkpoint=None if checkpoint_dir is None else os.path.join(checkpoint_dir, stem),
                           observe=observe, part=part)
    if res is None:
        return None
    keep = res["times"] <= t_run * (1 + 1e-9)   # a longer checkpoint is cut at this run's end
    out = ensemble_relaxation(res["times"][keep], res["obs"][:, keep], system.n, time_scale(system), start)
    return {**out, "moments": res["obs"][:, keep, :4], "wall_s": time.perf_counter() - t0, "n_real": n_real,
            "h": system.h}


def gbbgky_relaxation(system: ens.RodSystem, times: np.ndarray, n_theta: int, n_modes: int, h: float,
                      terms: dict[str, bool], theta_max: float = 6.0) -> dict:
    """SB.1 (gbbgky.sb1_run, with the SA.3 terms switched on in `terms`) from the boosted state with g = 0 on
    n_theta velocities in [-theta_max, theta_max] and n_modes ring modes: kurtosis, kinetic energy per
    particle, relative energy and number errors."""
    t0 = time.perf_counter()
    density = system.n / system.ring
    setup = gb.make_setup(system.a, system.v0, system.xi, system.kind, system.ring, theta_max, n_theta, n_modes)
    rho0 = ghd.boosted_state(setup.theta, setup.w, density, system.beta, system.theta0)
    res = gb.sb1_run(setup, rho0, times, h, **terms)
    energy = res["ekin"] + res["ecorr"]
    return {"kurtosis": res["kurtosis"], "ekin": res["ekin"] / density,
            "energy_rel_err": float(np.abs(energy - energy[0]).max() / energy[0]),
            "number_rel_err": float(np.abs(res["rho"] @ setup.w - density).max() / density),
            "wall_s": time.perf_counter() - t0, "n_theta": n_theta, "n_modes": n_modes, "h": h,
            "terms": terms}


def agreement(md: dict, kin: dict, t_bar: np.ndarray, start: float = KINETIC_START, tolerance: float = 0.05) -> dict:
    """Kurtosis level and change since t = 0 of md (ensemble_relaxation) and kin (gbbgky_relaxation) at the
    same t_bar: max |MD - gBBGKY| and the fraction of samples within max(MD error bar, tolerance); the same
    for the change in the kinetic regime t_bar >= start, with the mean signed deviation MD - gBBGKY there;
    the gBBGKY kinetic slope and its deviation from the MD slope in units of the MD slope's error."""
    diff = np.abs(md["kurtosis"] - kin["kurtosis"])
    signed = md["kurtosis_change"] - (kin["kurtosis"] - kin["kurtosis"][0])
    within = np.abs(signed) <= np.maximum(md["kurtosis_change_err"], tolerance)
    kinetic = t_bar >= start
    slope = kinetic_fit(t_bar, kin["kurtosis"], start)
    return {"kurtosis_slope_kinetic": slope,
            "slope_diff_in_md_errors": (None if slope is None or md["kurtosis_slope_kinetic"] is None
                                        else (md["kurtosis_slope_kinetic"] - slope) / md["kurtosis_slope_kinetic_err"]),
            "max_abs_diff": float(diff.max()), "max_abs_change_diff": float(np.abs(signed).max()),
            "fraction_within": float(np.mean(diff <= np.maximum(md["kurtosis_err"], tolerance))),
            "fraction_change_within": float(np.mean(within)),
            "fraction_change_within_kinetic": float(np.mean(within[kinetic])) if kinetic.any() else None,
            "mean_change_diff_kinetic": float(np.mean(signed[kinetic])) if kinetic.any() else None}


def parity_parts(kurtosis_plus: np.ndarray, kurtosis_minus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Even and odd parts in V0 of the kurtosis change since t = 0 of two runs from the same initial state at
    +V0 and -V0 (docs/theory.md (5.32)):

        kappa_even(t) = [kappa_+(t) + kappa_-(t)] / 2 - kappa(0),   kappa_odd(t) = [kappa_+(t) - kappa_-(t)] / 2

    (kappa_+(0) = kappa_-(0) = kappa(0)). The leading-order gBBGKY (5.15) has no odd part; the (5.16)-(5.18)
    terms are its first odd contributions, O(V0^3) (5.33)."""
    kurtosis_plus, kurtosis_minus = np.asarray(kurtosis_plus, float), np.asarray(kurtosis_minus, float)
    if kurtosis_plus.shape != kurtosis_minus.shape or kurtosis_plus.ndim < 1:
        raise ValueError(f"kurtosis_plus, kurtosis_minus: expected two time series of the same shape, got "
                         f"{kurtosis_plus.shape} and {kurtosis_minus.shape}")
    return (0.5 * (kurtosis_plus + kurtosis_minus) - kurtosis_plus[..., :1],
            0.5 * (kurtosis_plus - kurtosis_minus))


def parity_split(t_bar: np.ndarray, moments_plus: np.ndarray, moments_minus: np.ndarray,
                 start: float = KINETIC_START) -> dict:
    """Even and odd parts (parity_parts) of the pooled kurtosis change of MD ensembles run at +V0 and -V0 from
    the same R initial states: moments_plus, moments_minus (R, S, 4) raw velocity moments per realisation at the
    S times t_bar (realisation r of both from the same state). Jackknife errors over the R pairs, so the
    initial-state noise and the part of the dynamics common to both signs cancel; kinetic slopes
    d kappa_even / d t_bar and d kappa_odd / d t_bar over t_bar >= start (None without a kinetic regime)."""
    if moments_plus.shape != moments_minus.shape or moments_plus.ndim != 3 or moments_plus.shape[1:] != (
            t_bar.size, 4):
        raise ValueError(f"moments_plus, moments_minus: expected two arrays of shape (R, {t_bar.size}, 4), got "
                         f"{moments_plus.shape} and {moments_minus.shape}")
    if np.abs(moments_plus[:, 0] - moments_minus[:, 0]).max() > 1e-12 * np.abs(moments_plus[:, 0]).max():
        raise ValueError("moments_plus, moments_minus: the two ensembles must start from the same states "
                         "(same seed and realisations); their t = 0 moments differ")
    paired = np.concatenate([moments_plus, moments_minus], axis=2)

    def parts(m: np.ndarray) -> np.ndarray:
        return np.stack(parity_parts(kurtosis_from_moments(m[..., :4]), kurtosis_from_moments(m[..., 4:])))

    (even, odd), (even_err, odd_err) = jackknife(paired, parts)
    out = {"even": even, "even_err": even_err, "odd": odd, "odd_err": odd_err}
    if kinetic_fit(t_bar, even, start) is None or moments_plus.shape[0] < 2:
        return {**out, "slope_even": None, "slope_even_err": None, "slope_odd": None, "slope_odd_err": None}

    def slopes(m: np.ndarray) -> np.ndarray:
        return np.array([kinetic_fit(t_bar, part, start) for part in parts(m)])

    (s_even, s_odd), (e_even, e_odd) = jackknife(paired, slopes)
    return {**out, "slope_even": float(s_even), "slope_even_err": float(e_even), "slope_odd": float(s_odd),
            "slope_odd_err": float(e_odd)}
