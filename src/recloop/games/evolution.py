"""Evolutionary dynamics of symmetric two-player games, written in the project.

* Replicator dynamics in an infinite population, x_i' = x_i ((A x)_i - x.A x), and
  evolutionary stability (Maynard Smith's conditions).
* Finite populations of size Z with pairwise imitation under the Fermi rule: a randomly chosen
  individual A imitates B with probability 1 / (1 + exp(-beta (f_B - f_A))), beta the intensity
  of selection (Traulsen, Nowak & Pacheco 2006, Phys Rev E 74:011909). In the limit of rare
  mutations the population is almost always monomorphic, and the dynamics reduce to a Markov
  chain over the monomorphic states with transition rates given by fixation probabilities
  (Fudenberg & Imhof 2006, J Econ Theory 131:251; Imhof, Fudenberg & Nowak 2005, PNAS 102:10797).
  This is the method of Han et al. 2020 (JAIR 69), section 3.

Fitness in a population of k players of strategy B and Z - k of strategy A excludes
self-interaction: f_B(k) = ((k - 1) A[B, B] + (Z - k) A[B, A]) / (Z - 1).

egttools (GPL) implements the same quantities; it is used only by an optional cross-check test,
never imported here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate

__all__ = [
    "SmallMutation",
    "birth_death_stationary",
    "fixation_probability",
    "is_ess",
    "replicator",
    "replicator_field",
    "small_mutation_limit",
]


def _matrix(a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"a symmetric game needs a square payoff matrix, got shape {a.shape}")
    return a


def replicator_field(a, x: np.ndarray) -> np.ndarray:
    """The replicator vector field at population state(s) ``x`` (last axis: strategies)."""
    a = _matrix(a)
    x = np.asarray(x, dtype=float)
    fitness = x @ a.T
    mean = np.sum(x * fitness, axis=-1, keepdims=True)
    return x * (fitness - mean)


def replicator(a, x0, t, *, rtol: float = 1e-9, atol: float = 1e-12) -> np.ndarray:
    """Trajectory of the replicator dynamics from ``x0`` at times ``t`` (shape ``(len(t), k)``)."""
    a = _matrix(a)
    x0 = np.asarray(x0, dtype=float)
    if x0.shape != (a.shape[0],) or np.any(x0 < 0) or not np.isclose(x0.sum(), 1.0):
        raise ValueError("x0 must be a probability vector over the strategies")
    t = np.asarray(t, dtype=float)
    sol = integrate.solve_ivp(lambda _t, x: replicator_field(a, x), (t[0], t[-1]), x0, t_eval=t,
                              rtol=rtol, atol=atol, method="LSODA")
    if not sol.success:  # pragma: no cover - LSODA on a polynomial field
        raise RuntimeError(sol.message)
    x = np.clip(sol.y.T, 0.0, None)
    return x / x.sum(axis=1, keepdims=True)


def is_ess(a, i: int, *, tol: float = 1e-12) -> bool:
    """Whether pure strategy ``i`` is evolutionarily stable (against every pure mutant).

    Maynard Smith: for every j != i, A[i, i] > A[j, i], or A[i, i] == A[j, i] and A[i, j] > A[j, j].
    """
    a = _matrix(a)
    for j in range(a.shape[0]):
        if j == i:
            continue
        if a[i, i] > a[j, i] + tol:
            continue
        if abs(a[i, i] - a[j, i]) <= tol and a[i, j] > a[j, j] + tol:
            continue
        return False
    return True


def _fitness_difference(a: np.ndarray, resident: int, mutant: int, z: int) -> np.ndarray:
    """f_mutant(k) - f_resident(k) for k = 1 .. Z-1 mutants."""
    k = np.arange(1, z)
    f_mut = ((k - 1) * a[mutant, mutant] + (z - k) * a[mutant, resident]) / (z - 1)
    f_res = (k * a[resident, mutant] + (z - k - 1) * a[resident, resident]) / (z - 1)
    return f_mut - f_res


def fixation_probability(a, resident: int, mutant: int, *, population: int, beta: float) -> float:
    """Probability that one ``mutant`` takes over a population of ``resident`` (Fermi imitation).

    rho = 1 / (1 + sum_{i=1}^{Z-1} prod_{k=1}^{i} T-(k)/T+(k)), with T-(k)/T+(k) =
    exp(-beta (f_mutant(k) - f_resident(k))) under the Fermi rule. Evaluated in log space so
    that strong selection (large beta times payoff gaps) neither overflows nor underflows.
    """
    a = _matrix(a)
    z = int(population)
    if z < 2:
        raise ValueError(f"population must be >= 2, got {population}")
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    log_terms = np.cumsum(-beta * _fitness_difference(a, resident, mutant, z))
    # log(1 + sum exp(log_terms)) with the largest term factored out
    all_terms = np.concatenate([[0.0], log_terms])
    m = all_terms.max()
    return float(np.exp(-(m + np.log(np.exp(all_terms - m).sum()))))


@dataclass(frozen=True)
class SmallMutation:
    """The small-mutation limit: fixation matrix, transition matrix and stationary distribution."""

    fixation: np.ndarray  # fixation[i, j]: one j-mutant fixes in a population of i
    transition: np.ndarray  # embedded Markov chain over monomorphic states
    stationary: np.ndarray  # long-run share of time in each monomorphic state


def _gth_stationary(t: np.ndarray) -> np.ndarray:
    """Stationary distribution of a row-stochastic matrix (Grassmann, Taksar & Heyman 1985).

    States are reordered so that the one hardest to leave comes first: its mass is the reference
    1 and every other mass is a ratio below it, so nothing overflows under strong selection.
    """
    t = np.asarray(t, dtype=float)
    exit_rate = t.sum(axis=1) - np.diag(t)
    order = np.argsort(exit_rate, kind="stable")
    p = t[np.ix_(order, order)].copy()
    n = p.shape[0]
    for k in range(n - 1, 0, -1):
        s = p[k, :k].sum()
        if s <= 0:  # state k cannot be left towards lower states: it is absorbing from below
            s = np.finfo(float).tiny
        p[:k, k] /= s
        p[:k, :k] += np.outer(p[:k, k], p[k, :k])
    pi = np.zeros(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ p[:k, k]
    out = np.empty(n)
    out[order] = pi / pi.sum()
    return out


def small_mutation_limit(a, *, population: int, beta: float) -> SmallMutation:
    """Stationary distribution over monomorphic states in the limit of rare mutations.

    A mutant of each other strategy arises with equal probability; the chain moves from i to j
    with probability fixation[i, j] / (k - 1) and stays otherwise. The stationary distribution is
    the normalised left eigenvector of the transition matrix for eigenvalue 1, computed by the
    Grassmann-Taksar-Heyman elimination, which uses no subtractions and so keeps full relative
    precision even when some fixation probabilities are ~1e-300.
    """
    a = _matrix(a)
    k = a.shape[0]
    fix = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i != j:
                fix[i, j] = fixation_probability(a, i, j, population=population, beta=beta)
    t = fix / (k - 1)
    t[np.diag_indices(k)] = 1.0 - t.sum(axis=1)
    pi = _gth_stationary(t)
    return SmallMutation(fix, t, pi / pi.sum())


def birth_death_stationary(a, *, population: int, beta: float, mutation: float) -> np.ndarray:
    """Exact stationary distribution of the number of strategy-1 players in a two-strategy game
    with Fermi imitation and mutation probability ``mutation`` (a birth-death chain on 0..Z).

    Used to check the small-mutation limit: as ``mutation -> 0`` the mass at the two monomorphic
    states tends to the small-mutation stationary distribution.
    """
    a = _matrix(a)
    if a.shape != (2, 2):
        raise ValueError("birth_death_stationary needs a 2x2 game")
    z = int(population)
    k = np.arange(z + 1)  # number of strategy-1 players
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(k > 0, ((k - 1) * a[1, 1] + (z - k) * a[1, 0]) / (z - 1), 0.0)
        f0 = np.where(k < z, (k * a[0, 1] + (z - k - 1) * a[0, 0]) / (z - 1), 0.0)
    imitate_1 = 1.0 / (1.0 + np.exp(-beta * (f1 - f0)))  # a 0-player copies a 1-player
    imitate_0 = 1.0 / (1.0 + np.exp(-beta * (f0 - f1)))
    frac1, frac0 = k / z, (z - k) / z
    up = (1 - mutation) * frac0 * (k / (z - 1)) * imitate_1 * (z > 1) + mutation * frac0
    down = (1 - mutation) * frac1 * ((z - k) / (z - 1)) * imitate_0 + mutation * frac1
    # detailed balance of a birth-death chain: pi[k+1] / pi[k] = up[k] / down[k+1]
    log_ratio = np.log(up[:-1]) - np.log(down[1:])
    log_pi = np.concatenate([[0.0], np.cumsum(log_ratio)])
    pi = np.exp(log_pi - log_pi.max())
    return pi / pi.sum()
