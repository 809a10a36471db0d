"""Direction and invariance properties of the anchored world model (issue 13).

Direction: more of an input that should help never hurts; removing a bottleneck never slows.
Invariance: results do not depend on how releases are counted. Ceilings: no world exceeds
the declared power, fab or spending ceilings.

Point worlds are deterministic (one sample, no distributions), so a direction holds exactly up
to the integrator's error. That error is measured, not chosen: each comparison reruns the
slower world with the step halved and allows three times the change that made
(``_tolerance``), plus one day for the dates' float resolution. Monte Carlo comparisons use
common random numbers and three standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from recloop.engine import simulate
from recloop.policy import load_policy, parse_policy
from recloop.scenario import load_scenario, parse_scenario

MILESTONES = ("t_automation_20", "t_automation_50", "t_automation_90", "t_takeoff_start", "t_superhuman")
DAY = 1.0 / 365.25
# the baseline's central world (medians of its distributions), a point scenario
CENTRAL = {
    "compute": {"initial_training_flop": 3e27},
    "automation": {"midpoint_data_flop": 3e31, "midpoint_arch_flop": 3e32, "midpoint_code_flop": 1e31,
                   "width_oom": 0.4, "ai_labour_at_start": 30.0},
    "software": {"returns": 1.2},
}
# no shrinking: each example is a full simulation, and a failing pair is reported as drawn
PROPS = settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow])
# with compute on its planned path (ceilings out of reach): see test_higher_returns_never_delay_a_milestone
ON_TREND = {"compute__world_power_ceiling_tw": 1000.0, "compute__ai_power_max_share": 0.9, "compute__power_share": 1.0,
            "compute__power_gw": 1000.0, "compute__fab_headroom": 1000.0, "compute__fab_share": 1.0,
            "economy__max_spend_share": 0.3}


def world(**changes):
    blocks = {k: dict(v) for k, v in CENTRAL.items()}
    for path, v in changes.items():
        block, name = path.split("__")
        blocks.setdefault(block, {})[name] = v
    return parse_scenario({"name": "point", **blocks})


def run(sc, policy=None, years=30.0, **kw):
    return simulate(sc, policy, samples=1, years=years, seed=0, **kw).outcomes


def _date(o, k):
    v = float(o[k][0])
    return math.inf if math.isnan(v) else v


def _tolerance(sc, policy=None):
    """3x the change in each milestone date when the step is halved (the integrator's error)."""
    coarse, fine = run(sc, policy), run(sc, policy, max_step_oom=0.05, max_step_years=0.125)
    out = {}
    for k in MILESTONES:
        a, b = _date(coarse, k), _date(fine, k)
        out[k] = 3.0 * (abs(a - b) if math.isfinite(a) and math.isfinite(b) else 0.0) + DAY
    return out


def assert_never_later(better, worse, sc_worse):
    tol = _tolerance(sc_worse)
    for k in MILESTONES:
        assert _date(better, k) <= _date(worse, k) + tol[k], (k, _date(better, k), _date(worse, k), tol[k])


@PROPS
@given(c0=st.floats(26.0, 28.5), dc=st.floats(0.2, 1.0))
def test_more_starting_compute_never_delays_a_milestone(c0, dc):
    lo = world(compute__initial_training_flop=10 ** c0)
    hi = world(compute__initial_training_flop=10 ** (c0 + dc))
    assert_never_later(run(hi), run(lo), lo)


@PROPS
@given(p0=st.floats(0.5, 1.5), dp=st.floats(0.1, 1.0))
def test_more_power_never_delays_a_milestone(p0, dp):
    lo, hi = world(compute__power_gw=10 ** p0), world(compute__power_gw=10 ** (p0 + dp))
    assert_never_later(run(hi), run(lo), lo)


@PROPS
@given(f0=st.floats(-1.5, -0.5), df=st.floats(0.1, 0.5))
def test_more_fab_capacity_never_delays_a_milestone(f0, df):
    lo, hi = world(compute__fab_share=10 ** f0), world(compute__fab_share=10 ** (f0 + df))
    assert_never_later(run(hi), run(lo), lo)


@PROPS
@given(s0=st.floats(-2.5, -1.5), ds=st.floats(0.1, 1.0))
def test_more_spending_room_never_delays_a_milestone(s0, ds):
    lo, hi = world(economy__max_spend_share=10 ** s0), world(economy__max_spend_share=10 ** (s0 + ds))
    assert_never_later(run(hi), run(lo), lo)


@PROPS
@given(r0=st.floats(0.4, 2.5), dr=st.floats(0.1, 1.0))
def test_higher_returns_never_delay_a_milestone(r0, dr):
    """Where research input keeps up with its trend path. Below it (a ceiling starves experiments of
    compute), the semi-endogenous law makes higher returns amplify the shortfall as well as any gain
    (d ln S/dt = k R^lambda S^-beta with beta = lambda/r, calibrated on the trend), so the direction
    is stated for worlds on trend; the amplification is a property of the law, not a bookkeeping bug."""
    lo, hi = world(software__returns=r0, **ON_TREND), world(software__returns=r0 + dr, **ON_TREND)
    assert_never_later(run(hi), run(lo), lo)


@pytest.mark.parametrize("relief", [
    {"generations__latency_wall_flop": 1e40},                       # the latency wall out of reach
    {"compute__world_power_ceiling_tw": 1000.0, "compute__ai_power_max_share": 0.9, "compute__power_share": 1.0},
    {"compute__fab_headroom": 1000.0, "compute__fab_share": 1.0},   # chips never short
    {"economy__max_spend_share": 0.3, "economy__automated_spend_share": 0.9},
])
def test_removing_a_bottleneck_never_slows_takeoff(relief):
    base, freed = world(), world(**relief)
    b, f = run(base), run(freed)
    assert_never_later(f, b, base)
    if math.isfinite(_date(b, "t_superhuman")) and math.isfinite(_date(f, "t_superhuman")):
        assert _date(f, "t_superhuman") - _date(f, "t_takeoff_start") <= \
            _date(b, "t_superhuman") - _date(b, "t_takeoff_start") + _tolerance(base)["t_superhuman"] + _tolerance(base)["t_takeoff_start"]


def _share_and_se(x):
    x = np.asarray(x, float)
    return x.mean(), math.sqrt(max(x.mean() * (1 - x.mean()), 1e-4) / x.size)


def _tripwire_policy(threshold, reliability):
    return parse_policy({"name": "t", "stop": {"reliability": reliability, "latency_days": 7.0},
                         "tripwires": [{"name": "code", "metric": "automation_code", "threshold": threshold,
                                        "cadence_years": 0.25, "response": "pause_until_verified"}]})


@pytest.mark.parametrize("weak,strong", [((0.95, 0.5), (0.8, 0.5)), ((0.8, 0.5), (0.8, 1.0))])
def test_a_stronger_halt_never_raises_unverified_takeoff(weak, strong):
    sc = load_scenario("baseline")
    w = simulate(sc, _tripwire_policy(*weak), samples=800, seed=4).outcomes["unverified_takeoff"]
    s = simulate(sc, _tripwire_policy(*strong), samples=800, seed=4).outcomes["unverified_takeoff"]
    # paired worlds (common random numbers): the difference's own standard error
    d = s.astype(float) - w.astype(float)
    assert d.mean() <= 3 * d.std(ddof=1) / math.sqrt(d.size) + 1e-12


@pytest.mark.parametrize("policy", ["none", "full-stack"])
def test_outcomes_do_not_depend_on_how_releases_are_counted(policy):
    """Generation steps of 0.5, 1 and 2 OOM agree within Monte Carlo error (3 SE of the difference)."""
    base = load_scenario("baseline")
    pol = load_policy(policy)

    def with_step(step):
        d = base.model_dump()
        d["generations"]["step_oom"] = step
        return simulate(parse_scenario(d), pol, samples=1500, seed=3).outcomes

    ref = with_step(1.0)
    for step in (0.5, 2.0):
        o = with_step(step)
        for k in ("unaligned_capability", "unverified_takeoff", "catastrophe"):
            a, se_a = _share_and_se(o[k])
            b, se_b = _share_and_se(ref[k])
            assert abs(a - b) <= 3 * math.hypot(se_a, se_b) + 1e-9, (step, k, a, b)
        sup_a, sup_b = np.nanmedian(o["t_superhuman"]), np.nanmedian(ref["t_superhuman"])
        assert abs(sup_a - sup_b) < 0.25, (step, sup_a, sup_b)  # years; median's MC error ~0.1 yr here


def test_no_world_exceeds_the_declared_power_fab_or_spending_ceilings():
    sc = load_scenario("baseline")
    o = simulate(sc, samples=600, seed=1).outcomes
    power_ceiling = (o["in:compute.power_share"] * o["in:compute.ai_power_max_share"]
                     * o["in:compute.world_power_ceiling_tw"] * 1e3)  # GW
    assert np.all(o["peak_power_gw"] <= power_ceiling * (1 + 1e-9))
    assert np.all(o["peak_spend_share"] <= np.maximum(o["in:economy.max_spend_share"],
                                                      o["in:economy.automated_spend_share"]) * (1 + 1e-9))
    assert np.all(o["peak_chip_share"] <= o["in:compute.fab_share"] * (1 + 1e-9))
    # and the ceilings do bind somewhere: each in some worlds
    for k in ("reached_power_ceiling", "reached_fab_ceiling", "reached_spend_ceiling"):
        assert 0.0 < o[k].mean() < 1.0 or k == "reached_power_ceiling", (k, o[k].mean())
    assert np.all(np.isfinite(o["final_compute_flops"])) and o["final_compute_flops"].max() < 31.0


# ---------------------------------------------------------------- the compiled core
# pairs (better, worse) of the properties above at fixed points, for the compiled core
COMPILED_PAIRS = {
    "more starting compute": ({"compute__initial_training_flop": 1e28}, {"compute__initial_training_flop": 3e27}),
    "more power": ({"compute__power_gw": 20.0}, {"compute__power_gw": 10.0}),
    "higher returns on trend": ({"software__returns": 1.6, **ON_TREND}, {"software__returns": 1.2, **ON_TREND}),
    "no latency wall": ({"generations__latency_wall_flop": 1e40}, {}),
    "no power ceiling": ({"compute__world_power_ceiling_tw": 1000.0, "compute__ai_power_max_share": 0.9,
                          "compute__power_share": 1.0}, {}),
    "no chip shortage": ({"compute__fab_headroom": 1000.0, "compute__fab_share": 1.0}, {}),
}


@pytest.mark.parametrize("pair", list(COMPILED_PAIRS))
def test_the_compiled_core_keeps_every_direction(pair):
    """The compiled core (recloop.engine_kernel) restates each mechanism with fewer transcendentals:
    at each pair its milestone dates equal the numpy engine's (to 1e-9 relative), and the better
    world is never later on it either, with the tolerance measured on the compiled core."""
    pytest.importorskip("numba")
    better, worse = (world(**changes) for changes in COMPILED_PAIRS[pair])
    runs = {e: (run(better, engine=e), run(worse, engine=e)) for e in ("numpy", "compiled")}
    for k in MILESTONES:
        for a, b in zip(runs["numpy"], runs["compiled"]):
            da, db = _date(a, k), _date(b, k)
            assert da == db or abs(da - db) <= 1e-9 * max(abs(da), 1.0), (pair, k, da, db)
    coarse, fine = (run(worse, engine="compiled", **kw) for kw in ({}, {"max_step_oom": 0.05, "max_step_years": 0.125}))
    for k in MILESTONES:
        a, b = _date(coarse, k), _date(fine, k)
        tol = 3.0 * (abs(a - b) if math.isfinite(a) and math.isfinite(b) else 0.0) + DAY
        assert _date(runs["compiled"][0], k) <= _date(runs["compiled"][1], k) + tol, (pair, k)
