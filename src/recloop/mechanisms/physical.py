"""Physical bottlenecks and world ceilings: chips, fabs, power and energy efficiency.

Installed compute X (FLOP/s) follows dX/dt = acquisition - depreciation X. Acquisition is the
smaller of what spending buys (dollars times FLOP/s per dollar; spending is bounded by the
economy, see :mod:`recloop.mechanisms.economy`) and the developer's share of world AI-chip
output. World AI-chip output follows its planned growth until AI has taken all the
leading-edge wafer output it can (``fab_headroom``); beyond that it grows only with
leading-edge capacity and chip performance. Only the part of X that power can run is usable:
the developer's power follows its plan up to its share of what AI can draw from world
generation, and world generation itself has a hard ceiling. FLOP per watt improves on its
trend up to the CMOS limit. Once AI automates R&D, world fabs and power are built faster,
through first-order delays with their lead times (Sterman 2000's material delay).

Every path is the minimum of a plan and a ceiling, so every path is bounded by the world's.
"""

from __future__ import annotations

import numpy as np

SECONDS_PER_YEAR = 365.25 * 86400.0
BUDGET, FAB, POWER, ECONOMY = 0, 1, 2, 3
#: What limits usable compute: the developer's own spending plan, the fab supply, power, or the
#: economy's ceiling on spending (see :func:`binding_limit`).
LIMIT_NAMES = ("budget", "fab", "power", "economy")
_LN10 = np.log(10.0)


def initial_compute(p):
    """Installed FLOP/s implied by the starting generation's training run."""
    c0 = p["compute.initial_training_flop"]
    return c0 / (p["compute.training_share"] * p["compute.utilization"]
                 * p["compute.training_duration_years"] * SECONDS_PER_YEAR)


def reference_compute(start_year: float | None = None) -> float:
    """Installed FLOP/s of the declared default frontier developer at ``start_year``: the fixed unit
    in which AI labour, experiment compute and verification compute are counted, so that a developer
    with more compute has more of each (an absolute scale, not one relative to its own start).

    At the declared default start it is what the default starting run implies; at another date it
    is that developer on the declared default spending path (investment x price-performance growth),
    so a hindcast from 2019 counts against a 2019 frontier, not a 2027 one."""
    from recloop.scenario import Compute, Scenario

    d = Compute()
    x = float(initial_compute({f"compute.{k}": getattr(d, k) for k in
                               ("initial_training_flop", "training_share", "utilization", "training_duration_years")}))
    if start_year is None:
        return x
    default_start = Scenario.model_fields["start_year"].default
    growth = float(d.investment_growth) * float(d.price_performance_growth)  # type: ignore[arg-type]  # point defaults
    return x * float(np.exp(np.log(growth) * (start_year - default_start)))


def budget_growth(p):
    """Log growth per year of what the planned spending buys."""
    return np.log(p["compute.investment_growth"] * p["compute.price_performance_growth"])


def planned_acquisition(t, x0, p):
    """FLOP/s per year the developer's spending plan buys, on the path that keeps X growing at
    the plan's rate from X0 (no ceiling)."""
    g_b = budget_growth(p)
    return x0 * (g_b + p["compute.depreciation"]) * np.exp(g_b * t)


def fab_output(ln_fab, ln_edge, p):
    """World AI-chip output (FLOP/s per year) and whether AI has taken all the wafers it can.

    ``ln_fab`` is the planned path's log growth since the start, ``ln_edge`` that of
    leading-edge capacity times chip performance; both include AI's build-out."""
    plan = ln_fab
    ceiling = np.log(p["compute.fab_headroom"]) + ln_edge
    at_ceiling = ceiling < plan
    return p["compute.fab_output_flops_per_year"] * np.exp(np.minimum(plan, ceiling)), at_ceiling


def fab_growth(at_ceiling, z_fab, p):
    """Log growth per year of world AI-chip output (plan, or leading-edge ceiling), with build-out."""
    boost = p["compute.buildout_boost"] * z_fab
    plan = np.log(p["compute.fab_output_growth"])
    edge = np.log(p["compute.leading_edge_growth"] * p["compute.price_performance_growth"])
    return np.where(at_ceiling, edge, plan) + boost, plan + boost, edge + boost


def world_power_w(ln_world, p):
    """World generation (W): planned growth plus build-out, under its hard ceiling."""
    w0 = p["compute.world_power_tw"] * 1e12
    return np.minimum(w0 * np.exp(ln_world), p["compute.world_power_ceiling_tw"] * 1e12)


def developer_power_w(ln_power, ln_world, p):
    """The developer's power (W) and whether the world's ceiling (its share of what AI can draw) binds."""
    plan = p["compute.power_gw"] * 1e9 * np.exp(ln_power)
    ceiling = p["compute.power_share"] * p["compute.ai_power_max_share"] * world_power_w(ln_world, p)
    return np.minimum(plan, ceiling), ceiling < plan


def flops_per_watt(t, p):
    """FLOP/s per watt: the start's, improving on its trend up to the CMOS limit."""
    gain = np.minimum(np.power(p["compute.efficiency_growth"], t), p["compute.max_efficiency_gain"])
    return 1e15 / p["compute.watts_per_pflops"] * gain


def usable_compute(x, t, ln_power, ln_world, p):
    """Installed compute that power can run; whether power binds; whether the world's power ceiling does."""
    watts, world_binds = developer_power_w(ln_power, ln_world, p)
    cap = watts * flops_per_watt(t, p)
    return np.minimum(x, cap), cap < x, world_binds


def advance_compute(x, acq, acq_growth, depreciation, dt):
    """Exact update of dX/dt = a e^(g t) - d X over a step in which a grows at rate g."""
    decay = np.exp(-depreciation * dt)
    k = acq_growth + depreciation
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = np.where(np.abs(k) > 1e-12, (np.exp(acq_growth * dt) - decay) / k, dt)
    return x * decay + acq * gain


def advance_lag(z, target, lead_time, dt):
    """First-order delay of ``target`` with time constant ``lead_time`` (exact over a step)."""
    return z + (target - z) * -np.expm1(-dt / lead_time)  # exactly z when dt = 0


def analytic_ceiling_time(start, plan_growth, ceiling_start, ceiling_growth):
    """Closed form: when a path start e^(g t) meets a ceiling c e^(h t) (g > h): ln(c/start)/(g-h)."""
    return np.log(ceiling_start / start) / (plan_growth - ceiling_growth)
