"""The engine's state: one typed, frozen record of named arrays (STYLE.md 6 and 13).

A :class:`World` holds every row the engine steps (a sample, or a (sample, actor) pair with
actors), each field an array with the rows on its leading axis. The phases of the loop
(:mod:`recloop.engine`, :mod:`recloop.mechanisms.halts`) read a world and return the fields they
change as a new world (:func:`dataclasses.replace`); an array a phase writes row by row is its
own copy. Retiring finished rows is :meth:`World.take`, the one place that maps over the fields.

Also here: the codes the state carries, as enums with their reasons: :class:`Status` (a row's
outcome status) and :class:`PauseKind` (why a paused row is paused). The halt responses a
tripwire calls for are :class:`recloop.mechanisms.halts.Response`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

__all__ = ["World", "Status", "PauseKind", "STATUS"]


class Status(enum.IntEnum):
    """A sample's status in the outcome table (``status``): failures are values in a batch."""

    OK = 0
    DIVERGED = 1     # a state overflowed: the sample stops at t_diverged, the run goes on
    STEP_BUDGET = 2  # the sample used max_steps_per_sample before the horizon: it stops there

    @property
    def label(self) -> str:
        """The name written in results tables (``ok``, ``diverged``, ``step_budget``)."""
        return self.name.lower()

    @property
    def reason(self) -> str:
        return _STATUS_REASONS[self]


_STATUS_REASONS = {
    Status.OK: "simulated to the horizon",
    Status.DIVERGED: "a state overflowed (a finite-time singularity the step could not follow); stopped at t_diverged",
    Status.STEP_BUDGET: "used its step budget (max_steps_per_sample) before the horizon; stopped at t_diverged",
}
#: the status labels, indexed by code (results tables store the label)
STATUS = tuple(s.label for s in Status)


class PauseKind(enum.IntEnum):
    """Why a paused row is paused (``World.pause_kind``). The two halt kinds share their codes with
    :class:`recloop.mechanisms.halts.Response` (a halt's response is the pause it starts)."""

    NONE = 0
    UNTIL_VERIFIED = 1  # Response.PAUSE_UNTIL_VERIFIED: ends when verification covers what would be deployed
    FIXED = 2           # Response.FIXED_PAUSE: ends pause_years after it took effect
    EXITED = 5          # the actor left the race (market.exit_share): a pause that never ends

    @property
    def reason(self) -> str:
        return _PAUSE_REASONS[self]


_PAUSE_REASONS = {
    PauseKind.NONE: "not paused",
    PauseKind.UNTIL_VERIFIED: "a pause until verification covers what would be deployed (or stop.max_pause_years)",
    PauseKind.FIXED: "a fixed pause of the tripwire's pause_years (or stop.max_pause_years)",
    PauseKind.EXITED: "the actor fell below market.exit_share and left the race (never ends)",
}


@dataclass(frozen=True, slots=True)
class World:
    """Every row's state; each field has the rows on its leading axis.

    OOM are orders of magnitude (log10); "above the start" is relative to the generation deployed
    at the start (absolute capability is ``K0 +`` it). Logs named ``ln_*`` are natural logs of a
    quantity's growth since the start.
    """

    # -- bookkeeping
    row: np.ndarray          # the row's index into the chunk's outcome columns
    idx: np.ndarray          # draw index of the counter-based random streams (sample, or sample + actor * 2^40)
    t: np.ndarray            # years since the start
    steps: np.ndarray        # steps taken (int64; bounded by max_steps_per_sample)
    k_rep: np.ndarray        # index of the next report time to write (int64)
    # -- constants of the row
    p: dict[str, np.ndarray]  # scenario parameter path -> value per row
    K0: np.ndarray           # log10 effective FLOP of the generation deployed at the start
    x0: np.ndarray           # FLOP/s installed at the start (the developer's spending plan's scale)
    x_ref: np.ndarray        # FLOP/s of the reference developer (the unit of AI labour and verification compute)
    year0: np.ndarray        # calendar year at the start (t = 0)
    exp_draw: np.ndarray     # Exp(1) draw: catastrophe when the integrated hazard passes it
    # -- continuous state
    s: np.ndarray            # software efficiency, OOM above the start
    x: np.ndarray            # installed FLOP/s
    ln_fab: np.ndarray       # ln growth of the developer's planned fab supply
    ln_edge: np.ndarray      # ln growth of world leading-edge wafer output
    ln_pow: np.ndarray       # ln growth of the power the developer can draw
    ln_world: np.ndarray     # ln growth of world power for AI (bounded by its ceiling)
    ln_y: np.ndarray         # ln growth of world output
    z_fab: np.ndarray        # automation seen by fab build-out (lagged by its lead time), 1
    z_pow: np.ndarray        # automation seen by power build-out (lagged by its lead time), 1
    z_econ: np.ndarray       # automation the economy has adopted (lagged), 1
    cap: np.ndarray          # deployed generation's effective compute, OOM above the start
    pot: np.ndarray          # the best run the developer could start now, OOM above the start
    run_log10: np.ndarray    # log10 physical FLOP of that run
    run_cost: np.ndarray     # $ of the year's spending that run takes
    phys: np.ndarray         # log10 physical training FLOP of the deployed generation's run
    m: np.ndarray            # research input relative to the human-only trend
    power_w: np.ndarray      # W drawn by the usable compute
    fid: np.ndarray          # alignment fidelity of the deployed generation (1 = intent preserved)
    deficit: np.ndarray      # data-quality deficit of the deployed generation (loss fraction)
    real: np.ndarray         # real-data share of the deployed generation's training data
    cumhaz: np.ndarray       # integrated catastrophe hazard
    # -- releases and the last verified generation
    gen: np.ndarray          # generations released
    attempt: np.ndarray      # releases attempted (the detection stream's counter)
    rel_anchor: np.ndarray   # capability at the last release, OOM above the start
    fid_ver: np.ndarray      # fidelity of the last verified generation
    cap_ver: np.ndarray      # its capability, OOM above the start
    deficit_ver: np.ndarray  # its data deficit
    # -- halts (recloop.mechanisms.halts)
    paused: np.ndarray       # a pause is in force (bool)
    pause_kind: np.ndarray   # PauseKind code (int8)
    pause_start: np.ndarray  # years since start the pause began
    pause_end: np.ndarray    # when a fixed pause ends (inf: none)
    restrict_end: np.ndarray  # AI labour is out of R&D until then (restrict_deployment)
    gate: np.ndarray         # the verification gate holds (bool)
    pending_t: np.ndarray    # when the halt on its way through the stop protocol arrives (inf: none)
    pending_resp: np.ndarray  # its Response code (int8)
    pending_years: np.ndarray  # its pause_years
    pending_soft_t: np.ndarray  # the same for a halt not carried by the stop protocol (gate, restriction)
    pending_soft_resp: np.ndarray
    pending_soft_years: np.ndarray
    noc: np.ndarray          # past the point of no control (bool)
    takeoff: np.ndarray      # takeoff has started (bool)
    trip_next: np.ndarray    # (rows, tripwires): next evaluation time of each tripwire
    trip_fired: np.ndarray   # (rows, tripwires): the tripwire has fired (bool)
    trip_count: np.ndarray   # (rows, tripwires): evaluations so far (the measurement stream's counter)
    # -- what moves only with the deployed generation's capability (engine._capability_cache)
    kept: dict[str, np.ndarray]  # automation shares and task weights, verification requirement, hazard level
    f_mean: np.ndarray       # mean automation of the three R&D vectors

    def take(self, keep: np.ndarray) -> World:
        """The rows where ``keep`` is true (retiring finished rows): every field, in one place."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = {k: a[keep] for k, a in v.items()} if isinstance(v, dict) else v[keep]
        return World(**out)

    def with_(self, **changes) -> World:
        """This world with ``changes`` (field -> new array): :func:`dataclasses.replace` without
        its per-call validation (phases call it several times a step); an unknown field raises."""
        new = object.__new__(World)
        for name in _FIELDS:
            _set(new, name, changes.pop(name) if name in changes else getattr(self, name))
        if changes:
            raise AttributeError(f"World has no field(s) {sorted(changes)}")
        return new

    @property
    def size(self) -> int:
        return int(self.t.size)


_FIELDS = tuple(f.name for f in fields(World))
_set = object.__setattr__
