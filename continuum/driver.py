"""Time-stepping driver: fields, diagnostics, checkpoints and resume for any continuum model.

Keeps the problem (a model: equations + state) apart from the solver loop and from I/O (Dedalus
style). A model provides ``step(dt)``, ``time``, ``synchronise()`` (bring derived fields, e.g. psi, up to
the current state), ``checkpoint_fields() -> {name: DG Function}``,
``output_fields() -> {name: UFL expression}`` and ``diagnostics() -> {name: float}``. The driver
writes, into one output folder,

* ``fields.bp``       VTX time series for ParaView, every ``output_every`` steps,
* ``diagnostics.csv`` one row per ``diagnostics_every`` steps (time, step, the model's diagnostics),
* ``checkpoint.npz``  every ``checkpoint_every`` steps, atomically (see :mod:`hydrobridge.continuum.checkpoint`),
* ``run.json``        the model's ``metadata()`` (if it has one: equations, closures, mesh) and the run record,

and ``resume=True`` continues from the checkpoint: the CSV is truncated to the checkpoint's step so
no row is lost or duplicated. Progress goes to stderr on rank 0.
"""

from __future__ import annotations

import csv
import json
import sys
import time as _time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from hydrobridge.continuum.checkpoint import load_checkpoint, save_checkpoint
from hydrobridge.continuum.output import FieldWriter

__all__ = ["Model", "RunSettings", "run"]


class Model(Protocol):
    time: float

    def step(self, dt: float) -> None: ...
    def synchronise(self) -> None: ...
    def checkpoint_fields(self) -> dict: ...
    def output_fields(self) -> dict: ...
    def diagnostics(self) -> dict[str, float]: ...


@dataclass(frozen=True)
class RunSettings:
    """dt (None: the model picks each step, e.g. CFL-limited), number of steps and output cadences
    (0 disables an output)."""

    dt: float | None
    steps: int
    output_every: int = 0
    diagnostics_every: int = 1
    checkpoint_every: int = 0
    output_degree: int = 1

    def __post_init__(self) -> None:
        if self.dt is not None and not self.dt > 0:
            raise ValueError(f"dt = {self.dt}: expected a positive time step (or None: chosen by the model)")
        for name in ("steps", "output_every", "diagnostics_every", "checkpoint_every"):
            if getattr(self, name) < 0 or int(getattr(self, name)) != getattr(self, name):
                raise ValueError(f"{name} = {getattr(self, name)}: expected a non-negative integer")


def _truncate_csv(path: Path, step: int) -> None:
    """Keep the header and the rows with step < `step`."""
    rows = list(csv.reader(path.open()))
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(rows[0])
        col = rows[0].index("step")
        w.writerows(r for r in rows[1:] if int(r[col]) < step)


def run(model: Model, settings: RunSettings, out: str | Path, cell_input_ids: np.ndarray,
        resume: bool = False, label: str = "run") -> dict:
    """Advance model by settings.steps steps of settings.dt, writing into out (see module doc)."""
    out = Path(out)
    first = next(iter(model.checkpoint_fields().values()))
    msh = first.function_space.mesh
    comm = msh.comm
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    ckpt, csv_path = out / "checkpoint.npz", out / "diagnostics.csv"
    start = 0
    if resume:
        model.time, start, _ = load_checkpoint(ckpt, model.checkpoint_fields(), cell_input_ids)
        if comm.rank == 0 and csv_path.exists():
            _truncate_csv(csv_path, start)
    writer = FieldWriter(out / ("fields.bp" if start == 0 else f"fields_from_{start}.bp"),
                         model.output_fields(), msh, settings.output_degree) if settings.output_every else None
    fh = None
    if comm.rank == 0 and settings.diagnostics_every:
        fh = csv_path.open("a" if resume and csv_path.exists() else "w", newline="")
    header_written = resume and csv_path.exists()
    t0 = _time.perf_counter()
    try:
        for k in range(start, settings.steps + 1):
            if settings.checkpoint_every and k > start and k % settings.checkpoint_every == 0:
                save_checkpoint(ckpt, model.checkpoint_fields(), cell_input_ids, model.time, k, {"label": label})
            due_diag = settings.diagnostics_every and k % settings.diagnostics_every == 0
            due_out = writer is not None and k % settings.output_every == 0
            if due_diag or due_out:
                model.synchronise()
            if due_diag:
                diag = model.diagnostics()
                if fh is not None:
                    w = csv.writer(fh)
                    if not header_written:
                        w.writerow(["step", "time", *diag])
                        header_written = True
                    w.writerow([k, repr(model.time), *(repr(float(v)) for v in diag.values())])
                    fh.flush()
            if due_out:
                writer.write(model.time)
            if k == settings.steps:
                break
            model.step(settings.dt)
            if comm.rank == 0 and (k + 1) % max(1, settings.steps // 20) == 0:
                rate = (k + 1 - start) / (_time.perf_counter() - t0)
                print(f"[{label}] step {k + 1}/{settings.steps}  t = {model.time:.5g}  "
                      f"({rate:.1f} steps/s, {(settings.steps - k - 1) / rate:.0f} s left)", file=sys.stderr, flush=True)
    finally:
        if fh is not None:
            fh.close()
        if writer is not None:
            writer.close()
    record = {"steps": settings.steps, "resumed_from": start, "time": model.time,
              "wall_time_s": _time.perf_counter() - t0}
    if comm.rank == 0:
        meta = model.metadata() if hasattr(model, "metadata") else {}
        (out / "run.json").write_text(json.dumps({"model": meta, "settings": settings.__dict__, "run": record},
                                                 indent=1, default=str))
    return record
