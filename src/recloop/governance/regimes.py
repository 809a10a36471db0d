"""Verification regimes as policy levers: the channels a treaty grants, from which phase of the
agreement, its accusation rule, its cost; what they detect, and when pausing is an equilibrium
(issue 18, items 3-5).

A policy's ``[verification_regime]`` block (:class:`recloop.policy.VerificationRegime`) names the
channels of :mod:`recloop.governance.evidence` it grants and when each opens:

* phase 1, from signature: national technical means (satellite imagery, energy accounting,
  human intelligence on the workforce) and export tracking;
* phase 2, from ``reporting_from_years``: declared chip stocks and SME inventories reported and
  audited (chip accounting, SME channel);
* phase 3, from ``verification_from_years``: on-chip telemetry and inspections on
  ``monitoring.registered_share`` of the chips (hardware-enabled mechanisms, FlexHEG).

(The AI Futures Project describes agreements moving through tracking, reporting, cease-training
and caps phases; recloop's three phases are what each phase lets the verifier see.) Checks run
every ``monitoring.period_years``; an accusation is made at ``threshold_probability``.

:data:`PRESETS` are named regimes (their costs are assumptions, stated as such). A detected
covert cluster feeds the treaty's sanctions and the stop protocol: :func:`stop_after_detection`
gives the time a detected cluster keeps running (``stop.latency_days``) and whether it stops
(``stop.reliability``).
"""

from __future__ import annotations

import numpy as np

from recloop.governance import covert, evidence
from recloop.governance.monitoring import REPORTING_THRESHOLDS
from recloop.params import RecloopInputError

__all__ = [
    "PRESETS",
    "annual_detection",
    "detection_runs",
    "equivalent_rate_per_year",
    "grants",
    "pause_equilibrium",
    "preset_policy",
    "reporting_crossings",
    "stop_after_detection",
]

_COST = "assumption (no published cost of verification regimes)"

#: named regimes: the [verification_regime] and [monitoring] levers each sets
PRESETS: dict[str, dict] = {
    "intelligence-only": {
        "doc": "No agreement: national technical means only (satellites, energy accounting, leaks).",
        "verification_regime": dict(chip_accounting=False, sme_inventory=False, telemetry=False, cost_share=0.0),
        "monitoring": dict(registered_share=0.0)},
    "reporting": {
        "doc": "Declared chip stocks and SME inventories reported and audited (EO 14110-style reporting), plus national means.",
        "verification_regime": dict(chip_accounting=True, sme_inventory=True, telemetry=False, cost_share=0.002),
        "monitoring": dict(registered_share=0.0)},
    "telemetry": {
        "doc": "Reporting plus on-chip telemetry on 90% of chips (FlexHEG-style usage reports, 12 a year).",
        "verification_regime": dict(chip_accounting=True, sme_inventory=True, telemetry=True, cost_share=0.01,
                                    telemetry_reports_per_year=12.0),
        "monitoring": dict(registered_share=0.9)},
    "full": {
        "doc": "Telemetry on 99% of chips with weekly reports, reporting and inspections.",
        "verification_regime": dict(chip_accounting=True, sme_inventory=True, telemetry=True, cost_share=0.02,
                                    telemetry_reports_per_year=52.0),
        "monitoring": dict(registered_share=0.99)},
}
for _v in PRESETS.values():
    _v["source"] = _COST


def preset_policy(name: str, base=None):
    """``base`` (default: no halts) with the levers of the named regime."""
    from recloop.policy import NoHalt

    if name not in PRESETS:
        raise RecloopInputError([f"verification_regime: unknown preset '{name}'; allowed: {', '.join(PRESETS)}"])
    base = base if base is not None else NoHalt()
    pr = PRESETS[name]
    vr = base.verification_regime.model_copy(update=pr["verification_regime"])
    mon = base.monitoring.model_copy(update=pr["monitoring"])
    return base.model_copy(update={"verification_regime": vr, "monitoring": mon, "name": f"{base.name}+{name}"})


def grants(policy) -> evidence.Grants:
    """The evidence channels a policy grants (with the year each opens), its cadence and rule."""
    vr, mon = policy.verification_regime, policy.monitoring
    ch = {}
    if vr.satellite:
        ch["satellite"] = 0.0
    if vr.energy_accounting:
        ch["energy"] = 0.0
    if vr.leaks:
        ch["leaks"] = 0.0
    if vr.chip_accounting:
        ch["chip_accounting"] = vr.reporting_from_years
    if vr.sme_inventory:
        ch["sme"] = vr.reporting_from_years
    if vr.telemetry and mon.registered_share > 0:
        ch["telemetry"] = vr.verification_from_years
    return evidence.Grants(channels=ch, check_years=mon.period_years, threshold_probability=vr.threshold_probability,
                           registered_share=mon.registered_share, telemetry_reports_per_year=vr.telemetry_reports_per_year)


def detection_runs(policy, project: covert.CovertProject | None = None, ev: evidence.Evidence | None = None, *,
                   years: float = 10.0, samples: int = 4000, seed: int = 0):
    """(worlds with the project, worlds without it) under the policy's regime."""
    project = project if project is not None else covert.CovertProject()
    g = grants(policy)
    h1 = evidence.simulate_evidence(project, g, ev, years=years, samples=samples, seed=seed, covert_present=True)
    h0 = evidence.simulate_evidence(project, g, ev, years=years, samples=samples, seed=seed, covert_present=False)
    return h1, h0


def annual_detection(policy, project=None, ev=None, *, samples: int = 4000, seed: int = 0):
    """(P(found within a year), P(falsely accused within a year)) under the policy's regime."""
    h1, h0 = detection_runs(policy, project, ev, years=max(1.0, policy.monitoring.period_years), samples=samples, seed=seed)
    return h1.p_detected(by=1.0), h0.p_detected(by=1.0)


def equivalent_rate_per_year(run: evidence.EvidenceRun, key: str = "combined") -> float:
    """The constant hazard with the same share found by the horizon, -ln(1 - P) / horizon: what
    the engine's rate model (:mod:`recloop.governance.monitoring`) should be given for this regime
    and project."""
    p = min(run.p_detected(key), 1.0 - 1e-12)
    return float(-np.log1p(-p) / run.horizon)


def pause_equilibrium(policy, game=None, project=None, ev=None, *, samples: int = 4000, seed: int = 0) -> dict:
    """Is mutual pause an equilibrium of the halt game under this regime? The regime's detection
    within a year and its false accusations against the closed-form threshold of
    :func:`recloop.games.halt.detection_for_pause`, with the regime's cost added to a pauser's."""
    from recloop.games.halt import HaltGame, detection_for_pause

    game = game if game is not None else HaltGame()
    q, f = annual_detection(policy, project, ev, samples=samples, seed=seed)
    need = detection_for_pause(game, extra_cost=policy.verification_regime.cost_share, false_alarm=f)
    return {"detection_per_year": q, "false_accusation_per_year": f, "cost_share": policy.verification_regime.cost_share,
            "detection_needed": need, "pause_is_equilibrium": bool(q >= need), "margin": q - need}


def stop_after_detection(detect_t, stop, u):
    """(time the detected cluster stops, whether it stops): the stop protocol acts
    ``latency_days`` after detection and works with ``reliability`` (``u``: uniform draws)."""
    t = np.asarray(detect_t, dtype=float) + stop.latency_days / 365.25
    works = np.asarray(u) < stop.reliability
    return np.where(works & np.isfinite(t), t, np.inf), works


def reporting_crossings(project: covert.CovertProject, threshold: str, *, years: float = 10.0, n: int = 2001):
    """(years until the project's cluster crosses the threshold's cluster size, years until the
    covert compute it has run crosses the threshold's training FLOP); inf where never."""
    if threshold == "none":
        return np.inf, np.inf
    th = REPORTING_THRESHOLDS[threshold]
    t = np.linspace(0.0, years, n)
    f = covert.covert_usable_flops(t, project)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(t))]) * covert.SECONDS_PER_YEAR
    cl = t[np.argmax(f >= th.cluster_flops)] if th.cluster_flops is not None and np.any(f >= th.cluster_flops) else np.inf
    tr = t[np.argmax(cum >= th.training_flop)] if np.any(cum >= th.training_flop) else np.inf
    return float(cl), float(tr)
