"""Hamiltonian mean-field (HMF) model on a ring: the 1D long-range system of the kinetic-blocking demo
(docs/theory.md (6.17)-(6.20); Fouvry, "Kinetic blocking and 1/N^2 kinetic theory", slides, WPI 2022).

    H = sum_i p_i^2 / 2 + (1 / 2N) sum_{i,j} (1 - cos(theta_i - theta_j)),
    d theta_i / dt = p_i,   d p_i / dt = -M_x sin theta_i + M_y cos theta_i,   (M_x, M_y) = (1/N) sum_j (cos, sin) theta_j.

Forces cost O(N) through the magnetisation M. Integration: leapfrog (kick-drift-kick), symplectic and
exactly momentum conserving (the forces sum to N (-M_x M_y + M_y M_x) = 0).
Homogeneous states (M = 0) have a 1D homogeneous Balescu-Lenard flux that vanishes identically (local
resonance v' = v): they relax only at order 1/N^2, on ~N^2 dynamical times (kinetic blocking).
Magnetised stationary states F(e) (e = p^2/2 - M cos theta) holding librating and circulating orbits have a
non-monotonic orbital frequency, non-local resonances and 1/N relaxation.

States: waterbag (homogeneous or magnetised water-bag), homogeneous_quartic (smooth non-Maxwellian homogeneous),
polytrope (self-consistent F(e) ~ (e0 - e)_+^n). hmf_ensemble runs independent realisations (MPI-split);
hmf_dielectric is eps_1(omega) of a homogeneous state; balescu_lenard_flux_1d the widened 1D flux.
"""

from collections.abc import Callable

import numpy as np
from numba import njit
from scipy import optimize


@njit(cache=True)
def magnetisation(theta: np.ndarray) -> tuple[float, float]:
    """(M_x, M_y) = (1/N) sum_j (cos theta_j, sin theta_j)."""
    return np.cos(theta).mean(), np.sin(theta).mean()


@njit(cache=True)
def energy_per_particle(theta: np.ndarray, p: np.ndarray) -> float:
    """U = H / N = <p^2>/2 + (1 - M^2)/2."""
    mx, my = magnetisation(theta)
    return 0.5 * (p * p).mean() + 0.5 * (1.0 - mx * mx - my * my)


@njit(cache=True)
def hmf_leapfrog(theta: np.ndarray, p: np.ndarray, dt: float, n_steps: int, every: int) -> np.ndarray:
    """Advance (theta, p) in place by n_steps leapfrog steps (one cos and one sin per particle and step);
    every `every` steps record (|M|, kurtosis <p^4>/<p^2>^2 of the momenta about their mean, U).
    Returns shape (n_steps // every, 3)."""
    n = theta.shape[0]
    out = np.empty((n_steps // every, 3))
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    mx, my = cos_t.mean(), sin_t.mean()
    for step in range(n_steps):
        for i in range(n):
            p[i] += 0.5 * dt * (my * cos_t[i] - mx * sin_t[i])
            theta[i] += dt * p[i]
            cos_t[i], sin_t[i] = np.cos(theta[i]), np.sin(theta[i])
        mx, my = cos_t.mean(), sin_t.mean()
        for i in range(n):
            p[i] += 0.5 * dt * (my * cos_t[i] - mx * sin_t[i])
        if (step + 1) % every == 0:
            q = p - p.mean()
            m2 = (q * q).mean()
            k = (step + 1) // every - 1
            out[k, 0] = np.sqrt(mx * mx + my * my)
            out[k, 1] = (q**4).mean() / (m2 * m2)
            out[k, 2] = 0.5 * (p * p).mean() + 0.5 * (1.0 - mx * mx - my * my)
    return out


def hmf_ensemble(
    sample: Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]],
    n_particles: int,
    n_realisations: int,
    dt: float,
    every: int,
    chunk_steps: int,
    max_steps: int,
    seed: int,
    done: Callable[[np.ndarray], bool] | None = None,
    comm=None,
) -> np.ndarray:
    """Records of hmf_leapfrog for independent realisations, shape (n_realisations, 1 + steps // every, 3)
    (row 0: the initial state), advanced in chunks of chunk_steps until done(records) or max_steps.

    Realisation r starts from sample(N, default_rng([seed, r])), so the result does not depend on the split:
    with an mpi4py communicator rank q runs r = q, q + size, ... and the records are allgathered after every
    chunk (all ranks see the same records and take the same decision)."""
    if chunk_steps % every or max_steps % chunk_steps:
        raise ValueError("chunk_steps must be a multiple of every, and max_steps a multiple of chunk_steps")
    rank, size = (comm.Get_rank(), comm.Get_size()) if comm is not None else (0, 1)
    mine = list(range(rank, n_realisations, size))
    states = [sample(n_particles, np.random.default_rng([seed, r])) for r in mine]
    local = [[initial_record(theta, p)] for theta, p in states]
    steps = 0
    while True:
        for history, (theta, p) in zip(local, states):
            history.append(hmf_leapfrog(theta, p, dt, chunk_steps, every))
        steps += chunk_steps
        blocks = [local] if comm is None else comm.allgather(local)
        records = np.empty((n_realisations, 1 + steps // every, 3))
        for q, block in enumerate(blocks):
            for k, history in enumerate(block):
                records[q + k * size] = np.vstack(history)
        if steps >= max_steps or (done is not None and done(records)):
            return records


def initial_record(theta: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The (|M|, kurtosis, U) record of hmf_leapfrog for the state (theta, p) itself, shape (1, 3)."""
    mx, my = magnetisation(theta)
    q = p - p.mean()
    return np.array([[np.hypot(mx, my), (q**4).mean() / (q * q).mean() ** 2, energy_per_particle(theta, p)]])


def waterbag(n: int, energy: float, magnetisation0: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Water-bag: theta uniform on [-a, a] (|M| = sin(a)/a = magnetisation0, a = pi for 0), p uniform on
    [-p0, p0] with p0 fixed by U = p0^2/6 + (1 - M^2)/2. Momenta shifted to zero total momentum."""
    if magnetisation0 == 0.0:
        a = np.pi
    else:
        grid = np.linspace(1e-6, np.pi, 200_001)
        a = grid[np.argmin(np.abs(np.sin(grid) / grid - magnetisation0))]
    theta = rng.uniform(-a, a, n)
    mx, my = np.cos(theta).mean(), np.sin(theta).mean()
    kinetic = energy - 0.5 * (1.0 - mx * mx - my * my)
    if kinetic <= 0.0:
        raise ValueError("energy below the potential energy of the sampled angles")
    p = rng.uniform(-1.0, 1.0, n)
    p -= p.mean()
    p *= np.sqrt(2.0 * kinetic / (p * p).mean())
    return theta, p


def balescu_lenard_flux_1d(f: np.ndarray, v: np.ndarray, sigma: float, weight: np.ndarray) -> np.ndarray:
    """1D homogeneous Balescu-Lenard flux with the resonance delta(v - v') widened to a Gaussian of width sigma:

        J_sigma(v) = weight(v) int dv' delta_sigma(v - v') (f'(v) f(v') - f(v) f'(v')),

    weight(v) = sum_k |psi_k|^2 / |eps_k(k v)|^2 (any positive function of v alone). At sigma = 0 the bracket
    is evaluated at v' = v and vanishes identically (sigma = 0 is accepted); for sigma > 0, J = weight sigma^2 (f' f'' - f f''')/2 + O(sigma^4).
    Uniform grid v; derivatives by centred differences.
    """
    dv = v[1] - v[0]
    fp = np.gradient(f, dv)
    if sigma == 0.0:  # exact resonance: the bracket f'(v) f(v) - f(v) f'(v)
        return weight * (fp * f - f * fp)
    kernel = np.exp(-0.5 * ((v[:, None] - v[None, :]) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma) * dv
    return weight * (fp * (kernel @ f) - f * (kernel @ fp))


def homogeneous_quartic(n: int, temperature: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Smooth non-Maxwellian homogeneous state: theta uniform, f(p) ~ exp(-p^4 / (4 s^4)) (kurtosis
    Gamma(1/4) Gamma(5/4) / Gamma(3/4)^2 = 2.19) with <p^2> = temperature; zero total momentum.
    Vlasov stable for temperature > 0.2285 (eps(omega = 0) = 1 - 0.2285 / temperature > 0)."""
    if temperature <= 0.0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    p = rng.choice([-1.0, 1.0], n) * (4.0 * rng.gamma(0.25, 1.0, n)) ** 0.25  # |p|^4 / 4 ~ Gamma(1/4)
    p -= p.mean()
    p *= np.sqrt(temperature / (p * p).mean())
    return rng.uniform(-np.pi, np.pi, n), p


def polytrope_level(magnetisation0: float, index: float) -> float:
    """e0 of the self-consistent stationary state F(e) ~ (e0 - e)_+^index, e = p^2/2 - M cos theta, whose
    density rho(theta) ~ (e0 + M cos theta)_+^(index + 1/2) has <cos theta> = M = magnetisation0."""
    if not 0.0 < magnetisation0 < 1.0:
        raise ValueError(f"magnetisation0 must lie in (0, 1), got {magnetisation0}")
    theta = np.linspace(-np.pi, np.pi, 20_001)

    def mismatch(e0: float) -> float:
        rho = np.maximum(e0 + magnetisation0 * np.cos(theta), 0.0) ** (index + 0.5)
        return (rho * np.cos(theta)).sum() / rho.sum() - magnetisation0

    return float(optimize.brentq(mismatch, -magnetisation0 + 1e-9, 1e3))


def polytrope(n: int, magnetisation0: float, index: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sample the stationary magnetised Vlasov state F(e) ~ (e0 - e)_+^index (polytrope_level); for
    e0 > M it holds librating and circulating orbits (non-monotonic orbital frequency). Zero total momentum."""
    e0 = polytrope_level(magnetisation0, index)
    theta = np.empty(0)
    while len(theta) < n:
        trial = rng.uniform(-np.pi, np.pi, 2 * n)
        accept = rng.random(2 * n) < (np.maximum(e0 + magnetisation0 * np.cos(trial), 0.0) / (e0 + magnetisation0)) ** (index + 0.5)
        theta = np.concatenate((theta, trial[accept]))
    theta = theta[:n]
    s = np.sqrt(rng.beta(0.5, index + 1.0, n)) * rng.choice([-1.0, 1.0], n)  # density ~ (1 - s^2)^index
    p = s * np.sqrt(2.0 * (e0 + magnetisation0 * np.cos(theta)))
    return theta, p - p.mean()


def hmf_dielectric(f: np.ndarray, v: np.ndarray) -> np.ndarray:
    """eps_1(omega = v) of the homogeneous HMF state f(v) (normalised to 1) on the uniform grid v:

        eps_1(omega) = 1 - (1/2) chi(omega),   chi(omega) = int f'(u) / (omega - u - i0) du = pi H[f'] + i pi f',

    (attractive cos interaction, |psi_1| = 1/2; eps_1(0) = 1 - 1/(2T) for a Maxwellian). Hilbert transform by
    zero-padded FFT; eps_{-1}(-omega) = conj(eps_1(omega))."""
    dv = v[1] - v[0]
    fp = np.gradient(f, dv)
    pad = 8 * len(v)
    wavenumber = np.fft.fftfreq(pad, dv)
    hilbert = np.fft.ifft(-1j * np.sign(wavenumber) * np.fft.fft(fp, n=pad)).real[: len(v)]
    return 1.0 - 0.5 * np.pi * (hilbert + 1j * fp)


def magnetisation_fluctuation(f: np.ndarray, v: np.ndarray) -> float:
    """N <|M|^2> of a stable homogeneous state (1/N Balescu-Lenard fluctuation theory, dressed Poisson noise):

        N <|M|^2> = int f(omega) / |eps_1(omega)|^2 d omega   (= 1 / eps_1(0) = 1 / (1 - 1/(2T)) for a Maxwellian)."""
    return float((f / np.abs(hmf_dielectric(f, v)) ** 2).sum() * (v[1] - v[0]))
