"""Coupled dipolar demo: one periodic box, MD and the continuum with MD-fitted closures (docs/theory.md §2-§4).

The same L x L periodic box (N molecules at number density n) is driven by the same sheet pair normal to x
(+sigma0 at x = L/4, -sigma0 at x = 3L/4, times cos(w t)) in two rungs:

MD (ensemble of Langevin replicas, Ewald + short range; the sheets Gaussian-smeared with a small width):
    slab profiles across the sheets of rho(x) and P_x(x) = mu rho D_x(x), the potential psi(x) of the
    sharp sheets plus the particles' point dipoles (exact in 1D: psi' = (P_x - <P_x>)/eps0 - E_sheets), and
    the potential drop psi(L/4) - psi(3L/4) in time. Lock-in complex amplitudes over whole periods after a
    transient, mean and standard error over replicas; the drop also phase-averaged over one period.
MD fits (hydrobridge.closures.dipolar_md): equilibrium replicas give chi_s, w0 (sum rule), tau_D, P_vv and the pair
    moments D2, D2perp; uniform-field AC runs at a few frequencies give P_dw as a linear-response
    coefficient (the "measured" damped Grad closure) and the symmetry-zero P_dv, P_wv amplitudes;
    equilibrium runs at neighbouring densities give P_vv(rho). Saved to closures.json.
Continuum (DipolarFluid with translation: rho, rho U, rho D and the closure's fields on the sheet-pair
    mesh of the same box) with each closure (local equilibrium, Grad, Debye, measured) without and with the
    D2 correction (S_x, S_th from the MD pair moments); same forcing, same molecular parameters.

Outputs in --out: summary.json (fits with errors; per closure the relative L2 errors of the P_x and psi
amplitude profiles, of the time-mean rho profile, of the drop amplitude and of the drop waveform against
MD, next to the MD sampling error; the MD P_dv_xx profile, which every closure here sets to zero), profiles.png (fields across the sheets) and response.png (drop in
time), closures.json, fields/<closure>.bp (VTX over the last period), md/ and continuum/ task records
(--resume continues a killed run).

    mpiexec -n 2 python -m hydrobridge.cli run demos/configs/dipolar_coupled.toml --out out/coupled
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from mpi4py import MPI

from hydrobridge.closures.dipolar_md import CLOSURE_NAMES, DipolarMDClosures, fit_dw_response, rotational_relaxation, symmetrise_square
from hydrobridge.closures.measured import fit_pressure
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.demos.dipolar_options import system_options
from hydrobridge.lockin import lockin_amplitude
from hydrobridge.config import Option, study_main
from hydrobridge.tasks import run_tasks
from hydrobridge.particles.dipolar.replica import equilibrated, md_system

SCHEMA = {
    "out": Option(str, "out/dipolar_coupled", "output folder"),
    **system_options(36),
    "dt": Option(float, 0.005, "MD time step (rounded down to a whole number of steps per period)",
                 minimum=0.0, open_minimum=True),
    "equil_steps": Option(int, 2000, "equilibration steps before each MD run", minimum=0),
    "eq_replicas": Option(int, 2, "equilibrium replicas (chi_s, tau_D, w0, P_vv, pair moments)", minimum=1),
    "eq_steps": Option(int, 20000, "steps of each equilibrium replica", minimum=100),
    "max_lag": Option(int, 300, "C(t) integration range in steps", minimum=10),
    "sample_every": Option(int, 20, "steps between pair-moment / pressure samples", minimum=1),
    "pair_bins": Option(int, 9, "pair-moment bins per direction (odd, centred on the mesh's separation grid)",
                        minimum=3),
    "eos_densities": Option(list, [0.45, 0.75], "further densities for P_vv(rho)", item=float, minimum=0.0,
                            open_minimum=True),
    "eos_steps": Option(int, 4000, "steps of each equation-of-state run", minimum=100),
    "uniform_omegas": Option(list, [1.5, 4.0, 10.0], "frequencies of the uniform-field P_dw runs", item=float,
                             minimum=0.0, open_minimum=True),
    "uniform_periods": Option(int, 40, "measured periods of each uniform-field run", minimum=4),
    "e0": Option(float, 0.3, "uniform AC field amplitude", minimum=0.0, open_minimum=True),
    "sheet_replicas": Option(int, 8, "replicas of the sheet-forced MD", minimum=2),
    "sheet_periods": Option(int, 16, "measured periods of each sheet-forced replica", minimum=1),
    "transient_periods": Option(int, 2, "periods discarded before measuring (MD)", minimum=0),
    "sigma0": Option(float, 0.5, "sheet charge amplitude (per length)", minimum=0.0, open_minimum=True),
    "omega": Option(float, 3.0, "forcing angular frequency", minimum=0.0, open_minimum=True),
    "sheet_width": Option(float, 0.15, "Gaussian width of the MD sheets", minimum=0.0, open_minimum=True),
    "mesh_cells": Option(int, 16, "continuum cells across the box (multiple of 4) = MD profile slabs", minimum=4),
    "closures": Option(list, list(CLOSURE_NAMES), "continuum closures", item=str, choices=CLOSURE_NAMES),
    "blocks": Option(int, 5, "blocks for standard errors", minimum=2),
    "seed": Option(int, 1, "base random seed", minimum=0),
}

QUICK = {"n_particles": 16, "equil_steps": 500, "eq_replicas": 2, "eq_steps": 3000, "max_lag": 100, "sample_every": 50,
         "pair_bins": 5, "eos_steps": 600, "uniform_omegas": [2.0, 8.0], "uniform_periods": 8,
         "sheet_replicas": 2, "sheet_periods": 3, "transient_periods": 1, "mesh_cells": 8,
         "closures": ["local_equilibrium", "debye"], "blocks": 2}


# ----------------------------------------------------------------------------------------------------
# MD tasks
def one_period(t: np.ndarray, x: np.ndarray, omega: float, per: int) -> tuple[list, list]:
    """(phase, x) of the first `per` samples (one period) sorted by phase w t mod 2 pi."""
    phase = np.mod(omega * t[:per], 2 * math.pi)
    order = np.argsort(phase)
    return phase[order].tolist(), x[:per][order].tolist()


def steps_per_period(config: dict, omega: float) -> tuple[int, float]:
    """(steps per period, dt <= config dt) so that a period is a whole number of MD steps."""
    per = math.ceil(2 * math.pi / (omega * config["dt"]))
    return per, 2 * math.pi / (omega * per)


def _langevin(config: dict, params, terms, dt: float):
    from hydrobridge.particles.dipolar.forcefield import force_field
    from hydrobridge.particles.dipolar.integrate import BAOAB

    return BAOAB(force_field(terms, params.box), params, config["kT"], config["gamma"], config["gamma_r"], dt)


def _short_range(base):
    from hydrobridge.particles.dipolar.shortrange import ShortRange

    return next((t for t in base.terms if isinstance(t, ShortRange)), None)


def scalar_pressure(state, params, short) -> float:
    """p = (1/2) tr P_vv, kinetic + short-range virial (particles.dipolar.pressure)."""
    from hydrobridge.particles.dipolar.pressure import pressure_tensors
    from hydrobridge.particles.dipolar.space import neighbor_pairs

    virial = np.zeros((2, 2)) if short is None else short.virial(state.theta, neighbor_pairs(state.x, params.box,
                                                                                               short.r_cut))
    return 0.5 * float(np.trace(pressure_tensors(state, params, virial)["P_vv"]))


def equilibrium_task(config: dict, key: str, with_pairs: bool) -> dict:
    """Equilibrium replica: rotational relaxation fits, pressure, (optionally) pair moments."""
    from hydrobridge.particles.dipolar.observables import block_average
    from hydrobridge.particles.dipolar.pair_moments import pair_moments
    from hydrobridge.particles.dipolar.simulate import run

    params, base, state, rng = equilibrated(config, key)
    lang = _langevin(config, params, base.terms, config["dt"])
    short = _short_range(base)
    h = params.Lx / config["mesh_cells"]
    nb = config["pair_bins"]
    r_max = 0.5 * nb * h
    m, mdot, pressures = [], [], []
    pairs = {"m2": 0.0, "m2perp": 0.0, "n2": 0.0, "count": 0}

    def observe(step, s, c):
        d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
        m.append(params.mu * d.sum(axis=0))
        mdot.append(params.mu * (s.omega[:, None] * np.column_stack((-d[:, 1], d[:, 0]))).sum(axis=0))
        if step % config["sample_every"] == 0:
            pressures.append(scalar_pressure(s, params, short))
            if with_pairs:
                pm = pair_moments(s.x, s.theta, params.box, r_max, nb)
                pairs["m2"] = pairs["m2"] + pm.m2
                pairs["m2perp"] = pairs["m2perp"] + pm.m2perp
                pairs["n2"] = pairs["n2"] + pm.n2
                pairs["count"] += 1
                pairs["edges"] = pm.edges

    run(lang, state, config["eq_steps" if with_pairs else "eos_steps"], rng, observe=observe)

    p, p_err = block_average(np.array(pressures), min(config["blocks"], len(pressures)))
    out = {"density": config["density"], "pressure": float(p), "pressure_err": float(p_err)}
    if with_pairs:
        out["relaxation"] = rotational_relaxation(np.array(m), np.array(mdot), config["dt"], config["kT"],
                                                  params.eps0, params.area, config["max_lag"], config["blocks"])
        out["pairs"] = {k: (pairs[k] / pairs["count"]).tolist() for k in ("m2", "m2perp", "n2")}
        out["pairs"]["edges"] = pairs["edges"].tolist()
    return out


def uniform_task(config: dict, key: str, omega: float) -> dict:
    """Uniform field E0 x cos(w t): block lock-in amplitudes of p = rho D, B = (rho Omega D + P_dw)_perp,
    P_dv and P_wv (box averages, number-density normalisation)."""
    from hydrobridge.particles.dipolar.field import UniformACField
    from hydrobridge.particles.dipolar.pressure import pressure_tensors
    from hydrobridge.particles.dipolar.simulate import run

    params, base, state, rng = equilibrated(config, key)
    per, dt = steps_per_period(config, omega)
    lang = _langevin(config, params, base.terms + (UniformACField(params.mu, (config["e0"], 0.0), omega),), dt)
    state = state.copy()
    state.t = 0.0
    rows = []

    def observe(step, s, c):
        d = np.column_stack((np.cos(s.theta), np.sin(s.theta)))
        tens = pressure_tensors(s, params, np.zeros((2, 2)))
        rows.append(np.concatenate([d.sum(axis=0) / params.area,
                                    (s.omega[:, None] * np.column_stack((-d[:, 1], d[:, 0]))).sum(axis=0) / params.area,
                                    tens["P_dv"].ravel(), tens["P_wv"]]))

    total = (config["uniform_periods"] + 1) * per
    run(lang, state, total, rng, observe=observe)
    x = np.array(rows)[per:]                        # sample k is at t = (k + 1) dt
    t = dt * (np.arange(len(x)) + per + 1)
    n_blocks = config["blocks"]
    block = (config["uniform_periods"] // n_blocks) * per
    amps = np.array([lockin_amplitude(x[b * block:(b + 1) * block], omega, t=t[b * block:(b + 1) * block])
                     for b in range(n_blocks)])
    mean = amps.mean(axis=0)
    err = (amps.real.std(axis=0, ddof=1) + 1j * amps.imag.std(axis=0, ddof=1)) / math.sqrt(n_blocks)
    names = ["p_x", "p_y", "B_x", "B_y", "P_dv_xx", "P_dv_xy", "P_dv_yx", "P_dv_yy", "P_wv_x", "P_wv_y"]
    return {name: [mean[k].real, mean[k].imag, err[k].real, err[k].imag] for k, name in enumerate(names)}


def sheet_geometry(config: dict) -> dict:
    """Box length, sheet positions, profile points (slab centres) and the vacuum drop sigma0 L / (4 eps0)."""
    params, _ = md_system(config)
    L = params.Lx
    n = config["mesh_cells"]
    return {"L": L, "a": 0.25 * L, "b": 0.75 * L, "points": (np.arange(n) + 0.5) * L / n,
            "drop_vacuum": config["sigma0"] * L / (4 * params.eps0)}


def md_fields(x: np.ndarray, theta: np.ndarray, v: np.ndarray, params, geo: dict, sigma0: float,
              phase: float) -> np.ndarray:
    """[rho (n), P_x (n), psi (n), drop, P_dv_xx (n)] of one configuration: slab averages of rho and
    mu rho D_x at the slab centres, psi of the sharp sheets (charge sigma0 cos(phase)) plus the point dipoles
    (zero mean over the points), psi(a) - psi(b), and the kinetic P_dv_xx = [d_x v_x] - [d_x][v_x]/[1]
    per slab (particles.dipolar.pressure; no closure here carries it)."""
    L, pts, eps0 = geo["L"], geo["points"], params.eps0
    n = len(pts)
    h = L / n
    dx = np.cos(theta)
    slab = np.minimum((x[:, 0] / h).astype(int), n - 1)
    rho = np.bincount(slab, minlength=n) / (h * params.Ly)
    px = params.mu * np.bincount(slab, weights=dx, minlength=n) / (h * params.Ly)
    mean_px = params.mu * dx.sum() / params.area

    def psi(s):
        """psi(s) up to a constant: psi' = (P_x - <P_x>)/eps0 - E_sheets, E_sheets = +-sigma/(2 eps0)."""
        inside = params.mu * np.sum(dx[None, :] * (x[None, :, 0] < s[:, None]), axis=1) / params.Ly
        pol = (inside - mean_px * s) / eps0
        sig = sigma0 * math.cos(phase) / (2 * eps0)
        vac = -sig * (np.clip(s, geo["a"], geo["b"]) - geo["a"]) + sig * (np.clip(s, 0, geo["a"]) + np.clip(s - geo["b"], 0, None))
        return pol + vac

    ends = psi(np.array([geo["a"], geo["b"]]))
    profile = psi(pts)
    count = np.maximum(np.bincount(slab, minlength=n), 1)
    sums = [np.bincount(slab, weights=w, minlength=n) for w in (dx * v[:, 0], dx, v[:, 0])]
    pdv = (sums[0] - sums[1] * sums[2] / count) / (h * params.Ly)
    return np.concatenate([rho, px, profile - profile.mean(), [ends[0] - ends[1]], pdv])


def sheet_task(config: dict, key: str) -> dict:
    """One sheet-forced replica: lock-in amplitudes of the field profiles and drop, time-mean profiles,
    and the drop phase-averaged over one period."""
    from hydrobridge.particles.dipolar.field import SheetPairField
    from hydrobridge.particles.dipolar.simulate import run

    params, base, state, rng = equilibrated(config, key)
    geo = sheet_geometry(config)
    w = config["omega"]
    per, dt = steps_per_period(config, w)
    sheets = SheetPairField(params.mu, params.eps0, geo["L"], 0, geo["a"], geo["b"], config["sigma0"],
                            config["sheet_width"], w)
    lang = _langevin(config, params, base.terms + (sheets,), dt)
    state = state.copy()
    state.t = 0.0
    skip = config["transient_periods"] * per
    rows = []

    def observe(step, s, c):
        if step > skip:
            rows.append(md_fields(s.x, s.theta, s.v, params, geo, config["sigma0"], w * s.t))

    run(lang, state, skip + config["sheet_periods"] * per, rng, observe=observe)
    x = np.array(rows)
    t = dt * (skip + 1 + np.arange(len(x)))
    amp = lockin_amplitude(x, w, t=t)
    drop = 3 * config["mesh_cells"]
    phase, wave = one_period(t, x[:, drop].reshape(config["sheet_periods"], per).mean(axis=0), w, per)
    return {"amp_re": amp.real.tolist(), "amp_im": amp.imag.tolist(), "mean": x.mean(axis=0).tolist(),
            "wave_phase": phase, "wave": wave}


# ----------------------------------------------------------------------------------------------------
# closures from the MD tasks
def molecular_parameters(config: dict) -> DipolarParameters:
    params, _ = md_system(config)
    return DipolarParameters(mu=params.mu, mass=params.m, inertia=params.inertia, kT=config["kT"],
                             kT_r=config["kT"], eps0=params.eps0)


def fit_closures(config: dict, md: dict) -> DipolarMDClosures:
    """DipolarMDClosures from the equilibrium, equation-of-state and uniform-field MD tasks."""
    par = molecular_parameters(config)
    eq = [md[f"eq/{r}"] for r in range(config["eq_replicas"])]
    R = len(eq)
    relax = {}
    for k in eq[0]["relaxation"]:
        if not k.endswith("_err"):
            relax[k] = float(np.mean([e["relaxation"][k] for e in eq]))
            relax[k + "_err"] = float(np.sqrt(np.sum([e["relaxation"][k + "_err"] ** 2 for e in eq])) / R)
    m2, m2p = (np.mean([np.array(e["pairs"][k]) for e in eq], axis=0) for k in ("m2", "m2perp"))
    m2, m2p = symmetrise_square(m2, m2p)
    edges = np.array(eq[0]["pairs"]["edges"])
    rho = [config["density"]] + list(config["eos_densities"])
    p = [np.mean([e["pressure"] for e in eq])] + [md[f"eos/{n:.6g}"]["pressure"] for n in config["eos_densities"]]
    p_err = [np.sqrt(np.sum([e["pressure_err"] ** 2 for e in eq])) / R] + \
        [md[f"eos/{n:.6g}"]["pressure_err"] for n in config["eos_densities"]]
    pressure = fit_pressure(np.array(rho), np.array(p), np.array(p_err), degree=min(2, len(rho) - 1),
                            provenance={"source": "demos.dipolar_coupled equilibrium MD", "kT": config["kT"],
                                        "points": {"rho": rho, "p": [float(v) for v in p],
                                                   "p_err": [float(v) for v in p_err]}})
    ws = config["uniform_omegas"]
    uni = [md[f"uniform/{w:.6g}"] for w in ws]
    c = lambda r, k: complex(r[k][0], r[k][1])  # noqa: E731
    e = lambda r, k: complex(r[k][2], r[k][3])  # noqa: E731
    transport = fit_dw_response(ws, config["e0"], [c(r, "p_x") for r in uni], [c(r, "B_x") for r in uni],
                                [e(r, "p_x") for r in uni], [e(r, "B_x") for r in uni], par.eps0, par.mu)
    transport["symmetry_zero_amplitudes"] = {
        name: {"omega": ws, "abs": [abs(c(r, name)) for r in uni], "err": [abs(e(r, name)) for r in uni]}
        for name in ("p_y", "B_y", "P_dv_xx", "P_dv_xy", "P_dv_yx", "P_dv_yy", "P_wv_x", "P_wv_y")}
    transport["lockin"] = {"omega": ws, "e0": config["e0"],
                           **{k: [uni[i][k] for i in range(len(ws))] for k in ("p_x", "B_x")}}
    molecular = {"mu": par.mu, "mass": par.mass, "inertia": par.inertia, "kT": par.kT, "eps0": par.eps0,
                 "ideal_chi_s": par.static_susceptibility(config["density"]), "ideal_w0": par.w0,
                 "ideal_tau_D": par.inertia * config["gamma_r"] / config["kT"]}
    return DipolarMDClosures(molecular, config["density"], relax, transport, pressure,
                             {"edges": edges, "m2": m2, "m2perp": m2p},
                             {"source": "hydrobridge.demos.dipolar_coupled", "config": config})


# ----------------------------------------------------------------------------------------------------
# continuum tasks
def continuum_task(config: dict, fitted: dict, name: str, d2: bool, fields_dir: Path | None) -> dict:
    """The continuum with closure `name` (and the D2 correction if d2), driven like the MD; lock-in of the
    same profiles and drop over whole periods after the closure's transient, and the drop waveform."""
    from hydrobridge.continuum.dipolar import DipolarFluid
    from hydrobridge.continuum.driver import FieldSeries, LockinRecorder, advance
    from hydrobridge.continuum.forcing import SheetForcing
    from hydrobridge.continuum.output import FieldWriter
    from hydrobridge.continuum.permittivity import closure_run_settings
    from hydrobridge.meshes.locate import locate_cells, padded_points
    from hydrobridge.meshes.sheets import sheet_pair_mesh

    fits = DipolarMDClosures.from_dict(fitted)
    par = molecular_parameters(config)
    geo = sheet_geometry(config)
    L, n, w, nc = geo["L"], config["density"], config["omega"], config["mesh_cells"]
    closure = fits.closure(name)
    settings = closure_run_settings(closure, par, n, w)
    ramp = settings.get("ramp_periods", 0)
    sp = sheet_pair_mesh(MPI.COMM_SELF, "x", nc, 4, L, L)
    pressure = fits.pressure if name == "measured" else None
    fluid = DipolarFluid(sp.mesh, par, closure, n, translation=True, facet_tags=sp.facet_tags,
                         forcing=SheetForcing(config["sigma0"], w, ramp), sheet_length=sp.sheet_length,
                         correlation=fits.pair_table((L, L)) if d2 else None, pressure=pressure)
    c2 = par.kT / par.mass if pressure is None else float(pressure.sound_speed_squared({"rho": n}))
    period = 2 * math.pi / w
    dt_max = min(settings["max_dt"], 0.1 * (L / nc) / (1 + math.sqrt(c2)))
    per = max(32, math.ceil(period / dt_max))
    dt = period / per
    before = (ramp + settings.get("transient_periods", 1)) * per
    measure = 2 * per
    pts = padded_points(np.column_stack([geo["points"], np.full(nc, 0.1 * L)]))
    cells = locate_cells(sp.mesh, pts)
    lay = fluid.layout

    def profiles(model: DipolarFluid) -> np.ndarray:
        drop = model.potential_drop()
        state = model.state.eval(pts, cells)
        psi = model.potential.eval(pts, cells)[:, 0]
        return np.concatenate([state[:, lay.rho], par.mu * state[:, lay.p], psi - psi.mean(), [drop]])

    recorder = LockinRecorder(profiles, w, before, measure)
    observers = [recorder]
    if fields_dir is not None:
        writer = FieldWriter(fields_dir / f"{name}{'_d2' if d2 else ''}.bp", fluid.output_fields(), sp.mesh)
        observers.append(FieldSeries(writer, per // 8, first=before, last=before + per))
    try:
        advance(fluid, dt, before + measure, observers)
    finally:
        if fields_dir is not None:
            writer.close()
    amp = recorder.amplitude()
    phase, wave = one_period(np.array(recorder.times), np.array(recorder.values)[:, -1], w, per)
    x = np.array(recorder.values)
    return {"amp_re": amp.real.tolist(), "amp_im": amp.imag.tolist(), "mean": x.mean(axis=0).tolist(),
            "wave_phase": phase, "wave": wave, "dt": dt, "steps": before + measure}


# ----------------------------------------------------------------------------------------------------
def _rel_l2(a: np.ndarray, b: np.ndarray, scale: float) -> float:
    return float(np.linalg.norm(a - b) / scale)


def _waveform(phase: list, wave: list, grid: np.ndarray) -> np.ndarray:
    return np.interp(grid, np.asarray(phase), np.asarray(wave), period=2 * math.pi)


def variants(config: dict) -> list[tuple[str, bool]]:
    return [(c, d2) for c in config["closures"] for d2 in (False, True)]


def run_study(config: dict, out: Path, resume: bool = False) -> dict:
    comm = MPI.COMM_WORLD
    out = Path(out)
    nc = config["mesh_cells"]
    if nc % 4:
        raise ValueError(f"mesh_cells = {nc}: expected a multiple of 4 (sheets at L/4 and 3L/4 on cell faces)")
    if config["pair_bins"] % 2 == 0 or config["pair_bins"] * math.sqrt(2) > nc:
        raise ValueError(f"pair_bins = {config['pair_bins']}: expected odd and <= mesh_cells / sqrt(2)")
    md_tasks = [(f"eq/{r}", lambda r=r: equilibrium_task(config, f"eq/{r}", True)) for r in range(config["eq_replicas"])]
    md_tasks += [(f"eos/{n:.6g}", lambda n=n: equilibrium_task({**config, "density": n}, f"eos/{n:.6g}", False))
                 for n in config["eos_densities"]]
    md_tasks += [(f"uniform/{w:.6g}", lambda w=w: uniform_task(config, f"uniform/{w:.6g}", w))
                 for w in config["uniform_omegas"]]
    md_tasks += [(f"sheet/{r}", lambda r=r: sheet_task(config, f"sheet/{r}")) for r in range(config["sheet_replicas"])]
    md = run_tasks(md_tasks, out / "md", resume, comm, label="dipolar_coupled/md")
    fits = fit_closures(config, md)
    fitted = fits.to_dict()
    if comm.rank == 0:
        fits.save(out / "closures.json")
        (out / "fields").mkdir(exist_ok=True)
    comm.barrier()
    cont_tasks = [(f"{c}/{'d2' if d2 else 'mf'}", lambda c=c, d2=d2: continuum_task(config, fitted, c, d2, out / "fields"))
                  for c, d2 in variants(config)]
    cont = run_tasks(cont_tasks, out / "continuum", resume, comm, label="dipolar_coupled/continuum")
    summary = summarise(config, fits, md, cont)
    if comm.rank == 0:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        plot(summary, out)
        print(json.dumps({k: {"P_x": v["P_x_error"], "psi": v["psi_error"], "drop": v["drop_error"]}
                          for k, v in summary["continuum"].items()}))
    comm.barrier()
    return summary


def p_dv_sheet_time(config: dict, amps: np.ndarray) -> dict:
    """P_dv_xx as a linear response to the field gradient at the sheets: with the molecules' own dipole
    force (mu/m)(d . grad) E, d_t P_dv_xx = (mu rho / 2m) d_x E_x - (relaxation) P_dv_xx, so across a sheet
    int P_dv_xx^ dx = tau_dv (mu rho / 2m) [E_x^], [E_x^] = (+-sigma0 - [P_x^]) / eps0 its jump. tau_dv (complex,
    a relaxation time) from the two slabs beside each sheet, odd combination of the sheets; error from the
    replica spread of the numerator. amps: per-replica amplitudes (R, k) in the sheet_task layout."""
    par = molecular_parameters(config)
    nc = config["mesh_cells"]
    h = sheet_geometry(config)["L"] / nc
    a, b = nc // 4, 3 * nc // 4                              # first slab inside / outside the sheets
    p_x = amps[:, nc:2 * nc].mean(axis=0)
    jump = ((config["sigma0"] - (p_x[a] - p_x[a - 1])) - (-config["sigma0"] - (p_x[b] - p_x[b - 1]))) / par.eps0
    dv = amps[:, 3 * nc + 1:]
    num = h * (dv[:, a - 1] + dv[:, a] - dv[:, b - 1] - dv[:, b])
    tau = num / (par.mu * config["density"] / (2 * par.mass) * jump)
    err = np.hypot(tau.real.std(ddof=1), tau.imag.std(ddof=1)) / math.sqrt(len(tau))
    return {"tau_dv": [float(tau.mean().real), float(tau.mean().imag)], "err": float(err),
            "field_jump": [float(jump.real), float(jump.imag)]}


def summarise(config: dict, fits: DipolarMDClosures, md: dict, cont: dict) -> dict:
    """Per-closure relative L2 errors against the MD replica mean (with the MD standard error beside)."""
    nc = config["mesh_cells"]
    geo = sheet_geometry(config)
    reps = [md[f"sheet/{r}"] for r in range(config["sheet_replicas"])]
    amps = np.array([np.array(r["amp_re"]) + 1j * np.array(r["amp_im"]) for r in reps])
    means = np.array([r["mean"] for r in reps])
    R = len(reps)
    amp, amp_err = amps.mean(axis=0), np.hypot(amps.real.std(axis=0, ddof=1), amps.imag.std(axis=0, ddof=1)) / math.sqrt(R)
    mean, mean_err = means.mean(axis=0), means.std(axis=0, ddof=1) / math.sqrt(R)
    grid = np.linspace(0, 2 * math.pi, 64, endpoint=False)
    waves = np.array([_waveform(r["wave_phase"], r["wave"], grid) for r in reps])
    wave, wave_err = waves.mean(axis=0), waves.std(axis=0, ddof=1) / math.sqrt(R)
    s_rho, s_p, s_psi, s_drop, s_dv = slice(0, nc), slice(nc, 2 * nc), slice(2 * nc, 3 * nc), 3 * nc, slice(3 * nc + 1, None)
    norm = lambda v: float(np.linalg.norm(v))  # noqa: E731
    n_ref = config["density"] * math.sqrt(nc)
    md_block = {
        "points": geo["points"].tolist(), "sheets": [geo["a"], geo["b"]], "drop_vacuum": geo["drop_vacuum"],
        "P_x_amp_re": amp[s_p].real.tolist(), "P_x_amp_im": amp[s_p].imag.tolist(), "P_x_amp_err": amp_err[s_p].tolist(),
        "psi_amp_re": amp[s_psi].real.tolist(), "psi_amp_im": amp[s_psi].imag.tolist(),
        "psi_amp_err": amp_err[s_psi].tolist(), "rho_mean": mean[s_rho].tolist(), "rho_mean_err": mean_err[s_rho].tolist(),
        "P_dv_xx_amp_re": amp[s_dv].real.tolist(), "P_dv_xx_amp_im": amp[s_dv].imag.tolist(),
        "P_dv_xx_amp_err": amp_err[s_dv].tolist(),
        "P_dv_xx_max_sigma": float(np.max(np.abs(amp[s_dv]) / amp_err[s_dv])),
        "rho_amp_abs": np.abs(amp[s_rho]).tolist(), "drop_amp": [amp[s_drop].real, amp[s_drop].imag],
        "drop_amp_err": float(amp_err[s_drop]), "wave_phase": grid.tolist(), "wave": wave.tolist(),
        "wave_err": wave_err.tolist(),
        "eps_eff_from_drop": [complex(geo["drop_vacuum"] / amp[s_drop]).real, complex(geo["drop_vacuum"] / amp[s_drop]).imag],
        "sampling_error": {"P_x": norm(amp_err[s_p]) / norm(amp[s_p]), "psi": norm(amp_err[s_psi]) / norm(amp[s_psi]),
                           "rho_mean": norm(mean_err[s_rho]) / n_ref, "drop": float(amp_err[s_drop] / abs(amp[s_drop])),
                           "wave": norm(wave_err) / norm(wave)},
    }
    md_block["P_dv_sheet_time"] = p_dv_sheet_time(config, amps)
    out = {"study": "dipolar MD vs continuum with MD-fitted closures, sheet-pair AC forcing (docs/theory.md §2-§4)",
           "config": config, "fitted_closures": fits.to_dict(), "md": md_block, "continuum": {}}
    out["fitted_closures"]["pair"] = "see closures.json"
    for key, r in cont.items():
        a = np.array(r["amp_re"]) + 1j * np.array(r["amp_im"])
        m = np.array(r["mean"])
        cw = _waveform(r["wave_phase"], r["wave"], grid)
        out["continuum"][key] = {
            "P_x_error": _rel_l2(a[s_p], amp[s_p], norm(amp[s_p])),
            "psi_error": _rel_l2(a[s_psi], amp[s_psi], norm(amp[s_psi])),
            "rho_mean_error": _rel_l2(m[s_rho], mean[s_rho], n_ref),
            "drop_error": float(abs(a[s_drop] - amp[s_drop]) / abs(amp[s_drop])),
            "wave_error": _rel_l2(cw, wave, norm(wave)),
            "drop_amp": [a[s_drop].real, a[s_drop].imag],
            "P_x_amp_re": a[s_p].real.tolist(), "P_x_amp_im": a[s_p].imag.tolist(),
            "psi_amp_re": a[s_psi].real.tolist(), "psi_amp_im": a[s_psi].imag.tolist(),
            "rho_mean": m[s_rho].tolist(), "wave": cw.tolist(), "dt": r["dt"], "steps": r["steps"]}
    return out


def plot(summary: dict, out: Path) -> None:
    """profiles.png: Re/Im of the P_x and psi amplitudes, the mean rho and the MD P_dv_xx amplitude across the
    sheets (MD with error bars, every continuum variant); response.png: the drop over one period."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    md, cont = summary["md"], summary["continuum"]
    x = np.array(md["points"])
    fig, grid = plt.subplots(2, 3, figsize=(16, 8))
    axes = grid.ravel()
    panels = [("P_x", "re"), ("P_x", "im"), ("psi", "re"), ("psi", "im")]
    for ax, (f, part) in zip(axes, panels):
        ax.errorbar(x, md[f"{f}_amp_{part}"], yerr=md[f"{f}_amp_err"], fmt="ks", capsize=3, label="MD")
        for j, (k, v) in enumerate(cont.items()):
            ax.plot(x, v[f"{f}_amp_{part}"], "-" if k.endswith("mf") else "--", color=f"C{j // 2}", label=k)
        ax.set_title(f"{'Re' if part == 're' else 'Im'} {f}^ (lock-in amplitude)")
    axes[4].errorbar(x, md["rho_mean"], yerr=md["rho_mean_err"], fmt="ks", capsize=3, label="MD")
    for j, (k, v) in enumerate(cont.items()):
        axes[4].plot(x, v["rho_mean"], "-" if k.endswith("mf") else "--", color=f"C{j // 2}", label=k)
    axes[4].set_title("time-mean rho")
    for part, fmt in (("re", "ks"), ("im", "bo")):
        axes[5].errorbar(x, md[f"P_dv_xx_amp_{part}"], yerr=md["P_dv_xx_amp_err"], fmt=fmt, capsize=3,
                         label=f"MD, {'Re' if part == 're' else 'Im'}")
    axes[5].axhline(0.0, color="C0", label="every closure")
    axes[5].set_title("P_dv_xx^ (lock-in amplitude)")
    axes[5].legend(fontsize=7)
    for ax in axes:
        ax.set_xlabel("x")
        for s in md["sheets"]:
            ax.axvline(s, color="grey", lw=0.5)
    axes[2].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(out / "profiles.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ph = np.array(md["wave_phase"])
    ax.fill_between(ph, np.array(md["wave"]) - md["wave_err"], np.array(md["wave"]) + md["wave_err"], color="0.8",
                    label="MD +- standard error")
    ax.plot(ph, md["wave"], "k-", label="MD")
    ax.plot(ph, md["drop_vacuum"] * np.cos(ph), "k:", label="vacuum")
    for j, (k, v) in enumerate(cont.items()):
        ax.plot(ph, v["wave"], "-" if k.endswith("mf") else "--", color=f"C{j // 2}", label=k)
    ax.set_xlabel("phase w t (mod 2 pi)")
    ax.set_ylabel("psi(L/4) - psi(3L/4)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "response.png", dpi=100)
    plt.close(fig)


def main(argv=None) -> dict:
    return study_main(__doc__.splitlines()[0], SCHEMA, run_study, "out/dipolar_coupled",
                      {"quick": (QUICK, "tiny system and ensemble (seconds; a smoke test)")}, argv)


if __name__ == "__main__":
    main()
