"""The twelve claims of the essay and the experiment that tests each.

Every experiment returns, for the worlds where the claim's premise applies, whether the claim
holds in each; the verdict follows from those worlds by :func:`recloop.claims.core.verdict`.
Per-world tests and their thresholds are stated in each function's docstring and on the page.
Runs are 30 years from the scenario's start; ``samples`` worlds of the baseline (or of the
essay's cast, at half the count since each world holds six actors).
"""

from __future__ import annotations

import numpy as np

from recloop.claims.core import (Claim, Evidence, Sweep, flip_run, policy_variant, run_cached, scenario_variant,
                                 world_inputs)
from recloop.policy import load_policy
from recloop.scenario import load_scenario

__all__ = ["CLAIMS", "claim", "JUDGES"]

YEARS = 30.0
_BLUE, _ORANGE, _GREEN, _RED, _GREY, _PURPLE = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f", "#9467bd"


def _layout(title, xtitle, ytitle, **kw):
    lay = {"title": {"text": title, "font": {"size": 14}}, "xaxis": {"title": {"text": xtitle}},
           "yaxis": {"title": {"text": ytitle}}, "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
           "legend": {"orientation": "h", "y": -0.25}, "height": 380}
    lay.update(kw)
    return lay


def _med(v) -> float | None:
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else None


def _mean(v) -> float | None:
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(np.mean(v)) if v.size else None


def _share(v) -> float | None:
    v = np.asarray(v, dtype=bool)
    return float(v.mean()) if v.size else None


def _p50_line(res, var):
    import warnings

    g = res.trajectories[var].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = np.nanpercentile(g, [10, 50, 90], axis=0)
    t = [round(res.scenario.start_year + float(x), 3) for x in res.times]
    return t, [[None if not np.isfinite(x) else round(float(x), 4) for x in row] for row in p]


def _ok(res):
    return res.outcomes["status"] == 0


def _cast_samples(samples: int) -> int:
    return max(20, samples // 2)


def _baseline():
    return load_scenario("baseline")


def _cast():
    return load_scenario("essay-cast")


# ---------------------------------------------------------------- 1. exponential vs linear
GAP_WIDENS_OOM = 1.0
GAP_SWEEP = (0.25, 0.5, 1.0, 2.0, 4.0)


def judge1(widen, *, threshold=GAP_WIDENS_OOM):
    """Claim 1 in one world: the verification gap widened by at least ``threshold`` OOM."""
    return np.asarray(widen, dtype=float) >= threshold


def claim1(samples: int, seed: int) -> Evidence:
    """Baseline, no halt. A world holds if, over 30 years, capability (log10 effective FLOP of the
    deployed generation) pulls at least 1 OOM further ahead of verified capability than at the start.
    The 1 OOM reads "exponential vs linear" as a widening gap; swept 0.25-4 OOM."""
    res = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    O, G = res.outcomes, res.trajectories
    ok = _ok(res)
    cap0, ver0 = G["effective_compute"][:, 0], G["verified_capability"][:, 0]
    widen = O["final_gap_oom"] - (cap0 - ver0)
    cap_rate = (O["final_effective_compute"] - cap0) / YEARS
    ver_rate = (O["final_verified_capability"] - ver0) / YEARS
    holds = judge1(widen)[ok]
    X, names = world_inputs(res, ok)
    sweep = Sweep("gap widening that counts", "OOM over 30 yr", GAP_WIDENS_OOM, GAP_SWEEP,
                  tuple(judge1(widen, threshold=x)[ok] for x in GAP_SWEEP),
                  "'moves exponentially' vs 'moves linearly': capability pulls away from verification")
    t, cap = _p50_line(res, "effective_compute")
    _, ver = _p50_line(res, "verified_capability")
    fig = {"data": [
        {"x": t, "y": cap[1], "name": "capability (median)", "type": "scatter", "line": {"color": _BLUE, "width": 2.5}},
        {"x": t, "y": cap[2], "name": "capability (90th pct)", "type": "scatter", "line": {"color": _BLUE, "dash": "dot"}},
        {"x": t, "y": ver[1], "name": "verified (median)", "type": "scatter", "line": {"color": _GREEN, "width": 2.5}},
        {"x": t, "y": ver[2], "name": "verified (90th pct)", "type": "scatter", "line": {"color": _GREEN, "dash": "dot"}},
    ], "layout": _layout("1. Capability vs verified capability (baseline, no halt)", "year", "log10 effective FLOP")}
    return Evidence(holds, {
        "share_gap_widens_1oom": _share(holds),
        "median_capability_growth_oom_per_yr": _med(cap_rate[ok]),
        "median_verified_growth_oom_per_yr": _med(ver_rate[ok]),
        "median_gap_widening_oom": _med(widen[ok]),
        "median_final_gap_oom": _med(O["final_gap_oom"][ok]),
    }, fig, population="baseline worlds (status ok), no halt",
        test="the verification gap widens by >= 1 OOM over 30 years", X=X, names=names, sweeps=(sweep,))


# ---------------------------------------------------------------- 2. shorter cycles
def _release_times(res):
    """Per world, the report time at which each generation (1, 2, ...) was first deployed."""
    gen = np.nan_to_num(res.trajectories["generation"].astype(float), nan=-1.0)
    gmax = gen.max(axis=1)
    out = []
    for i in range(gen.shape[0]):
        k = np.arange(1, int(gmax[i]) + 1)
        idx = np.searchsorted(np.maximum.accumulate(gen[i]), k, side="left")
        out.append(res.times[idx])
    return out


WEEK = 1 / 52
CYCLE_RATIO = 0.5
CYCLE_SWEEP = (0.25, 0.5, 0.75, 1.0)


def judge2(ratio, *, threshold=CYCLE_RATIO):
    """Claim 2 in one world: the median loop cycle is at most ``threshold`` x the human-led one."""
    return np.asarray(ratio, dtype=float) <= threshold


def claim2(samples: int, seed: int) -> Evidence:
    """Baseline, no halt, reported weekly. Cycle = time between successive releases. The loop's phase
    runs from takeoff start (AI does most of its own engineering) to vastly superhuman (or the
    horizon); the human-led phase is before takeoff start. A world with at least one cycle
    before and two in the loop holds if its median loop cycle is at most half its median
    human-led cycle. Also reported: the share of successive loop cycles that are shorter than
    the one before."""
    res = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS, report_every=WEEK)
    O = res.outcomes
    ok = _ok(res)
    rel = _release_times(res)
    n = len(rel)
    before, during, ratio = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    shorter, pairs = 0, 0
    loop_k: dict[int, list[float]] = {}
    for i, r in enumerate(rel):
        ts, tsup = O["t_takeoff_start"][i], O["t_superhuman"][i]
        if not np.isfinite(ts) or r.size < 2:
            continue
        end = tsup if np.isfinite(tsup) else np.inf
        c, t_end = np.diff(r), r[1:]
        pre = c[t_end < ts - 1e-9]
        loop = c[(t_end >= ts - 1e-9) & (t_end <= end + 1e-9)]
        for k, ci in enumerate(loop):
            loop_k.setdefault(k + 1, []).append(float(ci))
        if loop.size >= 2:
            shorter += int(np.sum(loop[1:] < loop[:-1]))
            pairs += loop.size - 1
        if pre.size >= 1 and loop.size >= 2:
            before[i], during[i] = np.median(pre), np.median(loop)
            ratio[i] = during[i] / before[i] if before[i] > 0 else np.nan
    pop = ok & np.isfinite(ratio)
    holds = judge2(ratio)[pop]
    X, names = world_inputs(res, pop)
    sweep = Sweep("loop cycle / human-led cycle at most", "ratio", CYCLE_RATIO, CYCLE_SWEEP,
                  tuple(judge2(ratio, threshold=x)[pop] for x in CYCLE_SWEEP),
                  "'decreases exponentially': cycles in the loop much shorter than before it (1.0: merely shorter)")
    ks = sorted(k for k, v in loop_k.items() if len(v) >= max(5, samples // 20))
    fig = {"data": [
        {"x": ["human-led (before takeoff start)", "loop (takeoff start to vastly superhuman)"],
         "y": [_med(before[pop] * 365.25), _med(during[pop] * 365.25)], "type": "bar", "name": "median cycle (days)",
         "marker": {"color": [_GREY, _BLUE]}, "xaxis": "x", "yaxis": "y"},
        {"x": ks, "y": [max(float(np.median(loop_k[k])) * 365.25, 3.5) for k in ks], "type": "scatter",
         "mode": "lines+markers", "name": "median loop cycle k (days)", "line": {"color": _ORANGE},
         "xaxis": "x2", "yaxis": "y2"}],
        "layout": _layout("2. Development cycle before and during the loop (baseline, no halt; weekly grid)", "", "median days",
                          grid={"rows": 1, "columns": 2, "pattern": "independent"},
                          xaxis2={"title": {"text": "k-th cycle after takeoff start"}},
                          yaxis2={"type": "log", "title": {"text": "days (floor 3.5)"}})}
    return Evidence(holds, {
        "share_loop_cycles_halve": _share(holds),
        "share_worlds_measured": _share(pop[ok]),
        "median_loop_over_human_cycle": _med(ratio[pop]),
        "median_human_led_cycle_days": _med(before[pop] * 365.25),
        "median_loop_cycle_days": _med(during[pop] * 365.25),
        "share_loop_cycles_shorter_than_previous": shorter / pairs if pairs else None,
    }, fig, population="baseline worlds with >= 1 release cycle before takeoff start and >= 2 from takeoff start "
                       "to vastly superhuman, no halt",
        test="median loop cycle <= 0.5 x median human-led cycle", X=X, names=names, sweeps=(sweep,))


# ---------------------------------------------------------------- 3. drift by N+3
FIDELITY_SWEEP = (0.3, 0.5, 0.7, 0.9)


def judge3(f_n3, threshold):
    """Claim 3 in one world: the fidelity of generation N+3 is below the unaligned threshold."""
    return np.asarray(f_n3, dtype=float) < threshold


def claim3(samples: int, seed: int) -> Evidence:
    """Baseline, no halt, weekly grid. Model N is the generation deployed when AI first does most of
    its own engineering (takeoff start). A world that deploys N+3 holds if the fidelity of N+3 is
    below the world's unaligned threshold (drift.unaligned_fidelity). The essay says N+3 *can*
    diverge: a claim of possibility (it holds if it happens in >= 5% of worlds). "Diverge
    completely" is read as the unaligned threshold; swept 0.3-0.9 (0.9: any marked drift)."""
    res = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS, report_every=WEEK)
    O, G = res.outcomes, res.trajectories
    gen = np.nan_to_num(G["generation"].astype(float), nan=-1.0)
    fid = G["fidelity"].astype(float)
    n = gen.shape[0]
    f_n, f_n3 = np.full(n, np.nan), np.full(n, np.nan)
    ts = O["t_takeoff_start"]
    for i in range(n):
        if not np.isfinite(ts[i]):
            continue
        j = int(np.searchsorted(res.times, ts[i] - 1e-9))
        if j >= gen.shape[1]:
            continue
        g0 = gen[i, j]
        later = np.flatnonzero(gen[i, j:] >= g0 + 3)
        f_n[i] = fid[i, j]
        if later.size:
            f_n3[i] = fid[i, j + later[0]]
    pop = _ok(res) & np.isfinite(f_n3)
    thr = O["in:drift.unaligned_fidelity"]
    holds = judge3(f_n3, thr)[pop]
    X, names = world_inputs(res, pop)
    sweep = Sweep("fidelity below which N+3 counts as diverged", "fidelity", "drift.unaligned_fidelity", FIDELITY_SWEEP,
                  tuple(judge3(f_n3, x)[pop] for x in FIDELITY_SWEEP), "'diverge completely from the original human intent'")
    fig = {"data": [{"x": [round(float(x), 4) for x in f_n3[pop]], "type": "histogram", "nbinsx": 30,
                     "marker": {"color": _ORANGE}, "name": "fidelity of N+3"}],
           "layout": _layout("3. Fidelity of generation N+3 (N: takeoff start; baseline, no halt)",
                             "fidelity (1 = intent preserved)", "worlds",
                             shapes=[{"type": "line", "x0": float(np.median(thr)), "x1": float(np.median(thr)), "y0": 0,
                                      "y1": 1, "yref": "paper", "line": {"dash": "dash", "color": _GREY}}])}
    return Evidence(holds, {
        "share_unaligned_by_n3": _share(holds),
        "share_worlds_reaching_n3": _share(pop[_ok(res)]),
        "median_fidelity_at_n": _med(f_n[pop]),
        "median_fidelity_at_n3": _med(f_n3[pop]),
        "median_relative_loss_n_to_n3": _med(1 - f_n3[pop] / f_n[pop]),
    }, fig, population="baseline worlds that reach takeoff start and deploy 3 more generations, no halt",
        test="fidelity of N+3 < drift.unaligned_fidelity (0.5)", X=X, names=names, sweeps=(sweep,), mode="can")


# ---------------------------------------------------------------- 4. weeks or days
#: surplus compute: every power and chip limit at its declared upper bound (the developer's power and
#: chip shares, AI's share of world generation, the world's generation ceiling, leading-edge headroom)
SURPLUS = {"compute": {"power_gw": 1000.0, "fab_share": 1.0, "power_share": 1.0, "ai_power_max_share": 0.9,
                       "world_power_ceiling_tw": 1000.0, "fab_headroom": 1000.0},
           "automation": {"ai_labour_at_start": 3000.0}}
TAKEOFF_WEEKS_DAYS = 60.0
WEEKS_SWEEP = (14.0, 30.0, 60.0, 120.0, 365.0)


def judge4(takeoff_days, *, threshold=TAKEOFF_WEEKS_DAYS):
    """Claim 4 in one world: the takeoff lasted under ``threshold`` days (no takeoff finished: no)."""
    return np.nan_to_num(np.asarray(takeoff_days, dtype=float), nan=np.inf) < threshold


def claim4(samples: int, seed: int) -> Evidence:
    """Surplus-compute worlds: baseline with power and chip supply at their declared upper bounds
    (the developer's power and chip shares, AI's share of world generation, the world's generation
    ceiling and the leading-edge headroom: :data:`SURPLUS`) and ten times the baseline's top AI
    research labour from inference compute (ai_labour_at_start = 3000). Among worlds that cross takeoff start, a world holds if the
    takeoff (takeoff start to vastly superhuman) lasts under 60 days; not reaching it counts as not.
    The essay says it *could* occur over weeks or days: a claim of possibility (>= 5% of worlds).
    "Weeks or days" is read as under 60 days; swept 14-365 days."""
    surplus = scenario_variant("baseline", SURPLUS, rename="baseline-surplus-compute")
    res = run_cached(surplus, load_policy("none"), samples, seed, years=YEARS)
    base = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    O, B = res.outcomes, base.outcomes
    pop = _ok(res) & np.isfinite(O["t_takeoff_start"])
    fast = judge4(O["takeoff_days"])
    holds = fast[pop]
    sweep = Sweep("takeoff shorter than", "days", TAKEOFF_WEEKS_DAYS, WEEKS_SWEEP,
                  tuple(judge4(O["takeoff_days"], threshold=x)[pop] for x in WEEKS_SWEEP), "'weeks or days, rather than years'")
    bpop = _ok(base) & np.isfinite(B["t_takeoff_start"])
    bfast = (np.nan_to_num(B["takeoff_days"], nan=np.inf) < TAKEOFF_WEEKS_DAYS)[bpop]
    X, names = world_inputs(res, pop)

    def hist(o, m, name, color):
        d = o["takeoff_days"][m]
        d = d[np.isfinite(d)]
        return {"x": [round(float(np.log10(max(x, 0.01))), 3) for x in d], "type": "histogram", "nbinsx": 30,
                "opacity": 0.6, "name": name, "marker": {"color": color}}

    fig = {"data": [hist(B, bpop, "baseline", _GREY), hist(O, pop, "surplus compute", _RED)],
           "layout": _layout("4. Takeoff duration with surplus compute vs baseline", "log10 days (1.78 = 60 days)",
                             "worlds", barmode="overlay",
                             shapes=[{"type": "line", "x0": 1.778, "x1": 1.778, "y0": 0, "y1": 1, "yref": "paper",
                                      "line": {"dash": "dash", "color": _GREY}}])}
    return Evidence(holds, {
        "share_under_60_days_surplus": _share(holds),
        "share_under_60_days_baseline": _share(bfast),
        "median_takeoff_days_surplus": _med(O["takeoff_days"][pop]),
        "median_takeoff_days_baseline": _med(B["takeoff_days"][bpop]),
        "share_reaching_superhuman_surplus": _share(np.isfinite(O["takeoff_days"][pop])),
    }, fig, population="surplus-compute worlds (every power and chip limit at its upper bound, ai_labour_at_start = 3000) "
                       "that cross takeoff start, no halt",
        test="takeoff shorter than 60 days", X=X, names=names, sweeps=(sweep,), mode="can")


# ---------------------------------------------------------------- 5. lone pause -> obsolete
OBSOLETE_SHARE_RATIO = 0.25
OBSOLETE_SWEEP = (0.1, 0.25, 0.5, 0.75)
#: market.exit_share, a fixed assumption of the scenario, swept as a structural choice
EXIT_SWEEP = (0.0, 0.001, 0.01, 0.05)


def judge5(exited, share_pause, share_none, *, threshold=OBSOLETE_SHARE_RATIO):
    """Claim 5 in one world: the pausing firm exited, or kept under ``threshold`` of its no-halt share."""
    ratio = np.asarray(share_pause, dtype=float) / np.maximum(np.asarray(share_none, dtype=float), 1e-12)
    return np.asarray(exited, dtype=bool) | (ratio < threshold)


def _claim5_runs(n, seed, exit_share=None):
    sc = _cast() if exit_share is None else scenario_variant("essay-cast", {"market": {"exit_share": exit_share}},
                                                            rename=f"essay-cast-exit-{exit_share:g}")
    res = run_cached(sc, load_policy("voluntary-pause"), n, seed, years=YEARS)
    ref = run_cached(sc, load_policy("none"), n, seed, years=YEARS)
    O = res.outcomes
    a = "frontier-a"
    paused = O[f"actor_years_paused_{a}"] > 0
    pop = _ok(res) & _ok(ref) & paused
    return res, ref, pop, paused


def claim5(samples: int, seed: int) -> Evidence:
    """Essay's cast; voluntary-pause (frontier-a pauses alone at the 90%-refactoring tripwire, all
    others race) vs no halt on the same worlds. Among worlds where frontier-a actually paused, a world
    holds if frontier-a exited, or its horizon market share is under a quarter of its no-halt share.
    "Obsolescence" is read as a quarter of its share (swept 0.1-0.75). The exit rule is a fixed
    assumption (market.exit_share = 0.01: an actor below 1% share stops developing); it is swept
    over 0-0.05 on the same worlds, as a structural choice."""
    n = _cast_samples(samples)
    res, ref, pop, paused = _claim5_runs(n, seed)
    O, R = res.outcomes, ref.outcomes
    a = "frontier-a"
    ratio = O[f"actor_share_{a}"] / np.maximum(R[f"actor_share_{a}"], 1e-12)
    args = (O[f"actor_exited_{a}"], O[f"actor_share_{a}"], R[f"actor_share_{a}"])
    holds = judge5(*args)[pop]
    X, names = world_inputs(res, pop)
    ratio_sweep = Sweep("share kept below which the firm is obsolete", "x no-halt share", OBSOLETE_SHARE_RATIO,
                        OBSOLETE_SWEEP, tuple(judge5(*args, threshold=x)[pop] for x in OBSOLETE_SWEEP),
                        "'Firm A risks obsolescence'")
    exit_holds = []
    for x in () if flip_run() else EXIT_SWEEP:  # a structural flip reads only ``holds``
        r2, f2, p2, _ = _claim5_runs(n, seed, x)
        exit_holds.append(judge5(r2.outcomes[f"actor_exited_{a}"], r2.outcomes[f"actor_share_{a}"],
                                 f2.outcomes[f"actor_share_{a}"])[p2])
    exit_sweep = Sweep("market.exit_share (structural: share below which an actor stops developing)", "fraction",
                       0.01, EXIT_SWEEP if exit_holds else (), tuple(exit_holds),
                       "the model's exit rule, not the essay's words")
    actors = [x.name for x in res.scenario.actors]
    fig = {"data": [
        {"x": actors, "y": [_mean(R[f"actor_share_{x}"][pop]) for x in actors], "type": "bar", "name": "no halt"},
        {"x": actors, "y": [_mean(O[f"actor_share_{x}"][pop]) for x in actors], "type": "bar", "name": "frontier-a pauses alone"},
    ], "layout": _layout("5. Market share at the horizon when frontier-a pauses alone", "actor",
                         "mean market share (worlds where it paused)", barmode="group")}
    return Evidence(holds, {
        "share_frontier_a_obsolete": _share(holds),
        "share_worlds_frontier_a_paused": _share(paused[_ok(res)]),
        "mean_years_paused_frontier_a": _mean(O[f"actor_years_paused_{a}"][pop]),
        "median_share_ratio_vs_no_halt": _med(ratio[pop]),
        "share_exited": _share(O[f"actor_exited_{a}"][pop]),
        **{f"share_obsolete_exit_share_{x:g}": _share(h) for x, h in zip(EXIT_SWEEP, exit_holds)},
        "mean_share_frontier_b_pause": _mean(O["actor_share_frontier-b"][pop]),
        "mean_share_frontier_b_no_halt": _mean(R["actor_share_frontier-b"][pop]),
    }, fig, population="essay-cast worlds in which frontier-a paused under voluntary-pause",
        test="frontier-a exited, or its horizon share < 0.25 x its no-halt share", X=X, names=names,
        sweeps=(ratio_sweep, exit_sweep))


# ---------------------------------------------------------------- 6. all three conditions
#: full reciprocity: the treaty covers every jurisdiction and the state outside it now complies
FULL = {"treaty": {"members": ["US", "EU", "UK", "CN"]}, "strategies": {"state-east": "comply"}}
HALT_HOLDS_OUTPUT = 0.25


def _regimes():
    full = policy_variant("treaty-monitoring", FULL, rename="treaty-monitoring-all-states")
    # without monitoring: no reporting, no chip accounting, no telemetry; national technical means
    # (satellites, energy accounting, leaks) remain (regimes.PRESETS "intelligence-only"); the rate
    # model's channels are off too, so the ablation means the same under either detection model
    no_mon = policy_variant("treaty-monitoring", {
        **FULL, "monitoring": {"registered_share": 0.0, "telemetry_tpr": 0.0, "accounting_rate_per_year": 0.0},
        "verification_regime": {"chip_accounting": False, "sme_inventory": False, "telemetry": False, "cost_share": 0.0}},
        rename="treaty-without-monitoring")
    no_thr = policy_variant("treaty-monitoring", {**FULL, "tripwires": []}, rename="treaty-without-thresholds")
    no_rec = policy_variant("treaty-monitoring", {"treaty": {"members": ["US"]}}, rename="domestic-without-reciprocity")
    return full, {"without monitoring": no_mon, "without thresholds": no_thr, "without reciprocity": no_rec}


HALT_SWEEP = (0.1, 0.25, 0.5, 1.0)
#: the share of its chips (and of the power they drew) every actor diverts when it builds covertly,
#: against the cast's declared 0.3-0.5: claim 6 turns on it under detection as evidence
#: (satellites and energy accounting see a large diversion, not a small one; docs/claims.md)
COVERT_SWEEP = (0.03, 0.1)
COVERT_USED = "the cast's (0.3-0.5)"


def _diverting(sc, share: float):
    """The cast with every actor diverting ``share`` of its chips when it builds covertly."""
    return type(sc).model_validate({**sc.model_dump(), "actors": [{**a.model_dump(), "covert_share": share}
                                                                   for a in sc.actors]})


def _halt_holds(O, threshold=HALT_HOLDS_OUTPUT):
    """A halt holds in a world when it keeps at least a quarter of the market halted for a year
    (output_lost, market-share-years) and no covert defection goes undetected."""
    return (O["output_lost"] >= threshold) & (O["defections"] - O["covert_detected"] <= 0)


def judge6(full_holds, ablation_holds):
    """Claim 6 (necessity) in the worlds where the full regime's halt holds: it fails under every
    one-condition ablation. Returns (population mask, holds among the population)."""
    pop = np.asarray(full_holds, dtype=bool)
    all_fail = np.ones_like(pop)
    for h in ablation_holds:
        all_fail &= ~np.asarray(h, dtype=bool)
    return pop, all_fail[pop]


def claim6(samples: int, seed: int) -> Evidence:
    """Essay's cast. Full regime: treaty-monitoring (chip telemetry and accounting, the AI R&D
    tripwires) with every jurisdiction in the treaty and the eastern state complying. Each ablation
    drops one condition: monitoring off; no tripwires; the treaty cut to the US alone. A halt holds
    in a world when it keeps >= 0.25 market-share-years of development halted and no covert
    defection goes undetected. Among worlds where the full regime's halt holds, a world holds if
    it fails under every one-condition ablation."""
    n = _cast_samples(samples)
    full, ablations = _regimes()
    sc = _cast()
    res = run_cached(sc, full, n, seed, years=YEARS)
    ok = _ok(res)
    runs = {"all three": res}
    for k, p in ablations.items():
        r = run_cached(sc, p, n, seed, years=YEARS)
        ok &= _ok(r)
        runs[k] = r
    succ = {k: _halt_holds(r.outcomes) for k, r in runs.items()}
    pop, holds = judge6(ok & succ["all three"], [succ[k] for k in ablations])
    X, names = world_inputs(res, pop)
    sweep_h = []
    for x in HALT_SWEEP:
        sx = {k: _halt_holds(r.outcomes, x) for k, r in runs.items()}
        sweep_h.append(judge6(ok & sx["all three"], [sx[k] for k in ablations])[1])
    sweep = Sweep("halted output that counts as a halt holding", "market-share-years", HALT_HOLDS_OUTPUT, HALT_SWEEP,
                  tuple(sweep_h), "'a viable framework for a development halt'")
    sweeps: tuple[Sweep, ...] = (sweep,)
    if not flip_run():  # a structural flip reads only ``holds``
        covert_h = []
        for share in COVERT_SWEEP:
            sc2 = _diverting(sc, share)
            rs = {"all three": run_cached(sc2, full, n, seed, years=YEARS),
                  **{k: run_cached(sc2, p, n, seed, years=YEARS) for k, p in ablations.items()}}
            ok2 = np.logical_and.reduce([_ok(r) for r in rs.values()])
            sx = {k: _halt_holds(r.outcomes) for k, r in rs.items()}
            covert_h.append(judge6(ok2 & sx["all three"], [sx[k] for k in ablations])[1])
        sweeps += (Sweep("share of its chips a defector diverts (every actor)", "fraction", COVERT_USED,
                         (*COVERT_SWEEP, COVERT_USED), (*covert_h, holds), "'Compute Monitored Enforcement'"),)
    fig = {"data": [{"x": list(succ), "y": [_share(v[ok]) for v in succ.values()], "type": "bar",
                     "marker": {"color": [_GREEN, _ORANGE, _ORANGE, _ORANGE]}, "name": "P(halt holds)"}],
           "layout": _layout("6. Share of worlds in which the halt holds, by regime (essay's cast)", "regime",
                             "share of worlds", yaxis={"range": [0, 1], "title": {"text": "share of worlds"}})}
    nums = {"share_all_three_needed": _share(holds), "worlds_where_full_halt_holds": int(pop.sum())}
    nums.update({f"p_halt_holds_{k.replace(' ', '_')}": _share(v[ok]) for k, v in succ.items()})
    for k in ablations:
        nums[f"share_fails_{k.replace(' ', '_')}"] = _share(~succ[k][pop])
    return Evidence(holds, nums, fig, population="essay-cast worlds where the halt holds under treaty-monitoring "
                    "with all states in the treaty", test="the halt fails under each one-condition ablation "
                    "(halt holds: output_lost >= 0.25 and no undetected defection)", X=X, names=names, sweeps=sweeps)


# ---------------------------------------------------------------- 7. domestic slowdown moves risk
RISK_SHIFT = 0.02
RISK_SWEEP = (0.0, 0.02, 0.05, 0.1)


def judge7(share_domestic, share_none, *, threshold=RISK_SHIFT):
    """Claim 7 in one world: the hazard share outside the slowing jurisdiction rises by > ``threshold``."""
    return np.asarray(share_domestic, dtype=float) - np.asarray(share_none, dtype=float) > threshold


def claim7(samples: int, seed: int) -> Evidence:
    """Essay's cast. Domestic slowdown: treaty-monitoring with the treaty cut to the US alone (its
    firms and state programme pause at the thresholds; UK, EU and CN actors do not). A world holds if
    the share of integrated hazard carried by actors outside the US rises by more than 2 points
    against no halt on the same world."""
    n = _cast_samples(samples)
    sc = _cast()
    dom = policy_variant("treaty-monitoring", {"treaty": {"members": ["US"]}}, rename="domestic-without-reciprocity")
    res = run_cached(sc, dom, n, seed, years=YEARS)
    ref = run_cached(sc, load_policy("none"), n, seed, years=YEARS)
    O, R = res.outcomes, ref.outcomes
    outside = [a.name for a in sc.actors if a.jurisdiction != "US"]
    s_dom = sum(np.nan_to_num(O[f"actor_risk_share_{a}"], nan=0.0) for a in outside)
    s_ref = sum(np.nan_to_num(R[f"actor_risk_share_{a}"], nan=0.0) for a in outside)
    has = np.isfinite(O["risk_share_nonmembers"]) & (R["p_catastrophe"] > 0) & (O["p_catastrophe"] > 0)
    pop = _ok(res) & _ok(ref) & has
    holds = judge7(s_dom, s_ref)[pop]
    X, names = world_inputs(res, pop)
    sweep = Sweep("rise in the hazard share outside the US that counts as 'shifts'", "share points", RISK_SHIFT,
                  RISK_SWEEP, tuple(judge7(s_dom, s_ref, threshold=x)[pop] for x in RISK_SWEEP),
                  "'merely shifts the locus of technological risk'")
    fig = {"data": [
        {"x": ["no halt", "US-only slowdown"], "y": [_mean(s_ref[pop]), _mean(s_dom[pop])], "type": "bar",
         "name": "share of hazard outside the US", "marker": {"color": _RED}},
        {"x": ["no halt", "US-only slowdown"], "y": [_mean(R["p_catastrophe"][pop]), _mean(O["p_catastrophe"][pop])],
         "type": "bar", "name": "mean P(catastrophe)", "marker": {"color": _GREY}},
    ], "layout": _layout("7. Where the risk sits after a domestic slowdown (essay's cast)", "policy", "share / probability",
                         barmode="group")}
    return Evidence(holds, {
        "share_risk_moves_outside": _share(holds),
        "mean_outside_risk_share_no_halt": _mean(s_ref[pop]),
        "mean_outside_risk_share_domestic": _mean(s_dom[pop]),
        "mean_p_catastrophe_no_halt": _mean(R["p_catastrophe"][pop]),
        "mean_p_catastrophe_domestic": _mean(O["p_catastrophe"][pop]),
    }, fig, population="essay-cast worlds with hazard under both policies",
        test="hazard share of non-US actors rises by > 0.02 under a US-only slowdown", X=X, names=names, sweeps=(sweep,))


# ---------------------------------------------------------------- 8. model collapse
LAB_GENERATIONS = 30
LAB_M = 20
LAB_CHAINS = 200


def _lab_var(seeds, seed, **loop):
    from recloop.lab.common import LoopSetup
    from recloop.lab.gaussian import GaussianSetup, run_gaussian

    r = run_gaussian(GaussianSetup(sample_size=loop.pop("sample_size", LAB_M), chains=LAB_CHAINS),
                     LoopSetup(generations=LAB_GENERATIONS, **loop), seeds=seeds, seed=seed)
    # geometric mean of the chains' fitted variances: the typical chain (the arithmetic mean of an
    # unbiased variance estimate stays at 1 while almost every chain collapses)
    return np.exp(r.metrics["log_var"])  # (seeds, generations + 1)


#: the loop runs "without real data" where most of the deployed generation's data is synthetic
SYNTHETIC_MAJORITY = 0.5
#: "degrade": the quality deficit e (loss above real-data training); 0.1 costs log10(1.1)/alpha OOM,
#: ~0.8 OOM of effective compute at the default alpha = 0.05
DEGRADE_DEFICIT = 0.1
DEGRADE_SWEEP = (0.01, 0.05, 0.1, 0.2, 0.5)
#: the counterfactual: real data never runs out (stock and growth at their declared upper bounds)
REAL_DATA_FLOWS = {"data": {"real_stock_tokens": 1e16, "real_stock_growth": 0.5}}


def judge8(deficit, deficit_with_real, *, threshold=DEGRADE_DEFICIT):
    """Claim 8 in one world: the loop degrades (deficit >= ``threshold``) and the same world with a
    continuous supply of real data does not."""
    return (np.asarray(deficit, dtype=float) >= threshold) & (np.asarray(deficit_with_real, dtype=float) < threshold)


def claim8(samples: int, seed: int) -> Evidence:
    """Through the engine's data mechanism (recloop.mechanisms.data) over the baseline's uncertain
    worlds, no halt. Population: worlds in which the loop runs without enough real data (at the
    horizon most of the deployed generation's training data is synthetic). A world holds if its
    data-quality deficit at the horizon is >= 0.1 (the loss 10% above real-data training; ~0.8 OOM
    of effective compute at alpha = 0.05) while the same world with real data that never runs out
    stays below it. The essay says the loop *can* degrade: a claim of possibility (>= 5% of
    worlds); the deficit that counts as "degrade" is swept 0.01-0.5. The collapse lab is
    calibration evidence (it sets data.collapse_kappa's range), not the population: its Gaussian
    loop's result is reported alongside. The engine has no separate "cognitive diversity": the
    deficit (loss) stands for both."""
    base = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    flows = run_cached(scenario_variant("baseline", REAL_DATA_FLOWS, rename="baseline-real-data-flows"),
                       load_policy("none"), samples, seed, years=YEARS)
    B, F = base.outcomes, flows.outcomes
    ok = _ok(base) & _ok(flows)
    pop = ok & (B["synthetic_share_end"] >= SYNTHETIC_MAJORITY)
    holds = judge8(B["data_deficit_end"], F["data_deficit_end"])[pop]
    X, names = world_inputs(base, pop)
    sweep = Sweep("data-quality deficit that counts as degraded", "loss fraction", DEGRADE_DEFICIT, DEGRADE_SWEEP,
                  tuple(judge8(B["data_deficit_end"], F["data_deficit_end"], threshold=x)[pop] for x in DEGRADE_SWEEP),
                  "'degrade into a feedback loop of compounding misinformation'")
    # calibration evidence: the collapse lab's Gaussian loop (Shumailov et al. 2024), 4 seeds
    v0 = _lab_var(4, seed, real_fraction=0.0)
    v1 = _lab_var(4, seed, real_fraction=0.1)
    acc = _lab_var(4, seed, real_fraction=0.0, regime="accumulate")
    flips = [f"calibration evidence, collapse lab (Gaussian loop, M = {LAB_M}, {LAB_GENERATIONS} generations, 4 seeds): "
             f"median fitted variance {np.median(v0[:, -1]):.2f} with no real data, {np.median(v1[:, -1]):.2f} with 10% "
             f"real data, {np.median(acc[:, -1]):.2f} accumulating (real variance 1); it sets the range of "
             "data.collapse_kappa, it is not the population"]
    pen = np.log10(1.0 + np.maximum(B["data_deficit_end"], 0.0)) / B["in:data.loss_compute_exponent"] \
        if "in:data.loss_compute_exponent" in B else np.log10(1.0 + np.maximum(B["data_deficit_end"], 0.0)) / 0.05
    d = B["data_deficit_end"][ok]
    fig = {"data": [
        {"x": [round(float(x), 4) for x in B["synthetic_share_end"][ok]], "y": [round(float(x), 5) for x in d],
         "mode": "markers", "type": "scatter", "name": "worlds (finite real data)", "marker": {"color": _RED, "size": 4}},
        {"x": [round(float(x), 4) for x in F["synthetic_share_end"][ok]], "y": [round(float(x), 5) for x in F["data_deficit_end"][ok]],
         "mode": "markers", "type": "scatter", "name": "same worlds, real data flows", "marker": {"color": _GREEN, "size": 4}}],
        "layout": _layout("8. Data-quality deficit at the horizon vs synthetic share (engine, baseline, no halt)",
                          "synthetic share of training data", "quality deficit (loss fraction)", yaxis={"type": "log"})}
    return Evidence(holds, {
        "share_loop_degrades_without_real_data": _share(holds),
        "share_worlds_mostly_synthetic": _share(pop[ok]),
        "median_data_deficit_end": _med(B["data_deficit_end"][pop]),
        "median_data_deficit_end_real_flows": _med(F["data_deficit_end"][pop]),
        "median_capability_penalty_oom": _med(pen[pop]),
        "median_synthetic_share_end": _med(B["synthetic_share_end"][ok]),
        "lab_median_final_variance_no_real": _med(v0[:, -1]),
        "lab_median_final_variance_10pct_real": _med(v1[:, -1]),
    }, fig, population="baseline worlds in which most training data is synthetic at the horizon, no halt",
        test="data-quality deficit >= 0.1 at the horizon, < 0.1 in the same world with real data that never runs out",
        X=X, names=names, lever_flips=tuple(flips), sweeps=(sweep,), mode="can")


# ---------------------------------------------------------------- 9. physical speed limit
LEAD_SHORT = {"compute": {"power_lead_time_years": 0.25, "fab_lead_time_years": 0.25}}
LEAD_LONG = {"compute": {"power_lead_time_years": 15.0, "fab_lead_time_years": 15.0}}
NO_WALL = {"generations": {"latency_wall_flop": 1e35}}
SPEED_CUT = 0.8
SPEED_SWEEP = (0.5, 0.8, 0.9, 1.0)


def judge9(ratio, *, threshold=SPEED_CUT):
    """Claim 9 in one world: peak speed with real lead times <= ``threshold`` x with short ones."""
    return np.asarray(ratio, dtype=float) <= threshold


def claim9(samples: int, seed: int) -> Evidence:
    """Baseline worlds run with the power and fab lead times at their lower bound (0.25 yr) and at
    their default (3 and 4 yr). Speed = peak OOM of deployed capability gained in one year. Among
    worlds that cross takeoff start with short lead times, a world holds if its peak speed with the
    default lead times is at most 0.8 x the speed with short ones. Also reported: lead times at
    their upper bound (15 yr), and the latency wall moved out of reach (1e35 FLOP)."""
    base = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    short = run_cached(scenario_variant("baseline", LEAD_SHORT, rename="baseline-short-lead-times"),
                       load_policy("none"), samples, seed, years=YEARS)
    if flip_run():  # a structural flip reads only ``holds``: the two reported variants are not run
        long_ = nowall = base
    else:
        long_ = run_cached(scenario_variant("baseline", LEAD_LONG, rename="baseline-long-lead-times"),
                           load_policy("none"), samples, seed, years=YEARS)
        nowall = run_cached(scenario_variant("baseline", NO_WALL, rename="baseline-no-latency-wall"),
                            load_policy("none"), samples, seed, years=YEARS)
    S, O = short.outcomes, base.outcomes
    pop = _ok(base) & _ok(short) & np.isfinite(S["t_takeoff_start"]) & (S["peak_oom_per_year"] > 0)
    ratio = O["peak_oom_per_year"] / np.maximum(S["peak_oom_per_year"], 1e-12)
    holds = judge9(ratio)[pop]
    X, names = world_inputs(base, pop)
    sweep = Sweep("speed with default lead times at most", "x speed with 0.25-yr lead times", SPEED_CUT, SPEED_SWEEP,
                  tuple(judge9(ratio, threshold=x)[pop] for x in SPEED_SWEEP), "'impose a hard physical speed limit'")
    runs = {"lead 0.25 yr": short, "lead 3-4 yr (default)": base, "lead 15 yr": long_, "no latency wall": nowall}
    fig = {"data": [{"x": list(runs), "y": [_med(r.outcomes["peak_oom_per_year"][pop]) for r in runs.values()],
                     "type": "bar", "marker": {"color": [_GREEN, _BLUE, _RED, _PURPLE]}, "name": "median peak OOM/yr"}],
           "layout": _layout("9. Peak capability growth vs lead times and the latency wall (same worlds)", "variant",
                             "median peak OOM gained in one year")}
    binding = O["binding_limit"][_ok(base)]
    return Evidence(holds, {
        "share_lead_times_cut_speed_20pct": _share(holds),
        "median_speed_ratio_default_vs_short": _med(ratio[pop]),
        "median_speed_ratio_long_vs_short": _med((long_.outcomes["peak_oom_per_year"]
                                                  / np.maximum(S["peak_oom_per_year"], 1e-12))[pop]),
        "median_speed_ratio_wall_vs_no_wall": _med((O["peak_oom_per_year"]
                                                    / np.maximum(nowall.outcomes["peak_oom_per_year"], 1e-12))[pop]),
        "share_binding_power": _share(binding == 2),
        "share_binding_fab": _share(binding == 1),
        "share_binding_budget": _share(binding == 0),
    }, fig, population="baseline worlds that cross takeoff start (with short lead times), no halt",
        test="peak OOM/yr with default lead times <= 0.8 x with 0.25-yr lead times", X=X, names=names, sweeps=(sweep,))


# ---------------------------------------------------------------- 10. verification compute
HIGH_SHARE = 0.2
SHARE_SWEEP = (0.05, 0.1, 0.2, 0.4)
WIDEN_OOM = 0.5
WIDEN_SWEEP = (0.1, 0.5, 1.0, 2.0)


def judge10(widen, *, threshold=WIDEN_OOM):
    """Claim 10 in one world: at a fixed verification share the gap still widens by >= ``threshold``
    OOM over the run, so a share that does not grow cannot keep up (the claim's necessity)."""
    return np.asarray(widen, dtype=float) >= threshold


def _widening(res):
    G = res.trajectories
    return res.outcomes["final_gap_oom"] - (G["effective_compute"][:, 0] - G["verified_capability"][:, 0])


def claim10(samples: int, seed: int) -> Evidence:
    """Baseline worlds, no halt, verification at a fixed 20% of compute (four times the default 5%).
    The claim is a necessity: verification compute *must* grow faster than training compute. A world
    holds if even a fixed 20% share lets the verification gap widen by >= 0.5 OOM over 30 years (a
    share that does not grow does not keep up). Swept: the fixed share (5-40%) and the widening
    that counts (0.1-2 OOM). The second sentence ("every petaflop allocated to safety testing is a
    petaflop diverted") is built into the model (verification compute is subtracted from training
    compute), so it is not tested; its size is reported."""
    shares = (0.05, HIGH_SHARE) if flip_run() else SHARE_SWEEP  # a structural flip reads only ``holds``
    runs = {}
    for x in shares:
        pol = load_policy("none") if x == 0.05 else policy_variant(
            "none", {"verification": {"compute_share": x}}, rename=f"verification-{round(x * 100)}pct")
        runs[x] = run_cached(_baseline(), pol, samples, seed, years=YEARS)
    hi, lo = runs[HIGH_SHARE], runs[0.05]
    ok = np.ones(samples, bool)
    for r in runs.values():
        ok &= _ok(r)
    widen = {x: _widening(r) for x, r in runs.items()}
    holds = judge10(widen[HIGH_SHARE])[ok]
    X, names = world_inputs(hi, ok)
    with np.errstate(invalid="ignore"):
        cost = np.nanmean(lo.trajectories["effective_compute"].astype(float)
                          - hi.trajectories["effective_compute"].astype(float), axis=1)
    sweeps = (Sweep("fixed verification share", "fraction of compute", HIGH_SHARE, shares,
                    tuple(judge10(widen[x])[ok] for x in shares), "a share that does not grow, at several sizes"),
              Sweep("gap widening that counts as not keeping up", "OOM over 30 yr", WIDEN_OOM, WIDEN_SWEEP,
                    tuple(judge10(widen[HIGH_SHARE], threshold=x)[ok] for x in WIDEN_SWEEP),
                    "'must scale non-linearly': a fixed share falls behind"))
    nu = hi.outcomes["in:verification.required_exponent"][ok]
    fig = {"data": [{"x": [round(float(x), 3) for x in nu], "y": [round(float(x), 3) for x in widen[HIGH_SHARE][ok]],
                     "mode": "markers", "type": "scatter", "name": "worlds",
                     "marker": {"color": [_RED if h else _GREY for h in holds], "size": 5}}],
           "layout": _layout("10. Gap widening at a fixed 20% verification share vs required exponent",
                             "verification.required_exponent", "gap widening over 30 yr, OOM (red: claim holds)")}
    return Evidence(holds, {
        "share_fixed_20pct_falls_behind": _share(holds),
        **{f"share_falls_behind_at_{round(x * 100)}pct": _share(judge10(widen[x])[ok]) for x in shares},
        "median_gap_widening_20pct_oom": _med(widen[HIGH_SHARE][ok]),
        "median_capability_cost_of_20pct_oom (built in, not tested)": _med(cost[ok]),
        "median_final_gap_5pct": _med(lo.outcomes["final_gap_oom"][ok]),
        "median_final_gap_20pct": _med(hi.outcomes["final_gap_oom"][ok]),
    }, fig, population="baseline worlds, no halt, verification at fixed shares of compute",
        test="the gap widens >= 0.5 OOM over 30 years even at a fixed 20% verification share", X=X, names=names,
        sweeps=sweeps)


# ---------------------------------------------------------------- 11. capital moat
MOAT_MARGIN = 0.0
MOAT_SWEEP = (0.0, 0.02, 0.05, 0.1)


def judge11(kept_small, kept_big, *, margin=MOAT_MARGIN):
    """Claim 11 in one world: the small actors keep a smaller share of their no-halt revenue than
    the frontier firms, by more than ``margin``."""
    return np.asarray(kept_small, dtype=float) < np.asarray(kept_big, dtype=float) - margin


def claim11(samples: int, seed: int) -> Evidence:
    """Essay's cast; full-stack (mandatory verification gates, pauses and compliance costs: 0.5% of
    the frontier budget fixed plus 2% of own spending) vs no halt on the same worlds. A world holds if
    the fast follower and the open-source collective keep a smaller fraction of their no-halt revenue
    (mean market share over the run) than the two frontier firms do."""
    n = _cast_samples(samples)
    sc = _cast()
    res = run_cached(sc, load_policy("full-stack"), n, seed, years=YEARS)
    ref = run_cached(sc, load_policy("none"), n, seed, years=YEARS)
    O, R = res.outcomes, ref.outcomes
    big, small = ["frontier-a", "frontier-b"], ["fast-follower", "open-source"]

    def kept(group):
        num = sum(O[f"actor_mean_share_{a}"] for a in group)
        den = sum(R[f"actor_mean_share_{a}"] for a in group)
        return num / np.maximum(den, 1e-12)

    kb, ks = kept(big), kept(small)
    pop = _ok(res) & _ok(ref)
    holds = judge11(ks, kb)[pop]
    X, names = world_inputs(res, pop)
    sweep = Sweep("revenue-kept gap that counts as a moat", "fraction of no-halt revenue", MOAT_MARGIN, MOAT_SWEEP,
                  tuple(judge11(ks, kb, margin=x)[pop] for x in MOAT_SWEEP), "'an immense compliance burden'")
    actors = [a.name for a in sc.actors]
    fig = {"data": [
        {"x": actors, "y": [_mean((O[f"actor_mean_share_{a}"] / np.maximum(R[f"actor_mean_share_{a}"], 1e-12))[pop])
                            for a in actors], "type": "bar", "name": "revenue kept vs no halt", "marker": {"color": _BLUE}},
        {"x": actors, "y": [_mean(O[f"actor_compliance_cost_{a}"][pop]) for a in actors], "type": "bar",
         "name": "compliance cost (share of budget)", "marker": {"color": _RED}},
    ], "layout": _layout("11. Revenue kept and compliance burden under full-stack (essay's cast)", "actor", "ratio / share",
                         barmode="group")}
    return Evidence(holds, {
        "share_moat": _share(holds),
        "median_revenue_kept_frontier": _med(kb[pop]),
        "median_revenue_kept_followers": _med(ks[pop]),
        **{f"compliance_cost_{a}": _mean(O[f"actor_compliance_cost_{a}"][pop]) for a in big + small},
    }, fig, population="essay-cast worlds, full-stack vs no halt",
        test="fast follower + open source keep less of their no-halt revenue than the two frontier firms", X=X, names=names,
        sweeps=(sweep,))


# ---------------------------------------------------------------- 12. containment
AIR = {"air_gap": 0.8}
SANDBOX = {"sandbox_catch_rate": 0.5, "sandbox_overhead": 0.05, "sandbox_latency_days": 14.0}
DETECT = {"detection_tpr": 0.7, "detection_fpr": 0.05, "deprecate_lineage": True}


def _containment(name, levers):
    return policy_variant("none", {"containment": levers}, rename=name)


#: sandbox catch rates of the air-gap-free stack tried against the air gap's necessity
SANDBOX_SWEEP = (0.25, 0.5, 0.9)


def judge12(prevented_without_air_gap):
    """Claim 12 (necessity) in a world the stack must protect: nothing short of the air gap (the
    sandbox, adversarial detection and deprecation without it) prevents unaligned capability."""
    return ~np.asarray(prevented_without_air_gap, dtype=bool)


def claim12(samples: int, seed: int) -> Evidence:
    """Baseline worlds, containment levers at full-stack's values, on the same worlds. The essay says
    preventing unmonitored succession *requires* the air gap: a necessity. Unmonitored succession =
    unaligned capability (a dangerous generation below the unaligned fidelity). Population: worlds
    where it happens with no containment and the full stack (air gap 0.8, sandbox catching 50%,
    detection TPR 0.7 / FPR 0.05, lineage deprecation) prevents it. A world holds if the same stack
    without the air gap does not prevent it (the air gap was required). Swept: the air-gap-free
    stack's sandbox catch rate (25-90%). Caveat, stated on the page: in the model the air gap and
    the sandbox are multiplicative cuts to drift with no capability cost beyond the sandbox's
    declared overhead and latency (recloop.mechanisms.drift), so they are generous to containment."""
    sc = _baseline()
    variants = {
        "no containment": load_policy("none"),
        "air gap": _containment("air-gap", AIR),
        "sandbox": _containment("sandbox", SANDBOX),
        "detection + deprecation": _containment("detection", DETECT),
        "all three, no deprecation": _containment("stack-no-deprecation", {**AIR, **SANDBOX, **DETECT,
                                                                           "deprecate_lineage": False}),
        "all three + deprecation": _containment("stack", {**AIR, **SANDBOX, **DETECT}),
        "stack without the air gap": _containment("stack-no-air-gap", {**SANDBOX, **DETECT}),
    }
    tried = (SANDBOX["sandbox_catch_rate"],) if flip_run() else SANDBOX_SWEEP  # a structural flip reads only ``holds``
    for c in tried:
        if c != SANDBOX["sandbox_catch_rate"]:
            variants[f"stack without the air gap, sandbox {c:g}"] = _containment(
                f"stack-no-air-gap-sandbox-{c:g}", {**SANDBOX, **DETECT, "sandbox_catch_rate": c})
    runs = {k: run_cached(sc, p, samples, seed, years=YEARS) for k, p in variants.items()}
    ref = runs["no containment"].outcomes
    ok = np.ones(samples, bool)
    for r in runs.values():
        ok &= _ok(r)
    prevented = {k: ~r.outcomes["unaligned_capability"] for k, r in runs.items()}
    pop = ok & ref["unaligned_capability"] & prevented["all three + deprecation"]
    holds = judge12(prevented["stack without the air gap"])[pop]
    X, names = world_inputs(runs["no containment"], pop)
    no_gap = {c: prevented["stack without the air gap" if c == SANDBOX["sandbox_catch_rate"]
                           else f"stack without the air gap, sandbox {c:g}"] for c in tried}
    sweep = Sweep("sandbox catch rate of the stack without the air gap", "fraction", SANDBOX["sandbox_catch_rate"],
                  tried, tuple(judge12(no_gap[c])[pop] for c in tried),
                  "'requires ... strict air-gapping': can a stronger sandbox stand in for it?")
    shown = [k for k in runs if not k.startswith("stack without the air gap, sandbox")]
    fig = {"data": [{"x": shown, "y": [_share(~prevented[k][ok]) for k in shown], "type": "bar",
                     "marker": {"color": [_GREY, _BLUE, _BLUE, _BLUE, _ORANGE, _GREEN, _RED]}, "name": "P(unaligned capability)"}],
           "layout": _layout("12. Unaligned capability by containment lever (baseline worlds, same draws)", "levers",
                             "share of worlds", yaxis={"range": [0, 1], "title": {"text": "share of worlds"}})}
    need = ok & ref["unaligned_capability"]
    nums = {"share_air_gap_required": _share(holds), "p_unaligned_no_containment": _share(ref["unaligned_capability"][ok]),
            "share_full_stack_prevents (sufficiency)": _share(prevented["all three + deprecation"][need])}
    for k in shown[1:]:
        nums[f"share_prevented_{k.replace(' ', '_').replace('+', 'and').replace(',', '')}"] = _share(prevented[k][need])
    nums["mean_deprecations_stack"] = _mean(runs["all three + deprecation"].outcomes["deprecations"][ok])
    return Evidence(holds, nums, fig, population="baseline worlds that reach unaligned capability with no containment "
                    "and in which the full stack (with the air gap) prevents it",
                    test="the stack without the air gap does not prevent it (the air gap was required)", X=X, names=names,
                    sweeps=(sweep,), lever_flips=(
                        "model caveat: the air gap and the sandbox cut drift multiplicatively and cost nothing but the "
                        "sandbox's declared compute overhead and latency, so containment is generous here",))


# ---------------------------------------------------------------- 13. risk hedging (not testable)
def claim13(samples: int, seed: int) -> Evidence:
    """Not testable by the model: recloop has no liability, no public discourse, and no division of
    mitigation responsibility between developers and states; a stand-in (say, the hazard share
    carried by members of a treaty) would test a different sentence."""
    fig = {"data": [], "layout": _layout("13. Not testable by the model", "", "",
                                         annotations=[{"text": "recloop has no liability or public-discourse mechanism",
                                                       "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5,
                                                       "y": 0.5}])}
    return Evidence(np.zeros(0, bool), {}, fig, population="none", test="none",
                    untestable="recloop models no liability, no public discourse and no split of mitigation "
                               "responsibility between developers and states; testing a stand-in (such as the hazard share "
                               "carried by treaty members) would test another sentence")


# ---------------------------------------------------------------- 14. time-to-market synchronisation
#: the laggard's compute (frontier-b, relative to frontier-a) in the two-firm worlds; 1.0 = no lag
LAG_SHARES = (1.0, 0.8, 0.5, 0.2)
LAG_USED = 0.5
GAIN_MIN = 0.0
GAIN_SWEEP = (0.0, 0.005, 0.02)


def judge14(gain_laggard, *, threshold=GAIN_MIN):
    """Claim 14 in one world: the lagging firm's private gain from the industry-wide slowdown (its
    mean market share under the slowdown minus without it) exceeds ``threshold``."""
    return np.asarray(gain_laggard, dtype=float) > threshold


def _claim14_runs(n, seed, lag):
    sc = scenario_variant("two-firm", {}, rename="two-firm")
    if lag != 0.8:  # the bundled two-firm has frontier-b at 0.8
        data = sc.model_dump(mode="json")
        for act in data["actors"]:
            if act["name"] == "frontier-b":
                act["compute_share"] = lag
        data["name"] = f"two-firm-lag-{lag:g}"
        from recloop.scenario import parse_scenario

        sc = parse_scenario(data)
    slow = policy_variant("treaty-monitoring", {"treaty": {"members": ["US"]}}, rename="industry-wide-slowdown")
    res = run_cached(sc, slow, n, seed, years=YEARS)
    ref = run_cached(sc, load_policy("none"), n, seed, years=YEARS)
    O, R = res.outcomes, ref.outcomes
    gain = O["actor_mean_share_frontier-b"] - R["actor_mean_share_frontier-b"]
    took = (O["actor_years_paused_frontier-a"] > 0) | (O["actor_years_paused_frontier-b"] > 0)
    pop = _ok(res) & _ok(ref) & took
    return res, ref, gain, pop


def claim14(samples: int, seed: int) -> Evidence:
    """Two-firm worlds (baseline uncertainties; both firms in the US). frontier-b's build-out lags:
    its compute is 0.5 of frontier-a's (0.3 OOM behind; the lag a delayed data centre leaves). The
    industry-wide slowdown is treaty-monitoring over the US (both firms pause at the 90%-refactoring
    tripwire until verification catches up); the reference is no halt on the same worlds. Among
    worlds where the slowdown took effect, a world holds if the lagging firm gains (its mean market
    share over the run is higher under the slowdown). Swept: the lag (compute 1.0, 0.8, 0.5, 0.2 of
    the leader's; 1.0 is no laggard) and the gain that counts (0-0.02 share). The model's lag is a
    lasting compute gap, not a temporary delay: a temporary shock is not modelled."""
    n = _cast_samples(samples)
    lags = (LAG_USED,) if flip_run() else LAG_SHARES  # a structural flip reads only ``holds``
    by_lag = {lag: _claim14_runs(n, seed, lag) for lag in lags}
    res, _, gain, pop = by_lag[LAG_USED]
    holds = judge14(gain)[pop]
    X, names = world_inputs(res, pop)
    sweeps = (Sweep("the laggard's compute relative to the leader", "fraction", LAG_USED, lags,
                    tuple(judge14(by_lag[x][2])[by_lag[x][3]] for x in lags),
                    "'a delay in a next-generation data center deployment'"),
              Sweep("private gain that counts", "market share (mean over the run)", GAIN_MIN, GAIN_SWEEP,
                    tuple(judge14(gain, threshold=x)[pop] for x in GAIN_SWEEP),
                    "'aligns the market's velocity with its own operational constraints'"))
    fig = {"data": [{"x": [round(-np.log10(x), 3) for x in lags],
                     "y": [_med(by_lag[x][2][by_lag[x][3]]) for x in lags], "type": "scatter",
                     "mode": "lines+markers", "name": "median private gain of frontier-b", "line": {"color": _BLUE}}],
           "layout": _layout("14. The lagging firm's private gain from an industry-wide slowdown vs its lag",
                             "frontier-b's compute lag, OOM", "gain in mean market share")}
    return Evidence(holds, {
        "share_laggard_gains": _share(holds),
        **{f"share_laggard_gains_at_compute_{x:g}": _share(judge14(by_lag[x][2])[by_lag[x][3]]) for x in lags},
        **{f"median_gain_at_compute_{x:g}": _med(by_lag[x][2][by_lag[x][3]]) for x in lags},
        "share_worlds_slowdown_took_effect": _share(pop[_ok(res)]),
    }, fig, population="two-firm worlds (frontier-b at 0.5 of frontier-a's compute) where the US-wide slowdown took effect",
        test="frontier-b's mean market share is higher under the slowdown than without it", X=X, names=names, sweeps=sweeps)


# ---------------------------------------------------------------- 15. hardware stop at self-iteration
#: code automation at which the system iterates on its own code base without humans (the engine's
#: risk.no_control_automation default, declared from this sentence of the essay)
SELF_ITERATION = 0.95
EARLY_TRIGGER = 0.9
EARLY_SWEEP = (0.8, 0.85, 0.9)


def _stop_policy(threshold):
    return policy_variant("none", {"tripwires": [{
        "name": f"hardware-stop-at-code-{threshold:g}", "metric": "automation_code", "threshold": threshold,
        "cadence_years": 0.05, "error_sd": 0.0, "lag_years": 0.0, "response": "pause_until_verified",
        "source": "the essay's closing mandate: 'hard hardware-level stop protocols'",
        "mapping": "a stop protocol tripped by code-vector automation; halts until verification covers the model"}]},
        rename=f"hardware-stop-{threshold:g}")


def _in_time(O):
    """The stop took effect before the point of no control: it halted, and no halt failed (the engine
    counts a halt as failed when the stop is unreliable or arrives after the point of no control)."""
    return (np.asarray(O["halts"]) > 0) & (np.asarray(O["failed_halts"]) == 0)


def judge15(in_time_early, in_time_at_moment):
    """Claim 15 in a world that loses control with no halt: a stop tripped before the moment of
    self-iteration takes effect in time, one tripped at the moment does not (the window had closed)."""
    return np.asarray(in_time_early, dtype=bool) & ~np.asarray(in_time_at_moment, dtype=bool)


def claim15(samples: int, seed: int) -> Evidence:
    """Baseline worlds; a hardware stop protocol (the policy's declared stop latency, 7 days, and
    reliability, 0.9) tripped by code-vector automation, checked every 0.05 yr without error,
    halting until verification covers the model. At the moment: code automation 0.95, the
    engine's risk.no_control_automation (the point at which the system iterates on its code base
    without humans). Before it: 0.9 (the essay's own 90%-refactoring threshold; swept 0.8-0.9).
    Population: worlds that lose control with no halt. A world holds if the earlier stop takes
    effect in time (it halts before the point of no control) while the stop at the moment does
    not. The engine's point of no control is declared from this very sentence, so the "at the
    moment" half is largely built in; what the run tests is whether a stop just before it works
    with real latency and reliability. Reported beside it: the share of those worlds in which each
    stop keeps control to the horizon (a stop alone, with no verification gate afterwards)."""
    sc = _baseline()
    none = run_cached(sc, load_policy("none"), samples, seed, years=YEARS)
    at = run_cached(sc, _stop_policy(SELF_ITERATION), samples, seed, years=YEARS)
    trig = (EARLY_TRIGGER,) if flip_run() else EARLY_SWEEP  # a structural flip reads only ``holds``
    early = {x: run_cached(sc, _stop_policy(x), samples, seed, years=YEARS) for x in trig}
    ok = _ok(none) & _ok(at)
    for r in early.values():
        ok &= _ok(r)
    in_time = {x: _in_time(r.outcomes) for x, r in early.items()}
    in_time_at = _in_time(at.outcomes)
    kept = {x: ~np.isfinite(r.outcomes["t_no_control"]) for x, r in early.items()}
    kept_at = ~np.isfinite(at.outcomes["t_no_control"])
    pop = ok & np.isfinite(none.outcomes["t_no_control"])
    holds = judge15(in_time[EARLY_TRIGGER], in_time_at)[pop]
    X, names = world_inputs(none, pop)
    sweep = Sweep("code automation of the earlier stop", "fraction", EARLY_TRIGGER, trig,
                  tuple(judge15(in_time[x], in_time_at)[pop] for x in trig), "'the moment a system achieves ...'")
    labels = [f"stop at {x:g}" for x in trig] + [f"stop at {SELF_ITERATION:g} (the moment)"]
    fig = {"data": [
        {"x": labels, "y": [_share(in_time[x][pop]) for x in trig] + [_share(in_time_at[pop])], "type": "bar",
         "marker": {"color": _GREEN}, "name": "stop took effect in time"},
        {"x": labels, "y": [_share(kept[x][pop]) for x in trig] + [_share(kept_at[pop])], "type": "bar",
         "marker": {"color": _GREY}, "name": "control kept to the horizon"}],
        "layout": _layout("15. Hardware stop by trigger (worlds that lose control with no halt)",
                          "trigger (code-vector automation)", "share of worlds", barmode="group", yaxis={"range": [0, 1]})}
    return Evidence(holds, {
        "share_window_closes_at_self_iteration": _share(holds),
        "share_in_time_stop_at_moment": _share(in_time_at[pop]),
        **{f"share_in_time_stop_at_{x:g}": _share(in_time[x][pop]) for x in trig},
        "share_kept_control_stop_at_moment": _share(kept_at[pop]),
        **{f"share_kept_control_stop_at_{x:g}": _share(kept[x][pop]) for x in trig},
    }, fig, population="baseline worlds that lose control with no halt",
        test="a stop tripped at code automation 0.9 takes effect before the point of no control; one tripped at 0.95 "
             "(the moment of self-iteration) does not", X=X, names=names, sweeps=(sweep,))


# ---------------------------------------------------------------- 16. capital pivots to verification
PIVOT_SHARES = (0.1, 0.2, 0.4)
DELAY_BUDGET = 2.0
DELAY_SWEEP = (0.5, 1.0, 2.0, 5.0)


def judge16(verified_takeoff_at, delay_at, *, budget=DELAY_BUDGET):
    """Claim 16 in a world with an unverified takeoff at the default split: some larger verification
    share gives a verified takeoff (reached vastly superhuman, verified) within ``budget`` years of
    delay. ``verified_takeoff_at``/``delay_at``: one array per share tried."""
    out = np.zeros(np.asarray(verified_takeoff_at[0]).shape, bool)
    for v, d in zip(verified_takeoff_at, delay_at):
        out |= np.asarray(v, dtype=bool) & (np.asarray(d, dtype=float) <= budget)
    return out


def claim16(samples: int, seed: int) -> Evidence:
    """Baseline worlds, no halt, the split of compute between capability and verification: the
    default 5% and pivots to 10%, 20% and 40% (the same runs as claim 10). Population: worlds with
    an unverified takeoff at 5%. A world holds if a pivot gives a *verified* takeoff (vastly
    superhuman, verification covering it) with at most 2 years' delay to vastly superhuman; a pivot
    that only pushes takeoff past the horizon is not counted as safe. Swept: the delay budget
    (0.5-5 yr). Also reported: the split that minimises P(unverified takeoff | takeoff) among those
    whose mean delay is within the budget."""
    sc = _baseline()
    runs = {0.05: run_cached(sc, load_policy("none"), samples, seed, years=YEARS)}
    for x in PIVOT_SHARES:
        runs[x] = run_cached(sc, policy_variant("none", {"verification": {"compute_share": x}},
                                                rename=f"verification-{round(x * 100)}pct"), samples, seed, years=YEARS)
    ok = np.ones(samples, bool)
    for r in runs.values():
        ok &= _ok(r)
    base = runs[0.05].outcomes
    pop = ok & base["unverified_takeoff"].astype(bool)
    t0 = base["t_superhuman"]
    verified = [np.isfinite(runs[x].outcomes["t_superhuman"]) & ~runs[x].outcomes["unverified_takeoff"].astype(bool)
                for x in PIVOT_SHARES]
    delay = [np.where(np.isfinite(runs[x].outcomes["t_superhuman"]), runs[x].outcomes["t_superhuman"] - t0, np.inf)
             for x in PIVOT_SHARES]
    holds = judge16(verified, delay)[pop]
    X, names = world_inputs(runs[0.05], pop)
    sweep = Sweep("delay to vastly superhuman the pivot may cost", "yr", DELAY_BUDGET, DELAY_SWEEP,
                  tuple(judge16(verified, delay, budget=b)[pop] for b in DELAY_SWEEP),
                  "'capital allocation must pivot from maximizing raw parameter scale'")
    rows = {}
    for x, r in runs.items():
        O = r.outcomes
        sup = np.isfinite(O["t_superhuman"])
        d = np.where(sup, O["t_superhuman"], YEARS) - np.where(np.isfinite(t0), t0, YEARS)
        rows[x] = {"p_unverified_given_takeoff": _share(O["unverified_takeoff"][ok & sup]),
                   "p_takeoff": _share(sup[ok]), "mean_delay_lower_bound": _mean(d[ok])}
    feasible = [x for x, v in rows.items() if v["mean_delay_lower_bound"] is not None
                and v["mean_delay_lower_bound"] <= DELAY_BUDGET and v["p_unverified_given_takeoff"] is not None]
    best = min(feasible, key=lambda x: float(rows[x]["p_unverified_given_takeoff"] or 0.0)) if feasible else None
    xs = list(rows)
    fig = {"data": [
        {"x": xs, "y": [rows[x]["p_unverified_given_takeoff"] for x in xs], "type": "scatter", "mode": "lines+markers",
         "name": "P(unverified | takeoff)", "line": {"color": _RED}},
        {"x": xs, "y": [rows[x]["mean_delay_lower_bound"] for x in xs], "type": "scatter", "mode": "lines+markers",
         "name": "mean delay to vastly superhuman, yr (lower bound)", "yaxis": "y2", "line": {"color": _GREY}}],
        "layout": _layout("16. Verification share of compute: unverified takeoff vs delay (baseline, no halt)",
                          "verification share of compute", "P(unverified | takeoff)",
                          yaxis2={"overlaying": "y", "side": "right", "title": {"text": "delay, yr"}})}
    nums = {"share_pivot_verifies_within_budget": _share(holds), "best_share_within_2yr_mean_delay": best}
    for x, v in rows.items():
        nums[f"p_unverified_given_takeoff_at_{round(x * 100)}pct"] = v["p_unverified_given_takeoff"]
        nums[f"mean_delay_yr_at_{round(x * 100)}pct"] = v["mean_delay_lower_bound"]
    return Evidence(holds, nums, fig, population="baseline worlds with an unverified takeoff at the default 5% verification share",
                    test="a verification share of 10-40% gives a verified takeoff within 2 years' delay", X=X, names=names,
                    sweeps=(sweep,))


JUDGES = {1: judge1, 2: judge2, 3: judge3, 4: judge4, 5: judge5, 6: judge6, 7: judge7, 8: judge8, 9: judge9,
          10: judge10, 11: judge11, 12: judge12, 14: judge14, 15: judge15, 16: judge16}


# ---------------------------------------------------------------- the registry
#: the world-level catastrophe aggregation rule (how one world's P(catastrophe) combines its
#: actors' hazards: recloop.outcomes.HAZARD_AGGREGATIONS), a declared structural choice of the
#: market block that claim 7's structural flips vary
CATASTROPHE_AGGREGATION = "market.catastrophe_aggregation"

CLAIMS: tuple[Claim, ...] = (
    Claim(1, "capability exponential, verification linear",
          "the velocity of capability scaling moves exponentially, while the velocity of alignment and control verification moves linearly",
          "baseline, no halt: verification gap at the horizon vs the start (log10 effective FLOP vs verified)", claim1,
          choices=("verification.automation_boost=0,1.5", "verification.required_exponent=0.5,2", "generations.step_oom")),
    Claim(2, "each generation shortens the next cycle",
          "If Model $N$ possesses the capability to engineer Model $N+1$, and Model $N+1$ is fundamentally superior in its cognitive and engineering capacities, the velocity of the development cycle for Model $N+2$ decreases exponentially.",
          "baseline, no halt, weekly grid: release-to-release cycle times in the loop (takeoff start to vastly superhuman) vs before it", claim2,
          choices=("generations.step_oom", "compute.power_share")),
    Claim(3, "drift diverges by N+3",
          "By Model $N+3$, the operational reality of the system can diverge completely from the original human intent, creating a state of unaligned capability.",
          "baseline, no halt: fidelity of the third generation after takeoff start vs the unaligned threshold", claim3,
          choices=("generations.step_oom", "drift.autonomy_exponent", "drift.verification_protection")),
    Claim(4, "surplus compute: weeks or days",
          "If the threshold for autonomous engineering capability is crossed in an environment with surplus compute, the transition from human-level engineering to vastly superior systemic capabilities could occur over a compressed timeline—weeks or days, rather than years.",
          "baseline with power and chip supply never binding, no halt: takeoff_days", claim4,
          choices=("generations.step_oom", "generations.latency_exponent")),
    Claim(5, "a lone pause means obsolescence",
          "If Firm A pauses development to implement rigorous safety verification protocols, while Firm B maintains maximum acceleration to capture market share and achieve technical supremacy, Firm A risks obsolescence.",
          "essay-cast, voluntary-pause vs none: frontier-a's horizon market share and exit", claim5,
          choices=("market.exit_share=0,0.05", "market.share_sensitivity"), scenario="essay-cast"),
    Claim(6, "a halt needs monitoring, thresholds and reciprocity together",
          "To establish a viable framework for a development halt, three structural conditions must be met:",
          "essay-cast, treaty-monitoring with all states vs three one-condition ablations: does the halt hold", claim6,
          more=("Compute Monitored Enforcement", "Standardized Capability Thresholds", "International Reciprocity Frameworks"),
          choices=("market.review_years", "market.exit_share=0,0.05"), scenario="essay-cast"),
    Claim(7, "a domestic slowdown moves the risk abroad",
          "A domestic regulatory slowdown that does not account for international state-sponsored actors merely shifts the locus of technological risk to jurisdictions with fewer oversight mechanisms.",
          "essay-cast, US-only treaty-monitoring vs none: hazard share of non-US actors", claim7,
          choices=("risk.capability_elasticity", "risk.max_multiplier", CATASTROPHE_AGGREGATION), scenario="essay-cast"),
    Claim(8, "without real data the loop can degrade",
          "Without a continuous injection of high-entropy, real-world data, the recursive loop can degrade into a feedback loop of compounding misinformation and diminished cognitive diversity.",
          "engine data mechanism over baseline worlds, no halt: data-quality deficit where most data is synthetic, vs the same worlds with real data that never runs out (collapse lab as calibration evidence)", claim8,
          choices=("generations.step_oom", "compute.power_share")),
    Claim(9, "lead times set a hard speed limit",
          "The lead times required to construct nuclear or natural gas power generation facilities, optimize power grids, and manufacture advanced lithography equipment impose a hard physical speed limit on how quickly a successor model can actually be brought online.",
          "baseline, no halt, lead times 0.25 yr vs default vs 15 yr, latency wall on/off: peak OOM/yr", claim9,
          choices=("generations.step_oom", "compute.power_share")),
    Claim(10, "verification compute must outgrow training compute",
          "As models grow in complexity, the compute budget dedicated to verification must scale non-linearly compared to the compute budget dedicated to training.",
          "baseline, no halt, verification.compute_share fixed at 5-40%: does the gap still widen (a fixed share cannot keep up)", claim10,
          more=("every petaflop allocated to safety testing is a petaflop diverted from expanding the capability frontier.",),
          choices=("verification.automation_boost=0,1.5", "verification.required_exponent=0.5,2")),
    Claim(11, "safety mandates build a capital moat",
          "Broad safety mandates and mandatory verification pauses place an immense compliance burden on fast-following competitors and open-source developers who lack the capital to maintain extensive regulatory and alignment teams.",
          "essay-cast, full-stack vs none: revenue kept by followers vs frontier firms, compliance costs", claim11,
          choices=("market.exit_share=0,0.05", "market.revenue_elasticity"), scenario="essay-cast"),
    Claim(12, "preventing unmonitored succession requires the air gap",
          "Preventing unmonitored succession requires the enforcement of strict air-gapping between a model’s inference environment and its training infrastructure.",
          "baseline, containment levers alone and together, and the full stack without the air gap: is the air gap necessary", claim12,
          more=("that code must be routed through an isolated, deterministic execution environment that simulates the outcomes before any changes are compiled into the production framework.",
                "developers must deploy automated adversarial networks whose sole objective is to detect hidden optimization targets within the successor model's weights.",
                "the entire training lineage must be deprecated."),
          choices=("generations.air_gap_prep_cost=0,2.75", "drift.hidden_objective_drift")),
    Claim(13, "formalising the risks hedges liability onto states",
          "By formalizing the risks of autonomous succession in public discourse, developers shift a portion of the liability and mitigation responsibility onto state actors and international governing bodies.",
          "not testable: the model has no liability or public-discourse mechanism", claim13),
    Claim(14, "a lagging firm gains from an industry-wide slowdown",
          "If a firm identifies a temporary internal bottleneck—such as a delay in a next-generation data center deployment—advocating for an industry-wide slowdown aligns the market’s velocity with its own operational constraints.",
          "two-firm, US-wide treaty slowdown vs none, the laggard's compute at 1.0-0.2 of the leader's: its private gain in market share", claim14,
          choices=("market.exit_share=0,0.05", "market.share_sensitivity"), scenario="two-firm"),
    Claim(15, "a hardware stop must trip before the system iterates on its own code",
          "The moment a system achieves the capability to independently iterate on its own code base without human intervention, the window for theoretical alignment closes.",
          "baseline, hardware stop tripped at code automation 0.8-0.9 vs at 0.95 (the engine's point of self-iteration): does it take effect in time", claim15,
          more=("The immediate mandate for the artificial intelligence sector is not the formulation of vague ethical guidelines, but the codification of hard hardware-level stop protocols.",),
          choices=("generations.step_oom", "drift.autonomy_exponent")),
    Claim(16, "capital must pivot from scale to verification",
          "Capital allocation must pivot from maximizing raw parameter scale to building the deterministic containment and verification architectures necessary to manage the first generation of self-authoring software.",
          "baseline, no halt, verification share 5% vs 10-40%: does a pivot verify the takeoff within a delay budget", claim16,
          choices=("verification.automation_boost=0,1.5", "verification.required_exponent=0.5,2")),
)


def claim(claim_id: int) -> Claim:
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(claim_id)
