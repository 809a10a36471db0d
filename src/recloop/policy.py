"""Policies: what the developer or a regulator chooses (levers). Frozen, validated, from TOML.

A policy holds the developer's containment architecture, its verification effort, its hardware
stop protocol and a list of capability tripwires. Levers are point values (they are chosen, not
uncertain); compare policies across uncertain worlds with ``recloop compare``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from recloop.params import Block, ParamSpec, RecloopInputError, format_validation_error, param, specs

__all__ = ["Policy", "Tripwire", "METRICS", "load_policy", "bundled_policies", "policy_specs", "NoHalt",
           "Monitoring", "VerificationRegime", "Treaty", "Compliance", "STRATEGIES", "check_against", "policy_problems",
           "MIN_CADENCE_YEARS"]

# Quantities a tripwire can read, each computed by the engine from the deployed generation.
METRICS: dict[str, str] = {
    "effective_compute": "log10 effective training FLOP of the deployed generation (2025 algorithms)",
    "horizon_p50_hours": "METR 50% time horizon of the deployed generation, hours of human work (40 = a work week)",
    "horizon_p80_hours": "METR 80% time horizon of the deployed generation, hours of human work",
    "capability_oom": "effective compute above the start, OOM",
    "automation_mean": "mean automation fraction of the three R&D vectors",
    "automation_data": "automation fraction of data generation and curation",
    "automation_arch": "automation fraction of architecture and hyperparameter search",
    "automation_code": "automation fraction of code generation and infrastructure orchestration",
    "progress_multiplier": "software progress rate relative to the human-only trend",
    "verification_gap": "capability minus verified capability, OOM",
}

#: The shortest tripwire cadence: one day. Each evaluation is an engine event, so a cadence of
#: 1e-9 yr would make a two-year run take billions of steps (it validated, then ran for hours).
MIN_CADENCE_YEARS = 1.0 / 365.25

Response = Literal["pause_until_verified", "fixed_pause", "verification_gate", "restrict_deployment"]


class Tripwire(BaseModel):
    """A capability threshold: metric, threshold, evaluation cadence and error, and a response.

    Responses: ``pause_until_verified`` halts training and automated research until verification
    covers the current capability; ``fixed_pause`` halts for ``pause_years``;
    ``verification_gate`` lets work go on but holds every later release until it is verified;
    ``restrict_deployment`` stops using the model for its own R&D for ``pause_years``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    name: str = Field(min_length=1)
    metric: str
    threshold: float
    cadence_years: float = Field(default=0.25, ge=MIN_CADENCE_YEARS, le=10,
                                 description="Time between evaluations, yr (at least one day).")
    error_sd: float = Field(default=0.0, ge=0, le=10, description="Measurement error (sd, metric units).")
    lag_years: float = Field(default=0.02, ge=0, le=5, description="Time from evaluation to decision, yr.")
    response: Response = "pause_until_verified"
    pause_years: float = Field(default=0.5, ge=0, le=50, description="Length of a fixed pause or restriction, yr.")
    source: str = ""
    mapping: str = Field(default="", description="How the framework's wording maps to the metric.")

    @model_validator(mode="after")
    def _known_metric(self):
        if self.metric not in METRICS:
            raise ValueError(f"unknown metric '{self.metric}'; allowed: {', '.join(METRICS)}")
        return self


class Containment(Block):
    """The developer's containment architecture (the essay's stratified safety architecture)."""

    air_gap: float = param(
        0.0, unit="fraction", bounds=(0.0, 1.0),
        doc="Strength of the air gap between the inference environment and the core weights (share of autonomous weight edits blocked).",
        source="essay, 'Systemic Risk Allocation Architecture'; Nevo et al. 2024 RAND 'Securing AI model weights'")
    sandbox_catch_rate: float = param(
        0.0, unit="fraction", bounds=(0.0, 1.0),
        doc="Share of drifting self-modifications caught by the deterministic sandbox before they ship.",
        source="essay ('isolated, deterministic execution environment'); assumption")
    sandbox_overhead: float = param(
        0.0, unit="fraction of compute", bounds=(0.0, 0.5),
        doc="Compute the sandbox's simulations divert from training.",
        source="assumption")
    sandbox_latency_days: float = param(
        0.0, unit="days", bounds=(0.0, 365.0),
        doc="Delay the sandbox adds to each generation's release.",
        source="assumption")
    detection_tpr: float = param(
        0.0, unit="probability", bounds=(0.0, 1.0),
        doc="Probability adversarial detection flags a successor that carries a hidden objective.",
        source="Hubinger et al. 2024; MacDiarmid et al. 2024 'Simple probes can catch sleeper agents' (high AUROC on model organisms)")
    detection_fpr: float = param(
        0.0, unit="probability", bounds=(0.0, 1.0),
        doc="Probability adversarial detection flags a clean successor.",
        source="assumption")
    deprecate_lineage: bool = param(
        True, unit="bool", doc="Roll back to the last verified generation when a successor is flagged.",
        source="essay ('the entire training lineage must be deprecated')")
    hazard_reduction: float = param(
        0.0, unit="fraction", bounds=(0.0, 1.0),
        doc="Share of the hazard removed by the restricted API layer and monitoring of deployment.",
        source="assumption")


class Verification(Block):
    """How much the developer spends on verification."""

    compute_share: float = param(
        0.05, unit="fraction of compute", bounds=(0.0, 0.9),
        doc="Compute diverted from training to verification (evaluations, red teaming, interpretability).",
        source="assumption; lab system cards (evaluation compute a few % of training)")
    safety_effort: float = param(
        1.0, unit="x baseline", bounds=(0.0, 50.0),
        doc="Human safety research effort relative to the baseline trend.",
        source="assumption")
    release_requires_verification: bool = param(
        False, unit="bool", doc="Hold every release until verification covers it (always-on gate).",
        source="Anthropic RSP 2024 (no deployment without adequate safeguards)")


class Stop(Block):
    """Hardware stop protocol: how a halt decision reaches the chips."""

    latency_days: float = param(
        7.0, unit="days", bounds=(0.0, 3650.0),
        doc="Time from a halt decision to the hardware actually stopping work.",
        source="Sastry, Heim et al. 2024 (licence expiry, multi-party start switches); assumption")
    reliability: float = param(
        0.9, unit="probability", bounds=(0.0, 1.0),
        doc="Probability the stop protocol takes effect when invoked.",
        source="assumption")
    halts_research: bool = param(
        True, unit="bool", doc="A pause also stops AI-automated research, not only training runs.",
        source="assumption (a pause that leaves automated research running stores up software progress)")
    max_pause_years: float = param(
        5.0, unit="yr", bounds=(0.0, 100.0),
        doc="Longest pause the developer will hold before resuming regardless.",
        source="assumption (political durability of a pause)")


# ---------------------------------------------------------------- many actors (governance levers)

#: Actor strategies. race: ignores tripwires and treaties; unilateral_pause: applies the policy's
#: tripwires to itself whatever the others do; conditional_pause: pauses only while every other
#: actor it can see also pauses (verifiably: an undetected covert actor looks paused); comply:
#: follows the policy where it applies to its jurisdiction (a treaty member, or everyone when the
#: policy has no treaty), and defects covertly when the private gain exceeds the expected
#: sanction; covert: declares the pause and keeps building in covert clusters.
STRATEGIES = ("race", "unilateral_pause", "conditional_pause", "comply", "covert")
Strategy = Literal["race", "unilateral_pause", "conditional_pause", "comply", "covert"]


class Monitoring(Block):
    """Compute monitoring: how covert clusters and open breaches are found. By default
    (``detection = "evidence"``) the verification regime's evidence channels decide
    (recloop.governance.watch, the ``[verification_regime]`` block; ``registered_share`` and
    ``period_years`` are read there); ``detection = "rate"`` keeps the per-year detection rate of
    recloop.governance.monitoring (``telemetry_tpr``, ``accounting_rate_per_year``,
    ``base_rate_per_year``, ``reference_cluster_flops``)."""

    detection: Literal["evidence", "rate"] = param(
        "evidence", unit="name", choices=("evidence", "rate"),
        doc="How monitoring finds a covert project or an open breach: the regime's evidence channels against prior odds "
            "(evidence) or a fixed detection rate per year (rate).",
        source="issue 18: evidence channels after the AI Futures Project covert-compute model; the rate model is issue 16 item 5's")

    registered_share: float = param(
        0.0, unit="fraction", bounds=(0.0, 1.0),
        doc="Share of the world's AI accelerators registered and reporting on-chip workload telemetry.",
        source="Sastry, Heim et al. 2024 (compute is detectable and quantifiable); assumption")
    telemetry_tpr: float = param(
        0.0, unit="probability", bounds=(0.0, 1.0),
        doc="Probability telemetry flags covert training on registered chips within a year (a rate: checks of any cadence find the same share per year).",
        source="Rahman & Tajdari 2026, arXiv:2606.19262: 98.2% overall, 43-87% under adversarial disguise")
    accounting_rate_per_year: float = param(
        0.0, unit="1/yr per reference cluster", bounds=(0.0, 100.0),
        doc="Rate at which supply-chain chip accounting finds a covert cluster the size of the reference cluster.",
        source="Shavit 2023 'What does it take to catch a Chinchilla?' (chip accounting; no numeric rate): assumption")
    base_rate_per_year: float = param(
        0.05, unit="1/yr", bounds=(0.0, 100.0),
        doc="Detection rate of a covert effort by other means (intelligence, whistle-blowers, power signatures).",
        source="assumption")
    period_years: float = param(
        0.25, unit="yr", bounds=(0.01, 5.0),
        doc="Monitoring period (inspection and reporting cadence).",
        source="assumption; EU AI Act Art. 52 (notification within two weeks)")
    reference_cluster_flops: float = param(
        1e20, unit="FLOP/s", bounds=(1e15, 1e25), log=True,
        doc="Cluster size at which chip accounting finds a covert cluster at accounting_rate_per_year.",
        source="US EO 14110 s.4.2(b) cluster reporting threshold (1e20 operations/s)")
    compute_cap_flop: float = param(
        0.0, unit="FLOP", bounds=(0.0, 1e40),
        doc="Cap on the effective training compute of a covered actor's generation (0: no cap).",
        source="compute caps as proposed in Sastry, Heim et al. 2024; EU AI Act 1e25 / EO 14110 1e26 as reference levels")


class VerificationRegime(Block):
    """Verification regime (recloop.governance.evidence, recloop.governance.regimes): which evidence
    channels a treaty grants, from which phase of the agreement, its accusation rule and its cost.
    Telemetry covers ``monitoring.registered_share`` of the chips; checks run every
    ``monitoring.period_years``."""

    chip_accounting: bool = param(
        False, unit="bool", doc="Chip accounting: export records and declared chip stocks are exchanged and audited.",
        source="Shavit 2023 'What does it take to catch a Chinchilla?'; Baker 2023 'Nuclear arms control verification and lessons for AI treaties'")
    energy_accounting: bool = param(
        True, unit="bool", doc="Energy accounting of the host's electricity use (national technical means).",
        source="AI Futures Project covert-compute model (energy-consumption evidence)")
    satellite: bool = param(
        True, unit="bool", doc="Satellite imagery of declared data-centre capacity and fabs (national technical means).",
        source="AI Futures Project covert-compute model (satellite evidence)")
    sme_inventory: bool = param(
        False, unit="bool", doc="Inventories of lithography scanners and other SME reported and audited (supplier servicing records).",
        source="AI Futures Project covert-compute model (SME-inventory evidence)")
    leaks: bool = param(
        True, unit="bool", doc="Human intelligence: leaks, whistle-blowers and defectors from the covert workforce.",
        source="AI Futures Project: Gamma time-to-detection fitted on twelve covert nuclear programmes")
    telemetry: bool = param(
        False, unit="bool", doc="On-chip telemetry and hardware-enabled mechanisms (usage reporting, location verification, offline licensing).",
        source="Petrie et al. 2024 'Flexible hardware-enabled guarantees' (FlexHEG); Rahman & Tajdari 2026, arXiv:2606.19262")
    telemetry_reports_per_year: float = param(
        12.0, unit="1/yr", bounds=(0.0, 8760.0),
        doc="Workload reports per year from each registered cluster.",
        source="assumption (FlexHEG-style periodic usage reports)")
    reporting_from_years: float = param(
        0.0, unit="yr", bounds=(0.0, 50.0),
        doc="Phase 2 of the agreement (declared chip stocks and SME inventories reported and audited) starts this long after it is signed; national technical means (satellite, energy, leaks) run from the start.",
        source="AI Futures Project agreement phases (tracking, reporting, cease training, caps); assumption")
    verification_from_years: float = param(
        0.0, unit="yr", bounds=(0.0, 50.0),
        doc="Phase 3 (on-chip telemetry and inspections) starts this long after the agreement is signed.",
        source="AI Futures Project agreement phases; assumption")
    threshold_probability: float = param(
        0.8, unit="probability", bounds=(0.5, 0.9999),
        doc="Posterior probability of a covert project at which the regime accuses (a false accusation when there is none).",
        source="assumption; the AI Futures model reports detection at LR 1, 2 and 4 (posterior odds 0.25-1 at prior odds 0.25)")
    cost_share: float = param(
        0.0, unit="fraction of budget per yr", bounds=(0.0, 0.5),
        doc="Yearly cost of the regime to each covered actor (reporting, audits, hardware mechanisms) as a share of its budget.",
        source="assumption (no published cost estimate); the presets in recloop.governance.regimes state theirs")
    reporting_threshold: Literal["none", "eu-ai-act", "us-eo-14110"] = param(
        "us-eo-14110", unit="name", choices=("none", "eu-ai-act", "us-eo-14110"),
        doc="Legal reporting threshold a covert project's training compute and cluster are measured against.",
        source="EU AI Act Art. 51(2) (1e25 FLOP); US EO 14110 s.4.2(b) (1e26 FLOP, 1e20 FLOP/s clusters)")


class Treaty(BaseModel):
    """A reciprocity treaty between jurisdictions: members follow the policy; defection found by
    monitoring is sanctioned; non-members keep going."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    name: str = "treaty"
    members: list[str] = Field(default_factory=list, description="Member jurisdictions (names in the scenario).")
    sanction_supply_cut: float = Field(
        default=0.5, ge=0, le=1,
        description="Share of a detected defector's compute acquisition cut off (export controls, cloud denial).")
    sanction_cost: float = Field(
        default=0.1, ge=0, le=100,
        description="Cost of a sanction to the defector, in market-share-years (fines, lost access to markets).")
    stop_on_detection: bool = Field(
        default=False,
        description="A detected covert cluster or open breach is stopped through the policy's stop protocol "
                    "(stop.latency_days later, with stop.reliability) and held for the pause it broke.")
    source: str = ""


class Compliance(Block):
    """Compliance costs of the regime: a fixed part and a part proportional to spending."""

    fixed_cost: float = param(
        0.0, unit="frontier budget share", bounds=(0.0, 1.0),
        doc="Fixed yearly compliance cost as a share of the frontier developer's budget (safety, legal and evaluation teams).",
        source="essay, 'Capital Moat Solidification'; assumption")
    proportional_cost: float = param(
        0.0, unit="fraction of budget", bounds=(0.0, 0.9),
        doc="Compliance cost proportional to the actor's own spending.",
        source="assumption")


def check_against(policy: "Policy", scenario) -> None:
    """Cross-check a policy against a scenario's actors and jurisdictions (field paths in errors)."""
    problems = []
    names = [a.name for a in scenario.actors]
    juris = scenario.jurisdiction_names()
    for actor in policy.strategies:
        if actor not in names:
            allowed = ", ".join(names) if names else "none: the scenario has no [[actors]]"
            problems.append(f"policy.strategies.{actor}: unknown actor; scenario actors: {allowed}")
    if policy.treaty is not None:
        for i, j in enumerate(policy.treaty.members):
            if j not in juris:
                allowed = ", ".join(juris) if juris else "none: the scenario has no jurisdictions"
                problems.append(f"policy.treaty.members[{i}]: unknown jurisdiction '{j}'; scenario jurisdictions: {allowed}")
    if problems:
        raise RecloopInputError(problems)


class Policy(BaseModel):
    """The levers of one policy."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    name: str = "none"
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    containment: Containment = Containment()
    verification: Verification = Verification()
    stop: Stop = Stop()
    tripwires: list[Tripwire] = Field(default_factory=list)
    monitoring: Monitoring = Monitoring()
    verification_regime: VerificationRegime = VerificationRegime()
    treaty: Treaty | None = None
    compliance: Compliance = Compliance()
    strategies: dict[str, Strategy] = Field(default_factory=dict, description="Actor name -> strategy, overriding the scenario's.")

    @model_validator(mode="after")
    def _consistent_levers(self):
        problems = policy_problems(self)
        if problems:
            raise ValueError("\n".join(problems))  # parse_policy splits it into lines
        return self


def policy_problems(p: "Policy") -> list[str]:
    """Cross-field problems of a policy, one line each with its field path: repeated tripwire names,
    a detector whose false-positive rate exceeds its true-positive rate (worse than a coin that
    ignores the model), and more compute diverted than there is."""
    out = []
    seen: dict[str, int] = {}
    for i, t in enumerate(p.tripwires):
        if t.name in seen:
            out.append(f"tripwires[{i}].name: duplicate tripwire name '{t.name}' (also tripwires[{seen[t.name]}])")
        else:
            seen[t.name] = i
    c = p.containment
    if c.detection_fpr > c.detection_tpr:
        out.append(f"containment.detection_fpr: must not exceed detection_tpr ({c.detection_tpr:g}), "
                   f"got {c.detection_fpr:g}")
    diverted = p.verification.compute_share + c.sandbox_overhead
    if diverted >= 1.0:
        out.append(f"verification.compute_share: with containment.sandbox_overhead must be < 1, got "
                   f"{p.verification.compute_share:g} + {c.sandbox_overhead:g}")
    return out


def NoHalt() -> Policy:  # noqa: N802 - reads as a constructor, as in simulate(s, NoHalt())
    """The policy with no tripwires and no containment."""
    return Policy(name="none", description="No halts, no containment: the developer races.")


def policy_specs() -> list[ParamSpec]:
    out: list[ParamSpec] = []
    for block in ("containment", "verification", "stop", "monitoring", "verification_regime", "compliance"):
        out.extend(specs(cast("type[BaseModel]", Policy.model_fields[block].annotation), prefix=block + ".", kind="lever"))
    return out


def parse_policy(data: dict[str, Any], *, where: str = "policy") -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as err:
        problems = format_validation_error(err, root=Policy, prefix=where)
        cross = [line for e in err.errors(include_url=False) if not e["loc"]
                 for line in str(e["msg"]).removeprefix("Value error, ").split("\n")]
        if cross:
            problems = [p for p in problems if not p.startswith(f"{where}: ")] + [f"{where}.{line}" for line in cross]
        raise RecloopInputError(problems) from None


def bundled_policies() -> dict[str, Path]:
    root = resources.files("recloop") / "policies"
    return {Path(str(p)).stem: Path(str(p)) for p in root.iterdir() if str(p).endswith(".toml")}


def load_policy(spec: str | Path | None = None) -> Policy:
    """Load a policy by bundled name or path; ``None`` means no halts."""
    from recloop.scenario import read_toml  # here: recloop.scenario imports this module's Containment

    if spec is None:
        return NoHalt()
    bundled = bundled_policies()
    if str(spec) in bundled:
        return parse_policy(read_toml(bundled[str(spec)]))
    path = Path(spec)
    if not path.exists():
        raise RecloopInputError([f"policy: '{spec}' is neither a file nor a bundled policy ({', '.join(sorted(bundled))})"])
    from recloop.scenario import classify

    data = read_toml(path)
    if classify(data, where=str(path)) == ["scenario"]:
        raise RecloopInputError([f"policy: {path} is a scenario file (it sets scenario fields); pass it as the scenario"])
    return parse_policy(data)
