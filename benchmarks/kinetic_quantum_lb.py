"""Semi-classical limit of the quantum Lenard-Balescu operator (docs/theory.md (6.12)-(6.15):
Le Bihan's eqs. 1.10-1.12 -> 1.17-1.19, arXiv:2501.06544).

    python benchmarks/kinetic_quantum_lb.py          (~1 min on one core)

Prints, for the bi-Maxwellian T_x = 1.5, T_y = 0.5 and V(k) = 1 / (|k|^2 + 1):
* max |chi_hbar - chi_0| of the screening susceptibility (eq. 1.12 vs 1.19) and its order in hbar;
* the anisotropy relaxation rate nu_hbar of (1.11) without (eps = 1) and with dynamical screening, divided by the
  classical Lenard-Balescu rate nu_0 of (1.18) with the same screening; the ratio tends to 1/2 (the paper's
  normalisation, quantum_lb.py) and the gap 1/2 - nu_hbar / nu_0 is fitted to C hbar^p.
"""

import numpy as np

from hydrobridge.particles.kinetic.lenard_balescu import ScreenedPotential
from hydrobridge.particles.kinetic.quantum_screening import (
    chi_classical,
    chi_quantum,
    screened_classical_rate,
    screened_quantum_rate,
)

POTENTIAL = ScreenedPotential(1.0, 1.0)
TX, TY = 1.5, 0.5
HBARS = np.array([0.5, 0.25, 0.125, 0.0625])


def main() -> None:
    w = np.linspace(-4.0, 4.0, 81)
    chi_errors = np.array([np.abs(chi_quantum(w, h / 2, 1.0) - chi_classical(w, 1.0)).max() for h in HBARS])
    print("susceptibility (T = 1): hbar, max |chi_hbar - chi_0|")
    for h, e in zip(HBARS, chi_errors):
        print(f"  {h:7.4f}  {e:.3e}")
    print(f"  order: {np.polyfit(np.log(HBARS), np.log(chi_errors), 1)[0]:.2f}")
    for screening in (False, True):
        classical = screened_classical_rate(POTENTIAL, TX, TY, screening=screening)
        ratios = np.array([screened_quantum_rate(POTENTIAL, h, TX, TY, screening=screening) / classical for h in HBARS])
        gaps = 0.5 - ratios
        label = "dynamically screened" if screening else "unscreened (eps = 1)"
        print(f"\n{label}: nu_0 = {classical:.5f};  hbar, nu_hbar / nu_0, 1/2 - ratio")
        for h, r, g in zip(HBARS, ratios, gaps):
            print(f"  {h:7.4f}  {r:.4f}  {g:.4f}")
        print(f"  gap order in hbar (last three): {np.polyfit(np.log(HBARS[1:]), np.log(gaps[1:]), 1)[0]:.2f}")


if __name__ == "__main__":
    main()
