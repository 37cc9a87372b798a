"""Equilibrium Monte Carlo of hard rods (docs/theory.md §5): bare rods reproduce the exact Tonks g(r)."""

import numpy as np
import pytest

from hydrobridge.closures.ornstein_zernike import tonks_g
from hydrobridge.particles.hard_rods.equilibrium import sample_pair_correlation


def test_bare_rods_match_tonks_within_sampling_and_finite_n_error():
    n, ring = 40, 200.0                                  # density 0.2, packing 0.2
    runs = [sample_pair_correlation(n, ring, 1.0, 1.0, 0.0, 20.0, 0, r_max=12.0, nbins=24, sweeps=3000,
                                    equilibration=300, seed=s) for s in range(4)]
    r = runs[0][0]
    g = np.array([run[1] for run in runs])
    mean, se = g.mean(axis=0), g.std(axis=0, ddof=1) / 2
    exact = tonks_g(r, n / ring, 1.0)
    ok = r > 1.0 + 1e-9
    assert np.all(np.abs(mean[ok] - exact[ok]) < 4 * se[ok] + 1.5 / n)
    assert mean[r < 1.0].max() == 0.0                    # never an overlap
    assert abs(mean[r > 1.0][0] / exact[r > 1.0][0] - 1) < 0.1   # contact value ~ 1/(1 - eta)


def test_rods_that_do_not_fit_are_rejected():
    with pytest.raises(ValueError, match="fit"):
        sample_pair_correlation(10, 9.0, 1.0, 1.0, 0.0, 1.0, 0, r_max=4.0, nbins=4)
