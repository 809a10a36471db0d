"""METR time horizons as a model variable: capability (effective compute) <-> task length.

Capability is log10 effective training FLOP in 2025-algorithm FLOP-equivalents, E. METR's
p-time horizon (the length, in human working hours, of the tasks an agent completes with
probability p) is mapped log-linearly:

    log2 h50(E) = log2 h50_ref + (E - E_REF) / oom_per_doubling
    h80(E)      = p80_ratio * h50(E)

``oom_per_doubling`` (OOM of effective compute per doubling of the horizon), ``h50_ref`` (the
50% horizon at E = 1e25, in hours) and ``p80_ratio`` are the ``[horizon]`` parameters of the
scenario, fitted to METR's Time Horizon 1.1 results and Epoch AI's training-compute estimates
(:mod:`recloop.data.horizon_fit`). Driven by a trend in E of ``dE/dt`` OOM/yr, the horizon
doubles every ``oom_per_doubling / (dE/dt)`` years (:func:`doubling_time_years`).

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


def horizon_hours(effective_compute_log10, p, percent: int = 50):
    """The ``percent``% time horizon (hours of human work) of a system of capability E."""
    e = np.asarray(effective_compute_log10, dtype=float)
    slope = 1.0 / np.asarray(p["horizon.oom_per_doubling"], dtype=float)
    log2h = np.log2(np.asarray(p["horizon.p50_hours_at_1e25"], dtype=float)) + (e - E_REF) * slope
    return np.exp2(log2h) * _ratio(p, percent)


def capability_for_horizon(hours, p, percent: int = 50):
    """Inverse of :func:`horizon_hours`: the E (log10 2025-FLOP-equivalent) whose horizon is ``hours``."""
    h = np.asarray(hours, dtype=float) / _ratio(p, percent)
    return E_REF + np.asarray(p["horizon.oom_per_doubling"], dtype=float) * (
        np.log2(h) - np.log2(np.asarray(p["horizon.p50_hours_at_1e25"], dtype=float)))


def doubling_time_years(p, effective_compute_growth_oom_per_year):
    """Years per doubling of the horizon when E grows at a constant rate (OOM/yr)."""
    return np.asarray(p["horizon.oom_per_doubling"], dtype=float) / np.asarray(effective_compute_growth_oom_per_year,
                                                                                 dtype=float)


def milestone_capabilities(p, percent: int = 50) -> dict[str, np.ndarray]:
    """E needed for each METR milestone (work day, week, month, year) at the given reliability."""
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
