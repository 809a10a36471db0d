"""Many actors in the engine: the race, reciprocity and the realist arithmetic.

The engine's row axis holds (sample, actor) pairs, row = sample * A + actor, so every mechanism
stays a function over flat arrays and no Python loop runs over samples. This module owns what
is specific to many actors, called from :func:`recloop.engine.simulate_chunk` at a few hooks:

* :meth:`MultiActor.expand` - per-row parameters: the world's sampled parameters repeated for
  each actor, with the actor's compute share scaling its installed compute, fab share and power;
  its starting capability is log10(compute_share) OOM relative to the frontier developer.
* :meth:`MultiActor.on_fire` - what each strategy does when a tripwire fires;
* :meth:`MultiActor.step` - after every step of a row: output lost, the end of declared pause
  windows, monitoring and detection of covert build-out or open breach, sanctions;
* :meth:`MultiActor.review` - the cross-actor quantities, reshaped to (samples, A), settled at
  each review of a world (``market.review_years``): market share from relative capability
  (revenue and budget follow), exits, conditional pauses;
* :meth:`MultiActor.aggregate` - per-sample outcomes (any actor / first actor / frontier actor)
  plus per-actor columns ``actor_<quantity>_<name>``.

Each actor steps on its own clock (its own events and its own fast phases set its step), up to
its world's next review; an actor that gets there first waits for the others, the review runs
on the whole group, and all of them go on. So a world costs the sum of its actors' steps over a
review interval rather than the steps of their union, and the cross-actor quantities are exact
at each review and held between reviews. Samples retire as whole groups of A rows. Random
draws are counter-based per (seed, sample, actor, stream, counter): the draw index of actor a
of sample i is i + a * 2^40, so actor 0 sees the draws of the single-developer world i.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any
from types import SimpleNamespace

import numpy as np

from recloop.governance import costs, covert, evidence, monitoring, regimes, watch
from recloop.hooks import ActorHook, ContainmentRows, Decision
from recloop.mechanisms import verification
from recloop.mechanisms.halts import Response
from recloop.params import RecloopInputError
from recloop.sampling import stream_id, uniform

__all__ = ["MultiActor", "ActorState", "Strategy", "RACE", "UNILATERAL", "CONDITIONAL", "COMPLY", "COVERT", "ACTOR_COLUMNS"]



class Strategy(enum.IntEnum):
    """What an actor does when a tripwire calls a halt (scenario ``strategy``, policy ``strategies``)."""

    RACE = 0         # builds on (a treaty member doing so through a mandated pause is in open breach)
    UNILATERAL = 1   # takes the halt whatever the others do
    CONDITIONAL = 2  # pauses once every other active actor pauses or is conditional; resumes when one is not
    COMPLY = 3       # takes the halt where the policy covers it (a treaty member weighs defecting)
    COVERT = 4       # declares the pause and builds on in hidden clusters


RACE, UNILATERAL, CONDITIONAL, COMPLY, COVERT = Strategy
_CODES = {"race": RACE, "unilateral_pause": UNILATERAL, "conditional_pause": CONDITIONAL,
          "comply": COMPLY, "covert": COVERT}
_ACTOR_OFFSET = np.uint64(1 << 40)
_PAUSE_RESPONSES = ("pause_until_verified", "fixed_pause")


def _pause_response(tw):
    """The pause a pausing tripwire calls for (the other responses count as a fixed pause here)."""
    return Response.PAUSE_UNTIL_VERIFIED if tw.response == "pause_until_verified" else Response.FIXED_PAUSE
_DAYS = 365.25
#: per-actor milestone dates (``actor_<date>_<name>``); the headline date is the first actor's to reach it
ACTOR_DATES = ("t_superhuman", "t_takeoff_start", "t_no_control")
#: containment levers a scenario actor may override (``[actors.containment]``)
_CONTAINMENT_ROW = ("air_gap", "sandbox_catch_rate", "sandbox_overhead", "sandbox_latency_days",
                    "detection_tpr", "detection_fpr", "hazard_reduction")

#: per-actor outcome columns, ``actor_<key>_<name>``
ACTOR_COLUMNS = {
    "share": "market share at the horizon (logit in relative capability)",
    "mean_share": "market share averaged over the run (the revenue the actor earned)",
    "capability": "log10 effective FLOP of the actor's deployed generation at the horizon",
    "years_paused": "years the actor spent paused",
    "output_lost": "market-share-years the actor's development was halted",
    "defected": "the actor declared a pause and built covertly",
    "detected": "the actor's covert build-out was detected (and sanctioned)",
    "breached": "a treaty member that raced openly through a pause the treaty mandated (open breach)",
    "breach_found": "monitoring found the actor's open breach (sanctioned: supply cut, treaty.sanction_cost)",
    "sanction_cost": "treaty.sanction_cost the actor incurred when its defection or breach was found (or it was falsely accused), share-years",
    "t_detected": "years until monitoring found the actor's covert project or open breach (null: not found)",
    "covert_flops_at_detection": "FLOP/s the actor's covert project ran when it was found (null: not found)",
    "false_accused": "the actor complied with a mandated pause and the verifier accused it (evidence model)",
    "covert_capability": "log10 effective FLOP the actor's covert loop reached while hidden (null: never hidden)",
    "exited": "the actor fell below market.exit_share and was absorbed or left",
    "compliance_cost": "share of the actor's budget spent on compliance",
    "risk_share": "the actor's share of the sample's integrated hazard",
    "t_superhuman": "years until this actor is vastly superhuman (null: censored)",
    "t_takeoff_start": "years until this actor does most of its own engineering (null: censored)",
    "t_no_control": "years until this actor passes the point of no control (null: censored)",
}


@dataclass(slots=True)
class ActorState:
    """The many-actor layer's own per-row state (rows are (sample, actor) pairs), beside the
    engine's :class:`recloop.world.World`; the engine keeps it aligned through
    :meth:`MultiActor.compact`. Shares are fractions of the world's market; times are years since
    the start."""

    actor: np.ndarray        # the actor's index in the scenario
    strategy: np.ndarray     # Strategy code
    covered: np.ndarray      # bound by the policy's halts (a treaty member, or no treaty)
    member: np.ndarray       # a treaty member
    lshare: np.ndarray       # log10 of its starting compute share of the frontier developer's
    budget_rel: np.ndarray   # its budget relative to the frontier developer's
    safety: np.ndarray       # its safety effort (multiplies the policy's)
    covert: np.ndarray       # share of its chips a covert project diverts
    cost: np.ndarray         # share of its budget spent on compliance
    share0: np.ndarray       # market share at the start
    share: np.ndarray        # market share, settled at reviews
    supply: np.ndarray       # share of its chip supply it can buy (sanctions cut it)
    declared: np.ndarray     # it declared a pause and builds covertly
    detected: np.ndarray     # monitoring found its covert build-out or open breach
    exited: np.ndarray       # it left the race
    wants: np.ndarray        # a conditional actor whose halt was called
    cond_on: np.ndarray      # its conditional pause is held
    want_kind: np.ndarray    # the Response of the halt it wants (int8)
    want_years: np.ndarray   # and its pause_years
    mon_next: np.ndarray     # next monitoring check (the rate model, monitoring.detection = "rate")
    mon_count: np.ndarray    # checks so far (the monitoring stream's counter)
    mon_haz: np.ndarray      # detection hazard accrued since the last check (issue 16.5)
    watch_kind: np.ndarray   # what the verifier watches (int8): 0 nothing, 1 a covert project, 2 an open breach, 3 a complier
    watch_t: np.ndarray      # when it accuses (inf: not within the watch; recloop.governance.watch)
    watch_end: np.ndarray    # when the watch ends (the pause it stands for is over)
    watches: np.ndarray      # watches so far (the evidence streams' episode counter)
    accused: np.ndarray      # a complier falsely accused (sanctioned as if found; partners treat it as a defector)
    breach: np.ndarray       # a member racing openly through a mandated pause
    decl_kind: np.ndarray    # the Response of the pause declared (covert) or mandated (breach) but not held
    decl_start: np.ndarray   # when that window began
    decl_x: np.ndarray       # FLOP/s the actor ran when it declared (the covert project's stock)
    decl_w: np.ndarray       # W those chips drew
    decl_end: np.ndarray     # when a fixed window ends (inf: none)
    cond_pending: np.ndarray  # a conditional pause on its way through the stop protocol
    want_t: np.ndarray       # when the halt it wants was called (plus the tripwire's lag)
    want_trip: np.ndarray    # which tripwire called it (int16)
    review: np.ndarray       # the next review of its world (shares, exits, conditional pauses)
    containment: dict[str, np.ndarray] | None  # per-row containment levers (_CONTAINMENT_ROW), where actors override

    def take(self, keep: np.ndarray) -> ActorState:
        """The rows where ``keep`` is true (copies)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = None if v is None else {k: a[keep] for k, a in v.items()} if isinstance(v, dict) else v[keep]
        return ActorState(**out)


class MultiActor(ActorHook):
    """The many-actor layer: the actor axis of one scenario under one policy, called by the engine
    at the points of :class:`recloop.hooks.ActorHook`."""

    def __init__(self, scenario, policy, index, seed, P):
        from recloop.policy import check_against

        check_against(policy, scenario)
        self.scenario, self.policy, self.seed = scenario, policy, seed
        self._covert_project = covert.CovertProject()  # the declared defaults (docs/governance.md)
        self.actors = list(scenario.actors)
        self.A = A = len(self.actors)
        self.ns = index.size
        self.sample_index = np.asarray(index, dtype=np.int64)
        self.P_world = P
        treaty = policy.treaty
        self.treaty = treaty
        members = set(treaty.members) if treaty is not None else None
        strat = [policy.strategies.get(a.name, a.strategy) for a in self.actors]
        code = np.array([_CODES[s] for s in strat], dtype=np.int8)
        member = np.array([members is not None and a.jurisdiction in members for a in self.actors])
        covered = member | (members is None)
        share = np.array([a.compute_share for a in self.actors])
        budget = np.array([a.budget for a in self.actors])
        comp = policy.compliance
        pays = (code != RACE) & (covered | (code == UNILATERAL) | (code == CONDITIONAL))
        cost = np.where(pays, costs.compliance_cost_share(budget, fixed=comp.fixed_cost,
                                                          proportional=comp.proportional_cost), 0.0)
        if treaty is not None:
            # the verification regime's own cost (reporting, audits, hardware mechanisms), to members
            cost = cost + np.where(member, policy.verification_regime.cost_share, 0.0)
        mk = scenario.market
        self.sens, self.elast, self.exit_share = mk.share_sensitivity, mk.revenue_elasticity, mk.exit_share
        self.review_years = mk.review_years
        self.hazard_rule = mk.catastrophe_aggregation  # how actors' hazards make the world's (recloop.outcomes)
        share0 = costs.market_shares(np.log10(share), sensitivity=self.sens)

        def rows(v):
            return np.tile(np.asarray(v), self.ns)

        n = self.ns * A
        #: the layer's rows at the start (every row of the chunk; aggregation reads its constants)
        self.initial = ActorState(
            actor=rows(np.arange(A)), strategy=rows(code), covered=rows(covered), member=rows(member),
            lshare=rows(np.log10(share)), budget_rel=rows(budget), safety=rows([a.safety_effort for a in self.actors]),
            covert=rows([a.covert_share for a in self.actors]), cost=rows(cost), share0=rows(share0), share=rows(share0),
            supply=np.ones(n), declared=np.zeros(n, bool), detected=np.zeros(n, bool), exited=np.zeros(n, bool),
            wants=np.zeros(n, bool), cond_on=np.zeros(n, bool),
            want_kind=np.full(n, Response.PAUSE_UNTIL_VERIFIED, np.int8), want_years=np.zeros(n),
            mon_next=np.full(n, policy.monitoring.period_years), mon_count=np.zeros(n), mon_haz=np.zeros(n),
            watch_kind=np.zeros(n, np.int8), watch_t=np.full(n, np.inf), watch_end=np.zeros(n), watches=np.zeros(n, np.int64),
            accused=np.zeros(n, bool),
            breach=np.zeros(n, bool), decl_kind=np.zeros(n, np.int8), decl_start=np.zeros(n), decl_x=np.zeros(n),
            decl_w=np.ones(n), decl_end=np.full(n, np.inf),
            cond_pending=np.zeros(n, bool), want_t=np.zeros(n), want_trip=np.zeros(n, np.int16),
            review=np.full(n, mk.review_years), containment=None)
        self.draw_index = (np.repeat(self.sample_index.astype(np.uint64), A)
                           + rows(np.arange(A)).astype(np.uint64) * _ACTOR_OFFSET)
        cap = policy.monitoring.compute_cap_flop
        self.cap_flop = cap if cap > 0 else None
        #: how monitoring finds a covert project or an open breach: "evidence" (the regime's channels,
        #: recloop.governance.watch) or "rate" (the per-year rate of recloop.governance.monitoring)
        self.detection = policy.monitoring.detection
        self.mon = {k: getattr(policy.monitoring, k) for k in
                    ("registered_share", "telemetry_tpr", "accounting_rate_per_year", "base_rate_per_year",
                     "period_years", "reference_cluster_flops")}
        #: the verifier: the regime's channels and rule, the evidence's quality, the project's build-out
        self.verifier = watch.Watch(regimes.grants(policy), evidence.Evidence(), self._covert_project)
        self.horizon = 1.0  # set by the engine
        self.comply_pause_years = {t.name: t.pause_years for t in policy.tripwires}
        self._init_containment(policy)
        self.state = self.initial.take(np.ones(n, bool))  # the layer's own state, compacted with the engine's rows

    def _init_containment(self, policy):
        """Per-actor containment: the policy's levers, overridden by a scenario actor's table."""
        over = [a.containment_overrides() for a in self.actors]
        self.per_actor_containment = any(over)
        if not self.per_actor_containment:
            return
        base = policy.containment
        problems = []
        for i, (a, o) in enumerate(zip(self.actors, over)):
            oh = o.get("sandbox_overhead", base.sandbox_overhead)
            if policy.verification.compute_share + oh >= 1.0:
                problems.append(f"scenario.actors[{i}].containment.sandbox_overhead: verification.compute_share + "
                                f"sandbox_overhead must be < 1 for actor '{a.name}', got {policy.verification.compute_share + oh:g}")
        if problems:
            raise RecloopInputError(problems)
        self.initial.containment = {k: np.tile(np.array([o.get(k, getattr(base, k)) for o in over], dtype=float), self.ns)
                                    for k in _CONTAINMENT_ROW}
        self._base_containment = base
        self._compute_share = policy.verification.compute_share

    # ------------------------------------------------------------------ set-up
    def start(self, horizon, times):
        self.horizon, self.times = float(horizon), times

    def supply(self, w):
        return self.state.supply

    def expand(self, P):
        """Per-row parameters: the world's repeated per actor, the actor's scale applied."""
        out = {k: np.repeat(v, self.A) for k, v in P.items()}
        share = np.power(10.0, self.initial.lshare)
        out["compute.fab_share"] = np.clip(out["compute.fab_share"] * share, 1e-12, 1.0)
        out["compute.power_gw"] = out["compute.power_gw"] * share
        out["compute.power_share"] = np.clip(out["compute.power_share"] * share, 1e-12, 1.0)
        return out

    def start_rows(self, index):
        """Each row's draw index (actor a of sample i draws i + a * 2^40) and its starting compute
        scale: the actor's compute share (x0 stays the frontier developer's: AI labour and
        verification read x / x_ref)."""
        return self.draw_index, self.initial.lshare

    def new_outcomes(self, n):
        return {"a:share": self.initial.share0.copy(), "a:output_lost": np.zeros(n), "a:share_years": np.zeros(n),
                "a:defected": np.zeros(n, bool), "a:detected": np.zeros(n, bool), "a:exited": np.zeros(n, bool),
                "a:t_exit": np.full(n, np.nan), "a:breached": np.zeros(n, bool), "a:breach_found": np.zeros(n, bool),
                "a:sanction_cost": np.zeros(n), "a:t_detected": np.full(n, np.nan),
                "a:covert_flops_at_detection": np.full(n, np.nan), "a:false_accused": np.zeros(n, bool),
                "a:covert_capability": np.full(n, np.nan)}

    def compact(self, keep):
        self.state = self.state.take(keep)

    def market_share(self, w):
        return self.state.share

    # ------------------------------------------------------------------ per step
    def group_all(self, v):
        return np.repeat(v.reshape(-1, self.A).all(axis=1), self.A)

    def group_any(self, v):
        return np.repeat(v.reshape(-1, self.A).any(axis=1), self.A)

    def until_review(self, w, dt):
        """Each actor's own step, cut at its world's next review; 0 for an actor waiting there."""
        s = self.state
        t = w.t
        gap = s.review - t
        dt = np.minimum(dt, np.where(s.watch_t > t + 1e-9, s.watch_t - t, np.inf))  # an accusation ends a step
        return np.where(gap <= 1e-9, 0.0, np.minimum(dt, gap))

    def budget_x0(self, w):
        """The budget path's scale (frontier x0 times the actor's budget), revenue from market
        share, compliance cost."""
        s = self.state
        rev = np.power(np.maximum(s.share, 1e-12) / s.share0, self.elast)
        return w.x0 * s.budget_rel * rev * (1.0 - s.cost)

    def covert_compute(self, w, x_u):
        """A covert defector runs only its hidden project while the pause it declared is in force and
        it is not found; outside it it runs everything. The project is a physical stock
        (recloop.governance.covert): ``covert_share`` of the chips it had when it declared, in the
        same share of the power they drew, plus concealed data centres built after their lead time
        and a covert fab's output; never more than the actor's own usable compute."""
        s = self.state
        hidden = s.declared & ~s.detected
        if not hidden.any():
            return x_u
        i = np.flatnonzero(hidden)
        stock = covert.covert_installed_flops(w.t[i] - s.decl_start[i], self._covert_project,
                                              host_flops=s.decl_x[i], divert_share=s.covert[i],
                                              host_watts=s.decl_w[i])
        out = x_u.copy()
        out[i] = np.minimum(x_u[i], stock)
        return out

    def containment_levers(self, w):
        """Per-row containment levers (scenario actors' overrides of the policy's)."""
        b = self._base_containment
        lev = SimpleNamespace(**self.state.containment, deprecate_lineage=b.deprecate_lineage)
        return ContainmentRows(lev, self._compute_share + lev.sandbox_overhead, lev.sandbox_latency_days / _DAYS,
                               bool(np.any(lev.detection_tpr > 0) or np.any(lev.detection_fpr > 0)))

    def cap_oom(self, w):
        """Compute cap on covered, visibly complying actors (OOM above the frontier start)."""
        s = self.state
        if self.cap_flop is None:
            return None
        bound = s.covered & (s.strategy != RACE) & ~s.declared
        return np.where(bound, np.log10(self.cap_flop) - w.K0, np.inf)

    def safety(self, w, base):
        s = self.state
        return base * s.safety

    def on_fire(self, w, O, fire, tw, x_u, rate):
        """Strategies meet a fired tripwire; returns the rows that take the halt normally.

        Only the firing rows are read and written (in place)."""
        s = self.state
        t = w.t
        i = np.flatnonzero(fire)
        strat, covered = s.strategy[i], s.covered[i]
        rows = w.row[i]
        ti = t[i]
        pause = tw.response in _PAUSE_RESPONSES
        take = (strat == UNILATERAL) | ((strat == COMPLY) & covered) | ((strat == CONDITIONAL) & (not pause))
        want = np.zeros(i.size, bool)
        if pause:
            want = (strat == CONDITIONAL) & ~s.wants[i]
            k_w = i[want]
            s.wants[k_w] = True
            s.want_kind[k_w] = _pause_response(tw)
            s.want_years[k_w] = tw.pause_years
        declare = (strat == COVERT) & covered & pause
        breach = np.zeros(i.size, bool)
        detected = s.detected[i]
        if pause and self.treaty is not None:
            # a member that races through the pause the treaty mandates is in open breach
            breach = (strat == RACE) & s.member[i] & ~detected
            # a member weighs the share-years kept by building on against the expected sanction
            cand = take & (strat == COMPLY)
            if cand.any():
                # the expected length of the pause in force (until verified: until verification
                # catches up, at most stop.max_pause_years), and detection over that long
                growth = np.clip(np.nan_to_num(rate[i], nan=0.0, posinf=50.0), 0.0, 50.0)  # rivals grow about as fast
                T = self._expected_pause(w, i, t, x_u, tw, growth)
                if self.detection == "rate":
                    p = monitoring.detection_probability(s.covert[i] * x_u[i], T, **self.mon)
                else:  # the defector's estimate of the regime's evidence against the project it would run
                    p = watch.expected_detection(self.verifier, T, ti, f=self._hypothesis(s.covert[i]),
                                                 host_flops=x_u[i], host_gw=w.power_w[i] / 1e9)
                expected = costs.expected_sanction(p, 1.0, self.treaty.sanction_cost)
                gain = costs.defection_gain(s.share[i], growth, T, sensitivity=self.sens)
                defect = cand & costs.defects(gain, expected)
                declare = declare | defect
                take = take & ~defect
        # a project or breach already under way goes on (its stock and its watch are not restarted)
        declare = declare & ~detected & ~s.declared[i]
        breach = breach & ~s.breach[i]
        s.declared[i[declare]] = True
        O["a:defected"][rows[declare]] = True
        s.breach[i[breach]] = True
        O["a:breached"][rows[breach]] = True
        # the window of the pause not held: as long as the halt it stands for (fixed length, or
        # until verification catches up; never beyond stop.max_pause_years)
        win = declare | breach
        if win.any():
            kind = _pause_response(tw)
            k = i[win]
            s.decl_kind[k] = kind
            s.decl_start[k] = ti[win]
            # the covert project's stock is taken from what the actor runs when it declares
            s.decl_x[k] = x_u[k]
            s.decl_w[k] = w.power_w[k]
            s.decl_end[k] = ti[win] + tw.lag_years + tw.pause_years if kind == Response.FIXED_PAUSE else np.inf
        if self.detection == "evidence":
            # the verifier watches the defector's project, the open breach and, under a treaty, every
            # member that takes the pause (no project there: an accusation is a false one)
            comply = take & s.member[i] & pause & (self.treaty is not None)
            comply = comply & ((s.watch_kind[i] == 0) | (ti >= s.watch_end[i] - 1e-9))  # none under way
            self._start_watch(w, i, ti, declare, breach, comply, tw, x_u)
        if pause:
            tw_index = [x.name for x in self.policy.tripwires].index(tw.name)
            s.want_t[i[want]] = ti[want] + tw.lag_years
            s.want_trip[i[want]] = tw_index
        out = np.zeros(fire.size, bool)
        out[i[take]] = True
        return out

    def _hypothesis(self, covert_share):
        """The diverted share the verifier tests for: the actor's own covert share, or the
        project default where it has none."""
        return np.where(covert_share > 0, covert_share, self._covert_project.divert_share)

    def _start_watch(self, w, i, ti, declare, breach, comply, tw, x_u):
        """Draw the accusation time of each row ``i`` that starts a watch (recloop.governance.watch):
        a covert project (its own share diverted), an open breach (nothing hidden:
        :data:`watch.BREACH_SHARE` of its chips) or a complier (none). A watch lasts as long as the
        pause it stands for (fixed length, else at most stop.max_pause_years) and ends at the horizon."""
        s = self.state
        start = declare | breach | comply
        if not start.any():
            return
        k = i[start]
        t0 = ti[start]
        kind = np.where(declare[start], 1, np.where(breach[start], 2, 3)).astype(np.int8)
        f_hyp = np.where(kind == 2, watch.BREACH_SHARE, self._hypothesis(s.covert[k]))
        f_act = np.where(kind == 3, 0.0, f_hyp)
        max_len = self.policy.stop.max_pause_years
        span = tw.lag_years + tw.pause_years if _pause_response(tw) == Response.FIXED_PAUSE else max_len
        length = np.clip(np.minimum(min(span, max_len), self.horizon - t0), 0.0, None)
        s.watches[k] += 1
        s.watch_kind[k] = kind
        s.watch_end[k] = t0 + length
        s.watch_t[k] = watch.accusation_times(self.verifier, t0, length, f_hyp=f_hyp, f_actual=f_act, host_flops=x_u[k],
                                              host_gw=w.power_w[k] / 1e9, seed=self.seed, index=w.idx[k],
                                              episode=s.watches[k])

    def _expected_pause(self, w, i, t, x_u, tw, growth):
        """Expected length of the halt ``tw`` calls for the rows ``i`` (years): a fixed pause's
        length, or the time verification needs to cover what is being built (the engine's end
        test), its compute part growing at ``growth`` OOM/yr."""
        kind = _pause_response(tw)
        if kind == Response.FIXED_PAUSE:
            return np.full(i.size, min(tw.pause_years, self.policy.stop.max_pause_years))
        p = {k: v[i] for k, v in w.p.items()}
        safety = self.safety(w, self.policy.verification.safety_effort)[i]
        m = w.m[i]
        V = verification.capacity(t[i], x_u[i] / w.x_ref[i], w.s[i], m, p,
                                  compute_share=self.policy.verification.compute_share, safety_effort=safety)
        # the human part, sped up by AI-assisted alignment as the engine's end test reads it
        human = (p["verification.human_coverage_at_start"] + p["verification.human_rate"] * safety * t[i]) \
            * np.power(np.maximum(m, 1.0), p["verification.automation_boost"])
        target = np.maximum(w.pot[i], w.cap[i])
        cov = verification.coverage(V, target, p)
        return monitoring.expected_pause_years(kind, tw.pause_years, coverage=cov, human_rate=p["verification.human_rate"],
                                               safety_effort=safety, human_coverage_now=human,
                                               machine_coverage_now=np.maximum(V - human, 0.0),
                                               machine_growth_oom_per_year=growth,
                                               max_pause_years=self.policy.stop.max_pause_years)

    def _windows_end(self, w, t, x_u):
        """Close the declared (covert) and mandated (breach) pause windows whose halt is over."""
        s = self.state
        open_ = s.declared | s.breach
        if not open_.any():
            return
        kind = s.decl_kind
        end = open_ & (((kind == Response.FIXED_PAUSE) & (t >= s.decl_end - 1e-9))
                       | (t - s.decl_start >= self.policy.stop.max_pause_years - 1e-9))
        until = open_ & (kind == Response.PAUSE_UNTIL_VERIFIED) & ~end
        if until.any():
            # as the engine ends a pause_until_verified: verification covers what is being built
            p = w.p
            V = verification.capacity(t, x_u / w.x_ref, w.s, w.m, p, compute_share=self.policy.verification.compute_share,
                                      safety_effort=self.safety(w, self.policy.verification.safety_effort))
            target = np.maximum(w.pot, w.cap)
            end = end | (until & (verification.coverage(V, target, p) >= 1.0))
        if end.any():
            s.declared = s.declared & ~end
            s.breach = s.breach & ~end
            s.decl_end = np.where(end, np.inf, s.decl_end)

    def step(self, w, O, dt, x_u, seed, acc=None):
        """After each row's step: output lost, pause windows, monitoring (no cross-actor reads).
        ``acc`` indexes the rows' outcome entries (a slice while no row has been retired).
        Returns the stop protocol's halt on what monitoring found (a :class:`Decision`), or None."""
        s = self.state
        t = w.t
        rows = w.row
        acc = rows if acc is None else acc
        decision = None
        share = s.share
        O["a:output_lost"][acc] += np.where(w.paused, share * dt, 0.0)
        O["a:share_years"][acc] += share * dt

        # declared or mandated pauses that are over: the covert defector runs everything again
        self._windows_end(w, t, x_u)

        hidden_now = s.declared & ~s.detected
        if hidden_now.any():  # the capability the covert loop reaches while it is hidden
            j = rows[hidden_now]
            O["a:covert_capability"][j] = np.fmax(O["a:covert_capability"][j], w.K0[hidden_now] + w.cap[hidden_now])
        if self.detection == "evidence":
            return self._accusations(w, O, x_u, seed)

        # the rate model: a declared defector's covert clusters, or a member's open breach of a
        # mandated pause, accrue detection hazard while they run (x_u is the covert part for a
        # hidden defector, all of it for an open breach); each check draws on what accrued
        # since the last one, so the cadence does not change detection per year
        watched = (s.declared | s.breach) & ~s.detected
        if watched.any():
            exposed = np.clip(t - s.decl_start, 0.0, dt)
            s.mon_haz = s.mon_haz + np.where(
                watched, monitoring.detection_rate_per_year(x_u, **self.mon) * exposed, 0.0)
        due = t >= s.mon_next - 1e-9
        if due.any():
            hidden = due & s.declared & ~s.detected
            breach = due & s.breach & ~s.detected
            look = hidden | breach
            if look.any():
                p = -np.expm1(-s.mon_haz)
                u = uniform(seed, w.idx, stream_id("monitoring"), s.mon_count.astype(np.uint64))
                found = look & (u < p)
                if found.any():
                    decision = self._found(w, O, found & hidden, found & breach, x_u, seed)
            s.mon_haz = np.where(due, 0.0, s.mon_haz)
            s.mon_count = np.where(due, s.mon_count + 1, s.mon_count)
            s.mon_next = np.where(due, np.maximum(s.mon_next + self.mon["period_years"], t + 1e-9),
                                  s.mon_next)
        return decision

    def _found(self, w, O, hidden, breach, x_u, seed, accused=None):
        """Monitoring found covert projects (``hidden``) and open breaches, and accused compliers
        (``accused``, evidence model): flagged, dated, sanctioned under a treaty (a false
        accusation too: the treaty acts on its evidence); the stop protocol on what it found."""
        s = self.state
        rows, t = w.row, w.t
        found = hidden | breach
        s.detected = s.detected | found
        O["a:detected"][rows[hidden]] = True
        O["a:breach_found"][rows[breach]] = True
        j = rows[found]
        O["a:t_detected"][j] = np.fmin(O["a:t_detected"][j], t[found])
        O["a:covert_flops_at_detection"][rows[hidden]] = x_u[hidden]
        hit = found
        if accused is not None and accused.any():
            s.accused = s.accused | accused
            O["a:false_accused"][rows[accused]] = True
            hit = found | accused
        decision = None
        if self.treaty is not None:
            s.supply = np.where(hit, 1.0 - self.treaty.sanction_supply_cut, s.supply)
            O["a:sanction_cost"][rows[hit]] += self.treaty.sanction_cost
            if self.treaty.stop_on_detection and found.any():
                decision = self._stop_detected(w, found, t, seed)
        return decision

    def _accusations(self, w, O, x_u, seed):
        """The evidence model: the rows whose accusation time has come (their steps end there,
        :meth:`until_review`)."""
        s = self.state
        t = w.t
        due = (s.watch_kind > 0) & (t >= s.watch_t - 1e-9)
        if not due.any():
            return None
        kind = s.watch_kind
        hidden = due & (kind == 1) & s.declared & ~s.detected
        breach = due & (kind == 2) & s.breach & ~s.detected
        pausing = w.paused | np.isfinite(w.pending_t)
        accused = due & (kind == 3) & ~s.declared & ~s.breach & ~s.accused & ~s.detected & pausing
        s.watch_kind = np.where(due, 0, kind).astype(np.int8)
        s.watch_t = np.where(due, np.inf, s.watch_t)
        if not (hidden.any() or breach.any() or accused.any()):
            return None
        return self._found(w, O, hidden, breach, x_u, seed, accused=accused)

    def _stop_detected(self, w, found, t, seed):
        """The stop protocol on a detected covert cluster or open breach: the pause it broke
        reaches the chips ``stop.latency_days`` later, with ``stop.reliability`` (a failure is a
        failed halt); a fixed pause is held for what remains of it."""
        s = self.state
        lev = self.policy.stop
        enf = found & ~np.isfinite(w.pending_t) & ~w.paused
        if not enf.any():
            return None
        u = uniform(seed, w.idx, stream_id("stop:detected"))
        works = enf & (u < lev.reliability)
        rest = np.where(np.isfinite(s.decl_end), np.maximum(s.decl_end - t, 0.0), 0.0)
        return Decision(halt=works, halt_at=t + lev.latency_days / _DAYS, halt_kind=s.decl_kind, halt_years=rest,
                        failed=enf & ~works)

    def review(self, w, O, horizon):
        """Settle the cross-actor quantities of every world whose actors have all reached its
        next review (arrays reshaped to (samples, A)); those worlds' next review is set.
        Returns the exits and conditional pauses decided (a :class:`Decision`), or None."""
        s = self.state
        t = w.t
        ready = self.group_all(t >= s.review - 1e-9)
        if not ready.any():
            return None
        A, rows = self.A, w.row
        i = np.flatnonzero(ready)  # whole groups of A rows
        active = ~s.exited
        share = self._settle_shares(w, O, i, active)
        ti = t[i]
        nxt = (np.floor(ti / self.review_years + 0.5) + 1.0) * self.review_years
        review = s.review.copy()
        review[i] = np.where(ti >= horizon - 1e-9, np.inf, np.minimum(nxt, horizon))  # the last review is at the horizon
        s.review = review

        # exits: an actor far enough behind is absorbed or leaves (it stops developing): the
        # engine holds it paused (PauseKind.EXITED) for good
        exits, paused = None, w.paused
        if self.exit_share > 0 and A > 1:
            out = ready & active & (share < self.exit_share)
            if out.any():
                s.exited = s.exited | out
                O["a:exited"][rows[out]] = True
                O["a:t_exit"][rows[out]] = t[out]
                exits, paused = out, paused | out
                # the market is shared among those still in it from this review on
                self._settle_shares(w, O, i, ~s.exited)

        # conditional pause (mutual conditional commitment): when its halt is called, pause
        # through the stop protocol once every other active actor pauses or is conditional
        # itself; resume when a rival is seen not pausing (racing, or found defecting)
        cond = s.strategy == CONDITIONAL
        decided = self._conditional(w, paused, t, ready, self.seed) if cond.any() else {}
        return Decision(exit=exits, **decided) if exits is not None or decided else None

    def _settle_shares(self, w, O, i, active):
        """Market shares of the rows ``i`` (whole groups) from relative capability among the
        active actors; written to the state and the outcomes, returned for every row."""
        s = self.state
        A = self.A
        new = costs.market_shares(w.cap[i].reshape(-1, A), sensitivity=self.sens,
                                  active=active[i].reshape(-1, A)).reshape(-1)
        share = s.share.copy()
        share[i] = new
        s.share = share
        O["a:share"][w.row[i]] = new
        return share

    def reviewed(self, w):
        """Rows not waiting for their world's review: a report at a review time is written
        once the review is done, so every actor's share in it is from the same review."""
        s = self.state
        t = w.t
        return s.review > t + 1e-9

    def _conditional(self, w, paused, t, ready, seed):
        """Conditional pauses at a review (``paused``: the engine's pauses with this review's
        exits); returns the :class:`Decision` fields: halts sent, failed stops, halts withdrawn,
        pauses given up."""
        s = self.state
        A = self.A
        out = {}
        pend = s.cond_pending
        # a pause that reached the chips (or failed on arrival after the point of no control)
        arrived = pend & ~np.isfinite(w.pending_t)
        if arrived.any():
            s.cond_on = s.cond_on | (arrived & paused & ~s.exited)
            s.wants = s.wants & ~(arrived & ~paused)
            s.cond_pending = pend = pend & ~arrived
        ended = s.cond_on & ~paused  # the engine ended it (verified, or too long)
        s.wants = s.wants & ~ended
        s.cond_on = s.cond_on & ~ended
        active = ~s.exited
        hidden = s.declared & ~s.detected  # an undetected covert actor looks paused
        ok = active & ((paused | hidden | (s.strategy == CONDITIONAL)) & ~s.detected & ~s.accused)
        n_ok = ok.reshape(-1, A).sum(axis=1)
        n_active = active.reshape(-1, A).sum(axis=1)
        others_ok = np.repeat(n_ok, A) - ok
        others_active = np.repeat(n_active, A) - active
        # every other active actor pauses or is conditional, and there is one (an exit is no partner)
        all_ok = (others_ok >= others_active) & (others_active >= 1)
        cond = s.strategy == CONDITIONAL
        start = ready & cond & active & s.wants & ~paused & ~pend & ~np.isfinite(w.pending_t) & all_ok
        # a partner that exits does not end a pause already held
        stop = ready & (s.cond_on | pend) & (others_ok < others_active)
        if start.any():
            # the same stop protocol as every other halt: latency after the decision, reliability
            lev_s = self.policy.stop
            u = np.ones(start.size)
            for j, tw in enumerate(self.policy.tripwires):
                sel = start & (s.want_trip == j)
                if sel.any():
                    u = np.where(sel, uniform(seed, w.idx, stream_id("stop:" + tw.name)), u)
            works = start & (u < lev_s.reliability)
            out["failed"] = start & ~works
            s.wants = s.wants & ~(start & ~works)
            out.update(halt=works, halt_at=np.maximum(t, s.want_t) + lev_s.latency_days / _DAYS,
                       halt_kind=s.want_kind, halt_years=s.want_years)
            s.cond_pending = s.cond_pending | works
        if stop.any():
            cancel = stop & s.cond_pending
            out["cancel"] = cancel
            s.cond_pending = s.cond_pending & ~cancel
            out["resume"] = stop & s.cond_on & paused  # a pause held is given up
            s.cond_on = s.cond_on & ~stop
        return out

    # ------------------------------------------------------------------ results
    def _world_catastrophe(self, G):
        """One catastrophe process per world, fed by every actor's exposure: the actors' integrated
        hazards combine by ``market.catastrophe_aggregation`` (:func:`recloop.outcomes.world_hazard`;
        by default they add: independent sources of the same event, the union of Poisson processes),
        and the world's event comes when the world's integral passes one Exp(1) draw per world. Dated
        on the report grid, interpolated linearly between report dates."""
        from recloop.outcomes import world_hazard

        ns, A = self.ns, self.A
        pc = G["p_catastrophe"].astype(np.float64).reshape(ns, A, -1)
        cum = world_hazard(self.hazard_rule, -np.log1p(-np.clip(np.nan_to_num(pc, nan=0.0), 0.0, 1.0 - 1e-16)))
        cum = np.maximum.accumulate(cum, axis=1)
        draw = -np.log(uniform(self.seed, self.sample_index, stream_id("catastrophe:world")))
        hit = cum >= draw[:, None]
        any_hit = hit.any(axis=1)
        k = np.argmax(hit, axis=1)
        times = self.times
        prev = np.maximum(k - 1, 0)
        c0, c1 = cum[np.arange(ns), prev], cum[np.arange(ns), k]
        frac = np.where((k > 0) & (c1 > c0), (draw - c0) / np.where(c1 > c0, c1 - c0, 1.0), 1.0)
        t = np.where(k > 0, times[prev] + np.clip(frac, 0.0, 1.0) * (times[k] - times[prev]), times[k])
        return np.where(any_hit, t, np.nan), any_hit

    def aggregate(self, O, G):
        """Per-sample outcomes and trajectories from per-row ones, plus per-actor columns; each
        outcome combines across actors by its declaration (:data:`recloop.outcomes.OUTCOMES`)."""
        from recloop.outcomes import aggregate as combine
        from recloop.outcomes import outcome, world_hazard

        A, ns = self.A, self.ns
        idx = np.arange(ns)
        # an exit is held as a pause that never ends (the actor stops developing): not a pause
        held = O["years_paused"] - np.nan_to_num(self.horizon - O["a:t_exit"], nan=0.0)
        O = {**O, "years_paused": np.where(held > 1e-9, held, 0.0)}  # the engine's columns stay as they are

        def grid(v):
            return np.asarray(v).reshape(ns, A)

        fin = grid(np.nan_to_num(O["final_effective_compute"], nan=-np.inf))
        sup = grid(np.where(np.isnan(O["t_superhuman"]), np.inf, O["t_superhuman"]))
        # the frontier actor: first to vastly superhuman, else the most capable at the horizon
        front = np.where(np.isfinite(sup).any(axis=1), np.argmin(sup, axis=1), np.argmax(fin, axis=1))
        pc = grid(O["p_catastrophe"])
        haz = -np.log1p(-np.clip(pc, 0.0, 1.0 - 1e-16))
        member = grid(self.initial.member)
        out = {}
        # each column by its declared rule (recloop.outcomes); the world-level ones are computed below
        for k, v in O.items():
            if k.startswith("a:") or k.startswith("in:"):
                continue
            rule = outcome(k).aggregate
            out[k] = self.sample_index.copy() if k == "sample" else None if rule == "world" else combine(k, grid(v), frontier=front)
        out["p_catastrophe"] = -np.expm1(-world_hazard(self.hazard_rule, haz))
        out["safety_window_years"] = out["t_no_control"] - out["t_first_tripwire"]
        out["t_catastrophe"], out["catastrophe"] = self._world_catastrophe(G)
        for k, v in self.P_world.items():
            out["in:" + k] = v
        tot = haz.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            risk_share = np.where(tot[:, None] > 0, haz / tot[:, None], np.nan)
        nonmember = ~member
        out["risk_share_nonmembers"] = np.where(tot > 0, (haz * nonmember).sum(axis=1) / np.maximum(tot, 1e-300), np.nan) \
            if self.treaty is not None else np.full(ns, np.nan)
        share = grid(O["a:share"])
        out["share_nonmembers"] = (share * nonmember).sum(axis=1) if self.treaty is not None else np.full(ns, np.nan)
        out["output_lost"] = combine("output_lost", grid(O["a:output_lost"]))
        out["defections"] = combine("defections", grid(O["a:defected"])).astype(float)
        out["covert_detected"] = combine("covert_detected", grid(O["a:detected"])).astype(float)
        out["breaches"] = combine("breaches", grid(O["a:breached"])).astype(float)
        out["breaches_found"] = combine("breaches_found", grid(O["a:breach_found"])).astype(float)
        out["false_accusations"] = combine("false_accusations", grid(O["a:false_accused"])).astype(float)
        out["t_detected"] = combine("t_detected", grid(O["a:t_detected"]))
        out["frontier_actor"] = front.astype(np.int8)
        horizon = max(self.horizon, 1e-12)
        cols = {"share": share, "mean_share": grid(O["a:share_years"]) / horizon, "capability": fin, "years_paused": grid(O["years_paused"]),
                "output_lost": grid(O["a:output_lost"]), "defected": grid(O["a:defected"]),
                "detected": grid(O["a:detected"]), "exited": grid(O["a:exited"]),
                "compliance_cost": grid(self.initial.cost), "risk_share": risk_share,
                "breached": grid(O["a:breached"]), "breach_found": grid(O["a:breach_found"]),
                "sanction_cost": grid(O["a:sanction_cost"]), "t_detected": grid(O["a:t_detected"]),
                "covert_flops_at_detection": grid(O["a:covert_flops_at_detection"]),
                "false_accused": grid(O["a:false_accused"]), "covert_capability": grid(O["a:covert_capability"])}
        for k in ACTOR_DATES:
            cols[k] = grid(O[k])
        for a, actor in enumerate(self.actors):
            for key, g in cols.items():
                v = g[:, a]
                out[f"actor_{key}_{actor.name}"] = np.where(np.isfinite(v), v, np.nan) if v.dtype != bool else v
        Gs = {}
        for k, g in G.items():
            g3 = g.reshape(ns, A, -1)
            if k == "p_catastrophe":
                h = world_hazard(self.hazard_rule, -np.log1p(-np.clip(g3.astype(np.float64), 0.0, 1.0 - 1e-16)))
                Gs[k] = (-np.expm1(-h)).astype(np.float32)
            else:
                Gs[k] = g3[idx, front]
        # each actor's own path, for "who leads over time" (keys are 'actor_<var>:<name>')
        for a, actor in enumerate(self.actors):
            Gs[f"actor_market_share:{actor.name}"] = G["market_share"].reshape(ns, A, -1)[:, a]
            Gs[f"actor_effective_compute:{actor.name}"] = G["effective_compute"].reshape(ns, A, -1)[:, a]
        return out, Gs
