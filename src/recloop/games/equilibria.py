"""Equilibria of payoff tables: pure and mixed Nash equilibria, dominance, welfare, and
repeated play with imperfect monitoring.

Pure equilibria are found for any number of players by checking every unilateral deviation.
Mixed equilibria of two-player games use nashpy (MIT licence): support enumeration, which
finds every equilibrium of a nondegenerate game, and Lemke-Howson from every starting label as
a cross-check. Payoffs estimated by Monte Carlo carry standard errors; :func:`nash_margin` says
by how much, and with what error, a profile is (or is not) an equilibrium.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recloop.games.payoffs import PayoffTable

__all__ = [
    "Equilibrium",
    "Margin",
    "best_responses",
    "dominated",
    "iterated_elimination",
    "mixed_nash",
    "nash_margin",
    "pure_nash",
    "repeated_with_monitoring",
    "social_optimum",
    "welfare_report",
]


@dataclass(frozen=True)
class Equilibrium:
    """A (possibly mixed) equilibrium: one probability vector per player, and its payoffs."""

    strategies: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    pure: bool

    def describe(self, table: PayoffTable) -> dict:
        out = {"pure": self.pure, "payoffs": [float(v) for v in self.payoffs],
               "welfare": float(self.payoffs.sum())}
        out["play"] = [
            {name: float(p) for name, p in zip(names, probs) if p > 1e-12}
            for names, probs in zip(table.strategies, self.strategies)
        ]
        return out


@dataclass(frozen=True)
class Margin:
    """How strongly a pure profile is an equilibrium.

    ``value`` is the smallest loss any player incurs by deviating unilaterally (negative: some
    deviation gains, so the profile is not an equilibrium); ``se`` its standard error;
    ``player`` and ``deviation`` name the tightest deviation.
    """

    value: float
    se: float
    player: int
    deviation: int

    def holds(self, z: float = 0.0) -> bool:
        """Equilibrium at ``z`` standard errors of confidence (``z=0``: at the point estimate)."""
        return self.value - z * self.se >= 0.0


def _expected(table: PayoffTable, mixes: Sequence[np.ndarray]) -> np.ndarray:
    v = table.values
    for x in mixes:
        v = np.tensordot(x, v, axes=([0], [0]))
    return v


def best_responses(table: PayoffTable, profile: Sequence[int], player: int, *, tol: float = 1e-9) -> list[int]:
    """Indices of ``player``'s best responses to the others' pure strategies in ``profile``."""
    idx = list(profile)
    row = []
    for k in range(len(table.strategies[player])):
        idx[player] = k
        row.append(table.values[tuple(idx) + (player,)])
    payoffs = np.asarray(row)
    return [int(k) for k in np.flatnonzero(payoffs >= payoffs.max() - tol)]


def nash_margin(table: PayoffTable, profile: Sequence[int] | Sequence[str], *, z: float = 0.0) -> Margin:
    """The smallest deviation loss at a pure profile, with its (paired, if available) standard error.

    With ``z`` the tightest deviation is the one with the smallest ``loss - z * se`` (a
    deviation that is barely unprofitable but uncertain can bind before an exact tie).
    """
    if profile and isinstance(profile[0], str):
        profile = table.index(profile)  # type: ignore[arg-type]
    profile = tuple(int(i) for i in profile)
    best = None
    for p in range(table.n_players):
        for k in range(len(table.strategies[p])):
            if k == profile[p]:
                continue
            gain, se = table.deviation_gain(profile, p, k)
            m = Margin(-gain, se, p, k)
            if best is None or m.value - z * m.se < best.value - z * best.se:
                best = m
    if best is None:  # every player has a single strategy
        return Margin(float("inf"), 0.0, -1, -1)
    return best


def pure_nash(table: PayoffTable, *, tol: float = 1e-9) -> list[Equilibrium]:
    """Every pure-strategy Nash equilibrium (weak ones included, within ``tol``)."""
    out = []
    for idx in table.profiles():
        if nash_margin(table, idx).value >= -tol:
            strategies = tuple(np.eye(len(s))[i] for s, i in zip(table.strategies, idx))
            out.append(Equilibrium(strategies, table.values[idx].copy(), True))
    return out


def mixed_nash(table: PayoffTable, *, method: str = "support", tol: float = 1e-9) -> list[Equilibrium]:
    """Nash equilibria, mixed ones included, of a two-player table (nashpy).

    ``method``: ``"support"`` (support enumeration: all equilibria of a nondegenerate game),
    ``"vertex"`` (vertex enumeration) or ``"lemke_howson"`` (one equilibrium per starting
    label, duplicates removed: fast, but may miss equilibria). Equilibria are de-duplicated.
    """
    import nashpy as nash

    a, b = table.matrices()
    game = nash.Game(a, b)
    with warnings.catch_warnings():
        # nashpy warns about degenerate games; the caller gets every equilibrium it finds
        warnings.simplefilter("ignore")
        if method == "support":
            found = list(game.support_enumeration(tol=tol))
        elif method == "vertex":
            found = list(game.vertex_enumeration())
        elif method == "lemke_howson":
            found = []
            for label in range(sum(a.shape)):
                try:
                    found.append(game.lemke_howson(initial_dropped_label=label))
                except Exception:  # nashpy can fail to pivot on degenerate games  # noqa: BLE001
                    continue
        else:
            raise ValueError(f"method must be support, vertex or lemke_howson, got {method!r}")
    out: list[Equilibrium] = []
    for x, y in found:
        x, y = np.clip(np.asarray(x, float), 0, None), np.clip(np.asarray(y, float), 0, None)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))) or x.sum() <= 0 or y.sum() <= 0:
            continue
        x, y = x / x.sum(), y / y.sum()
        if any(np.allclose(x, e.strategies[0], atol=1e-7) and np.allclose(y, e.strategies[1], atol=1e-7)
               for e in out):
            continue
        pure = bool(np.isclose(x.max(), 1.0) and np.isclose(y.max(), 1.0))
        out.append(Equilibrium((x, y), _expected(table, (x, y)), pure))
    return out


def dominated(table: PayoffTable, player: int, *, strict: bool = True, tol: float = 1e-12) -> list[int]:
    """Indices of ``player``'s strategies dominated by another pure strategy of ``player``."""
    v = np.moveaxis(table.values[..., player], player, 0)
    k = v.shape[0]
    flat = v.reshape(k, -1)
    out = []
    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            diff = flat[j] - flat[i]
            if strict and np.all(diff > tol):
                out.append(i)
                break
            if not strict and np.all(diff >= -tol) and np.any(diff > tol):
                out.append(i)
                break
    return out


def iterated_elimination(table: PayoffTable, *, strict: bool = True) -> PayoffTable:
    """The table left after iteratively removing dominated pure strategies."""
    current = table
    while True:
        removed = False
        for p in range(current.n_players):
            bad = dominated(current, p, strict=strict)
            if bad and len(bad) < len(current.strategies[p]):
                keep = [i for i in range(len(current.strategies[p])) if i not in bad]
                values = np.take(current.values, keep, axis=p)
                se = None if current.se is None else np.take(current.se, keep, axis=p)
                samples = None if current.samples is None else np.take(current.samples, keep, axis=p)
                strategies = list(current.strategies)
                strategies[p] = tuple(strategies[p][i] for i in keep)
                current = PayoffTable(tuple(strategies), values, se, samples, current.players)
                removed = True
        if not removed:
            return current


def social_optimum(table: PayoffTable) -> tuple[tuple[str, ...], float]:
    """The pure profile with the largest utilitarian welfare, and that welfare."""
    w = table.welfare()
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(w)), w.shape))
    return table.names(idx), float(w[idx])


def welfare_report(table: PayoffTable, equilibria: Sequence[Equilibrium]) -> dict:
    """Each equilibrium's welfare against the social optimum (ratio and shortfall)."""
    best_profile, best = social_optimum(table)
    rows = []
    for e in equilibria:
        w = float(e.payoffs.sum())
        rows.append({**e.describe(table), "shortfall": best - w,
                     "ratio_to_optimum": w / best if best > 0 else None})
    return {"social_optimum": {"profile": list(best_profile), "welfare": best}, "equilibria": rows}


def repeated_with_monitoring(
    stage: PayoffTable,
    *,
    cooperate: str,
    punish: str,
    detection: float,
    discount: float,
    name: str = "conditional",
) -> PayoffTable:
    """The infinitely repeated stage game with a conditional (trigger) strategy added.

    Each player may play any stage strategy forever, or ``name``: play ``cooperate`` until the
    co-player is *detected* playing anything else (each period a deviation is seen with
    probability ``detection``, independently), then play ``punish`` forever. Payoffs are the
    normalised discounted sums, ``(1 - discount) * sum_t discount**t * u_t``, in closed form:
    against an undetected deviator the conditional player keeps cooperating with weight
    ``w = (1 - d) / (1 - d (1 - q))`` (the discounted share of time before detection), and
    punishes with weight ``1 - w``. Two-player stage games; both players must have
    ``cooperate`` and ``punish``.
    """
    if stage.n_players != 2:
        raise ValueError("repeated_with_monitoring needs a two-player stage game")
    if not 0.0 <= detection <= 1.0:
        raise ValueError(f"detection must be in [0, 1], got {detection}")
    if not 0.0 <= discount < 1.0:
        raise ValueError(f"discount must be in [0, 1), got {discount}")
    w = (1.0 - discount) / (1.0 - discount * (1.0 - detection))
    names = [tuple(s) + (name,) for s in stage.strategies]
    ci = [stage.strategies[p].index(cooperate) for p in range(2)]
    pi = [stage.strategies[p].index(punish) for p in range(2)]
    k = [len(s) for s in names]
    values = np.empty((k[0], k[1], 2))
    se = None if stage.se is None else np.empty_like(values)
    samples: np.ndarray | None = None
    if stage.samples is not None:
        samples = np.empty((k[0], k[1]) + stage.samples.shape[2:])
        se = np.empty_like(values)
    stage_samples, stage_se = stage.samples, stage.se

    cond = k[0] - 1
    for i in range(k[0]):
        for j in range(k[1]):
            # (weight, row stage strategy, column stage strategy): phases of the repeated play
            if i != cond and j != cond:
                phases = [(1.0, i, j)]
            elif i == cond and j == cond:
                phases = [(1.0, ci[0], ci[1])]
            elif i == cond:
                phases = [(1.0, ci[0], j)] if j == ci[1] else [(w, ci[0], j), (1.0 - w, pi[0], j)]
            else:
                phases = [(1.0, i, ci[1])] if i == ci[0] else [(w, i, ci[1]), (1.0 - w, i, pi[1])]
            values[i, j] = sum(wt * stage.values[a, b] for wt, a, b in phases)
            if samples is not None and stage_samples is not None and se is not None:
                # the phases are played in the same sampled worlds: combine sample by sample
                samples[i, j] = sum(wt * stage_samples[a, b] for wt, a, b in phases)
                se[i, j] = samples[i, j].std(axis=0, ddof=1) / np.sqrt(samples.shape[2])
            elif se is not None and stage_se is not None:
                # without samples, errors of the phases add linearly (an upper bound)
                se[i, j] = sum(wt * stage_se[a, b] for wt, a, b in phases)
    return PayoffTable(tuple(names), values, se, samples=samples, players=stage.players)
