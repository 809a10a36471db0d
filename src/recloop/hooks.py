"""Where the many-actor layer meets the engine's loop (STYLE.md 13).

The engine calls an :class:`ActorHook` at fixed points of each step: setting up the rows, the
inputs a mechanism reads per row (spending scale, covert compute, compute caps, containment
levers, safety effort), a fired tripwire, the end of a step, a review, the report, and the
aggregation of rows into worlds. A single developer passes :class:`SingleDeveloper`, which does
nothing; the many-actor layer (:class:`recloop.governance.actors.MultiActor`) registers itself
with :func:`register_actor_layer` when :mod:`recloop.governance` is imported, so the engine
depends on this interface, not on governance.
"""

from __future__ import annotations

import abc
import importlib
from typing import Any, Callable

import numpy as np

__all__ = ["ActorHook", "SingleDeveloper", "register_actor_layer", "actor_layer"]


class ActorHook(abc.ABC):
    """The points of the loop at which an actor layer acts. Rows are (sample, actor) pairs."""

    #: actors per world (rows per sample)
    A: int = 1
    #: whether rows carry their own containment levers (see :meth:`containment_levers`)
    per_actor_containment: bool = False

    @abc.abstractmethod
    def start(self, horizon: float, times: np.ndarray) -> None:
        """The run's horizon and report grid, before the first step."""

    @abc.abstractmethod
    def expand(self, P: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Per-row parameters from per-sample ones."""

    @abc.abstractmethod
    def init_state(self, S: dict[str, np.ndarray], x0: np.ndarray) -> dict[str, np.ndarray]:
        """The starting state with the layer's rows and fields."""

    @abc.abstractmethod
    def new_outcomes(self, n: int) -> dict[str, np.ndarray]:
        """The layer's own per-row outcome columns."""

    @abc.abstractmethod
    def until_review(self, st, dt, t):
        """Each row's step cut at its world's next review."""

    @abc.abstractmethod
    def budget_x0(self, st):
        """The scale of each row's spending plan (installed FLOP/s at the start)."""

    @abc.abstractmethod
    def supply(self, st):
        """Share of its chip supply each row can buy (sanctions cut it); 1 for none."""

    @abc.abstractmethod
    def covert_compute(self, st, x_u):
        """The usable compute each row runs (a hidden defector only its covert clusters)."""

    @abc.abstractmethod
    def cap_oom(self, st):
        """A compute cap on each row's effective training compute (OOM above the start), or None."""

    @abc.abstractmethod
    def safety(self, st, base):
        """Each row's safety effort."""

    @abc.abstractmethod
    def containment_levers(self, st):
        """(levers, diverted share, sandbox latency in years, detection on) per row."""

    @abc.abstractmethod
    def on_fire(self, st, O, fire, t, tw, x_u, rate):
        """Rows whose fired tripwire is taken as a halt (strategies decide)."""

    @abc.abstractmethod
    def step(self, st, O, t, dt, x_u, seed, acc) -> None:
        """After each row's step."""

    @abc.abstractmethod
    def review(self, st, O, t, horizon) -> None:
        """At a world's review: what depends on every actor of the world."""

    @abc.abstractmethod
    def reviewed(self, st, t):
        """Rows whose world's review is settled at ``t`` (a report waits for it)."""

    @abc.abstractmethod
    def group_all(self, v):
        """True for every row of a world where it is true for all of the world's rows."""

    @abc.abstractmethod
    def group_any(self, v):
        """True for every row of a world where it is true for one of them."""

    @abc.abstractmethod
    def aggregate(self, O, G):
        """Per-sample outcomes and trajectories from per-row ones."""


class SingleDeveloper(ActorHook):
    """One developer: every point of the loop is a no-op."""

    def start(self, horizon, times):
        pass

    def expand(self, P):
        return P

    def init_state(self, S, x0):
        return S

    def new_outcomes(self, n):
        return {}

    def until_review(self, st, dt, t):
        return dt

    def budget_x0(self, st):
        return st["x0"]

    def supply(self, st):
        return 1.0

    def covert_compute(self, st, x_u):
        return x_u

    def cap_oom(self, st):
        return None

    def safety(self, st, base):
        return base

    def containment_levers(self, st):  # pragma: no cover - per_actor_containment is False
        raise NotImplementedError

    def on_fire(self, st, O, fire, t, tw, x_u, rate):
        return fire

    def step(self, st, O, t, dt, x_u, seed, acc):
        pass

    def review(self, st, O, t, horizon):
        pass

    def reviewed(self, st, t):
        return True

    def group_all(self, v):
        return v

    def group_any(self, v):
        return v

    def aggregate(self, O, G):
        return O, G


_LAYER: list[Callable[..., ActorHook]] = []
#: the package that registers the many-actor layer when imported (a plugin loaded on demand)
ACTOR_LAYER_PACKAGE = "recloop.governance"


def register_actor_layer(factory: Callable[..., ActorHook]) -> None:
    """Make ``factory(scenario, policy, index, seed, P)`` the hook for scenarios with actors."""
    _LAYER[:] = [factory]


def actor_layer(scenario: Any, policy: Any, index: np.ndarray, seed: int, P: dict[str, np.ndarray]) -> ActorHook:
    """The hook for this scenario: :class:`SingleDeveloper` without actors, else the registered layer."""
    if not scenario.actors:
        return SingleDeveloper()
    if not _LAYER:
        importlib.import_module(ACTOR_LAYER_PACKAGE)
    return _LAYER[0](scenario, policy, index, seed, P)
