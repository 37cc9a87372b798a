"""Run loop with observation and checkpoint/restart (docs/theory.md §2 dynamics).

``run`` advances an integrator (anything with ``step(state, forces, rng) -> (state, forces)``) to a target
step count, calling ``observe(step, state, forces)`` after every step. With a checkpoint path it resumes from
the checkpoint when one exists and writes one every ``checkpoint_every`` steps; since forces are recomputed
deterministically from the saved configuration and the random stream is restored, the resumed trajectory
is bit-for-bit the uninterrupted one. Long runs report "md step k/n" every 10 s (hydrobridge.progress).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from hydrobridge.progress import StepProgress
from hydrobridge.particles.dipolar.checkpoint import load_checkpoint, save_checkpoint
from hydrobridge.particles.dipolar.forcefield import Contribution, ForceField
from hydrobridge.particles.dipolar.model import State


class Integrator(Protocol):
    force_field: ForceField

    def step(self, state: State, c: Contribution, rng: np.random.Generator | None) -> tuple[State,
                                                                                           Contribution]: ...


def run(integrator: Integrator, state: State, n_steps: int, rng: np.random.Generator | None = None,
        observe: Callable[[int, State, Contribution], None] | None = None,
        checkpoint: str | os.PathLike | None = None, checkpoint_every: int = 0) -> State:
    """Advance to step n_steps (counting from the given state, or from the checkpoint if it exists)."""
    step = 0
    if checkpoint is not None and Path(checkpoint).exists():
        state, step, rng = load_checkpoint(checkpoint)
    c = integrator.force_field(state.x, state.theta, state.t)
    progress = StepProgress("md step", n_steps, step)
    while step < n_steps:
        state, c = integrator.step(state, c, rng)
        step += 1
        if observe is not None:
            observe(step, state, c)
        if checkpoint is not None and checkpoint_every > 0 and step % checkpoint_every == 0:
            save_checkpoint(checkpoint, state, step, rng)
        progress(step)
    return state
