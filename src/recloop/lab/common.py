"""What every collapse-lab experiment shares: the generation-loop settings, seed handling, input
validation and the result container.

A *generation loop* fits a model, samples a synthetic training set from it, mixes in a fraction
``real_fraction`` of fresh real data and refits; under ``regime="replace"`` each model sees only
the newest data set, under ``regime="accumulate"`` it sees every data set so far (Gerstgrasser et
al. 2024). Generation 0 is always fitted to real data only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError

from recloop.params import Block, RecloopInputError, format_validation_error, param

__all__ = [
    "LabResult",
    "LoopSetup",
    "build",
    "seed_streams",
]


class LoopSetup(Block):
    """Settings of the generation loop shared by every experiment (levers of the experiment)."""

    generations: int = param(
        10, unit="generations", bounds=(1, 10_000),
        doc="Number of retraining generations after generation 0 (which sees real data only).",
        source="experiment design (Shumailov et al. 2024 run 5-10 generations of OPT-125m)",
    )
    real_fraction: float = param(
        0.0, unit="share", bounds=(0.0, 1.0),
        doc="Share of each generation's new training data that is fresh real data (p).",
        source="experiment design; Shumailov et al. 2024 keep 10% of the original data",
    )
    regime: Literal["replace", "accumulate"] = param(
        "replace", unit="", choices=("replace", "accumulate"),
        doc="replace: train only on the newest data; accumulate: train on all data so far.",
        source="Gerstgrasser et al. 2024, 'Is model collapse inevitable?'",
    )
    curation_keep: float = param(
        1.0, unit="share", bounds=(0.01, 1.0),
        doc="Share of synthetic samples kept by the curation filter (1 = no curation).",
        source="experiment design; the essay's first automation vector (AI data curation)",
    )


def build(block: type[Block], prefix: str, values: dict[str, Any]) -> Block:
    """Build a declared block from user values, turning validation errors into
    :class:`RecloopInputError` lines that name the field (``lab.real_fraction: ...``)."""
    clean = {k: v for k, v in values.items() if v is not None}
    try:
        return block(**clean)
    except ValidationError as err:
        raise RecloopInputError(format_validation_error(err, root=block, prefix=prefix)) from None


def seed_streams(seed: int | np.random.SeedSequence, n_seeds: int) -> list[np.random.SeedSequence]:
    """One independent SeedSequence per experiment seed.

    Child ``i`` depends only on ``seed`` and ``i``, so seed ``i`` gives the same result whether 2 or
    200 seeds were run; each experiment spawns one further child per generation from it.
    """
    if n_seeds < 1:
        raise RecloopInputError([f"lab.seeds: must be >= 1, got {n_seeds}"])
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    return root.spawn(n_seeds)


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return [_jsonable(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


@dataclass
class LabResult:
    """Outcome of one experiment: per-seed, per-generation metrics and their theory, if any.

    ``metrics[name]`` has shape ``(n_seeds, generations + 1)``; ``theory[name]`` has shape
    ``(generations + 1,)`` and gives the closed-form expectation of the seed mean where one exists.
    """

    experiment: str
    inputs: dict[str, Any]
    seed: int
    metrics: dict[str, np.ndarray]
    theory: dict[str, np.ndarray] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0

    @property
    def n_seeds(self) -> int:
        return next(iter(self.metrics.values())).shape[0]

    @property
    def generations(self) -> np.ndarray:
        return np.arange(next(iter(self.metrics.values())).shape[1])

    def mean(self, name: str) -> np.ndarray:
        return np.nanmean(self.metrics[name], axis=0)

    def summary(self) -> dict[str, Any]:
        """Seed mean and standard error of each metric at the first and last generation."""
        out: dict[str, Any] = {"experiment": self.experiment, "seeds": self.n_seeds,
                               "wall_s": round(self.wall_s, 3)}
        k = self.n_seeds
        for name, arr in self.metrics.items():
            last = arr[:, -1]
            out[name] = {
                "first": float(np.nanmean(arr[:, 0])),
                "last": float(np.nanmean(last)),
                "last_se": float(np.nanstd(last, ddof=1) / math.sqrt(k)) if k > 1 else None,
                "unit": self.units.get(name, ""),
            }
            if name in self.theory:
                out[name]["theory_last"] = float(self.theory[name][-1])
        out.update(self.notes)
        return _jsonable(out)

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows (one per seed, generation and metric), each carrying the inputs."""
        out = []
        for name, arr in self.metrics.items():
            for s in range(arr.shape[0]):
                for g in range(arr.shape[1]):
                    out.append({"experiment": self.experiment, "seed": self.seed, "seed_index": s,
                                "generation": g, "metric": name, "value": float(arr[s, g]),
                                **{f"in_{k}": v for k, v in self.inputs.items()}})
        return out

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({
            "experiment": self.experiment, "inputs": self.inputs, "seed": self.seed,
            "metrics": self.metrics, "theory": self.theory, "units": self.units,
            "notes": self.notes, "wall_s": self.wall_s,
        })

    def to_json(self) -> str:
        return json.dumps(self.to_dict())
