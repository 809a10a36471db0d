"""METR time horizons as a model variable: capability (effective compute) <-> task length.

Capability is log10 effective training FLOP in 2025-algorithm FLOP-equivalents, E. METR's
p-time horizon (the length, in human working hours, of the tasks an agent completes with
probability p) is mapped log-linearly:

    log2 h50(E) = log2 h50_ref + (E - E_REF) / oom_per_doubling
    h80(E)      = p80_ratio * h50(E)

``oom_per_doubling`` (OOM of effective compute per doubling of the horizon), ``h50_ref`` (the
50% horizon at E = 1e25, in hours) and ``p80_ratio`` are the ``[horizon]`` parameters of the
scenario, fitted to METR's Time Horizon 1.1 results and Epoch AI's training-compute estimates for
agents released before reasoning training (:mod:`recloop.data.horizon_fit`). Driven by a trend in
E of ``dE/dt`` OOM/yr, the horizon doubles every ``oom_per_doubling / (dE/dt)`` years
(:func:`doubling_time_years`).

**Reasoning training** (:func:`reasoning_gain`). Since OpenAI's o1-preview (September 2024)
frontier agents are post-trained with reinforcement learning on reasoning and spend more
inference compute per task; METR's reasoning-era agents lie above a map from pretraining-based
E. The gain is counted as a compute-equivalent gain (Davidson et al. 2023: the factor of
pretraining compute that would improve performance as much) added to E on METR's tasks:

    E_h = E + G(y),   G(y) = reasoning_gain_oom * clip((y - reasoning_onset_year) / reasoning_ramp_years, 0, 1)

linear in the calendar year y while reasoning-training compute scales up by a constant factor
per year (Epoch AI, You 2025: about 10x in the four months from o1 to o3), and constant once it
has caught up with the frontier's training compute and grows with it (the same source: within
about a year). Only the horizon reads it: automation, verification and risk are functions of E,
so the reasoning gain moves the horizon milestones and horizon tripwires, not the takeoff.

Everything here is a pure function of arrays; ``p`` is a mapping of parameter path -> value or
array (as the engine's per-sample parameters are).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "E_REF",
    "MILESTONES",
    "WORK_DAY_HOURS",
    "WORK_MONTH_HOURS",
    "WORK_WEEK_HOURS",
    "WORK_YEAR_HOURS",
    "capability_for_horizon",
    "doubling_time_years",
    "horizon_hours",
    "milestone_capabilities",
    "milestone_dates",
    "reasoning_gain",
]

#: Reference capability of the intercept: log10 effective FLOP (2025 algorithms) = 25.
E_REF = 25.0
#: METR's milestone task lengths in human working hours (8 h day, 40 h week, 2000 h year / 12).
WORK_DAY_HOURS = 8.0
WORK_WEEK_HOURS = 40.0
WORK_MONTH_HOURS = 2000.0 / 12.0
WORK_YEAR_HOURS = 2000.0
MILESTONES = {"work_day": WORK_DAY_HOURS, "work_week": WORK_WEEK_HOURS,
              "work_month": WORK_MONTH_HOURS, "work_year": WORK_YEAR_HOURS}

_P = {50: None, 80: "horizon.p80_ratio"}


def _ratio(p, percent):
    if percent not in _P:
        raise ValueError(f"percent must be 50 or 80, got {percent!r}")
    return 1.0 if _P[percent] is None else np.asarray(p[_P[percent]], dtype=float)


def reasoning_gain(year, p):
    """G(y): the compute-equivalent gain (OOM of E) of reasoning training and inference scaling on
    METR's tasks at calendar year ``y`` (0 before the onset, ``reasoning_gain_oom`` after the ramp)."""
    onset = np.asarray(p["horizon.reasoning_onset_year"], dtype=float)
    ramp = np.asarray(p["horizon.reasoning_ramp_years"], dtype=float)
    frac = np.clip((np.asarray(year, dtype=float) - onset) / ramp, 0.0, 1.0)
    return np.asarray(p["horizon.reasoning_gain_oom"], dtype=float) * frac


def horizon_hours(effective_compute_log10, p, percent: int = 50, year=None):
    """The ``percent``% time horizon (hours of human work) of a system of capability E released
    at calendar year ``year`` (its reasoning gain added, :func:`reasoning_gain`; None: the map of
    pretraining-based E alone, as fitted)."""
    e = np.asarray(effective_compute_log10, dtype=float)
    if year is not None:
        e = e + reasoning_gain(year, p)
    slope = 1.0 / np.asarray(p["horizon.oom_per_doubling"], dtype=float)
    log2h = np.log2(np.asarray(p["horizon.p50_hours_at_1e25"], dtype=float)) + (e - E_REF) * slope
    return np.exp2(log2h) * _ratio(p, percent)


def capability_for_horizon(hours, p, percent: int = 50, year=None):
    """Inverse of :func:`horizon_hours`: the E (log10 2025-FLOP-equivalent) whose horizon is
    ``hours`` at calendar year ``year`` (None: without the reasoning gain)."""
    h = np.asarray(hours, dtype=float) / _ratio(p, percent)
    e = E_REF + np.asarray(p["horizon.oom_per_doubling"], dtype=float) * (
        np.log2(h) - np.log2(np.asarray(p["horizon.p50_hours_at_1e25"], dtype=float)))
    return e if year is None else e - reasoning_gain(year, p)


def doubling_time_years(p, effective_compute_growth_oom_per_year):
    """Years per doubling of the horizon when E grows at a constant rate (OOM/yr)."""
    return np.asarray(p["horizon.oom_per_doubling"], dtype=float) / np.asarray(effective_compute_growth_oom_per_year,
                                                                                 dtype=float)


def milestone_capabilities(p, percent: int = 50) -> dict[str, np.ndarray]:
    """E_h (E plus the reasoning gain) needed for each METR milestone (work day, week, month, year)
    at the given reliability."""
    return {name: capability_for_horizon(h, p, percent) for name, h in MILESTONES.items()}


def milestone_dates(times, effective_compute, p, percent: int = 50) -> dict[str, np.ndarray]:
    """First time each sample's capability trajectory reaches each milestone (NaN: not reached).

    ``effective_compute`` has shape (samples, times) (a report grid; NaN rows ignored);
    ``times`` is the report grid's times. Parameters are per sample (scalars broadcast)."""
    e = np.asarray(effective_compute, dtype=float)
    t = np.asarray(times, dtype=float)
    out = {}
    for name, need in milestone_capabilities(p, percent).items():
        need = np.broadcast_to(np.asarray(need, dtype=float), (e.shape[0],))
        hit = np.nan_to_num(e, nan=-np.inf) >= need[:, None]
        first = np.argmax(hit, axis=1)
        out[name] = np.where(hit.any(axis=1), t[first], np.nan)
    return out
