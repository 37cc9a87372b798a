"""1D reduction ladder pieces: the Euler initial state is the MD ensemble's, and the rungs conserve mass."""

import numpy as np
import pytest

from demos.reduction_ladder_1d import TonksPressure, bump_profile, euler_rung, md_realisation

CFG = {"n": 100, "ring": 500.0, "v0": 4.0, "xi": 20.0, "beta": 2.5, "amplitude": 2.0, "width": 25.0,
       "dt": 0.1, "bins": 25, "cells": 50, "seed": 1}


@pytest.mark.parametrize("a", [0.0, 1.0])
def test_euler_initial_profile_is_the_md_ensemble_mean(a):
    """Rods sampled in contracted coordinates: <rho_x> = rho_y / (1 + a rho_y) mapped by x = y + a N F(y)."""
    cfg = {**CFG, "a": a}
    edges = np.linspace(0.0, cfg["ring"], cfg["bins"] + 1)
    hist = np.array([md_realisation(cfg, s, np.array([0.0]), edges)[0][0] for s in range(400)])
    mean, se = hist.mean(0), hist.std(0, ddof=1) / np.sqrt(len(hist))
    xs, rho = bump_profile(cfg)
    expected = np.array([np.trapezoid(np.interp(np.linspace(lo, hi, 201), xs, rho), dx=(hi - lo) / 200) / (hi - lo)
                         for lo, hi in zip(edges[:-1], edges[1:])])
    assert np.trapezoid(rho, xs) == pytest.approx(cfg["n"], rel=1e-4)
    assert np.all(np.abs(mean - expected) < 4.5 * se + 1e-3)
    assert np.ptp(expected) > 0.2                      # a real bump (peak / background about 3)


def test_rungs_conserve_mass_and_tonks_pressure():
    cfg = {**CFG, "a": 1.0}
    centres = np.linspace(5.0, 495.0, 50)
    for name in ("mean_field", "hnc"):
        rho, m = euler_rung(cfg, name, np.array([0.0, 5.0]), centres)
        assert abs(rho[1].sum() - rho[0].sum()) < 1e-3 * rho[0].sum()     # point samples of a conserved field
        assert np.all(rho > 0)
    tonks = TonksPressure(0.4, 1.0)
    assert tonks.pressure({"rho": 0.5}) == pytest.approx(0.4 * 0.5 / 0.5)
    with pytest.raises(ValueError, match="kT"):
        TonksPressure(-1.0, 1.0)
