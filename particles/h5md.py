"""MD trajectories in H5MD 1.1, the HDF5 layout for molecular data that third-party tools read.

H5MD is specified by de Buyl, Colberg and Hoefling, "H5MD: a structured, efficient, and portable file
format for molecular data" (arXiv:1308.6382). One writer serves both MD engines: the 2D dipolar molecules
of docs/theory.md §2 (state x_i, v_i, theta_i) and the 1D hard rods on a ring of §5 (state x_i, u_i).

Layout written by ``H5MDWriter`` (N particles, D = dimension of the box, F frames; ``<group>`` defaults
to ``all``)::

    h5md                        +-- version = [1, 1]
         \\-- author             +-- name, (email)
         \\-- creator            +-- name = "hydrobridge", version = hydrobridge.__version__
         \\-- (modules/units)    +-- version = [1, 0], system = "SI"     (only when units are given)
    particles/<group>
         \\-- box                +-- dimension = D, boundary = ["periodic"] * D
         |    \\-- edges         step, time -> hard links to position/{step,time}; value: Float[F][D]
         \\-- position           step: Integer[F], time: Float[F], value: Float[F][N][D]
         \\-- (velocity)         step, time -> hard links;  value: Float[F][N][D]
         \\-- (orientation)      step, time -> hard links;  value: Float[F][N][D], unit vectors
         \\-- (dipole_moment)    Float[N], time independent

Positions are those of an arbitrary periodic image (wrapped into the box), as H5MD allows for periodic
boundaries. The edges are stored time dependent, one row per frame with the step and time of
``position``, because the H5MD specification requires the box's step and time to be hard links to the
position's and MDAnalysis reads only a time-dependent ``box/edges/value``.

Dipoles. A dipole of molecule i is p_i = mu d(theta_i), d(theta) = (cos theta, sin theta) (theory §2).
It is stored as the time-dependent element ``orientation`` holding d(theta_i), plus the constant moment
mu as the time-independent per-particle element ``dipole_moment`` (like H5MD's ``charge``). The name
``orientation`` is the one of H5MD proposal 104 (orientation of each particle as a normalised vector of
the position's dimension), so a reader implementing that proposal finds it, whereas a custom ``dipole``
element would be known to nobody; ``H5MDTrajectory.dipoles`` multiplies the two back together.

Units. H5MD attaches units through its ``units`` module: a ``unit`` string attribute on ``value`` and
``time`` datasets, with symbols of the "SI" system only. hydrobridge runs in reduced units (theory §2:
lengths in s, times in sqrt(m s^2 / e_s); theory §5: lengths in the rod length scale, unit mass), for
which H5MD has no symbols, so by default no ``unit`` attribute is written and the file is in reduced
units (MDAnalysis then needs ``convert_units=False``). Passing SI unit strings (e.g. ``length_unit="nm"``,
``time_unit="ps"``) writes the units module and the attributes: position and box edges in length_unit,
velocity in "length_unit time_unit-1", every time dataset in time_unit.

Padding. MDAnalysis accepts only D = 3. ``dimension_pad=3`` stores a D < 3 system in 3 columns: extra
vector components are 0, the extra box boundaries are "none" and their edges 0 (placeholders, as H5MD
states for "none"). The default keeps the native D.

Every ``append`` writes one frame to chunked, extensible datasets and flushes the file, so a crash loses
at most the frame being written; ``read_h5md`` returns only the frames complete in every dataset.

Example (dipolar run of theory §2, a frame every 10 steps; the rod engine's hook is ``rod_observer``)::

    with H5MDWriter("run.h5", state.n, params.box, dipole_moment=params.mu) as writer:
        observe = dipolar_observer(writer, every=10)
        observe(0, state)
        state = run(VelocityVerlet(ff, params), state, 1000, observe=observe)
    traj = read_h5md("run.h5")          # traj.position (F, N, 2), traj.dipoles (F, N, 2), traj.time (F,)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import h5py
import numpy as np

from hydrobridge import __version__

if TYPE_CHECKING:
    from hydrobridge.particles.dipolar.model import State
    from hydrobridge.particles.hard_rods.ensemble import EnsembleState, RodSystem

__all__ = ["H5MDWriter", "H5MDTrajectory", "read_h5md", "dipolar_observer", "rod_observer"]

_VECTOR_ELEMENTS = ("position", "velocity", "orientation")
_CHUNK_BYTES = 1 << 19


class H5MDWriter:
    """Context-managed H5MD 1.1 writer of one particle group (layout and units: module docstring).

    ``H5MDWriter(path, n_particles, box)`` creates (overwrites) the file; ``box`` holds the D edge
    lengths of the periodic box, so D = len(box) is the dimension (1 for rods on a ring of length L with
    box = [L], 2 for the dipolar box [Lx, Ly]). ``append`` takes arrays of shape (n_particles, D). The
    elements given to the first ``append`` (velocities and orientations are optional) must be given to
    every later one, and step and time must increase strictly.
    """

    def __init__(self, path: str | os.PathLike, n_particles: int, box: np.ndarray | list[float], *,
                 group: str = "all", author: str = "unknown", author_email: str | None = None,
                 dipole_moment: float | None = None, length_unit: str | None = None,
                 time_unit: str | None = None, dimension_pad: int | None = None) -> None:
        if not (isinstance(n_particles, (int, np.integer)) and n_particles >= 1):
            raise ValueError(f"n_particles must be a positive integer, got {n_particles!r}")
        edges = np.asarray(box, dtype=np.float64)
        if edges.ndim != 1 or not 1 <= edges.size <= 3 or not np.all(np.isfinite(edges) & (edges > 0)):
            raise ValueError(f"box must be 1 to 3 finite positive edge lengths (shape (D,)), got {box!r}")
        if dimension_pad is not None and not (isinstance(dimension_pad, int) and edges.size <= dimension_pad <= 3):
            raise ValueError(f"dimension_pad must be an integer in [{edges.size}, 3] or None, got {dimension_pad!r}")
        if (length_unit is None) != (time_unit is None):
            raise ValueError("length_unit and time_unit must be given together (H5MD SI unit strings) or not "
                             f"at all (reduced units), got length_unit={length_unit!r}, time_unit={time_unit!r}")
        if dipole_moment is not None and not (math.isfinite(dipole_moment) and dipole_moment >= 0):
            raise ValueError(f"dipole_moment must be a finite non-negative number or None, got {dipole_moment!r}")
        self.n_particles = int(n_particles)
        self.dimension = edges.size
        self._stored = dimension_pad or self.dimension
        self._units = None if length_unit is None else (length_unit, time_unit)
        self._elements: tuple[str, ...] | None = None
        self._last: tuple[int, float] | None = None
        self._file = h5py.File(path, "w")
        try:
            self._layout(edges, group, author, author_email, dipole_moment)
        except BaseException:
            self._file.close()
            raise

    def _layout(self, edges: np.ndarray, group: str, author: str, author_email: str | None,
                dipole_moment: float | None) -> None:
        h5md = self._file.create_group("h5md")
        h5md.attrs["version"] = np.array([1, 1], dtype=np.int32)
        h5md.create_group("author").attrs["name"] = np.bytes_(author)     # fixed-length strings (H5MD 1.1)
        if author_email is not None:
            h5md["author"].attrs["email"] = np.bytes_(author_email)
        creator = h5md.create_group("creator")
        creator.attrs["name"] = np.bytes_("hydrobridge")
        creator.attrs["version"] = np.bytes_(__version__)
        if self._units is not None:
            units = h5md.create_group("modules/units")
            units.attrs["version"] = np.array([1, 0], dtype=np.int32)
            units.attrs["system"] = "SI"
        self._group = self._file.create_group(f"particles/{group}")
        box = self._group.create_group("box")
        box.attrs["dimension"] = np.int32(self._stored)
        box.attrs["boundary"] = np.array(["periodic"] * self.dimension + ["none"] * (self._stored - self.dimension),
                                         dtype="S8")
        self._edges = self._pad(edges[None, :])[0]
        if dipole_moment is not None:
            self._group.create_dataset("dipole_moment", data=np.full(self.n_particles, float(dipole_moment)))

    def _pad(self, a: np.ndarray) -> np.ndarray:
        if self._stored == self.dimension:
            return a
        return np.concatenate([a, np.zeros(a.shape[:-1] + (self._stored - self.dimension,))], axis=-1)

    def _create(self, name: str, item_shape: tuple[int, ...], parent: h5py.Group, unit: str | None) -> None:
        """Time-dependent element name under parent; step/time are position's (created with it)."""
        element = parent.create_group(name)
        frames = max(1, min(64, _CHUNK_BYTES // (8 * math.prod(item_shape))))
        value = element.create_dataset("value", shape=(0,) + item_shape, maxshape=(None,) + item_shape,
                                       dtype=np.float64, chunks=(frames,) + item_shape)
        if unit is not None:
            value.attrs["unit"] = unit
        if name == "position":
            element.create_dataset("step", shape=(0,), maxshape=(None,), dtype=np.int64, chunks=(256,))
            time = element.create_dataset("time", shape=(0,), maxshape=(None,), dtype=np.float64, chunks=(256,))
            if self._units is not None:
                time.attrs["unit"] = self._units[1]
        else:
            element["step"] = self._group["position/step"]
            element["time"] = self._group["position/time"]

    def _start(self, elements: tuple[str, ...]) -> None:
        length, time = self._units if self._units is not None else (None, None)
        unit = {"position": length, "velocity": None if length is None else f"{length} {time}-1",
                "orientation": None}
        for name in elements:
            self._create(name, (self.n_particles, self._stored), self._group, unit[name])
        self._create("edges", (self._stored,), self._group["box"], length)
        self._elements = elements

    def append(self, step: int, time: float, positions: np.ndarray, velocities: np.ndarray | None = None,
               orientations: np.ndarray | None = None) -> None:
        """Write one frame: integer MD step, time, and (N, D) arrays; orientations are unit vectors."""
        if not isinstance(step, (int, np.integer)):
            raise ValueError(f"step must be an integer, got {step!r}")
        if not math.isfinite(time):
            raise ValueError(f"time must be finite, got {time!r}")
        if self._last is not None and not (step > self._last[0] and time > self._last[1]):
            raise ValueError(f"step and time must increase: got step={step}, time={time} after step="
                             f"{self._last[0]}, time={self._last[1]}")
        given = {"position": positions, "velocity": velocities, "orientation": orientations}
        data = {}
        for name, arg in zip(_VECTOR_ELEMENTS, ("positions", "velocities", "orientations")):
            if given[name] is None:
                continue
            a = np.asarray(given[name], dtype=np.float64)
            if a.shape != (self.n_particles, self.dimension):
                raise ValueError(f"{arg} must have shape (n_particles, dimension) = "
                                 f"{(self.n_particles, self.dimension)}, got {a.shape}")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"{arg} contains non-finite values")
            data[name] = a
        if "orientation" in data and np.abs(np.linalg.norm(data["orientation"], axis=1) - 1.0).max() > 1e-9:
            raise ValueError("orientations must be unit vectors (|d| = 1 to 1e-9)")
        if self._elements is None:
            self._start(tuple(data))
        elif tuple(data) != self._elements:
            raise ValueError(f"every append must give the elements of the first one, {self._elements}; "
                             f"got {tuple(data)}")
        for name, a in data.items():
            _extend(self._group[f"{name}/value"], self._pad(a))
        _extend(self._group["box/edges/value"], self._edges)
        _extend(self._group["position/time"], time)
        _extend(self._group["position/step"], step)
        self._file.flush()
        self._last = (int(step), float(time))

    def close(self) -> None:
        """Flush and close the file (idempotent)."""
        if self._file.id.valid:
            self._file.close()

    def __enter__(self) -> H5MDWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _extend(dataset: h5py.Dataset, row: np.ndarray | float | int) -> None:
    dataset.resize(dataset.shape[0] + 1, axis=0)
    dataset[-1] = row


@dataclass(frozen=True)
class H5MDTrajectory:
    """One particle group of an H5MD file: F frames of N particles in the stored dimension D.

    step (F,), time (F,), edges (F, D), position / velocity / orientation (F, N, D) or None,
    dipole_moment (N,) or None, boundary ("periodic" / "none" per axis), units {dataset path: unit}.
    """

    step: np.ndarray
    time: np.ndarray
    edges: np.ndarray
    position: np.ndarray
    velocity: np.ndarray | None
    orientation: np.ndarray | None
    dipole_moment: np.ndarray | None
    dimension: int
    boundary: tuple[str, ...]
    creator: tuple[str, str]
    author: str
    units: dict[str, str]

    @property
    def dipoles(self) -> np.ndarray:
        """Dipole vectors p_i = mu_i d_i, (F, N, D) (theory §2)."""
        if self.orientation is None or self.dipole_moment is None:
            raise ValueError("the file has no orientation and dipole_moment elements, so no dipoles")
        return self.dipole_moment[None, :, None] * self.orientation


def read_h5md(path: str | os.PathLike, group: str | None = None) -> H5MDTrajectory:
    """Read the particle group (the only one if group is None) of an H5MD file written by H5MDWriter.

    Frames are those complete in every time-dependent dataset (a crash while appending leaves a partial
    last frame, which is dropped).
    """
    with h5py.File(path, "r") as f:
        if "h5md" not in f or "particles" not in f:
            raise ValueError(f"{path} is not an H5MD file with particles (no /h5md or /particles group)")
        names = list(f["particles"])
        if group is None:
            if len(names) != 1:
                raise ValueError(f"group must be given: {path} holds the particle groups {names}")
            group = names[0]
        if group not in names:
            raise ValueError(f"group must be one of {names}, got {group!r}")
        g = f[f"particles/{group}"]
        series = {name: g[f"{name}/value"] for name in _VECTOR_ELEMENTS if name in g}
        series["edges"] = g["box/edges/value"]
        n = min([g["position/step"].shape[0], g["position/time"].shape[0]] + [d.shape[0] for d in series.values()])
        units = {d.name: _text(d.attrs["unit"]) for d in list(series.values()) + [g["position/time"]]
                 if "unit" in d.attrs}
        data = {name: d[:n] for name, d in series.items()}
        return H5MDTrajectory(
            step=g["position/step"][:n], time=g["position/time"][:n], edges=data["edges"],
            position=data["position"], velocity=data.get("velocity"), orientation=data.get("orientation"),
            dipole_moment=g["dipole_moment"][()] if "dipole_moment" in g else None,
            dimension=int(g["box"].attrs["dimension"]),
            boundary=tuple(_text(b) for b in g["box"].attrs["boundary"]),
            creator=(_text(f["h5md/creator"].attrs["name"]), _text(f["h5md/creator"].attrs["version"])),
            author=_text(f["h5md/author"].attrs["name"]), units=units)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def dipolar_observer(writer: H5MDWriter, every: int = 1) -> Callable[[int, State, object], None]:
    """``observe`` callback for ``particles.dipolar.simulate.run`` that writes every ``every``-th step.

    Frame = (step, t, x_i, v_i, d(theta_i) = (cos theta_i, sin theta_i)) of theory §2; the writer is an
    H5MDWriter over box (Lx, Ly), created with dipole_moment = mu so that the file holds p_i = mu d(theta_i).
    ``run`` observes after each step; call the observer with step 0 before ``run`` to record the start.
    """
    if not (isinstance(every, int) and every >= 1):
        raise ValueError(f"every must be a positive integer, got {every!r}")

    def observe(step: int, state: State, forces: object = None) -> None:
        if step % every == 0:
            d = np.column_stack((np.cos(state.theta), np.sin(state.theta)))
            writer.append(step, state.t, state.x, state.v, d)

    return observe


def rod_observer(writer: H5MDWriter, system: RodSystem, realisation: int = 0) -> Callable[[EnsembleState], None]:
    """``observe`` callback for ``particles.hard_rods.ensemble.run`` writing one realisation per sample.

    Frame = (MD step, t, x_i, u_i) of theory §5 with the rod coordinate x_i = y_i + a i (y_i contracted,
    i the rank) wrapped into [0, L); the writer is an H5MDWriter over box [L] (dimension 1). realisation
    indexes state.y, i.e. the realisations this process holds (all of them without MPI).
    """

    def observe(state: EnsembleState) -> None:
        y, u = state.y[realisation], state.u[realisation]
        x = np.mod(y + system.a * np.arange(y.size), system.ring)
        writer.append(state.steps, state.times[-1], x[:, None], u[:, None])

    return observe
