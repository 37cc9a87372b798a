"""Progress lines and the name of the running stage, shared by the MD loops, the continuum driver and the task farm.

A long loop creates a :class:`StepProgress` and calls it with the number of steps done; at most once per
``interval_s`` (10 s by default) it prints one plain line to stderr::

    [rank 1] permittivity/md fluct/0: md step 12000/40000 (1.51e+03/s, 19 s left)

tagged by the MPI rank and by the current stage (:func:`stage` nests names, e.g. the task farm's
label and task key); the stage a failure left (:func:`failed_stage`) heads the one-line error of a failed run
(hydrobridge.run_control).
Plain lines rather than tqdm/rich bars: under ``mpiexec`` the ranks share one stderr, where redrawn bars
interleave into garbage, and log files of batch jobs keep every redraw; a line per interval reads
well in both. :func:`set_reporting` switches the lines off (``hydrobridge run --quiet``).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator

__all__ = ["StepProgress", "current_stage", "failed_stage", "report", "set_reporting", "stage"]

_settings = {"enabled": True, "interval_s": 10.0}
_stages: list[str] = []
_NOTE = "hydrobridge stage: "


def set_reporting(enabled: bool, interval_s: float = 10.0) -> None:
    """Print progress lines (enabled) at most every interval_s seconds (> 0) per loop."""
    if not interval_s > 0:
        raise ValueError(f"interval_s = {interval_s}: expected a positive number of seconds")
    _settings.update(enabled=enabled, interval_s=interval_s)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Name the work done inside the block (nested stages are joined by " | "); an exception leaving the
    innermost stage carries its name as a note (see :func:`failed_stage`)."""
    _stages.append(name)
    try:
        yield
    except Exception as exc:
        if failed_stage(exc) is None:
            exc.add_note(_NOTE + current_stage())
        raise
    finally:
        _stages.pop()


def failed_stage(exc: BaseException) -> str | None:
    """The stage an exception was raised in (None if outside every stage)."""
    return next((n[len(_NOTE):] for n in getattr(exc, "__notes__", ()) if n.startswith(_NOTE)), None)


def current_stage() -> str:
    """The names of the open stages, outermost first ("" outside every stage)."""
    return " | ".join(_stages)


def _rank() -> int:
    from mpi4py import MPI

    return MPI.COMM_WORLD.rank


def report(message: str) -> None:
    """One progress line "[rank r] <stage>: message" on stderr, unless reporting is off."""
    if _settings["enabled"]:
        where = current_stage()
        print(f"[rank {_rank()}] {where + ': ' if where else ''}{message}", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    """Seconds as "42 s", "3 min 05 s" or "2 h 07 min"."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s // 60 % 60:02d} min"


class StepProgress:
    """Reports `what` step done/total with the rate and the time left, at most every interval (see module doc).

    start: the step the loop starts from (e.g. a checkpoint's), so the rate counts only steps run here."""

    def __init__(self, what: str, total: int, start: int = 0) -> None:
        self.what, self.total, self.start = what, total, start
        self._t0 = self._last = time.perf_counter()

    def __call__(self, done: int) -> None:
        now = time.perf_counter()
        if now - self._last < _settings["interval_s"] or done <= self.start:
            return
        self._last = now
        rate = (done - self.start) / (now - self._t0)
        report(f"{self.what} {done}/{self.total} ({rate:.3g}/s, {_duration((self.total - done) / rate)} left)")
