"""Helpers shared by several test modules (imported as ``helpers``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

# Point dipoles in a small periodic box: the Ewald and particle-mesh tests use the same molecules.
DIPOLE_MU, DIPOLE_EPS0 = 1.3, 0.7
DIPOLE_BOX = np.array([3.0, 2.2])


def random_dipoles(n: int = 10, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(x (n, 2), theta (n,)): uniform positions in DIPOLE_BOX and uniform angles in [0, 2 pi)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, 2)) * DIPOLE_BOX, rng.uniform(0, 2 * np.pi, n)


def crash_and_resume(make, settings, out: Path, crash_at: int,
                     error: type[BaseException]) -> tuple[dict, str, str]:
    """Run make()'s (system, cell input ids) through continuum.driver.run three times: uninterrupted into
    out/full; killed by `error` raised from its crash_at-th step call into out/crash; resumed there.
    Returns (the resumed run's info, the uninterrupted diagnostics.csv, the crashed + resumed one)."""
    from hydrobridge.continuum.driver import run

    system, ids = make()
    run(system, settings, out / "full", ids)
    system, ids = make()
    real_step, calls = system.step, [0]

    def dying_step(dt):
        calls[0] += 1
        if calls[0] == crash_at:
            raise error("killed")
        return real_step(dt)

    system.step = dying_step
    with pytest.raises(error):
        run(system, settings, out / "crash", ids)
    system, ids = make()
    info = run(system, settings, out / "crash", ids, resume=True)
    return info, (out / "full" / "diagnostics.csv").read_text(), (out / "crash" / "diagnostics.csv").read_text()
