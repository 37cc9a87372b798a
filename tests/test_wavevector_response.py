"""eps_L(k, w) of the linearised continuum (docs/theory.md (4.24)-(4.27)): the closures' linearisation through the
protocol, the correlation kernel against (4.26), and the algebraic result against the FE sheet-pair solve (4.14)."""

import math

import numpy as np
import pytest
from mpi4py import MPI

from hydrobridge.closures.rotational import Debye, DipolarParameters, GradRotational, LocalEquilibrium
from hydrobridge.continuum.wavevector_response import (CorrelationHoleKernel, GaussianKernel, implied_kernel, linearised_closure,
                                                       sheet_pair_check, wavevector_permittivity)

PAR = DipolarParameters(mu=1.5, inertia=0.0625, kT=1.0, kT_r=1.0)
N = 0.6
CHI = PAR.static_susceptibility(N)
KS = [0.6, 1.2, 1.8]
W = [0.0, 0.5, 3.0, 9.0]


def test_linearisation_of_the_grad_closure():
    """d_t p = B, d_t B = w0^2 (mu n E / (2 kT_r) - p) - g B: J_u and J_E read off closure.sources."""
    lin = linearised_closure(GradRotational(friction=0.7), PAR, N)
    w0sq = PAR.w0**2
    expected = np.array([[0, 0, 1, 0], [0, 0, 0, 1], [-w0sq, 0, -0.7, 0], [0, -w0sq, 0, -0.7]])
    np.testing.assert_allclose(lin.state, expected, atol=1e-14)
    np.testing.assert_allclose(lin.field, [[0, 0], [0, 0], [w0sq * PAR.mu * N / 2, 0], [0, w0sq * PAR.mu * N / 2]],
                               atol=1e-14)


@pytest.mark.parametrize("closure, chi", [
    (Debye(tau=0.3), lambda w: CHI / (1 - 1j * w * 0.3)),
    (GradRotational(friction=0.7), lambda w: CHI * PAR.w0**2 / (PAR.w0**2 - w**2 - 0.7j * w)),
    (GradRotational(friction=1.1, chi_s=2.5, density=N, w0=5.0), lambda w: 2.5 * 25 / (25 - w**2 - 1.1j * w)),
    (LocalEquilibrium(), lambda w: 0.0 * w),
])
def test_mean_field_is_local_and_equals_the_closed_forms(closure, chi):
    """Kernel 0: eps_L(k, w) = 1 + chi(w) of (4.15) at every k (the mean-field continuum is local)."""
    eps = wavevector_permittivity(closure, PAR, N, KS, W)
    expected = 1 + chi(np.array(W))
    assert np.abs(eps - expected[None, :]).max() < 1e-12 * np.abs(expected).max()


@pytest.mark.parametrize("closure", [Debye(tau=0.3), GradRotational(friction=0.7)])
def test_gaussian_kernel_follows_the_local_field_formula(closure):
    """eps_L(k, w) = 1 + chi(w) / (1 - K(k) chi(w)) (4.26) with K(k) = K0 exp(-(k a)^2 / 2), and (4.26) inverted by
    implied_kernel."""
    kernel = GaussianKernel(0.4, 1.3)
    mean_field = wavevector_permittivity(closure, PAR, N, KS, W)
    eps = wavevector_permittivity(closure, PAR, N, KS, W, correlation=kernel)
    chi = mean_field - 1
    K = np.array([0.4 * math.exp(-0.5 * (k * 1.3) ** 2) for k in KS])[:, None]
    expected = 1 + chi / (1 - K * chi)
    assert np.abs(eps - expected).max() < 1e-12 * np.abs(expected).max()
    assert np.abs(eps[:, 0] - eps[0, 0]).max() > 0.1          # the kernel makes eps_L depend on k
    np.testing.assert_allclose(implied_kernel(1 / eps[:, 0].real, CHI), K[:, 0], rtol=1e-12)


def test_correlation_hole_kernel_is_the_disc_field():
    """(4.28): 1/2 - J1(k a)/(k a) = int_0^{k a} J2(x)/x dx, the principal-value field of the polarisation wave on the
    hole, by quadrature; (k a)^2 / 16 at small k a; 0 at k = 0."""
    from scipy.integrate import quad
    from scipy.special import jv

    hole = CorrelationHoleKernel(1.3)
    for k in (0.2, 1.0, 2.5, 7.0):
        disc, _ = quad(lambda x: jv(2, x) / x, 0.0, k * 1.3, epsabs=1e-13, limit=200)
        assert abs(hole.kernel(k) - disc) < 1e-11
    assert abs(hole.kernel(1e-3) / (1.3e-3) ** 2 - 1 / 16) < 1e-6 and hole.kernel(0.0) == 0.0


def test_zero_kernel_leaves_ideal_rotors_unchanged():
    for closure in (GradRotational(), Debye(tau=0.3)):
        plain = wavevector_permittivity(closure, PAR, N, KS, W)
        zero = wavevector_permittivity(closure, PAR, N, KS, W, correlation=GaussianKernel(0.0, 1.0))
        assert np.abs(zero - plain).max() < 1e-10
        assert abs(plain[0, 0] - (1 + CHI)) < 1e-10


@pytest.mark.parametrize("closure", [Debye(tau=0.3), GradRotational(friction=0.7)])
def test_algebraic_equals_fe_sheet_pairs_at_three_wavevectors(closure):
    """Without translation the FE sheet pair in a box of period 2 pi / k gives (4.26) to round-off (docs/theory.md
    (4.15), (4.27)) at each of three wavevectors."""
    for k in KS:
        check = sheet_pair_check(closure, PAR, N, k, [0.5, 3.0], mesh_n=8)
        assert check.max_relative_difference < 1e-9, (k, check)


def test_translation_adds_only_numerical_diffusion():
    """With translation the FE result approaches the algebraic one (4.27) as h -> 0 (Rusanov diffusion of order c h;
    the sheets make the profiles sharp, so the observed rate on coarse meshes is below 1, docs/validation.md)."""
    closure = GradRotational(friction=0.7)
    errors = [sheet_pair_check(closure, PAR, N, 1.8, [3.0], translation=True, mesh_n=n).max_relative_difference
              for n in (8, 16)]
    assert errors[1] < 0.7 * errors[0] and errors[1] < 0.1


@pytest.mark.mpi
def test_distributed_sheet_pair_check_equals_serial():
    closure = Debye(tau=0.3)
    dist = sheet_pair_check(closure, PAR, N, 1.2, [0.5, 3.0], mesh_n=8, comm=MPI.COMM_WORLD)
    serial = sheet_pair_check(closure, PAR, N, 1.2, [0.5, 3.0], mesh_n=8, comm=MPI.COMM_SELF)
    assert np.abs(dist.fe - serial.fe).max() < 1e-10


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="ks"):
        wavevector_permittivity(Debye(), PAR, N, [0.0], W)
    with pytest.raises(ValueError, match="omegas"):
        wavevector_permittivity(Debye(), PAR, N, KS, [-1.0])
    with pytest.raises(ValueError, match="density"):
        linearised_closure(Debye(), PAR, 0.0)
    with pytest.raises(ValueError, match="amplitude"):
        GaussianKernel(float("inf"), 1.0)

    class Undefined:
        def kernel(self, k):
            return float("nan")

    with pytest.raises(ValueError, match="kernel"):
        wavevector_permittivity(Debye(), PAR, N, KS, W, correlation=Undefined())
    with pytest.raises(ValueError, match="chi_s"):
        implied_kernel(np.array([0.5]), 0.0)
