"""Task farm over MPI ranks with crash-safe results (for studies made of independent runs).

A study is a list of tasks (key, function); task i runs on rank i mod size, each on its own (COMM_SELF)
resources, and its JSON result is appended, with fsync, to ``out/tasks/rank<r>.jsonl`` as soon as it
finishes. ``resume=True`` reads every rank's file and skips finished tasks, so a run killed at any
moment (SIGKILL included) loses at most the tasks that were running, which recompute identically
because a task depends only on its key and the configuration (seeds come from the key). The
results are then shared with every rank and returned in task order.

Each task runs inside ``hydrobridge.progress.stage("<label> <key>")``, so its progress lines and, if it
fails, the one-line error of ``hydrobridge run`` name it; every finished task prints one line with the
rank's count, its time and the rank's estimated time left (suppressed with ``set_reporting(False)``).

Test hook: with the environment variable ``HYDROBRIDGE_TEST_FAIL_TASK`` set to a task key, that task
raises RuntimeError instead of running (tests/test_run_control.py uses it to fail one rank only).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from mpi4py import MPI

from hydrobridge.progress import report, stage

__all__ = ["run_tasks"]


def _read_done(folder: Path) -> dict[str, Any]:
    done = {}
    for f in sorted(folder.glob("rank*.jsonl")):
        for line in f.read_text().splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:      # a line torn by a kill: that task reruns
                continue
            done[rec["key"]] = rec["result"]
    return done


def _run_one(label: str, key: str, fn: Callable[[], Any]) -> Any:
    with stage(f"{label} {key}"):
        if os.environ.get("HYDROBRIDGE_TEST_FAIL_TASK") == key:      # test hook, see module doc
            raise RuntimeError(f"HYDROBRIDGE_TEST_FAIL_TASK = {key!r}: injected failure")
        return fn()


def run_tasks(tasks: list[tuple[str, Callable[[], Any]]], out: str | Path, resume: bool = False,
              comm: MPI.Comm = MPI.COMM_WORLD, label: str = "tasks") -> dict[str, Any]:
    """Run the tasks (see module doc); returns {key: result} on every rank."""
    keys = [k for k, _ in tasks]
    if len(set(keys)) != len(keys):
        raise ValueError("tasks: keys must be unique")
    folder = Path(out) / "tasks"
    if comm.rank == 0:
        folder.mkdir(parents=True, exist_ok=True)
        if not resume:
            for f in folder.glob("rank*.jsonl"):
                f.unlink()
    comm.barrier()
    done = _read_done(folder) if resume else {}
    mine = [(i, k, fn) for i, (k, fn) in enumerate(tasks) if i % comm.size == comm.rank and k not in done]
    path = folder / f"rank{comm.rank}.jsonl"
    t0 = time.perf_counter()
    with path.open("a") as fh:
        if fh.tell() and not path.read_text().endswith("\n"):    # a line torn by a kill: end it
            fh.write("\n")
        for j, (i, key, fn) in enumerate(mine):
            result = _run_one(label, key, fn)
            fh.write(json.dumps({"key": key, "result": result}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            elapsed = time.perf_counter() - t0
            with stage(label):
                report(f"{j + 1}/{len(mine)} tasks of this rank done ({key}, {elapsed:.0f} s so far, about "
                       f"{elapsed / (j + 1) * (len(mine) - j - 1):.0f} s left)")
    comm.barrier()
    results = _read_done(folder)
    missing = [k for k in keys if k not in results]
    if missing:
        raise RuntimeError(f"{label}: tasks without a result: {missing}")
    return {k: results[k] for k in keys}
