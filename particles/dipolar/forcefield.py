"""Composition of energy terms (docs/theory.md §2 (2.18)): U = sum of terms, F_i = -dU/dx_i, tau_i = -dU/dtheta_i.

A term is a callable ``term(x, theta, t, pairs) -> Contribution`` with an attribute ``r_cut`` (0.0 when it
needs no pairs). ``ForceField`` builds one cell-list pair list at the largest cutoff and sums the terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from hydrobridge.particles.dipolar.space import Pairs, neighbor_pairs


@dataclass(frozen=True)
class Contribution:
    """Energy U, forces F (N, 2) = -dU/dx and torques tau (N,) = -dU/dtheta of one term."""

    energy: float
    force: np.ndarray
    torque: np.ndarray


class Term(Protocol):
    """One additive part of the potential energy."""

    r_cut: float

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float, pairs: Pairs | None) -> Contribution: ...


@dataclass(frozen=True)
class ForceField:
    """Sum of terms in a periodic box; an empty term list is the ideal (non-interacting) system."""

    terms: tuple[Term, ...]
    box: np.ndarray

    def __call__(self, x: np.ndarray, theta: np.ndarray, t: float) -> Contribution:
        n = theta.shape[0]
        r_cut = max((term.r_cut for term in self.terms), default=0.0)
        pairs = neighbor_pairs(x, self.box, r_cut) if r_cut > 0.0 else None
        energy, force, torque = 0.0, np.zeros((n, 2)), np.zeros(n)
        for term in self.terms:
            c = term(x, theta, t, pairs)
            energy += c.energy
            force += c.force
            torque += c.torque
        return Contribution(energy, force, torque)


def force_field(terms: Sequence[Term], box: np.ndarray) -> ForceField:
    """ForceField from any sequence of terms."""
    return ForceField(tuple(terms), np.asarray(box, dtype=np.float64))
