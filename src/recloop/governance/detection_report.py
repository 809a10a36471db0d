"""Outputs of the monitoring model (issue 18, item 4): per actor and world, the detection-time
distribution per channel and combined, false accusations, the covert compute at detection and
the covert capability reached. The library behind ``recloop monitoring`` (a thin adapter).

Each scenario actor is given the covert project it would run if it defected: ``covert_share``
of its installed accelerators diverted (the engine's covert share), its installed compute the
scenario's frontier compute (median training run / (duration x utilisation x training share))
times its ``compute_share``, and otherwise the defaults of :class:`recloop.governance.covert.CovertProject`.
Worlds with the project (H1) and without it (H0) run on independent streams per actor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recloop.governance import covert, evidence, regimes
from recloop.mechanisms import physical

__all__ = ["actor_projects", "format_report", "monitoring_figure", "monitoring_report"]


def _med(x):
    return float(x) if isinstance(x, (int, float)) else float(x.median)


def actor_projects(scenario) -> dict[str, covert.CovertProject]:
    """The covert project each actor of ``scenario`` would run (one 'frontier' actor if none)."""
    c = scenario.compute
    host = float(physical.initial_compute({f"compute.{k}": _med(getattr(c, k)) for k in
                                           ("initial_training_flop", "training_duration_years", "utilization", "training_share")}))
    base = covert.CovertProject()
    actors = [(a.name, a.compute_share, a.covert_share) for a in scenario.actors] or [("frontier", 1.0, 0.3)]
    out = {}
    for name, share, cov in actors:
        stock = share * host / base.flops_per_h100e
        div = min(cov, 0.9)
        out[name] = base.model_copy(update=dict(host_stock_h100e=float(np.clip(stock, 1e3, 1e9)), divert_share=div,
                                                diverted_dc_gw=float(min(div * stock * base.watts_per_h100e / 1e9, 100.0))))
    return out


def _fin(v: float) -> float | None:
    return None if not np.isfinite(v) else round(v, 4)


def _dist(run: evidence.EvidenceRun, key: str) -> dict:
    q10, q50, q90 = run.quantiles(key)
    fin = _fin
    return {"p_by_horizon": run.p_detected(key), "p_within_1y": run.p_detected(key, by=1.0),
            "p10_years": fin(q10), "median_years": fin(q50), "p90_years": fin(q90)}


def monitoring_report(scenario, policy, *, samples: int = 2000, seed: int = 0, years: float = 10.0, ev=None,
                      wide: int = 0) -> dict:
    """Detection per actor (per channel and combined), false accusations, covert compute at
    detection, covert capability reached, and the world's first detection. ``wide`` > 0 samples
    the :data:`recloop.governance.evidence.WIDE` assumptions over that many draws (worlds split
    evenly among them); 0 runs every world at the point values."""
    from recloop.games.halt import HaltGame, detection_for_pause

    ev = ev if ev is not None else evidence.Evidence()
    game = HaltGame()
    g = regimes.grants(policy)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 180]))
    out = {"scenario": scenario.name, "policy": policy.name, "samples": samples, "seed": seed, "years": years,
           "channels": sorted(g.channels, key=evidence.CHANNELS.index), "channel_opens_years": dict(g.channels),
           "check_years": g.check_years, "threshold_probability": g.threshold_probability, "prior_odds": ev.prior_odds,
           "false_alarm_bound": ev.prior_odds * (1 - g.threshold_probability) / g.threshold_probability,
           "regime_cost_share": policy.verification_regime.cost_share, "wide_draws": wide,
           "wide": {k: v.model_dump() for k, v in evidence.WIDE.items()} if wide else None, "actors": {}}
    first = np.full(samples, np.inf)
    any_false = np.zeros(samples, bool)
    runs = {}
    for a, (name, proj) in enumerate(actor_projects(scenario).items()):
        if wide:
            h1, h0 = (evidence.simulate_wide(proj, g, ev, draws=wide, years=years, samples=samples, seed=seed * 1000 + a,
                                             covert_present=cp) for cp in (True, False))
        else:
            h1, h0 = (evidence.simulate_evidence(proj, g, ev, years=years, samples=samples, seed=seed * 1000 + a,
                                                 covert_present=cp) for cp in (True, False))
        runs[name] = (h1, h0)
        t = h1.times["combined"]
        stop_t, _ = regimes.stop_after_detection(t, policy.stop, rng.uniform(size=samples))
        end = np.minimum(stop_t, years)
        grid = np.linspace(0.0, years, 2001)
        f = covert.covert_usable_flops(grid, proj)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(grid))]) * covert.SECONDS_PER_YEAR
        reached = np.interp(end, grid, cum)
        det = np.isfinite(t)
        at_det = covert.covert_usable_flops(np.where(det, t, 0.0), proj)
        cl, tr = regimes.reporting_crossings(proj, policy.verification_regime.reporting_threshold, years=years)
        out["actors"][name] = {
            "project": {"divert_share": proj.divert_share, "diverted_h100e": proj.divert_share * proj.host_stock_h100e,
                        "usable_flops_at_start": float(f[0]), "usable_flops_at_horizon": float(f[-1]),
                        "workforce_at_start": float(covert.covert_workforce(0.0, proj))},
            "channels": {c: _dist(h1, c) for c in out["channels"]},
            "combined": _dist(h1, "combined"),
            "false_accusation_by_horizon": h0.p_detected("combined"),
            "false_accusation_within_1y": h0.p_detected("combined", by=1.0),
            "false_accusation_by_channel": {c: h0.p_detected(c) for c in out["channels"]},
            "covert_flops_at_detection_median": float(np.median(at_det[det])) if det.any() else None,
            "covert_capability_log10_flop_median": float(np.log10(max(np.median(reached), 1.0))),
            "years_to_reportable_cluster": None if not np.isfinite(cl) else cl,
            "years_to_reportable_training_run": None if not np.isfinite(tr) else tr,
            "reportable_run_before_detection": float(np.mean(tr < t)) if np.isfinite(tr) else 0.0,
            "equivalent_rate_per_year": regimes.equivalent_rate_per_year(h1),
        }
        # the halt game (default weights): is mutual pause an equilibrium at this detection?
        q, f = h1.p_detected("combined", by=1.0), h0.p_detected("combined", by=1.0)
        need = detection_for_pause(game, extra_cost=policy.verification_regime.cost_share, false_alarm=f)
        out["actors"][name]["halt_game"] = {"detection_per_year": q, "false_accusation_per_year": f,
                                            "detection_needed": need, "pause_is_equilibrium": bool(q >= need)}
        first = np.minimum(first, t)
        any_false |= np.isfinite(h0.times["combined"])
    fin = first[np.isfinite(first)]
    out["world"] = {"p_any_detected_by_horizon": float(np.isfinite(first).mean()),
                    "first_detection_median_years": float(np.quantile(first, 0.5)) if np.isfinite(np.quantile(first, 0.5)) else None,
                    "p_any_false_accusation_by_horizon": float(any_false.mean()),
                    "first_detection_p10_years": float(np.quantile(fin, 0.1)) if fin.size else None}
    out["_runs"] = runs
    return out


def _fmt_years(v):
    return "never" if v is None else f"{v:.2f}"


def format_report(rep: dict) -> str:
    """A text table: per actor, per channel and combined."""
    lines = [f"{rep['scenario']} under {rep['policy']}: {rep['samples']:,} worlds with and without each covert project, "
             f"{rep['years']:g} years, checks every {rep['check_years']:g} yr, accuse at P >= {rep['threshold_probability']:g} "
             f"(prior odds {rep['prior_odds']:g}; false-accusation bound {rep['false_alarm_bound']:.3f})"]
    if rep.get("wide_draws"):
        lines.append(f"assumptions sampled wide over {rep['wide_draws']} draws: " + ", ".join(rep["wide"]))
    lines.append("channels granted (opening year): " + ", ".join(f"{c} ({rep['channel_opens_years'][c]:g})" for c in rep["channels"]))
    head = f"{'actor':<16}{'channel':<17}{'P(found by H)':>14}{'P(<1 yr)':>10}{'p10 yr':>9}{'median yr':>11}{'p90 yr':>9}{'false acc.':>12}"
    lines.append(head)
    lines.append("-" * len(head))
    for name, a in rep["actors"].items():
        rows = list(a["channels"].items()) + [("combined", a["combined"])]
        for c, d in rows:
            fa = a["false_accusation_by_channel"].get(c, a["false_accusation_by_horizon"]) if c != "combined" else a["false_accusation_by_horizon"]
            lines.append(f"{name:<16}{c:<17}{d['p_by_horizon']:>14.3f}{d['p_within_1y']:>10.3f}{_fmt_years(d['p10_years']):>9}"
                         f"{_fmt_years(d['median_years']):>11}{_fmt_years(d['p90_years']):>9}{fa:>12.3f}")
        at = a["covert_flops_at_detection_median"]
        lines.append(f"{'':<16}covert FLOP/s at detection (median) {'-' if at is None else f'{at:.3g}'}; covert compute run "
                     f"before it stops 10^{a['covert_capability_log10_flop_median']:.2f} FLOP (median); reportable run "
                     f"before detection {a['reportable_run_before_detection']:.2f}")
        hg = a["halt_game"]
        lines.append(f"{'':<16}halt game (default weights): found {hg['detection_per_year']:.3f} a year against "
                     f"{hg['detection_needed']:.3f} needed for mutual pause: "
                     f"{'an equilibrium' if hg['pause_is_equilibrium'] else 'not an equilibrium'}")
    w = rep["world"]
    lines.append(f"world: P(some covert project found by the horizon) {w['p_any_detected_by_horizon']:.3f}, first detection median "
                 f"{_fmt_years(w['first_detection_median_years'])} yr; P(some false accusation) {w['p_any_false_accusation_by_horizon']:.3f}")
    return "\n".join(lines)


def monitoring_figure(rep: dict, path: Path) -> Path:
    """Detection-time CDFs per channel and combined, one panel per actor (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(rep["actors"])
    n = len(names)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        h1, h0 = rep["_runs"][name]
        grid = np.concatenate([[0.0], h1.check_times])
        for c in list(h1.times):
            t = h1.times[c]
            cdf = [(t <= x + 1e-9).mean() for x in grid]
            ax.step(grid, cdf, where="post", lw=2.2 if c == "combined" else 1.2,
                    color="black" if c == "combined" else None, label=c)
        t0 = h0.times["combined"]
        ax.step(grid, [(t0 <= x + 1e-9).mean() for x in grid], where="post", ls="--", color="grey", label="false accusation")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("years since the covert project began")
        ax.set_ylabel("P(detected by then)")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{rep['scenario']} under {rep['policy']}: detection of covert projects", fontsize=11)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
