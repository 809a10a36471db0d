"""The twelve claims of the essay and the experiment that tests each.

Every experiment returns, for the worlds where the claim's premise applies, whether the claim
holds in each; the verdict follows from those worlds by :func:`recloop.claims.core.verdict`.
Per-world tests and their thresholds are stated in each function's docstring and on the page.
Runs are 30 years from the scenario's start; ``samples`` worlds of the baseline (or of the
essay's cast, at half the count since each world holds six actors).
"""

from __future__ import annotations

import numpy as np

from recloop.claims.core import (Claim, Evidence, policy_variant, run_cached, scenario_variant, world_inputs)
from recloop.policy import load_policy
from recloop.scenario import load_scenario

__all__ = ["CLAIMS", "claim"]

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
def claim1(samples: int, seed: int) -> Evidence:
    """Baseline, no halt. A world holds if, over 30 years, capability (log10 effective FLOP of the
    deployed generation) pulls at least 1 OOM further ahead of verified capability than at the start."""
    res = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    O, G = res.outcomes, res.trajectories
    ok = _ok(res)
    cap0, ver0 = G["effective_compute"][:, 0], G["verified_capability"][:, 0]
    widen = O["final_gap_oom"] - (cap0 - ver0)
    cap_rate = (O["final_effective_compute"] - cap0) / YEARS
    ver_rate = (O["final_verified_capability"] - ver0) / YEARS
    holds = (widen >= 1.0)[ok]
    X, names = world_inputs(res, ok)
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
        test="the verification gap widens by >= 1 OOM over 30 years", X=X, names=names)


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
    holds = (ratio <= 0.5)[pop]
    X, names = world_inputs(res, pop)
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
        test="median loop cycle <= 0.5 x median human-led cycle", X=X, names=names)


# ---------------------------------------------------------------- 3. drift by N+3
def claim3(samples: int, seed: int) -> Evidence:
    """Baseline, no halt, weekly grid. Model N is the generation deployed when AI first does most of
    its own engineering (takeoff start). A world that deploys N+3 holds if the fidelity of N+3 is
    below the world's unaligned threshold (drift.unaligned_fidelity)."""
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
    holds = (f_n3 < thr)[pop]
    X, names = world_inputs(res, pop)
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
        test="fidelity of N+3 < drift.unaligned_fidelity (0.5)", X=X, names=names)


# ---------------------------------------------------------------- 4. weeks or days
SURPLUS = {"compute": {"power_gw": 1000.0, "fab_share": 1.0}, "automation": {"ai_labour_at_start": 3000.0}}
TAKEOFF_WEEKS_DAYS = 60.0


def claim4(samples: int, seed: int) -> Evidence:
    """Surplus-compute worlds: baseline with power and chip supply never binding (power_gw and
    fab_share at their upper bounds) and ten times the baseline's top AI research labour from
    inference compute (ai_labour_at_start = 3000). Among worlds that cross takeoff start, a world holds if the
    takeoff (takeoff start to vastly superhuman) lasts under 60 days; not reaching it counts as not."""
    surplus = scenario_variant("baseline", SURPLUS, rename="baseline-surplus-compute")
    res = run_cached(surplus, load_policy("none"), samples, seed, years=YEARS)
    base = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    O, B = res.outcomes, base.outcomes
    pop = _ok(res) & np.isfinite(O["t_takeoff_start"])
    fast = np.nan_to_num(O["takeoff_days"], nan=np.inf) < TAKEOFF_WEEKS_DAYS
    holds = fast[pop]
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
    }, fig, population="surplus-compute worlds (power_gw = 1000, fab_share = 1, ai_labour_at_start = 3000) that cross takeoff start, no halt",
        test="takeoff shorter than 60 days", X=X, names=names)


# ---------------------------------------------------------------- 5. lone pause -> obsolete
OBSOLETE_SHARE_RATIO = 0.25


def claim5(samples: int, seed: int) -> Evidence:
    """Essay's cast; voluntary-pause (frontier-a pauses alone at the 90%-refactoring tripwire, all
    others race) vs no halt on the same worlds. Among worlds where frontier-a actually paused, a world
    holds if frontier-a exited, or its horizon market share is under a quarter of its no-halt share."""
    n = _cast_samples(samples)
    res = run_cached(_cast(), load_policy("voluntary-pause"), n, seed, years=YEARS)
    ref = run_cached(_cast(), load_policy("none"), n, seed, years=YEARS)
    O, R = res.outcomes, ref.outcomes
    a = "frontier-a"
    paused = O[f"actor_years_paused_{a}"] > 0
    pop = _ok(res) & _ok(ref) & paused
    ratio = O[f"actor_share_{a}"] / np.maximum(R[f"actor_share_{a}"], 1e-12)
    obsolete = O[f"actor_exited_{a}"].astype(bool) | (ratio < OBSOLETE_SHARE_RATIO)
    holds = obsolete[pop]
    X, names = world_inputs(res, pop)
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
        "mean_share_frontier_b_pause": _mean(O["actor_share_frontier-b"][pop]),
        "mean_share_frontier_b_no_halt": _mean(R["actor_share_frontier-b"][pop]),
    }, fig, population="essay-cast worlds in which frontier-a paused under voluntary-pause",
        test="frontier-a exited, or its horizon share < 0.25 x its no-halt share", X=X, names=names)


# ---------------------------------------------------------------- 6. all three conditions
#: full reciprocity: the treaty covers every jurisdiction and the state outside it now complies
FULL = {"treaty": {"members": ["US", "EU", "UK", "CN"]}, "strategies": {"state-east": "comply"}}
HALT_HOLDS_OUTPUT = 0.25


def _regimes():
    full = policy_variant("treaty-monitoring", FULL, rename="treaty-monitoring-all-states")
    no_mon = policy_variant("treaty-monitoring", {**FULL, "monitoring": {"registered_share": 0.0, "telemetry_tpr": 0.0,
                                                                         "accounting_rate_per_year": 0.0}},
                            rename="treaty-without-monitoring")
    no_thr = policy_variant("treaty-monitoring", {**FULL, "tripwires": []}, rename="treaty-without-thresholds")
    no_rec = policy_variant("treaty-monitoring", {"treaty": {"members": ["US"]}}, rename="domestic-without-reciprocity")
    return full, {"without monitoring": no_mon, "without thresholds": no_thr, "without reciprocity": no_rec}


def _halt_holds(O):
    """A halt holds in a world when it keeps at least a quarter of the market halted for a year
    (output_lost, market-share-years) and no covert defection goes undetected."""
    return (O["output_lost"] >= HALT_HOLDS_OUTPUT) & (O["defections"] - O["covert_detected"] <= 0)


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
    succ = {"all three": _halt_holds(res.outcomes)}
    for k, p in ablations.items():
        r = run_cached(sc, p, n, seed, years=YEARS)
        ok &= _ok(r)
        succ[k] = _halt_holds(r.outcomes)
    pop = ok & succ["all three"]
    all_fail = np.ones_like(pop)
    for k in ablations:
        all_fail &= ~succ[k]
    holds = all_fail[pop]
    X, names = world_inputs(res, pop)
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
                    "(halt holds: output_lost >= 0.25 and no undetected defection)", X=X, names=names)


# ---------------------------------------------------------------- 7. domestic slowdown moves risk
RISK_SHIFT = 0.02


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
    holds = (s_dom - s_ref > RISK_SHIFT)[pop]
    X, names = world_inputs(res, pop)
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
        test="hazard share of non-US actors rises by > 0.02 under a US-only slowdown", X=X, names=names)


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


def claim8(samples: int, seed: int) -> Evidence:
    """Collapse lab, Gaussian fit-and-resample loop (Shumailov et al. 2024): M = 20 samples per
    generation, 30 generations, 200 chains per seed; each seed is one world. A seed holds if, with no
    real data (replace), the fitted variance (diversity) falls below half the real one, while with
    10% fresh real data per generation it stays above half (variance: geometric mean over chains). One-at-a-time: accumulate instead of
    replace, and M = 200. The engine's data mechanism is reported alongside (baseline deficit)."""
    seeds = int(np.clip(samples // 25, 4, 20))
    v0 = _lab_var(seeds, seed, real_fraction=0.0)
    v1 = _lab_var(seeds, seed, real_fraction=0.1)
    holds = (v0[:, -1] < 0.5) & (v1[:, -1] >= 0.5)
    flips = []
    for label, kw in (("accumulate (keep all data) with no real data", {"real_fraction": 0.0, "regime": "accumulate"}),
                      ("M = 200 samples per generation with no real data", {"real_fraction": 0.0, "sample_size": 200})):
        v = _lab_var(seeds, seed, **kw)
        deg = float(np.mean(v[:, -1] < 0.5))
        flips.append(f"one-at-a-time, {label}: variance falls below half in {deg:.0%} of seeds "
                     f"(median final variance {np.median(v[:, -1]):.2f})")
    base = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    B = base.outcomes
    ok = _ok(base)
    g = np.arange(LAB_GENERATIONS + 1)
    fig = {"data": [
        {"x": g.tolist(), "y": np.median(v0, axis=0).round(4).tolist(), "name": "no real data", "type": "scatter",
         "line": {"color": _RED}},
        {"x": g.tolist(), "y": np.median(v1, axis=0).round(4).tolist(), "name": "10% real data", "type": "scatter",
         "line": {"color": _GREEN}},
    ], "layout": _layout("8. Collapse lab: fitted variance over generations (real variance = 1)", "generation",
                         "geometric-mean variance (median over seeds)")}
    return Evidence(holds, {
        "share_collapse_without_real_data": _share(holds),
        "lab_seeds": seeds,
        "median_final_variance_no_real": _med(v0[:, -1]),
        "median_final_variance_10pct_real": _med(v1[:, -1]),
        "engine_median_synthetic_share_end": _med(B["synthetic_share_end"][ok]),
        "engine_median_data_deficit_end": _med(B["data_deficit_end"][ok]),
    }, fig, population=f"collapse-lab seeds (Gaussian loop, M = {LAB_M}, {LAB_GENERATIONS} generations)",
        test="variance < 0.5 after 30 generations without real data, >= 0.5 with 10% real data",
        lever_flips=tuple(flips))


# ---------------------------------------------------------------- 9. physical speed limit
LEAD_SHORT = {"compute": {"power_lead_time_years": 0.25, "fab_lead_time_years": 0.25}}
LEAD_LONG = {"compute": {"power_lead_time_years": 15.0, "fab_lead_time_years": 15.0}}
NO_WALL = {"generations": {"latency_wall_flop": 1e35}}
SPEED_CUT = 0.8


def claim9(samples: int, seed: int) -> Evidence:
    """Baseline worlds run with the power and fab lead times at their lower bound (0.25 yr) and at
    their default (3 and 4 yr). Speed = peak OOM of deployed capability gained in one year. Among
    worlds that cross takeoff start with short lead times, a world holds if its peak speed with the
    default lead times is at most 0.8 x the speed with short ones. Also reported: lead times at
    their upper bound (15 yr), and the latency wall moved out of reach (1e35 FLOP)."""
    base = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    short = run_cached(scenario_variant("baseline", LEAD_SHORT, rename="baseline-short-lead-times"),
                       load_policy("none"), samples, seed, years=YEARS)
    long_ = run_cached(scenario_variant("baseline", LEAD_LONG, rename="baseline-long-lead-times"),
                       load_policy("none"), samples, seed, years=YEARS)
    nowall = run_cached(scenario_variant("baseline", NO_WALL, rename="baseline-no-latency-wall"),
                        load_policy("none"), samples, seed, years=YEARS)
    S, O = short.outcomes, base.outcomes
    pop = _ok(base) & _ok(short) & np.isfinite(S["t_takeoff_start"]) & (S["peak_oom_per_year"] > 0)
    ratio = O["peak_oom_per_year"] / np.maximum(S["peak_oom_per_year"], 1e-12)
    holds = (ratio <= SPEED_CUT)[pop]
    X, names = world_inputs(base, pop)
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
        test="peak OOM/yr with default lead times <= 0.8 x with 0.25-yr lead times", X=X, names=names)


# ---------------------------------------------------------------- 10. verification compute
HIGH_SHARE = 0.2


def claim10(samples: int, seed: int) -> Evidence:
    """Baseline worlds with verification at 5% of compute (the default) and at 20%. A world holds if
    (a) even at a fixed 20% the verification gap widens by >= 0.5 OOM over 30 years (a fixed share
    cannot keep up: the share must grow), and (b) the 20% share costs capability: deployed capability
    averaged over the run is lower by > 0.01 OOM than at 5% (safety competes with capability)."""
    pol = policy_variant("none", {"verification": {"compute_share": HIGH_SHARE}}, rename="verification-20pct")
    lo = run_cached(_baseline(), load_policy("none"), samples, seed, years=YEARS)
    hi = run_cached(_baseline(), pol, samples, seed, years=YEARS)
    H, L = hi.outcomes, lo.outcomes
    Gh = hi.trajectories
    widen = H["final_gap_oom"] - (Gh["effective_compute"][:, 0] - Gh["verified_capability"][:, 0])
    with np.errstate(invalid="ignore"):
        cost = np.nanmean(lo.trajectories["effective_compute"].astype(float)
                          - Gh["effective_compute"].astype(float), axis=1)
    pop = _ok(hi) & _ok(lo)
    a, b = widen >= 0.5, cost > 0.01
    holds = (a & b)[pop]
    X, names = world_inputs(hi, pop)
    nu = H["in:verification.required_exponent"][pop]
    fig = {"data": [{"x": [round(float(x), 3) for x in nu], "y": [round(float(x), 3) for x in widen[pop]],
                     "mode": "markers", "type": "scatter", "name": "worlds",
                     "marker": {"color": [_RED if h else _GREY for h in holds], "size": 5}}],
           "layout": _layout("10. Gap widening at a fixed 20% verification share vs required exponent", "verification.required_exponent",
                             "gap widening over 30 yr, OOM (red: claim holds)")}
    return Evidence(holds, {
        "share_holds": _share(holds),
        "share_gap_widens_at_fixed_20pct": _share(a[pop]),
        "share_20pct_costs_capability": _share(b[pop]),
        "median_capability_cost_oom": _med(cost[pop]),
        "median_final_gap_5pct": _med(L["final_gap_oom"][pop]),
        "median_final_gap_20pct": _med(H["final_gap_oom"][pop]),
    }, fig, population="baseline worlds, no halt, verification at 5% and 20% of compute",
        test="gap widens >= 0.5 OOM at a fixed 20% share AND the 20% share lowers run-average capability",
        X=X, names=names)


# ---------------------------------------------------------------- 11. capital moat
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
    holds = (ks < kb)[pop]
    X, names = world_inputs(res, pop)
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
        test="fast follower + open source keep less of their no-halt revenue than the two frontier firms", X=X, names=names)


# ---------------------------------------------------------------- 12. containment
AIR = {"air_gap": 0.8}
SANDBOX = {"sandbox_catch_rate": 0.5, "sandbox_overhead": 0.05, "sandbox_latency_days": 14.0}
DETECT = {"detection_tpr": 0.7, "detection_fpr": 0.05, "deprecate_lineage": True}


def _containment(name, levers):
    return policy_variant("none", {"containment": levers}, rename=name)


def claim12(samples: int, seed: int) -> Evidence:
    """Baseline worlds, containment levers at full-stack's values, on the same worlds: air gap 0.8;
    sandbox catching 50% of drifting changes; adversarial detection (TPR 0.7, FPR 0.05) with lineage
    deprecation; all three; all three without deprecation. Unmonitored succession = unaligned
    capability (a dangerous generation below the unaligned fidelity). Among worlds where it happens
    with no containment, a world holds if all three levers with deprecation prevent it."""
    sc = _baseline()
    variants = {
        "no containment": load_policy("none"),
        "air gap": _containment("air-gap", AIR),
        "sandbox": _containment("sandbox", SANDBOX),
        "detection + deprecation": _containment("detection", DETECT),
        "all three, no deprecation": _containment("stack-no-deprecation", {**AIR, **SANDBOX, **DETECT,
                                                                           "deprecate_lineage": False}),
        "all three + deprecation": _containment("stack", {**AIR, **SANDBOX, **DETECT}),
    }
    runs = {k: run_cached(sc, p, samples, seed, years=YEARS) for k, p in variants.items()}
    ref = runs["no containment"].outcomes
    ok = np.ones(samples, bool)
    for r in runs.values():
        ok &= _ok(r)
    pop = ok & ref["unaligned_capability"]
    prevented = {k: ~r.outcomes["unaligned_capability"] for k, r in runs.items()}
    holds = prevented["all three + deprecation"][pop]
    X, names = world_inputs(runs["no containment"], pop)
    fig = {"data": [{"x": list(runs), "y": [_share(~prevented[k][ok]) for k in runs], "type": "bar",
                     "marker": {"color": [_GREY, _BLUE, _BLUE, _BLUE, _ORANGE, _GREEN]}, "name": "P(unaligned capability)"}],
           "layout": _layout("12. Unaligned capability by containment lever (baseline worlds, same draws)", "levers",
                             "share of worlds", yaxis={"range": [0, 1], "title": {"text": "share of worlds"}})}
    nums = {"share_stack_prevents": _share(holds), "p_unaligned_no_containment": _share(ref["unaligned_capability"][ok])}
    for k in list(runs)[1:]:
        nums[f"share_prevented_{k.replace(' ', '_').replace('+', 'and').replace(',', '')}"] = _share(prevented[k][pop])
    nums["mean_deprecations_stack"] = _mean(runs["all three + deprecation"].outcomes["deprecations"][ok])
    return Evidence(holds, nums, fig, population="baseline worlds that reach unaligned capability with no containment",
                    test="air gap + sandbox + detection with lineage deprecation prevents it", X=X, names=names)


# ---------------------------------------------------------------- the registry
CLAIMS: tuple[Claim, ...] = (
    Claim(1, "capability exponential, verification linear",
          "the velocity of capability scaling moves exponentially, while the velocity of alignment and control verification moves linearly",
          "baseline, no halt: verification gap at the horizon vs the start (log10 effective FLOP vs verified)", claim1),
    Claim(2, "each generation shortens the next cycle",
          "If Model $N$ possesses the capability to engineer Model $N+1$, and Model $N+1$ is fundamentally superior in its cognitive and engineering capacities, the velocity of the development cycle for Model $N+2$ decreases exponentially.",
          "baseline, no halt, weekly grid: release-to-release cycle times in the loop (takeoff start to vastly superhuman) vs before it", claim2),
    Claim(3, "drift diverges by N+3",
          "By Model $N+3$, the operational reality of the system can diverge completely from the original human intent, creating a state of unaligned capability.",
          "baseline, no halt: fidelity of the third generation after takeoff start vs the unaligned threshold", claim3),
    Claim(4, "surplus compute: weeks or days",
          "If the threshold for autonomous engineering capability is crossed in an environment with surplus compute, the transition from human-level engineering to vastly superior systemic capabilities could occur over a compressed timeline—weeks or days, rather than years.",
          "baseline with power and chip supply never binding, no halt: takeoff_days", claim4),
    Claim(5, "a lone pause means obsolescence",
          "If Firm A pauses development to implement rigorous safety verification protocols, while Firm B maintains maximum acceleration to capture market share and achieve technical supremacy, Firm A risks obsolescence.",
          "essay-cast, voluntary-pause vs none: frontier-a's horizon market share and exit", claim5),
    Claim(6, "a halt needs monitoring, thresholds and reciprocity together",
          "To establish a viable framework for a development halt, three structural conditions must be met:",
          "essay-cast, treaty-monitoring with all states vs three one-condition ablations: does the halt hold", claim6,
          more=("Compute Monitored Enforcement", "Standardized Capability Thresholds", "International Reciprocity Frameworks")),
    Claim(7, "a domestic slowdown moves the risk abroad",
          "A domestic regulatory slowdown that does not account for international state-sponsored actors merely shifts the locus of technological risk to jurisdictions with fewer oversight mechanisms.",
          "essay-cast, US-only treaty-monitoring vs none: hazard share of non-US actors", claim7),
    Claim(8, "without real data the loop collapses",
          "Without a continuous injection of high-entropy, real-world data, the recursive loop can degrade into a feedback loop of compounding misinformation and diminished cognitive diversity.",
          "collapse lab, Gaussian loop: variance after 30 generations with 0% vs 10% real data", claim8),
    Claim(9, "lead times set a hard speed limit",
          "The lead times required to construct nuclear or natural gas power generation facilities, optimize power grids, and manufacture advanced lithography equipment impose a hard physical speed limit on how quickly a successor model can actually be brought online.",
          "baseline, no halt, lead times 0.25 yr vs default vs 15 yr, latency wall on/off: peak OOM/yr", claim9),
    Claim(10, "verification compute must outgrow training compute",
          "As models grow in complexity, the compute budget dedicated to verification must scale non-linearly compared to the compute budget dedicated to training.",
          "baseline, no halt, verification.compute_share 0.05 vs 0.2: gap widening and capability cost", claim10,
          more=("every petaflop allocated to safety testing is a petaflop diverted from expanding the capability frontier.",)),
    Claim(11, "safety mandates build a capital moat",
          "Broad safety mandates and mandatory verification pauses place an immense compliance burden on fast-following competitors and open-source developers who lack the capital to maintain extensive regulatory and alignment teams.",
          "essay-cast, full-stack vs none: revenue kept by followers vs frontier firms, compliance costs", claim11),
    Claim(12, "air gap + sandbox + detection prevent unmonitored succession",
          "Preventing unmonitored succession requires the enforcement of strict air-gapping between a model’s inference environment and its training infrastructure.",
          "baseline, containment levers alone and together (with/without deprecation): unaligned capability", claim12,
          more=("that code must be routed through an isolated, deterministic execution environment that simulates the outcomes before any changes are compiled into the production framework.",
                "developers must deploy automated adversarial networks whose sole objective is to detect hidden optimization targets within the successor model's weights.",
                "the entire training lineage must be deprecated.")),
)


def claim(claim_id: int) -> Claim:
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(claim_id)
