"""Checkpoint/restart: atomic writes, and a resumed run reproduces the uninterrupted trajectory bit for bit."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import particles.dipolar.checkpoint as checkpoint_module
from hydrobridge.particles.dipolar.checkpoint import load_checkpoint, save_checkpoint
from hydrobridge.particles.dipolar.integrate import BAOAB, VelocityVerlet
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field

N = 36
L = math.sqrt(N / 0.6)
PARAMS = DipolarBoxModel(Lx=L, Ly=L, q=3.0)


class Crash(Exception):
    pass


def setup(seed=3):
    rng = np.random.default_rng(seed)
    return dipolar_force_field(PARAMS), lattice_state(PARAMS, N, 1.0, rng), rng


def same(a, b):
    return (np.array_equal(a.x, b.x) and np.array_equal(a.theta, b.theta) and np.array_equal(a.v, b.v)
            and np.array_equal(a.omega, b.omega) and a.t == b.t)


@pytest.mark.parametrize("langevin", [True, False])
def test_killed_run_resumes_bit_for_bit(tmp_path, langevin):
    ff, s0, rng = setup()
    integ = BAOAB(ff, PARAMS, kT=1.0, gamma=1.0, gamma_r=4.0, dt=0.005) if langevin else VelocityVerlet(ff, PARAMS)
    reference = run(integ, s0, 300, rng=rng)

    ff, s0, rng = setup()
    path = tmp_path / "run.npz"

    def crash_at_250(step, state, c):
        if step == 250:
            raise Crash

    with pytest.raises(Crash):
        run(integ, s0, 300, rng=rng, observe=crash_at_250, checkpoint=path, checkpoint_every=100)
    assert load_checkpoint(path)[1] == 200
    resumed = run(integ, s0, 300, rng=np.random.default_rng(999), checkpoint=path, checkpoint_every=100)
    assert same(resumed, reference)
    assert not same(resumed, s0)


def test_checkpoint_write_is_atomic(tmp_path, monkeypatch):
    ff, s0, rng = setup()
    path = tmp_path / "c.npz"
    save_checkpoint(path, s0, 7, rng)

    def broken_savez(f, **arrays):
        f.write(b"partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint_module.np, "savez", broken_savez)
    moved = s0.copy()
    moved.x += 1.0
    with pytest.raises(OSError):
        save_checkpoint(path, moved, 8, rng)
    monkeypatch.undo()
    state, step, rng2 = load_checkpoint(path)
    assert step == 7 and same(state, s0)
    assert rng2.bit_generator.state == rng.bit_generator.state
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]


def test_sigkilled_process_resumes_bit_for_bit(tmp_path):
    # a separate process is killed with SIGKILL (no cleanup, no exception handling) after its step-200 checkpoint
    root = str(Path(__file__).resolve().parents[1])
    script = f"""
import os, signal, sys
import numpy as np
sys.path.insert(0, {root!r})
from hydrobridge.particles.dipolar.integrate import BAOAB
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field
params = DipolarBoxModel(Lx={L!r}, Ly={L!r}, q=3.0)
rng = np.random.default_rng(3)
ff = dipolar_force_field(params)
s0 = lattice_state(params, {N}, 1.0, rng)
def die(step, state, c):
    if step == 230:
        os.kill(os.getpid(), signal.SIGKILL)
run(BAOAB(ff, params, kT=1.0, gamma=1.0, gamma_r=4.0, dt=0.005), s0, 300, rng=rng, observe=die,
    checkpoint={str(tmp_path / "k.npz")!r}, checkpoint_every=100)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=tmp_path)
    assert proc.returncode == -9, proc.stderr.decode()
    assert load_checkpoint(tmp_path / "k.npz")[1] == 200
    ff, s0, rng = setup()
    integ = BAOAB(ff, PARAMS, kT=1.0, gamma=1.0, gamma_r=4.0, dt=0.005)
    resumed = run(integ, s0, 300, rng=None, checkpoint=tmp_path / "k.npz", checkpoint_every=100)
    ff, s0, rng = setup()
    assert same(resumed, run(integ, s0, 300, rng=rng))
