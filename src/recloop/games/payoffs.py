"""Payoff tables of normal-form games, and where they come from.

A :class:`PayoffTable` holds, for every strategy profile, each player's expected payoff and
(when the payoffs were estimated by Monte Carlo) its standard error. Every analysis in
:mod:`recloop.games` (equilibria, dynamics, mechanism design) reads a table and nothing else,
so a closed-form model (:mod:`recloop.games.halt`, :mod:`recloop.games.han2020`) and the
simulation engine can feed the same functions.

A payoff *source* is anything that builds a table: :class:`PayoffSource` is the extension
point. :func:`estimate_table` turns a per-profile simulator into a table on common random
numbers: every profile is simulated with the same seed, so the sampled worlds are the same and
the difference between two profiles' payoffs has a much smaller error than either payoff.
"""

from __future__ import annotations

import abc
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "CallablePayoffSource",
    "PayoffSource",
    "PayoffTable",
    "estimate_table",
    "normalise_seed",
]


def normalise_seed(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """One place where a user's seed becomes a :class:`numpy.random.SeedSequence` (0 is a seed)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(seed)


@dataclass(frozen=True)
class PayoffTable:
    """Expected payoffs of every pure strategy profile of an n-player game.

    ``values[i1, ..., in, p]`` is player p's expected payoff when player k plays its strategy
    ``ik``; ``se`` (same shape, or ``None`` for exact payoffs) is its Monte Carlo standard error.
    ``samples`` (optional, shape ``values.shape[:-1] + (n_samples, n_players)``) keeps the
    per-sample payoffs of a common-random-numbers estimate, so that the error of a payoff
    *difference* (a deviation gain) can be computed on paired samples.
    """

    strategies: tuple[tuple[str, ...], ...]
    values: np.ndarray
    se: np.ndarray | None = None
    samples: np.ndarray | None = field(default=None, repr=False)
    players: tuple[str, ...] = ()

    def __post_init__(self):
        values = np.asarray(self.values, dtype=float)
        shape = tuple(len(s) for s in self.strategies) + (len(self.strategies),)
        if values.shape != shape:
            raise ValueError(f"payoff values have shape {values.shape}, strategies imply {shape}")
        if not np.all(np.isfinite(values)):
            raise ValueError("payoff values must be finite")
        object.__setattr__(self, "values", values)
        if self.se is not None:
            se = np.asarray(self.se, dtype=float)
            if se.shape != shape:
                raise ValueError(f"standard errors have shape {se.shape}, expected {shape}")
            object.__setattr__(self, "se", se)
        players = self.players or tuple(f"player{i + 1}" for i in range(len(self.strategies)))
        if len(players) != len(self.strategies):
            raise ValueError("one name per player")
        object.__setattr__(self, "players", tuple(players))
        object.__setattr__(self, "strategies", tuple(tuple(s) for s in self.strategies))

    # ----------------------------------------------------------------- constructors

    @classmethod
    def bimatrix(cls, a, b, strategies: Sequence[Sequence[str]] | None = None, *, se_a=None,
                 se_b=None, players: tuple[str, ...] = ()) -> PayoffTable:
        """A two-player table from the row player's matrix ``a`` and the column player's ``b``."""
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if strategies is None:
            strategies = ([f"r{i}" for i in range(a.shape[0])], [f"c{j}" for j in range(a.shape[1])])
        se = None
        if se_a is not None or se_b is not None:
            se = np.stack([np.zeros_like(a) if se_a is None else np.asarray(se_a, float),
                           np.zeros_like(b) if se_b is None else np.asarray(se_b, float)], axis=-1)
        return cls(tuple(map(tuple, strategies)), np.stack([a, b], axis=-1), se, players=players)

    @classmethod
    def symmetric(cls, a, strategies: Sequence[str] | None = None, *, se=None,
                  players: tuple[str, ...] = ()) -> PayoffTable:
        """A symmetric two-player game: ``a[i, j]`` is the payoff of i against j."""
        a = np.asarray(a, dtype=float)
        names = list(strategies) if strategies is not None else [f"s{i}" for i in range(a.shape[0])]
        se_b = None if se is None else np.asarray(se, float).T
        return cls.bimatrix(a, a.T, (names, names), se_a=se, se_b=se_b, players=players)

    # ----------------------------------------------------------------- views

    @property
    def n_players(self) -> int:
        return len(self.strategies)

    def index(self, profile: Sequence[str]) -> tuple[int, ...]:
        """Indices of a profile given by strategy names."""
        if len(profile) != self.n_players:
            raise ValueError(f"a profile names {self.n_players} strategies, got {len(profile)}")
        out = []
        for p, (name, names) in enumerate(zip(profile, self.strategies)):
            if name not in names:
                raise ValueError(f"{self.players[p]}: unknown strategy {name!r}; allowed: {', '.join(names)}")
            out.append(names.index(name))
        return tuple(out)

    def names(self, index: Sequence[int]) -> tuple[str, ...]:
        return tuple(self.strategies[p][i] for p, i in enumerate(index))

    def profiles(self):
        """Every pure profile, as index tuples, in row-major order."""
        return itertools.product(*(range(len(s)) for s in self.strategies))

    def payoff(self, profile: Sequence[str]) -> np.ndarray:
        return self.values[self.index(profile)]

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column payoff matrices of a two-player table."""
        if self.n_players != 2:
            raise ValueError("matrices() needs a two-player table")
        return self.values[..., 0], self.values[..., 1]

    @property
    def is_symmetric(self) -> bool:
        if self.n_players != 2 or self.strategies[0] != self.strategies[1]:
            return False
        a, b = self.matrices()
        return bool(np.allclose(a, b.T))

    def welfare(self) -> np.ndarray:
        """Sum of the players' payoffs for every profile (utilitarian welfare)."""
        return self.values.sum(axis=-1)

    def deviation_gain(self, profile: Sequence[int], player: int, alternative: int) -> tuple[float, float]:
        """Gain of ``player`` from switching to ``alternative`` at ``profile``, with its standard error.

        On common random numbers the error is that of the paired per-sample difference; without
        samples, the two standard errors are combined as if independent (conservative).
        """
        profile = tuple(profile)
        moved = list(profile)
        moved[player] = alternative
        dev = tuple(moved)
        gain = float(self.values[dev + (player,)] - self.values[profile + (player,)])
        if self.samples is not None:
            d = self.samples[dev][:, player] - self.samples[profile][:, player]
            se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else 0.0
        elif self.se is not None:
            se = float(np.hypot(self.se[dev + (player,)], self.se[profile + (player,)]))
        else:
            se = 0.0
        return gain, se

    def to_dict(self) -> dict:
        """A JSON-ready description: one row per profile."""
        rows = []
        for idx in self.profiles():
            row = {"profile": list(self.names(idx)), "payoffs": [float(v) for v in self.values[idx]]}
            if self.se is not None:
                row["se"] = [float(v) for v in self.se[idx]]
            rows.append(row)
        return {"players": list(self.players), "strategies": [list(s) for s in self.strategies],
                "profiles": rows}


class PayoffSource(abc.ABC):
    """Where a game's payoffs come from: a closed-form model, or simulated worlds.

    Subclasses say who plays, what each may do, and how to build the table; the analyses in
    :mod:`recloop.games` only ever see the resulting :class:`PayoffTable`. The simulation
    engine's source implements :meth:`simulate_profile`; a closed-form model may override
    :meth:`table` directly.
    """

    @property
    @abc.abstractmethod
    def players(self) -> tuple[str, ...]:
        """Names of the players, in table order."""

    @property
    @abc.abstractmethod
    def strategies(self) -> tuple[tuple[str, ...], ...]:
        """Each player's strategy names."""

    @abc.abstractmethod
    def simulate_profile(self, profile: tuple[str, ...], seed: np.random.SeedSequence) -> np.ndarray:
        """Per-sample payoffs, shape ``(samples, players)``, of one profile in worlds drawn from ``seed``.

        The same ``seed`` must give the same worlds for every profile (common random numbers).
        """

    def table(self, *, seed: int | np.random.SeedSequence | None = 0, keep_samples: bool = True) -> PayoffTable:
        """The payoff table, estimated on common random numbers."""
        return estimate_table(self.simulate_profile, self.strategies, seed=seed, players=self.players,
                              keep_samples=keep_samples)


class CallablePayoffSource(PayoffSource):
    """A :class:`PayoffSource` around a plain function ``simulate_profile(profile, seed)``."""

    def __init__(self, simulate_profile: Callable[[tuple[str, ...], np.random.SeedSequence], np.ndarray],
                 strategies: Sequence[Sequence[str]], *, players: Sequence[str] | None = None):
        self._fn = simulate_profile
        self._strategies = tuple(tuple(s) for s in strategies)
        self._players = tuple(players) if players else tuple(f"player{i + 1}" for i in range(len(strategies)))

    @property
    def players(self):
        return self._players

    @property
    def strategies(self):
        return self._strategies

    def simulate_profile(self, profile, seed):
        return self._fn(profile, seed)


def estimate_table(
    simulate_profile: Callable[[tuple[str, ...], np.random.SeedSequence], np.ndarray],
    strategies: Sequence[Sequence[str]],
    *,
    seed: int | np.random.SeedSequence | None = 0,
    players: Sequence[str] | None = None,
    keep_samples: bool = True,
) -> PayoffTable:
    """Build a payoff table from a simulator of strategy profiles, on common random numbers.

    ``simulate_profile(profile, seed)`` returns per-sample payoffs of shape ``(samples, players)``.
    Every profile receives the *same* :class:`~numpy.random.SeedSequence`, so every profile is
    played in the same sampled worlds; the mean over samples is the payoff and
    ``std / sqrt(samples)`` its standard error. With ``keep_samples`` the per-sample payoffs are
    kept so that deviation gains get paired errors (:meth:`PayoffTable.deviation_gain`).
    """
    strategies = tuple(tuple(s) for s in strategies)
    n = len(strategies)
    ss = normalise_seed(seed)
    shape = tuple(len(s) for s in strategies)
    means = np.empty(shape + (n,))
    ses = np.empty(shape + (n,))
    kept = None
    n_samples = None
    for idx in itertools.product(*(range(k) for k in shape)):
        profile = tuple(strategies[p][i] for p, i in enumerate(idx))
        # a fresh SeedSequence with the same entropy and spawn key: identical streams per profile
        draws = np.asarray(simulate_profile(profile, np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key)),
                           dtype=float)
        if draws.ndim != 2 or draws.shape[1] != n:
            raise ValueError(f"simulate_profile{profile!r} returned shape {draws.shape}, expected (samples, {n})")
        if n_samples is None:
            n_samples = draws.shape[0]
            if keep_samples:
                kept = np.empty(shape + (n_samples, n))
        elif draws.shape[0] != n_samples:
            raise ValueError("every profile must return the same number of samples")
        if not np.all(np.isfinite(draws)):
            raise ValueError(f"simulate_profile{profile!r} returned non-finite payoffs")
        means[idx] = draws.mean(axis=0)
        ses[idx] = draws.std(axis=0, ddof=1) / np.sqrt(n_samples) if n_samples > 1 else 0.0
        if kept is not None:
            kept[idx] = draws
    return PayoffTable(tuple(tuple(s) for s in strategies), means, ses, samples=kept,
                       players=tuple(players) if players else ())
