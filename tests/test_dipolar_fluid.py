"""Dipolar moment system + Poisson + sheet forcing (docs/theory.md §3-§4): closures' analytic limits."""

from __future__ import annotations

import numpy as np
import pytest

from mpi4py import MPI

from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational, LocalEquilibrium
from hydrobridge.continuum.dipolar import DipolarFluid
from hydrobridge.continuum.forcing import SheetForcing
from hydrobridge.continuum.permittivity import eps_tensor_from_nn, run_sheet_response, sheet_pair_for, vacuum_drop
from hydrobridge.continuum.verification import CHI, N, PAR, W0, WL, debye_sheet_eps, oscillation_frequency, record
from hydrobridge.meshes.periodic import periodic_rectangle


@pytest.mark.mpi
@pytest.mark.parametrize("translation", [False, True])
def test_uniform_polarisation_oscillates_at_w0(translation):
    """A uniform P in a periodic box makes no field: the Grad closure librates at w0 = sqrt(kT_r/I)."""
    msh = periodic_rectangle(MPI.COMM_WORLD, 6, 6).mesh
    fluid = DipolarFluid(msh, PAR, GradRotational(), N, translation=translation)
    fluid.set_state(polarisation=lambda x: np.vstack([np.full(x.shape[1], 0.01), np.zeros(x.shape[1])]))
    t, px = record(fluid, 2 * np.pi / W0 / 100, 260, lambda: fluid.mean_polarisation()[0])
    assert abs(oscillation_frequency(t, px) / W0 - 1) < 5e-3


@pytest.mark.mpi
def test_longitudinal_sheet_mode_oscillates_at_wL():
    """A longitudinal polarisation wave is depolarised by its own field: w_L^2 = w0^2 (1 + chi_s)."""
    sp = sheet_pair_for(MPI.COMM_WORLD, "x")
    fluid = DipolarFluid(sp.mesh, PAR, GradRotational(), N, translation=False, facet_tags=sp.facet_tags,
                         forcing=SheetForcing(0.0), sheet_length=sp.sheet_length)
    fluid.set_state(polarisation=lambda x: np.vstack([0.01 * np.cos(2 * np.pi * x[0]), 0 * x[0]]))
    t, drop = record(fluid, 2 * np.pi / WL / 100, 260, fluid.potential_drop)
    w = oscillation_frequency(t, drop)
    assert abs(w / WL - 1) < 5e-3, (w, WL)
    assert abs(w / W0 - 1) > 0.1          # and it is not the transverse frequency


@pytest.mark.mpi
def test_static_permittivity_debye_relaxation_and_grad_average():
    """Static sheets: eps = 1 + n mu^2/(2 eps0 kT) from the relaxed Debye state and from the Grad
    closure's time average over whole periods of its undamped oscillation about equilibrium."""
    sp = sheet_pair_for(MPI.COMM_WORLD, "x")
    vac, _ = vacuum_drop(sp, 1.0, PAR.eps0)
    debye = DipolarFluid(sp.mesh, PAR, Debye(1.0), N, translation=False, facet_tags=sp.facet_tags,
                         forcing=SheetForcing(1.0), sheet_length=sp.sheet_length)
    for _ in range(200):
        debye.step(0.1)                       # 20 tau: relaxed to exp(-30)
    assert abs(vac / debye.potential_drop() / (1 + CHI) - 1) < 5e-3
    grad = DipolarFluid(sp.mesh, PAR, GradRotational(), N, translation=False, facet_tags=sp.facet_tags,
                        forcing=SheetForcing(1.0), sheet_length=sp.sheet_length)
    per = 80
    _, drop = record(grad, 2 * np.pi / WL / per, 3 * per, grad.potential_drop)
    assert abs(vac / np.mean(drop) / (1 + CHI) - 1) < 5e-3
    assert np.ptp(drop) > 0.1 * abs(np.mean(drop))   # it really oscillated


def test_debye_eps_over_three_decades():
    omegas = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
    for w in omegas:
        res = debye_sheet_eps(MPI.COMM_SELF, w)
        eps, exact = complex(*res["eps"]), complex(*res["exact"])
        assert abs(eps - exact) / abs(exact) < 5e-3, (w, eps, exact)
        assert exact.imag > 0 and eps.imag > 0
        assert res["mismatch"] < 1e-6              # -div(eps_eff grad psi_eff) = Q reproduces the lock-in psi


def test_debye_eps_two_ranks_equal_serial(run_parallel):
    serial = debye_sheet_eps(MPI.COMM_SELF, 1.0)
    parallel = run_parallel("debye_sheet_eps", omega=1.0)
    np.testing.assert_allclose(parallel["eps"], serial["eps"], rtol=1e-10)


def test_isotropic_medium_gives_isotropic_tensor():
    eps = {o: complex(*debye_sheet_eps(MPI.COMM_SELF, 1.0, o)["eps"]) for o in ("x", "y", "45")}
    tensor = eps_tensor_from_nn(eps["x"], eps["y"], eps["45"])
    scale = abs(tensor[0, 0])
    assert abs(tensor[0, 1]) / scale < 1e-3 and abs(tensor[0, 0] - tensor[1, 1]) / scale < 1e-3


def test_grad_closure_dispersion_below_resonance():
    """Driven (smoothly switched-on) Grad fluid: eps(w) = 1 + chi_s w0^2/(w0^2 - w^2)."""
    sp = sheet_pair_for(MPI.COMM_SELF, "x")

    def make(s, forcing):
        return DipolarFluid(s.mesh, PAR, GradRotational(), N, translation=False, facet_tags=s.facet_tags,
                            forcing=forcing, sheet_length=s.sheet_length)

    for w in (0.5, 1.0):
        run = run_sheet_response(make, sp, w, 1.0, PAR.eps0, max_dt=0.2 / WL, ramp_periods=6, transient_periods=0)
        exact = 1 + CHI * W0**2 / (W0**2 - w**2)
        assert abs(run.eps_nn - exact) / exact < 5e-3, (w, run.eps_nn, exact)


def test_local_equilibrium_rotates_polarisation_with_omega():
    """d_t p = (Omega p)_perp: p turns counter-clockwise at the angular velocity Omega, |p| fixed."""
    msh = periodic_rectangle(MPI.COMM_SELF, 4, 4).mesh
    fluid = DipolarFluid(msh, PAR, LocalEquilibrium(), N, translation=False)
    Omega = 1.5
    fluid.set_state(polarisation=lambda x: np.vstack([np.full(x.shape[1], 0.2), 0 * x[0]]),
                    rotational=lambda x: np.full((1, x.shape[1]), N * Omega))
    T = 1.0
    for _ in range(200):
        fluid.step(T / 200)
    px, py = fluid.mean_polarisation()
    assert np.isclose(np.hypot(px, py), 0.2, rtol=1e-6)
    assert np.isclose(np.arctan2(py, px), Omega * T, rtol=1e-6)


def test_mass_conserved_with_translation():
    msh = periodic_rectangle(MPI.COMM_SELF, 8, 8).mesh
    fluid = DipolarFluid(msh, PAR, GradRotational(), N, translation=True)
    fluid.set_state(polarisation=lambda x: np.vstack([0.2 * np.sin(2 * np.pi * x[0]), 0.1 * np.cos(2 * np.pi * x[1])]),
                    velocity=lambda x: np.vstack([0.1 * np.sin(2 * np.pi * x[1]), 0 * x[0]]))
    import ufl
    from dolfinx import fem
    mass = fem.form(fluid.state[0] * ufl.dx)
    m0 = fem.assemble_scalar(mass)
    for _ in range(50):
        fluid.step(2e-3)
    assert abs(fem.assemble_scalar(mass) - m0) / m0 < 1e-12


def test_bad_parameters():
    with pytest.raises(ValueError, match="inertia"):
        DipolarParameters(inertia=0.0)
    with pytest.raises(ValueError, match="tau"):
        Debye(-1.0)
    msh = periodic_rectangle(MPI.COMM_SELF, 4, 4).mesh
    with pytest.raises(ValueError, match="density"):
        DipolarFluid(msh, PAR, Debye(1.0), 0.0)


@pytest.mark.parametrize("closure", [GradRotational(), LocalEquilibrium()])
def test_energy_balance_change_equals_forcing_work(closure):
    """K + (eps0/2) int |E|^2 changes by the work int psi dQ/dt of the AC sheets, up to a time-stepping
    error that shrinks with dt at (at least) second order."""
    sp = sheet_pair_for(MPI.COMM_SELF, "x")
    w = 1.3
    rot = (lambda x: np.full((1, x.shape[1]), 0.3)) if closure.name == "local_equilibrium" else None
    mismatch = []
    for per in (200, 400):
        fluid = DipolarFluid(sp.mesh, PAR, closure, N, translation=False, facet_tags=sp.facet_tags,
                             forcing=SheetForcing(0.5, w), sheet_length=sp.sheet_length)
        fluid.set_state(polarisation=lambda x: np.vstack([0.1 * np.cos(2 * np.pi * x[0]), 0.05 + 0 * x[0]]),
                        rotational=rot)
        dt = 2 * np.pi / w / per
        e0 = sum(fluid.energy())
        power = [fluid.forcing_power()]
        for _ in range(3 * per // 2):
            fluid.step(dt)
            power.append(fluid.forcing_power())
        work = np.trapezoid(power, dx=dt)
        assert abs(work) > 1e-2 * e0                      # the forcing did real work
        mismatch.append(abs(sum(fluid.energy()) - e0 - work) / abs(work))
    assert mismatch[1] < 3e-4 and mismatch[1] < mismatch[0] / 3.5, mismatch


@pytest.mark.parametrize("closure, exact", [
    (GradRotational(friction=1.5, chi_s=0.8, density=N, w0=3.0), lambda w: 1 + 0.8 * 9.0 / (9.0 - w**2 - 1.5j * w)),
    (Debye(0.4, chi_s=0.8, density=N), lambda w: 1 + 0.8 / (1 - 0.4j * w)),
])
def test_measured_closures_give_their_spectra(closure, exact):
    """Closures with measured parameters: damped Grad = Lorentz oscillator, Debye with measured chi_s."""
    sp = sheet_pair_for(MPI.COMM_SELF, "x")

    def make(s, forcing):
        return DipolarFluid(s.mesh, PAR, closure, N, translation=False, facet_tags=s.facet_tags,
                            forcing=forcing, sheet_length=s.sheet_length)

    for w in (1.0, 3.0, 6.0):
        run = run_sheet_response(make, sp, w, 1.0, PAR.eps0, max_dt=0.05, transient_periods=int(np.ceil(3 * w)))
        assert abs(run.eps_nn - exact(w)) / abs(exact(w)) < 5e-3, (w, run.eps_nn, exact(w))


@pytest.mark.parametrize("c2", [1.0, 2.25])
def test_translational_pressure_comes_from_the_closure(c2):
    """Unpolarised fluid, density wave: the sound speed is the pressure closure's (omega = c k)."""
    from hydrobridge.closures.ideal import Isothermal, Polytropic

    msh = periodic_rectangle(MPI.COMM_SELF, 12, 3, 1.0, 0.25).mesh
    pressure = Isothermal(1.0) if c2 == 1.0 else Polytropic(p0=c2 * N / 2.0, rho0=N, gamma=2.0)
    fluid = DipolarFluid(msh, PAR, Debye(1.0), N, degree=2, translation=True, pressure=pressure)
    fluid.set_state(density=lambda x: N * (1 + 1e-4 * np.cos(2 * np.pi * x[0])))
    import ufl
    from dolfinx import fem

    X = ufl.SpatialCoordinate(msh)
    mode = fem.form(fluid.state[0] * ufl.cos(2 * ufl.pi * X[0]) * ufl.dx)
    w_exact = 2 * np.pi * np.sqrt(c2)
    dt = 0.3 / (12 * 5 * np.sqrt(c2))                      # CFL 0.3 for degree 2
    t, a = record(fluid, dt, int(1.6 * 2 * np.pi / w_exact / dt), lambda: fem.assemble_scalar(mode))
    assert abs(oscillation_frequency(t, a) / w_exact - 1) < 5e-3


def test_energy_closure_is_rejected():
    from hydrobridge.closures.ideal import Adiabatic

    msh = periodic_rectangle(MPI.COMM_SELF, 4, 4).mesh
    with pytest.raises(ValueError, match="needs fields"):
        DipolarFluid(msh, PAR, Debye(1.0), N, translation=True, pressure=Adiabatic(2.0))
