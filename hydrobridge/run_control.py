"""How a run ends: signals stop it cleanly, a failure on any rank ends every rank.

* :func:`stop_on_signals` turns SIGTERM and SIGINT into :class:`Interrupted` (a KeyboardInterrupt, so no
  ``except Exception`` swallows it) raised in the main thread: the task farm and the continuum driver
  unwind through their ``with``/``finally`` blocks, so results and checkpoints already on disk stay valid
  and the task in progress simply reruns on resume. PETSc must not catch these signals itself (it
  prints a crash banner and aborts): :func:`disable_petsc_signal_handler` adds ``-no_signal_handler``
  to PETSC_OPTIONS, which PETSc reads when petsc4py initialises it, so it has to run before
  ``dolfinx.fem.petsc``/``petsc4py.PETSc`` is first imported (``import hydrobridge`` does not import them).
* :func:`report_failure` writes the traceback to ``<out>/error-rank<r>.log`` and one line naming the stage
  (hydrobridge.progress.failed_stage, else the study) and the error to stderr. Under MPI the other ranks may be
  waiting in a collective the failed rank never reaches, so :func:`end_job` then calls
  ``MPI.COMM_WORLD.Abort``, which ends every rank of the job; serial runs just return the exit code.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NoReturn

from hydrobridge.progress import failed_stage

__all__ = ["Interrupted", "disable_petsc_signal_handler", "stop_on_signals", "report_failure", "end_job"]


class Interrupted(KeyboardInterrupt):
    """A stop requested by signal `signum`; the conventional exit code is 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.name = signal.Signals(signum).name


def disable_petsc_signal_handler() -> None:
    """Append -no_signal_handler to PETSC_OPTIONS (effective only before PETSc is initialised)."""
    options = os.environ.get("PETSC_OPTIONS", "")
    if "-no_signal_handler" not in options.split():
        os.environ["PETSC_OPTIONS"] = f"{options} -no_signal_handler".strip()


def _raise_interrupted(signum: int, frame) -> NoReturn:
    raise Interrupted(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Inside the block SIGTERM and SIGINT raise Interrupted in the main thread (enter it from the main thread)."""
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def report_failure(exc: BaseException, out: Path, rank: int, study: str) -> None:
    """Traceback into out/error-rank<rank>.log, one line on stderr: rank, stage, error, where the log is."""
    log = out / f"error-rank{rank}.log"
    where = failed_stage(exc) or study
    try:
        out.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(exc)))
        saved = f"traceback in {log}"
    except OSError as log_error:
        saved = f"no log written: {log_error}"
    message = str(exc).splitlines()[0] if str(exc) else ""
    print(f"hydrobridge: rank {rank} failed in {where}: {type(exc).__name__}: {message} ({saved})",
          file=sys.stderr, flush=True)


def end_job(code: int, comm) -> int:
    """Return code (serial), or end every rank of comm's job with it (MPI_Abort) when it has several."""
    if comm.size > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        comm.Abort(code)
    return code
