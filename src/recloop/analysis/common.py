"""What the analyses share: outcome names, censoring, criteria such as ``p_catastrophe>0.1``,
and the engine run on explicit parameter designs or on sampled worlds, through an executor.

Censoring: a date or duration not reached by the horizon is null in the results (never a silent
NaN). Analyses that need a number for every world (Sobol, Morris, regret) read the outcome's
declared rule (:func:`recloop.outcomes.values`): a date at the horizon, a takeoff unfinished at
the horizon at its lower bound (horizon - takeoff start), a safety window with no warning at 0;
they report the censored share; an outcome that is undefined for another reason
(``fidelity_at_superhuman`` in a world that never got there) is refused with a message rather
than imputed.
"""

from __future__ import annotations

import difflib
import operator
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from recloop.params import RecloopInputError

__all__ = ["outcome_names", "check_outcome", "censor", "Criterion", "parse_criterion", "ParamTask",
           "run_param_chunk", "WorldsTask", "run_worlds_chunk", "sample_worlds", "evaluate_design", "fixed_parameters"]

_DAYS = 365.25
_NOT_OUTCOMES = {"run_id", "sample", "seed", "scenario", "policy", "status", "binding_limit", "in:<path>"}


def outcome_names() -> list[str]:
    """Numeric or yes/no outcome columns an analysis can use (documented in recloop.outcomes)."""
    from recloop.outcomes import COLUMNS

    return [c for c in COLUMNS if c not in _NOT_OUTCOMES]


def check_outcome(name: str, *, field: str = "--outcome") -> str:
    names = outcome_names()
    if name not in names:
        near = difflib.get_close_matches(name, names, n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else f" (one of: {', '.join(names)})"
        raise RecloopInputError([f"{field}: unknown outcome '{name}'{hint}"])
    return name


def _censorable(name: str) -> bool:
    return name.startswith("t_") or name.endswith("_years") or name.endswith("_days")


def censor(name: str, y: np.ndarray, years: float, *, field: str = "--outcome") -> tuple[np.ndarray, float]:
    """(values with censored dates set to the horizon, censored share); refuses other gaps."""
    y = np.asarray(y, dtype=np.float64)
    miss = ~np.isfinite(y)
    share = float(miss.mean()) if y.size else 0.0
    if not miss.any():
        return y, 0.0
    if not _censorable(name):
        raise RecloopInputError([f"{field}: '{name}' is undefined in {share:.1%} of the runs; "
                                 "choose an outcome defined in every world, or a date (censored at the horizon)"])
    fill = years * _DAYS if name.endswith("_days") else years
    return np.where(miss, fill, y), share


_OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt}
_CRIT = re.compile(r"^\s*(!?)\s*([A-Za-z_][A-Za-z0-9_:.]*)\s*(?:(<=|>=|==|!=|<|>)\s*([-+0-9.eE]+|true|false))?\s*$")


@dataclass(frozen=True)
class Criterion:
    """``NAME``, ``!NAME`` (a yes/no outcome) or ``NAME OP VALUE``; null dates are 'not reached'."""

    text: str
    name: str
    op: str | None = None
    value: float | None = None
    negate: bool = False

    def __call__(self, col: np.ndarray) -> np.ndarray:
        col = np.asarray(col)
        if self.op is None:
            hit = col.astype(bool) if col.dtype == bool else np.isfinite(col) & (col != 0)
        else:
            with np.errstate(invalid="ignore"):
                hit = _OPS[self.op](col.astype(np.float64), float(self.value if self.value is not None else np.nan))
            hit = hit & np.isfinite(col.astype(np.float64)) if self.op != "!=" else hit
        return ~hit if self.negate else hit


def parse_criterion(text: str, *, field: str) -> Criterion:
    m = _CRIT.match(text or "")
    if not m:
        raise RecloopInputError([f"{field}: cannot read '{text}'; write NAME, !NAME or NAME<VALUE (ops < <= > >= == !=)"])
    neg, name, op, val = m.groups()
    check_outcome(name, field=field)
    if val is not None:
        value = 1.0 if val == "true" else 0.0 if val == "false" else float(val)
    else:
        value = None
    return Criterion(text, name, op, value, bool(neg))


# --------------------------------------------------------------------------- explicit designs


def fixed_parameters(scenario) -> dict[str, float]:
    """Every scenario parameter at one value: point values as given, distributions at their median
    (the values parameters take when a sensitivity design does not vary them)."""
    from recloop.scenario import scenario_specs

    out = {}
    for s in scenario_specs():
        v = scenario.value(s.path)
        out[s.path] = float(v) if isinstance(v, (int, float)) else float(v.median)
    return out


@dataclass(frozen=True)
class ParamTask:
    """Rows ``start..stop`` of an explicit design: every parameter given (path -> values)."""

    scenario: Any
    policy: Any
    params: dict
    outcome: str
    seed: int
    years: float
    report_every: float
    noise_sample: int


def run_param_chunk(task: ParamTask) -> tuple[np.ndarray, ...]:
    """The outcome and the status of each row (runs on a worker)."""
    from recloop.engine import simulate_chunk

    n = next(iter(task.params.values())).size
    times = np.arange(0.0, task.years + 1e-9, task.report_every)
    # common random numbers: every row sees the same event draws (catastrophe, tripwire error,
    # stop reliability), so the outcome is a function of the design's parameters alone
    index = np.full(n, task.noise_sample, dtype=np.int64)
    out, _ = simulate_chunk(task.scenario, task.policy, index, task.seed, years=task.years, times=times,
                            params=task.params)
    from recloop.outcomes import OUTCOMES, values

    if task.outcome in OUTCOMES and OUTCOMES[task.outcome].censoring in ("takeoff", "window"):
        # the rule reads other columns (takeoff start; first tripwire, point of no control): apply
        # it here; a censored row is at its lower bound and marked by the nan-free censored mask
        c = values(task.outcome, out, task.years)
        return np.where(c.missing, np.nan, c.value), out["status"], c.censored
    return np.asarray(out[task.outcome], dtype=np.float64), out["status"]


def evaluate_design(values: dict[str, np.ndarray], scenario, policy, outcome: str, *, years: float, seed: int,
                    executor=None, chunk_size: int = 2048, report_every: float = 0.25,
                    noise_sample: int = 0) -> tuple[np.ndarray, dict[str, float]]:
    """Run the engine on an explicit design (varied parameters in ``values``, the rest fixed by
    :func:`fixed_parameters`); returns (outcome, info with censored and diverged shares)."""
    from recloop.execute import LocalExecutor

    executor = executor or LocalExecutor()
    n = next(iter(values.values())).size
    base = fixed_parameters(scenario)
    tasks = []
    for a in range(0, n, chunk_size):
        b = min(n, a + chunk_size)
        P = {k: (np.asarray(values[k][a:b], dtype=np.float64) if k in values else np.full(b - a, v))
             for k, v in base.items()}
        tasks.append(ParamTask(scenario, policy, P, outcome, seed, years, report_every, noise_sample))
    parts = executor.map(run_param_chunk, tasks)
    y = np.concatenate([p[0] for p in parts])
    status = np.concatenate([p[1] for p in parts])
    if len(parts[0]) == 3:  # the rule was applied per chunk (run_param_chunk)
        cens = float(np.concatenate([p[2] for p in parts]).mean())
        miss = ~np.isfinite(y)
        if miss.any():  # a takeoff that never started has no length: refused, not imputed
            raise RecloopInputError([f"--outcome: '{outcome}' is undefined in {miss.mean():.1%} of the runs (no takeoff "
                                     "started by the horizon); choose t_takeoff_start or t_superhuman (dates, censored "
                                     "at the horizon) or a longer horizon"])
    else:
        y, cens = censor(outcome, y, years)
    return y, {"censored": cens, "diverged": float((status != 0).mean())}


# --------------------------------------------------------------------------- sampled worlds


@dataclass(frozen=True)
class WorldsTask:
    scenario: Any
    policy: Any
    start: int
    stop: int
    seed: int
    years: float
    report_every: float
    columns: tuple[str, ...]


def run_worlds_chunk(task: WorldsTask) -> tuple[int, dict[str, np.ndarray]]:
    from recloop.engine import simulate_chunk

    index = np.arange(task.start, task.stop, dtype=np.int64)
    times = np.arange(0.0, task.years + 1e-9, task.report_every)
    out, _ = simulate_chunk(task.scenario, task.policy, index, task.seed, years=task.years, times=times)
    return task.start, {c: out[c] for c in task.columns}


def sample_worlds(scenario, policy, *, samples: int, seed: int, years: float, columns: list[str], executor=None,
                  chunk_size: int = 4096, report_every: float = 0.25) -> dict[str, np.ndarray]:
    """Selected outcome and input (``in:<path>``) columns of ``samples`` worlds drawn from the
    scenario; sample i depends only on (seed, i), so two policies see the same worlds."""
    from recloop.execute import LocalExecutor
    from recloop.sampling import MAX_SAMPLES, normalize_seed

    if not 1 <= samples <= MAX_SAMPLES:
        raise RecloopInputError([f"--samples: must be an integer in [1, {MAX_SAMPLES:,}], got {samples}"])
    executor = executor or LocalExecutor()
    seed = normalize_seed(seed)
    cols = tuple(dict.fromkeys(["sample", *columns]))
    tasks = [WorldsTask(scenario, policy, a, min(samples, a + chunk_size), seed, years, report_every, cols)
             for a in range(0, samples, chunk_size)]
    parts = sorted(executor.imap_unordered(run_worlds_chunk, tasks), key=lambda p: p[0])
    return {c: np.concatenate([p[1][c] for p in parts]) for c in cols}
