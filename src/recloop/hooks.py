"""Where the many-actor layer meets the engine's loop (STYLE.md 13).

The engine calls an :class:`ActorHook` at fixed points of each step: setting up the rows, the
inputs a mechanism reads per row (spending scale, covert compute, compute caps, containment
levers, safety effort), a fired tripwire, the end of a step, a review, the report, retiring rows,
and the aggregation of rows into worlds. The layer reads the engine's state and returns what it
decides (:class:`Decision`); the engine applies it. A single developer passes :class:`SingleDeveloper`, which does
nothing; the many-actor layer (:class:`recloop.governance.actors.MultiActor`) registers itself
with :func:`register_actor_layer` when :mod:`recloop.governance` is imported, so the engine
depends on this interface, not on governance.
"""

from __future__ import annotations

import abc
import importlib
from dataclasses import dataclass
from typing import Any, Callable, final

import numpy as np

__all__ = ["ActorHook", "Decision", "ContainmentRows", "SingleDeveloper", "register_actor_layer", "actor_layer"]


@dataclass(frozen=True, slots=True)
class Decision:
    """What an actor layer decided at a point of the loop, per row; the engine applies it
    (:func:`recloop.engine.apply_decision`). Each mask is a bool per row, or None for none.

    ``halt``: rows whose halt goes to the stop protocol now: it arrives at ``halt_at`` (years
    since start) as the :class:`recloop.mechanisms.halts.Response` ``halt_kind`` lasting
    ``halt_years``; ``failed``: rows whose stop failed (a failed halt each); ``cancel``: rows whose
    pending halt is withdrawn; ``resume``: rows whose pause ends now; ``exit``: rows that leave
    the race (a pause of kind EXITED that never ends). Exits apply before resumes."""

    halt: np.ndarray | None = None
    halt_at: np.ndarray | None = None
    halt_kind: np.ndarray | None = None
    halt_years: np.ndarray | None = None
    failed: np.ndarray | None = None
    cancel: np.ndarray | None = None
    resume: np.ndarray | None = None
    exit: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class ContainmentRows:
    """Per-row containment where scenario actors override the policy's levers."""

    levers: Any                    # the policy's containment levers with per-row arrays where overridden
    diverted: np.ndarray           # share of compute diverted from the run (verification + sandbox overhead)
    sandbox_latency_years: np.ndarray
    detection_on: bool             # adversarial detection runs for some row


class ActorHook(abc.ABC):
    """The points of the loop at which an actor layer acts. Rows are (sample, actor) pairs.

    The layer reads the engine's :class:`recloop.world.World` and keeps its own per-row state,
    which the engine compacts with :meth:`compact` when it retires rows; it never writes the
    engine's fields: what it decides for them it returns (:class:`Decision`, a mask, an array)."""

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
    def start_rows(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Each row's draw index, and its starting compute scale (log10 of its share of the
        frontier developer's; None: all at the frontier developer's)."""

    @abc.abstractmethod
    def new_outcomes(self, n: int) -> dict[str, np.ndarray]:
        """The layer's own per-row outcome columns."""

    @abc.abstractmethod
    def compact(self, keep: np.ndarray) -> None:
        """Keep the layer's own state at the rows the engine keeps."""

    @abc.abstractmethod
    def until_review(self, w, dt):
        """Each row's step cut at its world's next review."""

    @abc.abstractmethod
    def budget_x0(self, w):
        """The scale of each row's spending plan (installed FLOP/s at the start)."""

    @abc.abstractmethod
    def supply(self, w):
        """Share of its chip supply each row can buy (sanctions cut it); 1 for none."""

    @abc.abstractmethod
    def covert_compute(self, w, x_u):
        """The usable compute each row runs (a hidden defector only its covert clusters)."""

    @abc.abstractmethod
    def cap_oom(self, w):
        """A compute cap on each row's effective training compute (OOM above the start), or None."""

    @abc.abstractmethod
    def safety(self, w, base):
        """Each row's safety effort."""

    @abc.abstractmethod
    def containment_levers(self, w) -> ContainmentRows:
        """Per-row containment levers (only where :attr:`per_actor_containment`)."""

    @abc.abstractmethod
    def on_fire(self, w, O, fire, tw, x_u, rate):
        """Rows whose fired tripwire is taken as a halt (strategies decide)."""

    @abc.abstractmethod
    def step(self, w, O, dt, x_u, seed, acc) -> Decision | None:
        """After each row's step."""

    @abc.abstractmethod
    def review(self, w, O, horizon) -> Decision | None:
        """At a world's review: what depends on every actor of the world."""

    @abc.abstractmethod
    def reviewed(self, w):
        """Rows whose world's review is settled at their time (a report waits for it)."""

    @abc.abstractmethod
    def market_share(self, w):
        """Each row's market share for the report grid, or None (one developer: 1, filled once)."""

    @abc.abstractmethod
    def group_all(self, v):
        """True for every row of a world where it is true for all of the world's rows."""

    @abc.abstractmethod
    def group_any(self, v):
        """True for every row of a world where it is true for one of them."""

    @abc.abstractmethod
    def aggregate(self, O, G):
        """Per-sample outcomes and trajectories from per-row ones."""


@final
class SingleDeveloper(ActorHook):
    """One developer: every point of the loop is a no-op."""

    def start(self, horizon, times):
        pass

    def expand(self, P):
        return P

    def start_rows(self, index):
        return index, None

    def new_outcomes(self, n):
        return {}

    def compact(self, keep):
        pass

    def until_review(self, w, dt):
        return dt

    def budget_x0(self, w):
        return w.x0

    def supply(self, w):
        return 1.0

    def covert_compute(self, w, x_u):
        return x_u

    def cap_oom(self, w):
        return None

    def safety(self, w, base):
        return base

    def containment_levers(self, w):  # pragma: no cover - per_actor_containment is False
        raise NotImplementedError

    def on_fire(self, w, O, fire, tw, x_u, rate):
        return fire

    def step(self, w, O, dt, x_u, seed, acc):
        return None

    def review(self, w, O, horizon):
        return None

    def reviewed(self, w):
        return True

    def market_share(self, w):
        return None

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
