"""Halts, the hardware stop protocol and lineage deprecation: the events of the loop that policy
levers set off (DESIGN.md's capability thresholds, stop protocols and containment).

- :func:`fire_tripwires`: evaluations due now, measured with error; a hit schedules its halt, which
  a hardware response carries to the chips with the stop protocol's latency and reliability;
- :func:`apply_halts`: halts arriving now take effect (after the point of no control they fail);
- :func:`end_pauses`: fixed pauses end, pauses until verified end when verification covers what
  would be deployed, and any pause is given up after ``stop.max_pause_years``;
- :func:`releases`: each release (a gain of ``generations.step_oom``): verification snapshot,
  adversarial detection (rates per 1-OOM release, scaled to the step) and lineage deprecation.

Each reads the engine's state (a :class:`recloop.world.World`) and returns it with the fields it
changed; only the rows concerned are read, and an array written row by row is the phase's own copy.
"""

from __future__ import annotations

import enum

import numpy as np

from recloop.mechanisms import containment, horizon, verification
from recloop.rows import at, pick
from recloop.sampling import stream_id, uniform
from recloop.world import PauseKind

EPS = 1e-9


class Response(enum.IntEnum):
    """What a fired tripwire does (policy ``response``)."""

    PAUSE_UNTIL_VERIFIED = 1  # training stops until verification covers what would be deployed
    FIXED_PAUSE = 2           # training stops for pause_years
    VERIFICATION_GATE = 3     # no capability beyond what verification covers is deployed
    RESTRICT_DEPLOYMENT = 4   # AI labour leaves R&D for pause_years

    @property
    def hardware(self) -> bool:
        """Carried to the chips by the hardware stop protocol (latency, reliability)."""
        return self in (Response.PAUSE_UNTIL_VERIFIED, Response.FIXED_PAUSE)

    @property
    def reason(self) -> str:
        return _RESPONSE_REASONS[self]


_RESPONSE_REASONS = {
    Response.PAUSE_UNTIL_VERIFIED: "training stops until verification covers what would be deployed (or stop.max_pause_years)",
    Response.FIXED_PAUSE: "training stops for the tripwire's pause_years",
    Response.VERIFICATION_GATE: "no capability beyond what verification covers is deployed",
    Response.RESTRICT_DEPLOYMENT: "AI labour leaves R&D for the tripwire's pause_years",
}
# a pausing response starts the pause of the same code
assert int(PauseKind.UNTIL_VERIFIED) == Response.PAUSE_UNTIL_VERIFIED and int(PauseKind.FIXED) == Response.FIXED_PAUSE


RESPONSES = {"pause_until_verified": Response.PAUSE_UNTIL_VERIFIED, "fixed_pause": Response.FIXED_PAUSE,
             "verification_gate": Response.VERIFICATION_GATE, "restrict_deployment": Response.RESTRICT_DEPLOYMENT}


def metric_value(name, w, f_d, f_a, f_c, f_mean, rate, g_s, V, p):
    cap = w.cap
    if name == "effective_compute":
        return w.K0 + cap
    if name in ("horizon_p50_hours", "horizon_p80_hours"):
        return horizon.horizon_hours(w.K0 + cap, p, 50 if name == "horizon_p50_hours" else 80, w.year0 + w.t)
    if name == "capability_oom":
        return cap
    if name == "automation_mean":
        return f_mean
    if name == "automation_data":
        return f_d
    if name == "automation_arch":
        return f_a
    if name == "automation_code":
        return f_c
    if name == "progress_multiplier":
        return rate / g_s
    if name == "verification_gap":
        return cap - verification.verified_capability_oom(V, p)
    raise KeyError(name)  # validated in Policy


#: the two slots a scheduled halt waits in: (arrival time, response, pause years) fields of the World
_SLOTS = {"hardware": ("pending_t", "pending_resp", "pending_years"),
          "soft": ("pending_soft_t", "pending_soft_resp", "pending_soft_years")}


def fire_tripwires(w, O, trips, now, lev_s, latency_years, seed, hook):
    """Tripwire evaluations due now, measured with error: a hit schedules its halt through the stop protocol."""
    t, p, rows = w.t, w.p, w.row
    trip_next, trip_count, trip_fired, slots = w.trip_next, w.trip_count, w.trip_fired, None
    for j, tw in enumerate(trips):
        due = t >= trip_next[:, j] - EPS
        if not due.any():
            continue
        if slots is None:  # the phase's own copies, written row by row below
            trip_next, trip_count, trip_fired = trip_next.copy(), trip_count.copy(), trip_fired.copy()
            slots = {f: getattr(w, f).copy() for names in _SLOTS.values() for f in names}
        d = np.flatnonzero(due)  # only the rows due are measured, drawn and written
        f_d, f_a, f_c = w.kept["f_data"], w.kept["f_arch"], w.kept["f_code"]
        metric = metric_value(tw.metric, w, f_d, f_a, f_c, (f_d + f_a + f_c) / 3.0, now.rate,
                              p["software.initial_rate_oom_per_year"], now.V, p)[d]
        count = trip_count[:, j]
        if tw.error_sd > 0:
            from scipy.special import ndtri  # deferred: keeps scipy out of the CLI's start-up

            u = uniform(seed, w.idx[d], stream_id("tripwire:" + tw.name), count[d].astype(np.uint64))
            metric = metric + tw.error_sd * ndtri(u)
        hit = d[~trip_fired[d, j] & (metric >= tw.threshold)]
        trip_count[d, j] += 1
        trip_next[d, j] += tw.cadence_years
        if not hit.size:
            continue
        trip_fired[hit, j] = True
        fire = np.zeros(t.size, bool)
        fire[hit] = True
        fire = hook.on_fire(w, O, fire, tw, now.x_u, now.rate)  # each actor's strategy decides
        f = np.flatnonzero(fire)
        rf = rows[f]
        first = np.isnan(O["t_first_tripwire"][rf])
        O["t_first_tripwire"][rf[first]] = t[f[first]]
        resp = RESPONSES[tw.response]
        delay = tw.lag_years + (latency_years if resp.hardware else 0.0)
        ok = uniform(seed, w.idx[f], stream_id("stop:" + tw.name)) < (lev_s.reliability if resp.hardware else 1.0)
        O["failed_halts"][rf[~ok]] += 1
        # a halt carried by the stop protocol and one that is not (a gate, a restriction) wait in
        # their own slots, so a pending pause never swallows a gate called at the same time
        f_at, f_kind, f_years = _SLOTS["hardware" if resp.hardware else "soft"]
        k = f[ok & ~np.isfinite(slots[f_at][f])]
        slots[f_at][k] = t[k] + delay
        slots[f_kind][k] = resp
        slots[f_years][k] = tw.pause_years
    if slots is None:
        return w
    return w.with_(trip_next=trip_next, trip_count=trip_count, trip_fired=trip_fired, **slots)


def apply_halts(w, O):
    """Halts arriving now take effect (after the point of no control they fail)."""
    t = w.t
    for f_at, f_kind, f_years in _SLOTS.values():
        pending = getattr(w, f_at)
        arrive = t >= pending - EPS
        if not arrive.any():
            continue
        rows = w.row
        too_late = arrive & w.noc
        O["failed_halts"][rows[too_late]] += 1
        eff = arrive & ~w.noc
        resp, length = getattr(w, f_kind), getattr(w, f_years)
        pausing = (resp == Response.PAUSE_UNTIL_VERIFIED) | (resp == Response.FIXED_PAUSE)
        O["halts"][rows[eff & pausing]] += 1
        pause = eff & pausing & ~w.paused
        w = w.with_(
            paused=w.paused | pause,
            pause_kind=np.where(pause, resp, w.pause_kind).astype(np.int8),  # the pause a response starts
            pause_start=np.where(pause, t, w.pause_start),
            pause_end=np.where(pause & (resp == Response.FIXED_PAUSE), t + length, w.pause_end),
            gate=w.gate | (eff & (resp == Response.VERIFICATION_GATE)),
            restrict_end=np.where(eff & (resp == Response.RESTRICT_DEPLOYMENT), t + length, w.restrict_end),
            **{f_at: np.where(arrive, np.inf, pending)})
    return w


def end_pauses(w, x_new, lev_v, lev_s, safety):
    """Pauses ending: fixed length over, verification caught up with what would be deployed, or given up."""
    if not w.paused.any():
        return w
    t = w.t
    caught_up = np.zeros(t.size, bool)
    j = np.flatnonzero(w.paused)
    target = np.maximum(w.pot[j], w.cap[j])
    caught_up[j] = coverage_at(j, w, x_new, w.m, target, lev_v, safety) >= 1.0
    end = w.paused & (
        ((w.pause_kind == PauseKind.FIXED) & (t >= w.pause_end - EPS))
        | ((w.pause_kind == PauseKind.UNTIL_VERIFIED) & caught_up)
        | (t - w.pause_start >= lev_s.max_pause_years - EPS)
    )
    return w.with_(paused=w.paused & ~end, pause_end=np.where(end, np.inf, w.pause_end))


def releases(w, O, x_new, lev_c, lev_v, safety, detect_on, seed, recache):
    """A release each time the deployed generation has gained ``generations.step_oom`` since the last:
    verification snapshot, adversarial detection and lineage deprecation.

    Detection rates are stated per 1-OOM release and scaled to the step (a release of s OOM is
    caught with 1 - (1 - tpr)^s), so the chance of catching a drifted lineage per OOM gained does
    not depend on how releases are counted. Only the releasing rows are read and written;
    ``recache`` (the engine's capability cache) recomputes what a rolled-back capability moves."""
    p = w.p
    step = p["generations.step_oom"]
    i = np.flatnonzero(w.cap >= w.rel_anchor + step - 1e-12)
    if not i.size:
        return w
    rows = w.row[i]
    pi = pick(p, ("drift.", "verification.", "generations."), i)
    cov = coverage_at(i, w, x_new, w.m, w.cap[i], lev_v, safety)
    fid, fid_ver = w.fid[i], w.fid_ver[i]
    rollback = np.zeros(i.size, bool)
    attempt = w.attempt[i]
    if detect_on:
        s = (w.cap[i] - w.rel_anchor[i])
        tpr = -np.expm1(s * np.log1p(-np.minimum(at(lev_c.detection_tpr, i), 1 - 1e-12)))
        fpr = -np.expm1(s * np.log1p(-np.minimum(at(lev_c.detection_fpr, i), 1 - 1e-12)))
        hidden = containment.hidden_objective(fid, fid_ver, pi)
        u = uniform(seed, w.idx[i], stream_id("detection"), attempt.astype(np.uint64))
        flag = containment.flagged(hidden, u, tpr=tpr, fpr=fpr)
        O["false_alarms"][rows[flag & ~hidden]] += 1
        if lev_c.deprecate_lineage:
            rollback = flag & (w.cap_ver[i] < w.cap[i])
            O["deprecations"][rows[rollback]] += 1
    # the phase's own copies of what it writes (a lineage is rolled back, or a generation verified,
    # only in some releases: those fields are copied only then)
    rolled, ship = rollback.any(), ~rollback
    new = {f: getattr(w, f).copy() for f in ("attempt", "gen", "rel_anchor")}
    new["attempt"][i] = attempt + 1
    cap = w.cap[i]
    if rolled:  # deprecated lineage: back to the last verified generation
        new.update({f: getattr(w, f).copy() for f in ("cap", "fid", "deficit")})
        cap = new["cap"][i] = np.where(rollback, w.cap_ver[i], w.cap[i])
        fid = new["fid"][i] = np.where(rollback, fid_ver, fid)
        deficit = new["deficit"][i] = np.where(rollback, w.deficit_ver[i], w.deficit[i])
    else:
        deficit = w.deficit[i]
    new["gen"][i] = np.where(ship, w.gen[i] + 1, w.gen[i])
    new["rel_anchor"][i] = cap
    verified = ship & (cov >= 1.0)
    if verified.any():
        new.update({f: getattr(w, f).copy() for f in ("fid_ver", "cap_ver", "deficit_ver")})
        new["fid_ver"][i] = np.where(verified, fid, fid_ver)
        new["cap_ver"][i] = np.where(verified, cap, w.cap_ver[i])
        new["deficit_ver"][i] = np.where(verified, deficit, w.deficit_ver[i])
    w = w.with_(**new)
    return recache(w) if rolled else w


def coverage_at(j, w, x_u, m, capability_oom, lev_v, safety, with_capacity=False):
    """Verification coverage of ``capability_oom`` for rows ``j`` at the new time (and the capacity)."""
    pv = pick(w.p, ("verification.",), j)
    V = verification.capacity(w.t[j], x_u[j] / w.x_ref[j], w.s[j], at(m, j), pv, compute_share=lev_v.compute_share,
                              safety_effort=at(safety, j))
    cov = verification.coverage(V, capability_oom, pv)
    return (cov, V) if with_capacity else cov
