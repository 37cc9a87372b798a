"""Time-stepping driver: one loop, with observers, for every continuum model (docs/theory.md §1, §3, §4).

Keeps the problem (a model: equations + state) apart from the solver loop and from what is recorded
(Dedalus style). A model provides ``step(dt)``, ``time``, ``synchronise()`` (bring derived fields, e.g. psi,
up to the current state), ``checkpoint_fields() -> {name: DG Function}``,
``output_fields() -> {name: UFL expression}`` and ``diagnostics() -> {name: float}``.

:func:`advance` is the loop: at every step k = start..steps each observer sees ``(k, model)`` (the state
at that step), then the model advances by dt (not after the last step). Observers here: :class:`Checkpoints`,
:class:`DiagnosticsCSV`, :class:`FieldSeries`, :class:`LockinRecorder` (samples over whole periods and their
lock-in amplitude, docs/theory.md §4) and :class:`Progress`. :func:`run` is the loop with files, into one
output folder:

* ``fields.bp``       VTX time series for ParaView, every ``output_every`` steps,
* ``diagnostics.csv`` one row per ``diagnostics_every`` steps (time, step, the model's diagnostics),
* ``checkpoint/``     every ``checkpoint_every`` steps, atomically, one block file per rank and no gathering on
                      one rank (see :mod:`hydrobridge.continuum.checkpoint`),
* ``run.json``        the model's ``metadata()`` (if it has one: equations, closures, mesh) and the run record,

and ``resume=True`` continues from the checkpoint: the CSV is truncated to the checkpoint's step so
no row is lost or duplicated. Progress goes to stderr on rank 0 every 10 s.
"""

from __future__ import annotations

import csv
import json
import time as _time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from hydrobridge.continuum.checkpoint import load_checkpoint, save_checkpoint
from hydrobridge.continuum.output import FieldWriter
from hydrobridge.lockin import lockin_amplitude
from hydrobridge.progress import StepProgress

__all__ = ["Model", "Observer", "RunSettings", "advance", "run", "Checkpoints", "DiagnosticsCSV", "FieldSeries",
           "LockinRecorder", "Progress"]


class Model(Protocol):
    time: float

    def step(self, dt: float) -> None: ...
    def synchronise(self) -> None: ...
    def checkpoint_fields(self) -> dict: ...
    def output_fields(self) -> dict: ...
    def diagnostics(self) -> dict[str, float]: ...


class Observer(Protocol):
    def __call__(self, step: int, model: Model) -> None: ...


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


def advance(model: Model, dt: float | None, steps: int, observers: Sequence[Observer] = (), start: int = 0) -> None:
    """The time loop: for k = start..steps every observer sees (k, model), then model.step(dt) unless k = steps."""
    for k in range(start, steps + 1):
        for observe in observers:
            observe(k, model)
        if k == steps:
            break
        model.step(dt)


class Checkpoints:
    """A checkpoint folder (:mod:`hydrobridge.continuum.checkpoint`) every `every` steps after `start` (the step
    the run started or resumed from)."""

    def __init__(self, path: Path, cell_input_ids: np.ndarray, every: int, start: int = 0, label: str = "run") -> None:
        self.path, self.ids, self.every, self.start, self.label = path, cell_input_ids, every, start, label

    def __call__(self, step: int, model: Model) -> None:
        if self.every and step > self.start and step % self.every == 0:
            save_checkpoint(self.path, model.checkpoint_fields(), self.ids, model.time, step, {"label": self.label})


class DiagnosticsCSV:
    """One row (step, time, the model's diagnostics) every `every` steps; rank 0 writes, every rank evaluates.

    append: continue an existing file (its header is kept)."""

    def __init__(self, path: Path, every: int, comm, append: bool = False) -> None:
        self.every = every
        self._fh = None
        self._header = append and path.exists()
        if comm.rank == 0 and every:
            self._fh = path.open("a" if self._header else "w", newline="")

    def __call__(self, step: int, model: Model) -> None:
        if not (self.every and step % self.every == 0):
            return
        model.synchronise()
        diag = model.diagnostics()
        if self._fh is not None:
            w = csv.writer(self._fh)
            if not self._header:
                w.writerow(["step", "time", *diag])
                self._header = True
            w.writerow([step, repr(model.time), *(repr(float(v)) for v in diag.values())])
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


class FieldSeries:
    """Write a FieldWriter at steps first, first + every, ... (before `last`, if given)."""

    def __init__(self, writer: FieldWriter, every: int, first: int = 0, last: int | None = None) -> None:
        self.writer, self.every, self.first, self.last = writer, max(1, every), first, last

    def __call__(self, step: int, model: Model) -> None:
        if step >= self.first and (self.last is None or step < self.last) and (step - self.first) % self.every == 0:
            model.synchronise()
            self.writer.write(model.time)

    def close(self) -> None:
        self.writer.close()


class LockinRecorder:
    """Samples quantity(model) (a number or an array) at `samples` consecutive steps from `first`, with their
    times; amplitude() is their lock-in amplitude at omega (docs/theory.md §4: the samples must cover whole
    periods). times, values: what was recorded (e.g. for a waveform)."""

    def __init__(self, quantity: Callable[[Model], Any], omega: float, first: int, samples: int) -> None:
        if samples < 3 or first < 0:
            raise ValueError(f"first = {first}, samples = {samples}: expected first >= 0 and samples >= 3")
        self.quantity, self.omega, self.first, self.samples = quantity, omega, first, samples
        self.times: list[float] = []
        self.values: list[Any] = []

    def __call__(self, step: int, model: Model) -> None:
        if self.first <= step < self.first + self.samples:
            self.times.append(model.time)
            self.values.append(self.quantity(model))

    def amplitude(self) -> complex | np.ndarray:
        if len(self.values) != self.samples:
            raise ValueError(f"LockinRecorder: {len(self.values)} of {self.samples} samples recorded")
        return lockin_amplitude(np.array(self.values), self.omega, t=np.array(self.times))


class Progress:
    """Rank 0 of comm reports step/steps, rate and time left every 10 s (hydrobridge.progress), labelled `label`."""

    def __init__(self, label: str, steps: int, comm, start: int = 0) -> None:
        self.comm = comm
        self._report = StepProgress(f"{label} step", steps, start)

    def __call__(self, step: int, model: Model) -> None:
        if self.comm.rank == 0:
            self._report(step)


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
    ckpt, csv_path = out / "checkpoint", out / "diagnostics.csv"
    start = 0
    if resume:
        model.time, start, _ = load_checkpoint(ckpt, model.checkpoint_fields(), cell_input_ids)
        if comm.rank == 0 and csv_path.exists():
            _truncate_csv(csv_path, start)
    observers: list = [Checkpoints(ckpt, cell_input_ids, settings.checkpoint_every, start, label),
                       DiagnosticsCSV(csv_path, settings.diagnostics_every, comm, append=resume)]
    if settings.output_every:
        writer = FieldWriter(out / ("fields.bp" if start == 0 else f"fields_from_{start}.bp"),
                             model.output_fields(), msh, settings.output_degree)
        observers.append(FieldSeries(writer, settings.output_every))
    observers.append(Progress(label, settings.steps, comm, start))
    t0 = _time.perf_counter()
    try:
        advance(model, settings.dt, settings.steps, observers, start)
    finally:
        for obs in observers:
            if hasattr(obs, "close"):
                obs.close()
    record = {"steps": settings.steps, "resumed_from": start, "time": model.time,
              "wall_time_s": _time.perf_counter() - t0}
    if comm.rank == 0:
        meta = model.metadata() if hasattr(model, "metadata") else {}
        (out / "run.json").write_text(json.dumps({"model": meta, "settings": settings.__dict__, "run": record},
                                                 indent=1, default=str))
    return record
