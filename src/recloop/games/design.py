"""Mechanism design: the smallest lever setting that makes compliance an equilibrium.

A *lever* is one number a policy chooses: a detection probability, a sanction, a capability
threshold. :func:`minimal_lever` takes a callable ``payoffs(lever_value)`` that returns the game
at that setting, either a :class:`~recloop.games.payoffs.PayoffTable` or a pair
``(values, standard_errors)`` (``values`` of shape ``strategies... x players``, standard errors
of the same shape or ``None``), so a closed-form model and the simulation engine plug in alike.

The answer carries its uncertainty: the margin by which the target profile is an equilibrium
is estimated with a standard error, and the lever is found three times, for the margin at its
estimate and at plus and minus ``z`` standard errors. The search scans a grid, then bisects
inside the first bracket where the criterion starts to hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from recloop.games.equilibria import nash_margin
from recloop.games.payoffs import PayoffTable

__all__ = ["LeverResult", "as_table", "ess_margin", "minimal_lever"]


def as_table(result, strategies: Sequence[Sequence[str]] | None = None) -> PayoffTable:
    """A :class:`PayoffTable` from what a ``payoffs(lever)`` callable returned."""
    if isinstance(result, PayoffTable):
        return result
    values, se = result
    values = np.asarray(values, dtype=float)
    if strategies is None:
        strategies = [tuple(f"s{i}" for i in range(k)) for k in values.shape[:-1]]
    return PayoffTable(tuple(map(tuple, strategies)), values, None if se is None else np.asarray(se, float))


def ess_margin(table: PayoffTable, strategy: str, *, z: float = 0.0) -> tuple[float, float]:
    """By how much ``strategy`` is a strict symmetric equilibrium (hence evolutionarily stable):
    min over mutants j of A[i, i] - A[j, i] (minimising ``margin - z * se``), with its error."""
    if not table.is_symmetric:
        raise ValueError("evolutionary stability needs a symmetric two-player table")
    i = table.strategies[0].index(strategy)
    best = (np.inf, 0.0)
    for j in range(len(table.strategies[0])):
        if j == i:
            continue
        gain, se = table.deviation_gain((i, i), 0, j)
        if -gain - z * se < best[0] - z * best[1]:
            best = (-gain, se)
    return float(best[0]), float(best[1])


@dataclass(frozen=True)
class LeverResult:
    """Smallest lever value at which the target holds: at the estimate, and its range."""

    value: float | None  # at the point estimate of the margin (None: never holds in range)
    low: float | None  # if the margin is z standard errors better than estimated
    high: float | None  # if it is z standard errors worse (the cautious answer)
    grid: np.ndarray
    margin: np.ndarray
    se: np.ndarray
    z: float

    def to_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high, "z": self.z,
                "grid": self.grid.tolist(), "margin": self.margin.tolist(), "se": self.se.tolist()}


def _first_crossing(f: Callable[[float], float], grid: np.ndarray, vals: np.ndarray, tol: float) -> float | None:
    ok = vals >= 0
    if not ok.any():
        return None
    k = int(np.argmax(ok))
    if k == 0:
        return float(grid[0])
    lo, hi = float(grid[k - 1]), float(grid[k])
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if f(mid) >= 0:
            hi = mid
        else:
            lo = mid
    return hi


def minimal_lever(
    payoffs: Callable[[float], PayoffTable | tuple[np.ndarray, np.ndarray | None]],
    target: Sequence[str],
    *,
    lo: float,
    hi: float,
    criterion: str = "nash",
    points: int = 41,
    z: float = 2.0,
    tol: float = 1e-6,
    strategies: Sequence[Sequence[str]] | None = None,
) -> LeverResult:
    """Smallest lever in ``[lo, hi]`` at which ``target`` is an equilibrium.

    ``criterion``: ``"nash"`` (the pure profile ``target`` is a Nash equilibrium) or ``"ess"``
    (for symmetric two-player games: ``target[0]`` is a strict symmetric equilibrium, hence
    evolutionarily stable). The margin is assumed to cross zero once; the scan over ``points``
    grid values reports the margin everywhere so a non-monotone case is visible.
    """
    if not hi > lo:
        raise ValueError(f"need lo < hi, got [{lo}, {hi}]")

    def margin(x: float, zz: float = 0.0) -> tuple[float, float]:
        table = as_table(payoffs(float(x)), strategies)
        if criterion == "nash":
            m = nash_margin(table, tuple(target), z=zz)
            return m.value, m.se
        if criterion == "ess":
            return ess_margin(table, target[0], z=zz)
        raise ValueError(f"criterion must be nash or ess, got {criterion!r}")

    def shifted(zz: float) -> Callable[[float], float]:
        def f(x: float) -> float:
            v, s = margin(x, zz)
            return v - zz * s
        return f

    grid = np.linspace(lo, hi, points)
    ms = np.array([margin(x) for x in grid])
    m, se = ms[:, 0], ms[:, 1]
    point = _first_crossing(shifted(0.0), grid, m, tol)
    low = _first_crossing(shifted(-z), grid, np.array([shifted(-z)(x) for x in grid]), tol)
    high = _first_crossing(shifted(z), grid, np.array([shifted(z)(x) for x in grid]), tol)
    return LeverResult(point, low, high, grid, m, se, z)
