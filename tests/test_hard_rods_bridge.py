"""The hard-rod particle -> closure bridge (particles/hard_rods/structure.py, thermostat.sample_canonical_runs,
closures/hard_rods.py): g(r) and pressure of a user's snapshots, the MD equation of state and h(r), and the
correlation closure by name."""

import numpy as np
import pytest

from hydrobridge.closures.hard_rods import (CORRELATION_CLOSURES, correlation_closure, md_equation_of_state,
                                            md_pair_correlation)
from hydrobridge.closures.ornstein_zernike import tonks_g
from hydrobridge.particles.hard_rods.potential import PHI6, potential
from hydrobridge.particles.hard_rods.structure import CanonicalSample, snapshot_observables
from hydrobridge.particles.hard_rods.thermostat import CanonicalRun, sample_canonical, sample_canonical_runs


def tonks_snapshots(n, ring, a, beta, snapshots, rng):
    """Exact equilibrium snapshots of bare rods: contracted positions uniform, Maxwellian velocities; shuffled
    labels and positions shifted by whole rings (the estimator must not depend on either)."""
    y = np.sort(rng.uniform(0.0, ring - n * a, (snapshots, n)), axis=1)
    x = y + a * np.arange(n) + ring * rng.integers(-1, 2, (snapshots, n))
    u = rng.normal(0.0, np.sqrt(1.0 / beta), (snapshots, n))
    order = np.argsort(rng.random((snapshots, n)), axis=1)
    return np.take_along_axis(x, order, axis=1), np.take_along_axis(u, order, axis=1)


def test_snapshots_of_bare_rods_give_the_finite_n_tonks_pressure_and_structure():
    rng = np.random.default_rng(3)
    n, ring, a, beta = 40, 200.0, 1.0, 2.5
    x, u = tonks_snapshots(n, ring, a, beta, 4000, rng)
    s = snapshot_observables(x.reshape(40, 100, n), u.reshape(40, 100, n), ring, a, beta, 0.0, 20.0, PHI6,
                             r_max=20.0, nbins=40, gap_max=0.5)
    exact = (1.0 / beta) * (1.0 / ring + (n - 1) / (ring - n * a))      # kT d ln Z / dL on the ring
    assert s.snapshots == 4000 and s.density == n / ring
    assert s.pressure_virial == 0.0 and s.pressure == pytest.approx(exact, rel=0.01)
    assert s.temperature == pytest.approx(1.0 / beta, rel=0.01)
    far = s.r > 1.5
    assert np.max(np.abs(s.g - tonks_g(s.r, n / ring, a))[far]) < 0.05
    assert np.all(s.g[s.r < 0.9] == 0.0)                                  # no overlap
    ideal = snapshot_observables(rng.uniform(0, ring, (2000, n)), u[:2000], ring, 0.0, beta, 0.0, 20.0, PHI6,
                                 r_max=20.0, nbins=10)
    assert np.all(np.abs(ideal.g - 1.0) < 0.02) and ideal.pressure_contact == 0.0


def test_snapshot_input_is_checked():
    x = np.array([[0.0, 0.5, 10.0]])
    with pytest.raises(ValueError, match="overlap"):
        snapshot_observables(x, np.zeros_like(x), 50.0, 1.0, 2.5, 0.0, 20.0, PHI6, r_max=20.0)
    with pytest.raises(ValueError, match="equal shapes"):
        snapshot_observables(x, np.zeros((1, 2)), 50.0, 1.0, 2.5, 0.0, 20.0, PHI6)
    with pytest.raises(ValueError, match="r_max"):
        snapshot_observables(x, np.zeros_like(x), 50.0, 0.0, 2.5, 0.0, 20.0, PHI6, r_max=40.0)


def test_runs_are_returned_in_task_order_and_equal_single_runs():
    runs = [CanonicalRun(10, 50.0, 2.5, 7), CanonicalRun(10, 40.0, 2.0, 8)]
    opts = dict(t_equilibrate=5.0, t_sample=20.0, r_max=10.0, nbins=10)
    got = sample_canonical_runs(runs, 1.0, 4.0, 20.0, PHI6, **opts)
    for r, s in zip(runs, got):
        direct = sample_canonical(r.n, r.ring, 1.0, r.beta, 4.0, 20.0, PHI6, seed=r.seed, **opts)
        assert s.density == r.n / r.ring and s.pressure == direct.pressure
        np.testing.assert_array_equal(s.g, direct.g)


@pytest.mark.mpi
def test_runs_split_over_ranks_equal_serial_runs():
    from mpi4py import MPI

    runs = [CanonicalRun(10, 50.0, 2.5, 7), CanonicalRun(10, 40.0, 2.0, 8), CanonicalRun(10, 50.0, 2.0, 8)]
    opts = dict(t_equilibrate=5.0, t_sample=20.0, r_max=10.0, nbins=10)
    split = sample_canonical_runs(runs, 1.0, 4.0, 20.0, PHI6, MPI.COMM_WORLD, **opts)
    serial = sample_canonical_runs(runs, 1.0, 4.0, 20.0, PHI6, **opts)
    assert [s.pressure for s in split] == [s.pressure for s in serial]


def _sample(density, kT, p, g=None):
    r = np.linspace(0.25, 9.75, 20)
    return CanonicalSample(r=r, g=np.ones_like(r) if g is None else g, density=density, beta=1.0 / kT, pressure=p,
                           pressure_kinetic=density * kT, pressure_virial=0.0, pressure_contact=p - density * kT,
                           temperature=kT, snapshots=1)


def test_md_equation_of_state_recovers_a_polynomial_law_and_records_its_data():
    law = lambda rho, kT: rho * kT * (1 + 2 * rho) - 0.3 * rho**2  # noqa: E731
    samples = [_sample(d, t, law(d, t)) for d in (0.1, 0.2, 0.3, 0.4) for t in (0.3, 0.4, 0.5)]
    eos = md_equation_of_state(samples, degree_rho=3, degree_kT=1, provenance={"system": "test"})
    rho = np.linspace(0.1, 0.4, 7)
    np.testing.assert_allclose(eos.pressure(rho, 0.45), law(rho, 0.45), rtol=1e-10)
    assert eos.provenance["system"] == "test" and len(eos.provenance["p_md"]) == 12
    assert "1D" in eos.units
    p = eos.at_temperature(0.4)
    assert p.sound_speed_squared({"rho": 0.2}) == pytest.approx(0.4 * (1 + 4 * 0.2) - 0.6 * 0.2, rel=1e-9)


def test_md_pair_correlation_averages_runs_with_their_standard_error():
    r = np.linspace(0.25, 9.75, 20)
    g1, g2 = 1 + 0.1 * np.exp(-r), 1 + 0.3 * np.exp(-r)
    h = md_pair_correlation([_sample(0.2, 0.4, 0.1, g1), _sample(0.2, 0.4, 0.1, g2)], {"system": "test"})
    np.testing.assert_allclose(h(r), 0.2 * np.exp(-r), rtol=0, atol=1e-15)
    assert h.provenance["runs"] == 2 and h.density == 0.2 and h.density_range == (0.2, 0.2)
    assert h.provenance["max_standard_error"] == pytest.approx(0.1 * np.exp(-r[0]))
    with pytest.raises(ValueError, match="one density"):
        md_pair_correlation([_sample(0.2, 0.4, 0.1), _sample(0.3, 0.4, 0.1)])


def test_correlation_closures_by_name():
    """weak coupling h = -beta V; PY of bare rods is the exact Tonks h; md_gr returns the given table."""
    a, v0, xi, ring, density, beta = 1.0, 4.0, 20.0, 100.0, 0.3, 2.5
    args = (a, v0, xi, PHI6, ring, density, beta)
    r = np.linspace(0.0, 40.0, 9)
    np.testing.assert_allclose(correlation_closure("weak_coupling", *args)(r), -beta * potential(r, v0, xi, PHI6),
                               rtol=1e-3)
    py = correlation_closure("py", a, 0.0, xi, PHI6, ring, density, beta, extrapolate=True)
    assert py.extrapolate and py.density == density
    outside = np.linspace(1.2, 30.0, 50)
    assert np.max(np.abs(py(outside) - (tonks_g(outside, density, a) - 1))) < 2e-3
    md = md_pair_correlation([_sample(density, 0.4, 0.1)])
    assert correlation_closure("md_gr", *args, md=md) is md
    assert set(CORRELATION_CLOSURES) == {"weak_coupling", "hnc", "py", "gbbgky", "md_gr"}
    with pytest.raises(ValueError, match="md"):
        correlation_closure("md_gr", *args)
    with pytest.raises(ValueError, match="name = 'tonks'"):
        correlation_closure("tonks", *args)



def test_particle_packages_export_a_curated_lazy_api():
    """Every name of __all__ resolves to its module's object; importing the packages loads no numba."""
    import subprocess
    import sys

    code = ("import sys, hydrobridge.particles.hard_rods as h, hydrobridge.particles.kinetic as k; "
            "assert 'numba' not in sys.modules; "
            "[getattr(m, n) for m in (h, k) for n in m.__all__]; "
            "from hydrobridge.particles.hard_rods import DensityBump; "
            "from hydrobridge.particles.hard_rods.bump import DensityBump as D; assert D is DensityBump")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
