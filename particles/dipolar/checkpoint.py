"""Checkpoints of a run: state, step counter and random-generator state, written atomically.

The file is written to a temporary name in the same directory, flushed to disk, then moved over the old
checkpoint with os.replace (atomic on POSIX), so a run killed mid-write leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from hydrobridge.particles.dipolar.model import State


def save_checkpoint(path: str | os.PathLike, state: State, step: int, rng: np.random.Generator | None) -> None:
    """Atomically write (state, step, rng state) to path (.npz format)."""
    path = Path(path)
    rng_state = "" if rng is None else json.dumps(rng.bit_generator.state)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, x=state.x, theta=state.theta, v=state.v, omega=state.omega, t=np.float64(state.t),
                     step=np.int64(step), rng=np.str_(rng_state))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_checkpoint(path: str | os.PathLike) -> tuple[State, int, np.random.Generator | None]:
    """(state, step, rng) as saved; the generator continues the saved random stream exactly."""
    with np.load(path) as data:
        state = State(data["x"], data["theta"], data["v"], data["omega"], float(data["t"]))
        step = int(data["step"])
        rng_state = str(data["rng"])
    if not rng_state:
        return state, step, None
    saved = json.loads(rng_state)
    bit_generator = getattr(np.random, saved["bit_generator"])()
    bit_generator.state = saved
    return state, step, np.random.Generator(bit_generator)
