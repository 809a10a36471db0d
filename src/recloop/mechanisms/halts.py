"""Halts, the hardware stop protocol and lineage deprecation: the events of the loop that policy
levers set off (DESIGN.md's capability thresholds, stop protocols and containment).

- :func:`fire_tripwires`: evaluations due now, measured with error; a hit schedules its halt, which
  a hardware response carries to the chips with the stop protocol's latency and reliability;
- :func:`apply_halts`: halts arriving now take effect (after the point of no control they fail);
- :func:`end_pauses`: fixed pauses end, pauses until verified end when verification covers what
  would be deployed, and any pause is given up after ``stop.max_pause_years``;
- :func:`releases`: each release (a gain of ``generations.step_oom``): verification snapshot,
  adversarial detection (rates per 1-OOM release, scaled to the step) and lineage deprecation.

They act on the engine's per-row state (a mapping of arrays); only the rows concerned are read
and written.
"""

from __future__ import annotations

import enum

import numpy as np

from recloop.mechanisms import containment, horizon, verification
from recloop.rows import at, pick
from recloop.sampling import stream_id, uniform

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


RESPONSES = {"pause_until_verified": Response.PAUSE_UNTIL_VERIFIED, "fixed_pause": Response.FIXED_PAUSE,
             "verification_gate": Response.VERIFICATION_GATE, "restrict_deployment": Response.RESTRICT_DEPLOYMENT}


def metric_value(name, st, f_d, f_a, f_c, f_mean, rate, g_s, V, p):
    cap = st["cap"]
    if name == "effective_compute":
        return st["K0"] + cap
    if name in ("horizon_p50_hours", "horizon_p80_hours"):
        return horizon.horizon_hours(st["K0"] + cap, p, 50 if name == "horizon_p50_hours" else 80)
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


def fire_tripwires(st, O, t, trips, now, p, lev_s, latency_years, seed, hook):
    """Tripwire evaluations due now, measured with error: a hit schedules its halt through the stop protocol."""
    rows = st["row"]
    for j, tw in enumerate(trips):
        due = t >= st[f"trip_next{j}"] - EPS
        if not due.any():
            continue
        d = np.flatnonzero(due)  # only the rows due are measured, drawn and written (in place)
        kept = {k[4:]: v for k, v in st.items() if k.startswith("cap:")}
        f_d, f_a, f_c = kept["f_data"], kept["f_arch"], kept["f_code"]
        metric = metric_value(tw.metric, st, f_d, f_a, f_c, (f_d + f_a + f_c) / 3.0, now.rate,
                         p["software.initial_rate_oom_per_year"], now.V, p)[d]
        count = st[f"trip_count{j}"]
        if tw.error_sd > 0:
            from scipy.special import ndtri  # deferred: keeps scipy out of the CLI's start-up

            u = uniform(seed, st["idx"][d], stream_id("tripwire:" + tw.name), count[d].astype(np.uint64))
            metric = metric + tw.error_sd * ndtri(u)
        hit = d[~st[f"trip_fired{j}"][d] & (metric >= tw.threshold)]
        count[d] += 1
        st[f"trip_next{j}"][d] += tw.cadence_years
        if not hit.size:
            continue
        st[f"trip_fired{j}"][hit] = True
        fire = np.zeros(t.size, bool)
        fire[hit] = True
        fire = hook.on_fire(st, O, fire, t, tw, now.x_u, now.rate)  # each actor's strategy decides
        f = np.flatnonzero(fire)
        rf = rows[f]
        first = np.isnan(O["t_first_tripwire"][rf])
        O["t_first_tripwire"][rf[first]] = t[f[first]]
        resp = RESPONSES[tw.response]
        delay = tw.lag_years + (latency_years if resp.hardware else 0.0)
        ok = uniform(seed, st["idx"][f], stream_id("stop:" + tw.name)) < (lev_s.reliability if resp.hardware else 1.0)
        O["failed_halts"][rf[~ok]] += 1
        # a halt carried by the stop protocol and one that is not (a gate, a restriction) wait in
        # their own slots, so a pending pause never swallows a gate called at the same time
        slot = "pending" if resp.hardware else "pending_soft"
        k = f[ok & ~np.isfinite(st[slot + "_t"][f])]
        st[slot + "_t"][k] = t[k] + delay
        st[slot + "_resp"][k] = resp
        st[slot + "_years"][k] = tw.pause_years


def apply_halts(st, O, t):
    """Halts arriving now take effect (after the point of no control they fail)."""
    for slot in ("pending", "pending_soft"):
        arrive = t >= st[slot + "_t"] - EPS
        if not arrive.any():
            continue
        rows = st["row"]
        too_late = arrive & st["noc"]
        O["failed_halts"][rows[too_late]] += 1
        eff = arrive & ~st["noc"]
        resp, years = st[slot + "_resp"], st[slot + "_years"]
        pausing = (resp == Response.PAUSE_UNTIL_VERIFIED) | (resp == Response.FIXED_PAUSE)
        O["halts"][rows[eff & pausing]] += 1
        pause = eff & pausing & ~st["paused"]
        st["paused"] = st["paused"] | pause
        st["pause_kind"] = np.where(pause, resp, st["pause_kind"]).astype(np.int8)
        st["pause_start"] = np.where(pause, t, st["pause_start"])
        st["pause_end"] = np.where(pause & (resp == Response.FIXED_PAUSE), t + years, st["pause_end"])
        st["gate"] = st["gate"] | (eff & (resp == Response.VERIFICATION_GATE))
        st["restrict_end"] = np.where(eff & (resp == Response.RESTRICT_DEPLOYMENT), t + years, st["restrict_end"])
        st[slot + "_t"] = np.where(arrive, np.inf, st[slot + "_t"])


def end_pauses(st, t, x_new, p, lev_v, lev_s, safety):
    """Pauses ending: fixed length over, verification caught up with what would be deployed, or given up."""
    if not st["paused"].any():
        return
    caught_up = np.zeros(t.size, bool)
    j = np.flatnonzero(st["paused"])
    target = np.maximum(st["pot"][j], st["cap"][j])
    caught_up[j] = coverage_at(j, st, t, x_new, st["m"], target, p, lev_v, safety) >= 1.0
    end = st["paused"] & (
        ((st["pause_kind"] == Response.FIXED_PAUSE) & (t >= st["pause_end"] - EPS))
        | ((st["pause_kind"] == Response.PAUSE_UNTIL_VERIFIED) & caught_up)
        | (t - st["pause_start"] >= lev_s.max_pause_years - EPS)
    )
    st["paused"] = st["paused"] & ~end
    st["pause_end"] = np.where(end, np.inf, st["pause_end"])


def releases(st, O, t, x_new, p, lev_c, lev_v, safety, detect_on, seed, recache):
    """A release each time the deployed generation has gained ``generations.step_oom`` since the last:
    verification snapshot, adversarial detection and lineage deprecation.

    Detection rates are stated per 1-OOM release and scaled to the step (a release of s OOM is
    caught with 1 - (1 - tpr)^s), so the chance of catching a drifted lineage per OOM gained does
    not depend on how releases are counted. Only the releasing rows are read and written."""
    step = p["generations.step_oom"]
    i = np.flatnonzero(st["cap"] >= st["rel_anchor"] + step - 1e-12)
    if not i.size:
        return
    rows = st["row"][i]
    pi = pick(p, ("drift.", "verification.", "generations."), i)
    cov = coverage_at(i, st, t, x_new, st["m"], st["cap"][i], p, lev_v, safety)
    fid, fid_ver = st["fid"][i], st["fid_ver"][i]
    rollback = np.zeros(i.size, bool)
    attempt = st["attempt"][i]
    if detect_on:
        s = (st["cap"][i] - st["rel_anchor"][i])
        tpr = -np.expm1(s * np.log1p(-np.minimum(at(lev_c.detection_tpr, i), 1 - 1e-12)))
        fpr = -np.expm1(s * np.log1p(-np.minimum(at(lev_c.detection_fpr, i), 1 - 1e-12)))
        hidden = containment.hidden_objective(fid, fid_ver, pi)
        u = uniform(seed, st["idx"][i], stream_id("detection"), attempt.astype(np.uint64))
        flag = containment.flagged(hidden, u, tpr=tpr, fpr=fpr)
        O["false_alarms"][rows[flag & ~hidden]] += 1
        if lev_c.deprecate_lineage:
            rollback = flag & (st["cap_ver"][i] < st["cap"][i])
            O["deprecations"][rows[rollback]] += 1
    st["attempt"][i] = attempt + 1
    ship = ~rollback
    # deprecated lineage: back to the last verified generation
    cap = st["cap"][i] = np.where(rollback, st["cap_ver"][i], st["cap"][i])
    fid = st["fid"][i] = np.where(rollback, fid_ver, fid)
    deficit = st["deficit"][i] = np.where(rollback, st["deficit_ver"][i], st["deficit"][i])
    st["gen"][i] = np.where(ship, st["gen"][i] + 1, st["gen"][i])
    st["rel_anchor"][i] = cap
    verified = ship & (cov >= 1.0)
    st["fid_ver"][i] = np.where(verified, fid, fid_ver)
    st["cap_ver"][i] = np.where(verified, cap, st["cap_ver"][i])
    st["deficit_ver"][i] = np.where(verified, deficit, st["deficit_ver"][i])
    if rollback.any():
        recache(st, p)


_KEYS: dict[tuple[str, ...], tuple[int, list[str]]] = {}





def coverage_at(j, st, t, x_u, m, capability_oom, p, lev_v, safety, with_capacity=False):
    """Verification coverage of ``capability_oom`` for rows ``j`` at the new time (and the capacity)."""
    pv = pick(p, ("verification.",), j)
    V = verification.capacity(t[j], x_u[j] / st["x_ref"][j], st["s"][j], at(m, j), pv, compute_share=lev_v.compute_share,
                              safety_effort=at(safety, j))
    cov = verification.coverage(V, capability_oom, pv)
    return (cov, V) if with_capacity else cov
