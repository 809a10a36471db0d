"""Many actors in the engine: the race, reciprocity and the realist arithmetic.

The engine's row axis holds (sample, actor) pairs, row = sample * A + actor, so every mechanism
stays a function over flat arrays and no Python loop runs over samples. This module owns what
is specific to many actors, called from :func:`recloop.engine.simulate_chunk` at a few hooks:

* :meth:`MultiActor.expand` - per-row parameters: the world's sampled parameters repeated for
  each actor, with the actor's compute share scaling its installed compute, fab share and power;
  its starting capability is log10(compute_share) OOM relative to the frontier developer.
* :meth:`MultiActor.on_fire` - what each strategy does when a tripwire fires;
* :meth:`MultiActor.couple` - the cross-actor quantities, reshaped to (samples, A): market
  share from relative capability, revenue and budget, exits, conditional pauses, monitoring and
  detection of covert build-out, sanctions; output lost;
* :meth:`MultiActor.aggregate` - per-sample outcomes (any actor / first actor / frontier actor)
  plus per-actor columns ``actor_<quantity>_<name>``.

Actors of one sample share one clock: the engine takes the step as the minimum over the actor
axis and retires samples as whole groups of A rows. Random draws are counter-based per
(seed, sample, actor, stream, counter): the draw index of actor a of sample i is i + a * 2^40,
so actor 0 sees the draws of the single-developer world i.
"""

from __future__ import annotations

import numpy as np

from recloop.governance import costs, monitoring
from recloop.sampling import stream_id, uniform

__all__ = ["MultiActor", "RACE", "UNILATERAL", "CONDITIONAL", "COMPLY", "COVERT", "ACTOR_COLUMNS"]

RACE, UNILATERAL, CONDITIONAL, COMPLY, COVERT = range(5)
_CODES = {"race": RACE, "unilateral_pause": UNILATERAL, "conditional_pause": CONDITIONAL,
          "comply": COMPLY, "covert": COVERT}
_ACTOR_OFFSET = np.uint64(1 << 40)
_PAUSE_RESPONSES = ("pause_until_verified", "fixed_pause")
_EXITED = 5  # pause kind of an actor that left the race (never ends)

#: per-actor outcome columns, ``actor_<key>_<name>``
ACTOR_COLUMNS = {
    "share": "market share at the horizon (logit in relative capability)",
    "mean_share": "market share averaged over the run (the revenue the actor earned)",
    "capability": "log10 effective FLOP of the actor's deployed generation at the horizon",
    "years_paused": "years the actor spent paused",
    "output_lost": "market-share-years the actor's development was halted",
    "defected": "the actor declared a pause and built covertly",
    "detected": "the actor's covert build-out was detected (and sanctioned)",
    "exited": "the actor fell below market.exit_share and was absorbed or left",
    "compliance_cost": "share of the actor's budget spent on compliance",
    "risk_share": "the actor's share of the sample's integrated hazard",
}


class MultiActor:
    """Per-chunk helper holding the actor axis of one scenario under one policy."""

    def __init__(self, scenario, policy, index, seed, P):
        from recloop.policy import check_against

        check_against(policy, scenario)
        self.scenario, self.policy, self.seed = scenario, policy, seed
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
        mk = scenario.market
        self.sens, self.elast, self.exit_share = mk.share_sensitivity, mk.revenue_elasticity, mk.exit_share
        share0 = costs.market_shares(np.log10(share), sensitivity=self.sens)

        def rows(v):
            return np.tile(np.asarray(v), self.ns)

        self.row = {
            "a:actor": rows(np.arange(A)), "a:strategy": rows(code), "a:covered": rows(covered),
            "a:member": rows(member), "a:lshare": rows(np.log10(share)), "a:budget_rel": rows(budget),
            "a:safety": rows([a.safety_effort for a in self.actors]), "a:covert": rows([a.covert_share for a in self.actors]),
            "a:cost": rows(cost), "a:share0": rows(share0), "a:share": rows(share0),
            "a:supply": np.ones(self.ns * A), "a:declared": np.zeros(self.ns * A, bool),
            "a:detected": np.zeros(self.ns * A, bool), "a:exited": np.zeros(self.ns * A, bool),
            "a:wants": np.zeros(self.ns * A, bool), "a:cond_on": np.zeros(self.ns * A, bool),
            "a:want_kind": np.ones(self.ns * A, np.int8), "a:want_years": np.zeros(self.ns * A),
            "a:mon_next": np.full(self.ns * A, policy.monitoring.period_years),
            "a:mon_count": np.zeros(self.ns * A),
        }
        self.draw_index = (np.repeat(self.sample_index.astype(np.uint64), A)
                           + rows(np.arange(A)).astype(np.uint64) * _ACTOR_OFFSET)
        cap = policy.monitoring.compute_cap_flop
        self.cap_flop = cap if cap > 0 else None
        self.mon = {k: getattr(policy.monitoring, k) for k in
                    ("registered_share", "telemetry_tpr", "accounting_rate_per_year", "base_rate_per_year",
                     "period_years", "reference_cluster_flops")}
        self.horizon = 1.0  # set by the engine
        self.comply_pause_years = {t.name: t.pause_years for t in policy.tripwires}

    # ------------------------------------------------------------------ set-up
    def expand(self, P):
        """Per-row parameters: the world's repeated per actor, the actor's scale applied."""
        out = {k: np.repeat(v, self.A) for k, v in P.items()}
        share = np.power(10.0, self.row["a:lshare"])
        out["compute.fab_share"] = np.clip(out["compute.fab_share"] * share, 1e-12, 1.0)
        out["compute.power_gw"] = out["compute.power_gw"] * share
        return out

    def init_state(self, S, x0):
        """Scale the starting compute by the actor's share and add the actor arrays to the state."""
        # x0 stays the frontier developer's: AI labour and verification read x / x0
        S["x"] = x0 * np.power(10.0, self.row["a:lshare"])
        S["exp_draw"] = -np.log(uniform(self.seed, self.draw_index, stream_id("catastrophe")))
        S["cap"] = self.row["a:lshare"].copy()
        S["cap_ver"] = S["cap"].copy()
        S["idx"] = self.draw_index.copy()
        S.update({k: v.copy() for k, v in self.row.items()})
        return S

    def new_outcomes(self, n):
        return {"a:share": self.row["a:share0"].copy(), "a:output_lost": np.zeros(n), "a:share_years": np.zeros(n),
                "a:defected": np.zeros(n, bool), "a:detected": np.zeros(n, bool), "a:exited": np.zeros(n, bool),
                "a:t_exit": np.full(n, np.nan)}

    # ------------------------------------------------------------------ per step
    def group_min(self, v):
        return np.repeat(v.reshape(-1, self.A).min(axis=1), self.A)

    def group_any(self, v):
        return np.repeat(v.reshape(-1, self.A).any(axis=1), self.A)

    def budget_x0(self, st):
        """The budget path's scale (frontier x0 times the actor's budget), revenue from market
        share, compliance cost."""
        rev = np.power(np.maximum(st["a:share"], 1e-12) / st["a:share0"], self.elast)
        return st["x0"] * st["a:budget_rel"] * rev * (1.0 - st["a:cost"])

    def covert_compute(self, st, x_u):
        """A declared, undetected defector runs only its covert clusters."""
        hidden = st["a:declared"] & ~st["a:detected"]
        return np.where(hidden, st["a:covert"] * x_u, x_u)

    def cap_oom(self, st):
        """Compute cap on covered, visibly complying actors (OOM above the frontier start)."""
        if self.cap_flop is None:
            return None
        bound = st["a:covered"] & (st["a:strategy"] != RACE) & ~st["a:declared"]
        return np.where(bound, np.log10(self.cap_flop) - st["K0"], np.inf)

    def safety(self, st, base):
        return base * st["a:safety"]

    def on_fire(self, st, O, fire, t, tw, x_u, rate):
        """Strategies meet a fired tripwire; returns the rows that take the halt normally."""
        s, covered = st["a:strategy"], st["a:covered"]
        rows = st["row"]
        pause = tw.response in _PAUSE_RESPONSES
        take = fire & ((s == UNILATERAL) | ((s == COMPLY) & covered) | ((s == CONDITIONAL) & (not pause)))
        if pause:
            want = fire & (s == CONDITIONAL) & ~st["a:wants"]
            st["a:wants"] = st["a:wants"] | want
            st["a:want_kind"] = np.where(want, 1 if tw.response == "pause_until_verified" else 2, st["a:want_kind"]).astype(np.int8)
            st["a:want_years"] = np.where(want, tw.pause_years, st["a:want_years"])
        declare = fire & (s == COVERT) & covered & pause
        if pause and self.treaty is not None:
            # a member weighs the share-years kept by building on against the expected sanction
            cand = take & (s == COMPLY)
            if cand.any():
                T = tw.pause_years
                p = monitoring.detection_per_period(st["a:covert"] * x_u, **self.mon)
                expected = costs.expected_sanction(p, T / self.mon["period_years"], self.treaty.sanction_cost)
                growth = np.clip(np.nan_to_num(rate, nan=0.0, posinf=50.0), 0.0, 50.0)  # rivals grow about as fast
                gain = costs.defection_gain(st["a:share"], growth, T, sensitivity=self.sens)
                defect = cand & costs.defects(gain, expected)
                declare = declare | defect
                take = take & ~defect
        declare = declare & ~st["a:detected"]
        st["a:declared"] = st["a:declared"] | declare
        O["a:defected"][rows[declare]] = True
        return take

    def couple(self, st, O, t, dt, x_u, seed):
        """Cross-actor quantities after a step (arrays reshaped to (samples, A))."""
        A, rows = self.A, st["row"]
        active = ~st["a:exited"]
        share = costs.market_shares(st["cap"].reshape(-1, A), sensitivity=self.sens,
                                    active=active.reshape(-1, A)).reshape(-1)
        st["a:share"] = share
        O["a:share"][rows] = share
        O["a:output_lost"][rows] += np.where(st["paused"], share * dt, 0.0)
        O["a:share_years"][rows] += share * dt

        # monitoring: each period, a declared defector's covert clusters may be found
        due = t >= st["a:mon_next"] - 1e-9
        if due.any():
            hidden = due & st["a:declared"] & ~st["a:detected"]
            if hidden.any():
                p = monitoring.detection_per_period(x_u, **self.mon)  # x_u is already the covert part
                u = uniform(seed, st["idx"], stream_id("monitoring"), st["a:mon_count"].astype(np.uint64))
                found = hidden & (u < p)
                if found.any():
                    st["a:detected"] = st["a:detected"] | found
                    O["a:detected"][rows[found]] = True
                    if self.treaty is not None:
                        st["a:supply"] = np.where(found, 1.0 - self.treaty.sanction_supply_cut, st["a:supply"])
            st["a:mon_count"] = np.where(due, st["a:mon_count"] + 1, st["a:mon_count"])
            st["a:mon_next"] = np.where(due, st["a:mon_next"] + self.mon["period_years"], st["a:mon_next"])

        # exits: an actor far enough behind is absorbed or leaves (it stops developing)
        if self.exit_share > 0 and A > 1:
            out = active & (share < self.exit_share)
            if out.any():
                st["a:exited"] = st["a:exited"] | out
                O["a:exited"][rows[out]] = True
                O["a:t_exit"][rows[out]] = t[out]
                st["paused"] = st["paused"] | out
                st["pause_kind"] = np.where(out, _EXITED, st["pause_kind"]).astype(np.int8)
                st["pause_start"] = np.where(out, np.inf, st["pause_start"])
                st["building"] = st["building"] & ~out

        # conditional pause: paused while every other active actor visibly pauses
        cond = st["a:strategy"] == CONDITIONAL
        if cond.any():
            ended = st["a:cond_on"] & ~st["paused"]  # the engine ended it (verified, or too long)
            st["a:wants"] = st["a:wants"] & ~ended
            st["a:cond_on"] = st["a:cond_on"] & ~ended
            visibly = st["paused"] | (st["a:declared"] & ~st["a:detected"]) | st["a:exited"]
            n_vis = visibly.reshape(-1, A).sum(axis=1)
            others_all = (np.repeat(n_vis, A) - visibly) >= A - 1
            start = cond & st["a:wants"] & ~st["paused"] & others_all
            stop = st["a:cond_on"] & st["paused"] & ~others_all
            if start.any():
                st["paused"] = st["paused"] | start
                kind = st["a:want_kind"]
                st["pause_kind"] = np.where(start, kind, st["pause_kind"]).astype(np.int8)
                st["pause_start"] = np.where(start, t, st["pause_start"])
                st["pause_end"] = np.where(start & (kind == 2), t + st["a:want_years"], st["pause_end"])
                st["a:cond_on"] = st["a:cond_on"] | start
                O["halts"][rows[start]] += 1
            if stop.any():
                st["paused"] = st["paused"] & ~stop
                st["pause_end"] = np.where(stop, np.inf, st["pause_end"])
                st["a:cond_on"] = st["a:cond_on"] & ~stop

    # ------------------------------------------------------------------ results
    def aggregate(self, O, G):
        """Per-sample outcomes and trajectories from per-row ones, plus per-actor columns."""
        A, ns = self.A, self.ns
        idx = np.arange(ns)
        # an exit is held as a pause that never ends (the actor stops developing): not a pause
        held = O["years_paused"] - np.nan_to_num(self.horizon - O["a:t_exit"], nan=0.0)
        O["years_paused"] = np.where(held > 1e-9, held, 0.0)

        def grid(v):
            return np.asarray(v).reshape(ns, A)

        fin = grid(np.nan_to_num(O["final_effective_compute"], nan=-np.inf))
        sup = grid(np.where(np.isnan(O["t_superhuman"]), np.inf, O["t_superhuman"]))
        # the frontier actor: first to vastly superhuman, else the most capable at the horizon
        front = np.where(np.isfinite(sup).any(axis=1), np.argmin(sup, axis=1), np.argmax(fin, axis=1))
        pc = grid(O["p_catastrophe"])
        haz = -np.log1p(-np.clip(pc, 0.0, 1.0 - 1e-16))
        member = grid(self.row["a:member"])
        out = {}
        for k, v in O.items():
            if k.startswith("a:") or k.startswith("in:"):
                continue
            g = grid(v)
            if k == "sample":
                out[k] = self.sample_index.copy()
            elif k == "status":
                out[k] = g.max(axis=1)
            elif k in ("unverified_takeoff", "unaligned_capability", "catastrophe"):
                out[k] = g.any(axis=1)
            elif k in ("halts", "failed_halts", "years_paused", "years_gated", "deprecations", "false_alarms"):
                out[k] = g.sum(axis=1)
            elif k == "p_catastrophe":
                out[k] = -np.expm1(-haz.sum(axis=1))
            elif k.startswith("t_"):
                out[k] = np.where(np.isnan(g).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(g), np.inf, g), axis=1))
            else:
                out[k] = g[idx, front]
        out["safety_window_years"] = out["t_no_control"] - out["t_first_tripwire"]
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
        out["output_lost"] = grid(O["a:output_lost"]).sum(axis=1)
        out["defections"] = grid(O["a:defected"]).sum(axis=1).astype(float)
        out["covert_detected"] = grid(O["a:detected"]).sum(axis=1).astype(float)
        out["frontier_actor"] = front.astype(np.int8)
        horizon = max(self.horizon, 1e-12)
        cols = {"share": share, "mean_share": grid(O["a:share_years"]) / horizon, "capability": fin, "years_paused": grid(O["years_paused"]),
                "output_lost": grid(O["a:output_lost"]), "defected": grid(O["a:defected"]),
                "detected": grid(O["a:detected"]), "exited": grid(O["a:exited"]),
                "compliance_cost": grid(self.row["a:cost"]), "risk_share": risk_share}
        for a, actor in enumerate(self.actors):
            for key, g in cols.items():
                v = g[:, a]
                out[f"actor_{key}_{actor.name}"] = np.where(np.isfinite(v), v, np.nan) if v.dtype != bool else v
        Gs = {}
        for k, g in G.items():
            g3 = g.reshape(ns, A, -1)
            if k == "p_catastrophe":
                h = -np.log1p(-np.clip(g3.astype(np.float64), 0.0, 1.0 - 1e-16)).sum(axis=1)
                Gs[k] = (-np.expm1(-h)).astype(np.float32)
            else:
                Gs[k] = g3[idx, front]
        return out, Gs
