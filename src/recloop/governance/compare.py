"""Policy comparison on common random numbers: every policy runs on the same sampled worlds.

Sample i of a scenario gets the same parameters and the same random events (catastrophe draws,
tripwire measurement errors, detection draws) under every policy, because every draw is a pure
function of (seed, sample, actor, stream, counter). Differences between policies are therefore
paired, world by world; delay and each actor's private gain are measured against the no-halt
policy on those same worlds.

Censoring follows each outcome's declaration (:mod:`recloop.outcomes`): the safety window is zero
where no tripwire fired before control was lost and a lower bound where control was kept to the
horizon; an unverified takeoff is decided only in worlds that reached vastly superhuman (a policy
that merely pushes takeoff past the horizon is not counted as safe: the conditional share and the
share reached stand beside the unconditional one); shares carry Wilson intervals (``ci``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from recloop.engine import DEFAULT_CHUNK, DEFAULT_YEARS, SimResult, simulate
from recloop.outcomes import share_stats, values
from recloop.policy import NoHalt, Policy

__all__ = ["compare_policies", "METRICS_ROWS", "compare_figure", "format_table"]

#: (key, label) of each row of the comparison table
METRICS_ROWS = [
    ("p_unverified_takeoff", "P(unverified takeoff by the horizon)"),
    ("p_superhuman", "P(vastly superhuman by the horizon)"),
    ("p_unverified_given_superhuman", "P(unverified | vastly superhuman by the horizon)"),
    ("p_unaligned_capability", "P(unaligned capability)"),
    ("p_catastrophe", "mean P(catastrophe)"),
    ("safety_window_years", "safety window, median yr (no warning = 0; control kept to the horizon: a lower bound)"),
    ("p_window_censored", "P(control kept to the horizon: window censored)"),
    ("p_warning_before_no_control", "P(a tripwire fired before the point of no control)"),
    ("delay_years", "delay to vastly superhuman vs no halt, mean yr (censored at the horizon)"),
    ("output_lost", "output lost, market-share-years"),
    ("failed_halts", "failed halts per world"),
    ("risk_share_nonmembers", "share of risk carried by non-members"),
    ("share_nonmembers", "non-members' market share at the horizon"),
    ("defections", "defections per world"),
    ("covert_detected", "defections found per world"),
    ("false_accusations", "false accusations per world (compliers accused on the evidence)"),
]


def _mean(v) -> float | None:
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else None


def _summary(res: SimResult, ref: SimResult) -> dict[str, Any]:
    O, R = res.outcomes, ref.outcomes
    H = res.years
    sup = np.where(np.isnan(O["t_superhuman"]), H, O["t_superhuman"])
    sup0 = np.where(np.isnan(R["t_superhuman"]), H, R["t_superhuman"])
    win = values("safety_window_years", O, H)
    unv = values("unverified_takeoff", O, H)
    reached = ~unv.missing
    shares = {"p_unverified_takeoff": share_stats(O["unverified_takeoff"]), "p_superhuman": share_stats(reached),
              "p_unverified_given_superhuman": share_stats(O["unverified_takeoff"], reached),
              "p_unaligned_capability": share_stats(O["unaligned_capability"])}
    out: dict[str, Any] = {
        "policy": res.policy.name,
        **{k: v["share"] for k, v in shares.items()},
        "p_catastrophe": float(np.mean(O["p_catastrophe"])),
        "safety_window_years": float(np.median(win.value)),
        "p_window_censored": win.censored_share,
        "p_warning_before_no_control": float(np.mean(np.isfinite(O["t_first_tripwire"])
                                                     & ~(O["t_first_tripwire"] > O["t_no_control"]))),
        "delay_years": float(np.mean(sup - sup0)),
        "output_lost": float(np.mean(O["output_lost"])) if "output_lost" in O else float(np.mean(O["years_paused"])),
        "failed_halts": float(np.mean(O["failed_halts"])),
        "risk_share_nonmembers": _mean(O.get("risk_share_nonmembers", [np.nan])),
        "share_nonmembers": _mean(O.get("share_nonmembers", [np.nan])),
        "defections": _mean(O.get("defections", [np.nan])),
        "covert_detected": _mean(O.get("covert_detected", [np.nan])),
        "false_accusations": _mean(O.get("false_accusations", [np.nan])),
        "ci": {k: v["ci"] for k, v in shares.items()},
        "censoring": {"safety_window_years": win.rule, "unverified_takeoff": unv.rule},
        # what the policy makes true by construction, so a reader does not take it for a finding
        "by_construction": (["P(unverified takeoff) = 0: every release waits for verification "
                             "(verification.release_requires_verification)"]
                            if res.policy.verification.release_requires_verification else []),
        "actors": {},
    }
    for a in res.scenario.actors:
        n = a.name
        out["actors"][n] = {
            "share": float(np.mean(O[f"actor_share_{n}"])),
            "mean_share": float(np.mean(O[f"actor_mean_share_{n}"])),
            # the realist reading: the actor's private gain (+) or loss (-) in revenue share from
            # this policy against no halt, in the same worlds, given its own build-out
            "private_gain": float(np.mean(O[f"actor_mean_share_{n}"] - R[f"actor_mean_share_{n}"])),
            "years_paused": float(np.mean(O[f"actor_years_paused_{n}"])),
            "compliance_cost": float(np.mean(O[f"actor_compliance_cost_{n}"])),
            "defected": float(np.mean(O[f"actor_defected_{n}"])),
        }
    return out


def compare_policies(scenario, policies: list[Policy], *, samples: int = 1000, seed: int = 0,
                     years: float = DEFAULT_YEARS, chunk_size: int = DEFAULT_CHUNK) -> dict[str, Any]:
    """Run each policy (and no halt as the reference) on the same worlds; a summary per policy."""
    ref = simulate(scenario, NoHalt(), samples=samples, seed=seed, years=years, chunk_size=chunk_size)
    rows = []
    for pol in policies:
        res = ref if pol == NoHalt() else simulate(scenario, pol, samples=samples, seed=seed, years=years,
                                                   chunk_size=chunk_size)
        rows.append(_summary(res, ref))
    return {"scenario": scenario.name, "samples": samples, "seed": seed, "years": years,
            "actors": [a.name for a in scenario.actors], "policies": rows,
            "metrics": dict(METRICS_ROWS)}


def _fmt(x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def format_table(cmp: dict[str, Any]) -> str:
    """A plain-text table: metrics as rows, policies as columns (actors' shares at the end)."""
    names = [p["policy"] for p in cmp["policies"]]
    head = ["metric"] + names
    def cell(p, key):
        ci = p.get("ci", {}).get(key)
        if ci is None or ci[0] is None or p[key] is None:
            return _fmt(p[key])
        return f"{_fmt(p[key])} [{_fmt(ci[0])}, {_fmt(ci[1])}]"

    body = [[label] + [cell(p, key) for p in cmp["policies"]] for key, label in METRICS_ROWS]
    for a in cmp["actors"]:
        body.append([f"{a}: mean share"] + [_fmt(p["actors"][a]["mean_share"]) for p in cmp["policies"]])
        body.append([f"{a}: private gain vs no halt"] + [_fmt(p["actors"][a]["private_gain"]) for p in cmp["policies"]])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [head] + body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def compare_figure(cmp: dict[str, Any], path) -> None:
    """Outcomes side by side (one panel per metric) and each actor's mean share per policy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [p["policy"] for p in cmp["policies"]]
    keys = [k for k, _ in METRICS_ROWS if any(p[k] is not None for p in cmp["policies"])]
    panels = keys + (["actor shares"] if cmp["actors"] else [])
    ncol = 4
    nrow = math.ceil(len(panels) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.2 * nrow), squeeze=False)
    x = np.arange(len(names))
    labels = dict(METRICS_ROWS)
    for ax, key in zip(axes.flat, panels):
        if key == "actor shares":
            bottom = np.zeros(len(names))
            for a in cmp["actors"]:
                v = np.array([p["actors"][a]["mean_share"] for p in cmp["policies"]])
                ax.bar(x, v, bottom=bottom, label=a)
                bottom += v
            ax.legend(fontsize=6, loc="upper right")
            ax.set_title("mean market share by actor", fontsize=8)
        else:
            ax.bar(x, [np.nan if p[key] is None else p[key] for p in cmp["policies"]], color="C0")
            ax.set_title(labels[key].split(",")[0], fontsize=8)
        ax.set_xticks(x, names, rotation=30, ha="right", fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"{cmp['scenario']}: {cmp['samples']:,} worlds, seed {cmp['seed']}, {cmp['years']:g} yr "
                 "(common random numbers)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
