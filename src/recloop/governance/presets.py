"""Capability tripwires written from the published frontier safety frameworks and the essay.

Each preset is a :class:`recloop.policy.Tripwire` whose ``source`` quotes the framework and whose
``mapping`` states how the wording was turned into a model quantity (the engine's metrics are
listed in :data:`recloop.policy.METRICS`). The frameworks state qualitative capability levels,
not numbers: every threshold below is recloop's reading, stated so that a reader can disagree
with it in one place. Measurement error (``error_sd``) and lag reflect that the levels are
judged from evaluations run every few months (Anthropic RSP: comprehensive assessments at least
every 6 months; OpenAI Preparedness v2: before each frontier deployment).

Use one: ``policy.Policy(tripwires=[TRIPWIRES["anthropic-rsp-ai-rnd-4"]])`` or copy its fields
into a policy TOML (the bundled ``rsp-tripwires.toml`` does).
"""

from __future__ import annotations

from recloop.policy import Tripwire

__all__ = ["TRIPWIRES", "tripwire"]

_ANTHROPIC = "Anthropic Responsible Scaling Policy v2.2 (2025), Capability Thresholds, AI R&D"
_OPENAI = "OpenAI Preparedness Framework v2 (April 2025), Tracked Category 'AI Self-improvement'"
_GDM = "Google DeepMind Frontier Safety Framework v2/v3 (2025), Machine Learning R&D CCLs"
_ESSAY = "the essay, 'Standardized Capability Thresholds' (structural condition 2)"

_PRESETS = [
    Tripwire(
        name="anthropic-rsp-ai-rnd-4", metric="automation_mean", threshold=0.5,
        cadence_years=0.5, error_sd=0.05, lag_years=0.05, response="verification_gate",
        source=_ANTHROPIC + ": AI R&D-4, 'the ability to fully automate the work of an entry-level, "
               "remote-only Researcher at Anthropic' (requires ASL-3 security and an affirmative case)",
        mapping="an entry-level researcher's work is about half of the R&D task mix across data, "
                "architecture search and engineering -> mean automation of the three vectors >= 0.5; "
                "response: every later release waits for verification (the affirmative case)"),
    Tripwire(
        name="anthropic-rsp-ai-rnd-5", metric="progress_multiplier", threshold=4.0,
        cadence_years=0.5, error_sd=0.5, lag_years=0.05, response="pause_until_verified",
        source=_ANTHROPIC + ": AI R&D-5, 'the ability to cause dramatic acceleration in the rate of "
               "effective scaling' (ASL-4 safeguards, not yet specified)",
        mapping="'dramatic acceleration' read as software progress >= 4x the human-only trend "
                "(recloop's reading; the RSP gives no number); response: pause until verification "
                "covers the model, since the required safeguards do not yet exist"),
    Tripwire(
        name="openai-self-improvement-high", metric="automation_code", threshold=0.7,
        cadence_years=0.25, error_sd=0.05, lag_years=0.05, response="verification_gate",
        source=_OPENAI + ": High, 'the model's impact is equivalent to giving every OpenAI researcher "
               "a highly performant mid-career research engineer assistant'",
        mapping="a mid-career research-engineer assistant does most of the engineering but not the "
                "research direction -> code-vector automation >= 0.7; response: safeguards before "
                "deployment (a verification gate on later releases)"),
    Tripwire(
        name="openai-self-improvement-critical", metric="progress_multiplier", threshold=5.0,
        cadence_years=0.25, error_sd=0.5, lag_years=0.02, response="pause_until_verified",
        source=_OPENAI + ": Critical, 'a superhuman research-scientist agent' OR 'causing a "
               "generational model improvement in 1/5th the wall-clock time of equivalent progress "
               "in 2024, sustained for several months'; 'halt further development'",
        mapping="a generation in 1/5 of the 2024 time = software progress >= 5x the human-only "
                "trend; response: halt until safeguards (verification) cover the model"),
    Tripwire(
        name="gdm-fsf-ml-rnd-acceleration", metric="progress_multiplier", threshold=2.0,
        cadence_years=0.25, error_sd=0.3, lag_years=0.05, response="verification_gate",
        source=_GDM + ": ML R&D acceleration level, 'could significantly accelerate AI research at "
               "frontier labs' (e.g. doubling the rate of AI progress relative to 2020-2024)",
        mapping="doubling the 2020-2024 rate -> software progress >= 2x the human-only trend; "
                "response: security and deployment mitigations before release (verification gate)"),
    Tripwire(
        name="gdm-fsf-ml-rnd-automation", metric="automation_mean", threshold=0.95,
        cadence_years=0.25, error_sd=0.03, lag_years=0.05, response="pause_until_verified",
        source=_GDM + ": ML R&D autonomy level 1, 'can fully automate the AI R&D pipeline at a "
               "competitive cost relative to humans augmented by AI tools'",
        mapping="'fully automate the pipeline' -> mean automation of the three vectors >= 0.95 "
                "(0.95 rather than 1: the logistic never reaches 1); response: pause until verified"),
    Tripwire(
        name="essay-novel-crypto-vulnerabilities", metric="automation_arch", threshold=0.5,
        cadence_years=0.25, error_sd=0.1, lag_years=0.02, response="pause_until_verified",
        source=_ESSAY + ": 'the moment a model demonstrates the ability to autonomously discover "
               "novel cryptographic vulnerabilities'",
        mapping="PROXY: recloop has no cyber metric; autonomous discovery of novel vulnerabilities "
                "is read as research-grade autonomy, i.e. the research-taste vector (architecture "
                "and hyperparameter search) half automated, with a wide error (sd 0.1)"),
    Tripwire(
        name="essay-90pct-own-refactoring", metric="automation_code", threshold=0.9,
        cadence_years=0.25, error_sd=0.03, lag_years=0.02, response="pause_until_verified",
        source=_ESSAY + ": 'automate 90% of its own software refactoring tasks'",
        mapping="refactoring is code work -> code-vector automation fraction >= 0.9; response: "
                "'a mandatory verification pause'"),
]

#: name -> Tripwire, in the order above.
TRIPWIRES: dict[str, Tripwire] = {t.name: t for t in _PRESETS}


def tripwire(name: str, **changes) -> Tripwire:
    """A preset by name, optionally with fields changed (``tripwire("...", response="fixed_pause")``)."""
    from recloop.params import RecloopInputError

    if name not in TRIPWIRES:
        raise RecloopInputError([f"tripwire: unknown preset '{name}'; allowed: {', '.join(TRIPWIRES)}"])
    return TRIPWIRES[name].model_copy(update=changes) if changes else TRIPWIRES[name]
