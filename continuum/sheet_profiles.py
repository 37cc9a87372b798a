"""The continuum rung of the coupled sheet-pair study: the dipolar fluid with translation in the periodic box
of the MD, driven by the same AC sheet pair, sampled on the MD's slab centres (docs/theory.md §3, §4).

After the closure's switch-on and transient (closure_run_settings), the profiles rho(x), P_x(x) = mu rho D_x(x),
psi(x) - <psi> at the points and the potential drop are recorded over two whole periods; their lock-in
amplitudes (docs/theory.md (4.1)), time means and the drop over one period are returned. The time step is
the closure's limit and a CFL limit 0.1 h / (1 + c), c the sound speed of the pressure closure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mpi4py import MPI

from hydrobridge.closures.base import PressureClosure, RotationalClosure
from hydrobridge.closures.rotational import DipolarParameters
from hydrobridge.continuum.correlation import PairMomentTable
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.driver import FieldSeries, LockinRecorder, Progress, advance
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.output import FieldWriter
from hydrobridge.continuum.permittivity import closure_run_settings
from hydrobridge.meshes.locate import locate_cells, padded_points
from hydrobridge.meshes.sheets import sheet_pair_mesh

__all__ = ["SheetProfiles", "sheet_profile_response"]


@dataclass(frozen=True)
class SheetProfiles:
    """Samples (T, 3 k + 1): rho at the k points, P_x at the points, psi - <psi> at the points, the drop; at
    the times t (T,) uniform over two whole periods of omega; dt and the number of steps of the run."""

    t: np.ndarray
    samples: np.ndarray
    steps_per_period: int
    dt: float
    steps: int


def sheet_profile_response(closure: RotationalClosure, params: DipolarParameters, density: float, length: float,
                           cells: int, sigma0: float, omega: float, points: np.ndarray,
                           pressure: PressureClosure | None = None, correlation: PairMomentTable | None = None,
                           field_path: Path | None = None, field_frames: int = 0) -> SheetProfiles:
    """The coupled-study continuum run (module doc) on a length x length box of cells x cells (cells a multiple
    of 4: sheets at length/4 and 3 length/4 on cell faces), points: the k sample abscissae (at y = 0.1 length);
    field_path: VTX output of field_frames frames over the first measured period."""
    settings = closure_run_settings(closure, params, density, omega)
    ramp = settings.get("ramp_periods", 0)
    sp = sheet_pair_mesh(MPI.COMM_SELF, "x", cells, 4, length, length)
    fluid = DipolarFluid(sp.mesh, params, closure, density, translation=True, facet_tags=sp.facet_tags,
                         forcing=SheetForcing(sigma0, omega, ramp), sheet_length=sp.sheet_length,
                         correlation=correlation, pressure=pressure)
    c2 = params.kT / params.mass if pressure is None else float(pressure.sound_speed_squared({"rho": density}))
    period = 2 * math.pi / omega
    dt_max = min(settings["max_dt"], 0.1 * (length / cells) / (1 + math.sqrt(c2)))
    per = max(32, math.ceil(period / dt_max))
    dt = period / per
    before = (ramp + settings.get("transient_periods", 1)) * per
    measure = 2 * per
    pts = padded_points(np.column_stack([points, np.full(len(points), 0.1 * length)]))
    where = locate_cells(sp.mesh, pts)
    lay = fluid.layout

    def profiles(model: DipolarFluid) -> np.ndarray:
        drop = model.potential_drop()
        state = model.state.eval(pts, where)
        psi = model.potential.eval(pts, where)[:, 0]
        return np.concatenate([state[:, lay.rho], params.mu * state[:, lay.p], psi - psi.mean(), [drop]])

    recorder = LockinRecorder(profiles, omega, before, measure)
    observers = [recorder, Progress("continuum", before + measure, sp.mesh.comm)]
    writer = None
    if field_path is not None and field_frames > 0:
        writer = FieldWriter(field_path, fluid.output_fields(), sp.mesh)
        observers.append(FieldSeries(writer, math.ceil(per / field_frames), first=before, last=before + per))
    try:
        advance(fluid, dt, before + measure, observers)
    finally:
        if writer is not None:
            writer.close()
    return SheetProfiles(np.array(recorder.times), np.array(recorder.values), per, dt, before + measure)
