"""H5MD trajectories of both MD engines (docs/theory.md §2 dipolar molecules, §5 hard rods).

Contract: read_h5md gives back exactly the states seen by the run loops' observers; third-party readers
(pyh5md, the H5MD reference implementation's Python module, and MDAnalysis's H5MDReader) read the same
numbers; bad input names the argument and the expected shape.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import hydrobridge
from hydrobridge.particles.dipolar.integrate import VelocityVerlet
from hydrobridge.particles.dipolar.model import DipolarBoxModel, lattice_state
from hydrobridge.particles.dipolar.simulate import run
from hydrobridge.particles.dipolar.system import dipolar_force_field
from hydrobridge.particles.h5md import H5MDWriter, dipolar_observer, read_h5md, rod_observer
from hydrobridge.particles.hard_rods import ensemble as ens

PARAMS = DipolarBoxModel(Lx=6.0, Ly=5.0, q=3.0)   # mu = 1.5
N_DIPOLES, N_STEPS, EVERY = 9, 50, 5
RODS = ens.RodSystem(n=8, ring=30.0, h=0.1)
EDGES = np.linspace(-4.0, 4.0, 9)


def _dipolar_run(path, **writer_options):
    """50 velocity-Verlet steps of 9 molecules, a frame every 5 steps and at step 0; returns the frames
    (step, t, x, v, p) as the observer saw them."""
    rng = np.random.default_rng(1)
    state = lattice_state(PARAMS, N_DIPOLES, 1.0, rng)
    integrator = VelocityVerlet(dipolar_force_field(PARAMS, n=N_DIPOLES), PARAMS, dt=0.002)
    seen = []
    with H5MDWriter(path, N_DIPOLES, PARAMS.box, dipole_moment=PARAMS.mu, **writer_options) as writer:
        write = dipolar_observer(writer, every=EVERY)

        def observe(step, s, c):
            write(step, s, c)
            if step % EVERY == 0:
                p = PARAMS.mu * np.column_stack((np.cos(s.theta), np.sin(s.theta)))
                seen.append((step, s.t, s.x.copy(), s.v.copy(), p))

        observe(0, state, None)
        run(integrator, state, N_STEPS, observe=observe)
    return seen


def _rod_run(path, realisation=1, **writer_options):
    """5 samples x 10 steps of a 2-realisation rod ensemble; returns realisation's (step, t, x, u) frames."""
    state = ens.initial_state(RODS, 2, 7)
    seen = []
    with H5MDWriter(path, RODS.n, [RODS.ring], **writer_options) as writer:
        write = rod_observer(writer, RODS, realisation)

        def observe(s):
            write(s)
            x = np.mod(s.y[realisation] + RODS.a * np.arange(RODS.n), RODS.ring)
            seen.append((s.steps, s.times[-1], x, s.u[realisation].copy()))

        ens.run(state, RODS, 5, 10, EDGES, observe=observe)
    return seen


def test_dipolar_trajectory_reads_back_exactly(tmp_path):
    seen = _dipolar_run(tmp_path / "dipoles.h5", author="tester")
    traj = read_h5md(tmp_path / "dipoles.h5")
    assert len(seen) == N_STEPS // EVERY + 1
    assert traj.step.tolist() == [s[0] for s in seen] == list(range(0, N_STEPS + 1, EVERY))
    np.testing.assert_array_equal(traj.time, [s[1] for s in seen])
    np.testing.assert_array_equal(traj.position, np.array([s[2] for s in seen]))
    np.testing.assert_array_equal(traj.velocity, np.array([s[3] for s in seen]))
    np.testing.assert_array_equal(traj.dipoles, np.array([s[4] for s in seen]))
    np.testing.assert_array_equal(traj.edges, np.tile(PARAMS.box, (len(seen), 1)))
    assert (traj.dimension, traj.boundary) == (2, ("periodic", "periodic"))
    assert traj.creator == ("hydrobridge", hydrobridge.__version__) and traj.author == "tester"
    assert traj.units == {}                                      # reduced units: no unit attribute
    assert np.all((traj.position >= 0) & (traj.position < PARAMS.box))


def test_rod_trajectory_reads_back_exactly(tmp_path):
    seen = _rod_run(tmp_path / "rods.h5")
    traj = read_h5md(tmp_path / "rods.h5")
    assert traj.step.tolist() == [s[0] for s in seen] == [0, 10, 20, 30, 40, 50]
    np.testing.assert_array_equal(traj.time, [s[1] for s in seen])
    np.testing.assert_array_equal(traj.position[:, :, 0], np.array([s[2] for s in seen]))
    np.testing.assert_array_equal(traj.velocity[:, :, 0], np.array([s[3] for s in seen]))
    np.testing.assert_array_equal(traj.edges, np.full((6, 1), RODS.ring))
    assert (traj.dimension, traj.boundary) == (1, ("periodic",))
    assert traj.orientation is None and traj.dipole_moment is None
    assert not np.array_equal(seen[0][3], seen[-1][3])           # rods collided: velocities moved


def test_layout_follows_h5md_1_1(tmp_path):
    _dipolar_run(tmp_path / "d.h5")
    with h5py.File(tmp_path / "d.h5", "r") as f:
        assert f["h5md"].attrs["version"].tolist() == [1, 1]
        g = f["particles/all"]
        for name in ("velocity", "orientation", "box/edges"):        # step/time hard-linked to position's
            assert g[f"{name}/step"].id == g["position/step"].id
            assert g[f"{name}/time"].id == g["position/time"].id
        assert g["position/value"].maxshape == (None, N_DIPOLES, 2) and g["position/value"].chunks is not None


def test_pyh5md_reads_native_1d_and_2d_files(tmp_path):
    pyh5md = pytest.importorskip("pyh5md")
    seen_d = _dipolar_run(tmp_path / "d.h5")
    seen_r = _rod_run(tmp_path / "r.h5")
    for path, seen, dim in ((tmp_path / "d.h5", seen_d, 2), (tmp_path / "r.h5", seen_r, 1)):
        with pyh5md.File(str(path), "r") as f:
            group = f.particles_group("all")
            assert group["box"].attrs["dimension"] == dim
            assert [b.decode() for b in group["box"].attrs["boundary"]] == ["periodic"] * dim
            position = pyh5md.element(group, "position")
            velocity = pyh5md.element(group, "velocity")
            edges = pyh5md.element(group["box"], "edges")
            assert position.element_type == velocity.element_type == edges.element_type == "TimeElement"
            np.testing.assert_array_equal(position.step[()], [s[0] for s in seen])
            np.testing.assert_array_equal(position.time[()], [s[1] for s in seen])
            np.testing.assert_array_equal(position.value[()].reshape(len(seen), -1),
                                          np.array([s[2] for s in seen]).reshape(len(seen), -1))
            np.testing.assert_array_equal(velocity.value[()].reshape(len(seen), -1),
                                          np.array([s[3] for s in seen]).reshape(len(seen), -1))
            assert edges.value.shape == (len(seen), dim)
    with pyh5md.File(str(tmp_path / "d.h5"), "r") as f:
        group = f.particles_group("all")
        p = pyh5md.element(group, "dipole_moment").value[()][None, :, None] \
            * pyh5md.element(group, "orientation").value[()]
        np.testing.assert_array_equal(p, np.array([s[4] for s in seen_d]))


def test_mdanalysis_refuses_2d_and_reads_the_3d_padded_file(tmp_path):
    h5md_reader = pytest.importorskip("MDAnalysis.coordinates.H5MD").H5MDReader
    _dipolar_run(tmp_path / "native.h5")
    with pytest.raises(ValueError, match="only supports 3-dimensional simulation boxes"):
        h5md_reader(str(tmp_path / "native.h5"), convert_units=False)

    seen = _dipolar_run(tmp_path / "padded.h5", dimension_pad=3)
    with pytest.raises(ValueError, match="readable units"):                  # reduced units: no unit attrs
        h5md_reader(str(tmp_path / "padded.h5"))
    reader = h5md_reader(str(tmp_path / "padded.h5"), convert_units=False)
    assert (reader.n_frames, reader.n_atoms) == (len(seen), N_DIPOLES)
    for ts, (step, t, x, v, _) in zip(reader, seen):                        # MDAnalysis stores float32
        assert ts.data["step"] == step and ts.time == t
        np.testing.assert_allclose(ts.positions[:, :2], x, rtol=1e-6)
        np.testing.assert_allclose(ts.velocities[:, :2], v, rtol=1e-6)
        assert not ts.positions[:, 2].any() and not ts.velocities[:, 2].any()
        np.testing.assert_allclose(ts.dimensions, [PARAMS.Lx, PARAMS.Ly, 0.0, 90.0, 90.0, 90.0], rtol=1e-6)
    reader.close()
    traj = read_h5md(tmp_path / "padded.h5")
    assert (traj.dimension, traj.boundary) == (3, ("periodic", "periodic", "none"))


def test_mdanalysis_converts_the_si_unit_attributes(tmp_path):
    """Lengths written in nm come out in MDAnalysis's Angstrom (x 10); ps is its time unit."""
    h5md_reader = pytest.importorskip("MDAnalysis.coordinates.H5MD").H5MDReader
    seen = _rod_run(tmp_path / "rods_nm.h5", dimension_pad=3, length_unit="nm", time_unit="ps")
    traj = read_h5md(tmp_path / "rods_nm.h5")
    assert traj.units == {"/particles/all/position/value": "nm", "/particles/all/velocity/value": "nm ps-1",
                          "/particles/all/box/edges/value": "nm", "/particles/all/position/time": "ps"}
    reader = h5md_reader(str(tmp_path / "rods_nm.h5"))
    for ts, (step, t, x, u) in zip(reader, seen):
        assert ts.data["step"] == step
        np.testing.assert_allclose(ts.time, t, rtol=1e-12)
        np.testing.assert_allclose(ts.positions[:, 0], 10.0 * x, rtol=1e-6)
        np.testing.assert_allclose(ts.velocities[:, 0], 10.0 * u, rtol=1e-6)
        np.testing.assert_allclose(ts.dimensions[0], 10.0 * RODS.ring, rtol=1e-6)
    reader.close()


def test_bad_input_names_the_argument(tmp_path):
    with pytest.raises(ValueError, match="box must be"):
        H5MDWriter(tmp_path / "a.h5", 3, [1.0, -1.0])
    with pytest.raises(ValueError, match="dimension_pad"):
        H5MDWriter(tmp_path / "a.h5", 3, [1.0, 1.0], dimension_pad=1)
    with pytest.raises(ValueError, match="length_unit and time_unit"):
        H5MDWriter(tmp_path / "a.h5", 3, [1.0], length_unit="nm")
    with H5MDWriter(tmp_path / "a.h5", 3, [1.0, 1.0]) as w:
        with pytest.raises(ValueError, match=r"positions must have shape \(n_particles, dimension\) = \(3, 2\), "
                                             r"got \(3, 3\)"):
            w.append(0, 0.0, np.zeros((3, 3)))
        with pytest.raises(ValueError, match=r"velocities must have shape .* = \(3, 2\), got \(2, 2\)"):
            w.append(0, 0.0, np.zeros((3, 2)), np.zeros((2, 2)))
        with pytest.raises(ValueError, match="orientations must be unit vectors"):
            w.append(0, 0.0, np.zeros((3, 2)), orientations=np.ones((3, 2)))
        w.append(0, 0.0, np.zeros((3, 2)), np.zeros((3, 2)))
        with pytest.raises(ValueError, match="step and time must increase"):
            w.append(0, 0.1, np.zeros((3, 2)), np.zeros((3, 2)))
        with pytest.raises(ValueError, match="elements of the first one"):
            w.append(1, 0.1, np.zeros((3, 2)))


def test_a_partial_last_frame_is_dropped(tmp_path):
    """A crash between the datasets of one append leaves them one row apart; the reader keeps the
    complete frames."""
    _rod_run(tmp_path / "r.h5")
    with h5py.File(tmp_path / "r.h5", "a") as f:
        f["particles/all/position/value"].resize(7, axis=0)
    assert read_h5md(tmp_path / "r.h5").position.shape == (6, RODS.n, 1)
