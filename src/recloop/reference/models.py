"""One entry point over the reference models: :func:`report` runs a model (and, with a pause, the
same samples again under the halt) and returns a JSON-ready dict that the CLI prints as is."""

from __future__ import annotations

from typing import Any

from recloop.params import RecloopInputError
from recloop.reference import ai2027, ccf, sie
from recloop.reference._common import Pause, check_samples, seed_sequence

__all__ = ["NAMES", "VARIANTS", "report"]

NAMES = ("sie", "ai2027", "ccf")
VARIANTS = {"sie": sie.VARIANTS, "ai2027": ai2027.VARIANTS, "ccf": ccf.VARIANTS}
DEFAULT_VARIANT = {"sie": "default", "ai2027": "default", "ccf": "best-guess"}
TITLES = {
    "sie": "Davidson & Houlden 2025, software intelligence explosion",
    "ai2027": "Kokotajlo & Lifland 2025, AI 2027 takeoff forecast (SC in March 2027)",
    "ccf": "Davidson 2023, compute-centric framework (takeoffspeeds.com), core",
}


def _check(name: str, variant: str) -> None:
    if name not in NAMES:
        raise RecloopInputError([f"name: unknown reference model {name!r}; allowed: {', '.join(NAMES)}"])
    if variant not in VARIANTS[name]:
        raise RecloopInputError([
            f"variant: unknown variant {variant!r} for {name}; allowed: {', '.join(VARIANTS[name])}"])


def _headline(name: str, result) -> Any:
    if name == "ccf":
        return result.metrics
    if name == "sie":
        return result.windows
    return {"milestones": result.milestones, "p_asi_before": result.p_asi_before}


def _change(name: str, base, halted) -> Any:
    if name == "ccf":
        return {k: {q: (None if v is None or halted.metrics[k][q] is None else round(halted.metrics[k][q] - v, 4))
                    for q, v in qs.items()} for k, qs in base.metrics.items()}
    if name == "sie":
        return [{"years": b["years"], "months": b["months"],
                 "probability_change": h["probability"] - b["probability"]}
                for b, h in zip(base.windows, halted.windows)]
    return {
        "milestones": {k: {q: halted.milestones[k][q] - v for q, v in qs.items()}
                       for k, qs in base.milestones.items()},
        "p_asi_before": {y: halted.p_asi_before[y] - p for y, p in base.p_asi_before.items()},
    }


def report(name: str, *, samples: int = 100_000, seed: int = 0, variant: str | None = None,
           pause: Pause | None = None) -> dict[str, Any]:
    """Run reference model ``name`` and return ``{"model", "inputs", "seed", "results", ...}``.

    With an active ``pause`` the same samples (same seed) run again under the halt; the answer
    then carries ``halted`` (the halted headline figures) and ``change`` (halted minus baseline).
    """
    if variant is None:
        variant = DEFAULT_VARIANT.get(name, "default")
    _check(name, variant)
    samples = check_samples(samples)
    seed_sequence(seed)  # validates
    module = {"sie": sie, "ai2027": ai2027, "ccf": ccf}[name]
    inputs = {"sie": sie.SIEInputs, "ai2027": ai2027.AI2027Inputs, "ccf": ccf.CCFInputs}[name]()
    base = module.run(inputs, samples=samples, seed=seed, variant=variant)
    out: dict[str, Any] = {
        "model": name,
        "title": TITLES[name],
        "inputs": {"variant": variant, "samples": samples, "parameters": inputs.model_dump(mode="json")},
        "seed": seed,
        "results": _headline(name, base),
    }
    if name == "sie":
        out["months_to_progress"] = base.months_to_progress
    elif name == "ccf":
        out["reached"] = base.reached
    else:
        out["phase_years"] = base.phase_years
    if pause is not None and pause.active:
        halted = module.run(inputs, samples=samples, seed=seed, variant=variant, pause=pause)
        out["inputs"]["pause"] = pause.describe()
        out["halted"] = _headline(name, halted)
        out["change"] = _change(name, base, halted)
        if name == "sie":
            out["paused_fraction"] = halted.paused_fraction
            out["halted_months_to_progress"] = halted.months_to_progress
    return out
