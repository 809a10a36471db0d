"""The compiled single-developer core (recloop.engine_kernel) against the numpy engine.

Agreement: with numpy made to use the C library's transcendentals (``NPY_DISABLE_CPU_FEATURES``,
in a subprocess), every outcome of the compiled core agrees with the numpy engine's to 1e-9
relative and every report-grid value to 1e-5 (float32), for the bundled scenarios and policies
and for policies built to reach each halt response (the kernel takes fewer transcendentals for
the same expressions, so last bits differ; a row whose path passes a tie within that last bit
may take the other branch). With numpy's own SIMD exp/log/pow (AVX2/AVX-512 machines) more last
bits differ: test_agreement_with_simd_numpy states how much.
Invariance: chunk size, sample offset and thread count change nothing (bit for bit). Draws: the SplitMix64 hash
and Cephes ndtri equal recloop.sampling.uniform and scipy.special.ndtri bit for bit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from scipy.special import ndtri

pytest.importorskip("numba")

from recloop import engine_kernel as ek  # noqa: E402
from recloop.engine import TRAJECTORY_VARS, engine_choice, simulate, simulate_chunk  # noqa: E402
from recloop.params import RecloopInputError  # noqa: E402
from recloop.policy import load_policy, parse_policy  # noqa: E402
from recloop.sampling import draw_parameters, stream_id, uniform  # noqa: E402
from recloop.scenario import load_scenario  # noqa: E402

TIMES = np.arange(0.0, 30 + 1e-9, 0.25)
# a policy whose tripwires reach every halt response, with measurement error, no research halt
# and a long stop latency, so fixed pauses, restrictions, gates and failed stops all happen
EVERY_RESPONSE = {
    "name": "every-response",
    "stop": {"latency_days": 20.0, "reliability": 0.8, "halts_research": False, "max_pause_years": 3.0},
    "containment": {"detection_tpr": 0.6, "detection_fpr": 0.1, "deprecate_lineage": True, "sandbox_catch_rate": 0.3,
                    "sandbox_overhead": 0.05, "sandbox_latency_days": 10.0, "air_gap": 0.5, "hazard_reduction": 0.2},
    "verification": {"compute_share": 0.1, "safety_effort": 1.5},
    "tripwires": [
        {"name": "fixed", "metric": "automation_code", "threshold": 0.5, "error_sd": 0.05, "response": "fixed_pause",
         "pause_years": 1.0},
        {"name": "restrict", "metric": "horizon_p50_hours", "threshold": 40.0, "error_sd": 5.0, "cadence_years": 0.5,
         "response": "restrict_deployment", "pause_years": 0.75},
        {"name": "gate", "metric": "verification_gap", "threshold": 0.5, "response": "verification_gate"},
        {"name": "verified", "metric": "progress_multiplier", "threshold": 3.0, "error_sd": 0.3, "lag_years": 0.0},
        {"name": "big", "metric": "effective_compute", "threshold": 30.0, "response": "fixed_pause", "pause_years": 0.3},
        {"name": "p80", "metric": "horizon_p80_hours", "threshold": 8.0, "response": "restrict_deployment"},
        {"name": "cap", "metric": "capability_oom", "threshold": 3.0, "response": "pause_until_verified"},
        {"name": "mean", "metric": "automation_mean", "threshold": 0.6, "response": "verification_gate"},
        {"name": "data", "metric": "automation_data", "threshold": 0.7, "response": "fixed_pause", "pause_years": 0.1},
        {"name": "arch", "metric": "automation_arch", "threshold": 0.7, "response": "fixed_pause", "pause_years": 0.1},
    ],
}

_SUBPROCESS = r"""
import json, sys
import numpy as np
from recloop import engine
from recloop.policy import load_policy, parse_policy
from recloop.scenario import load_scenario

cases, n = json.loads(sys.argv[1]), int(sys.argv[2])
times = np.arange(0.0, 30 + 1e-9, 0.25)
report = {}
for scen, pol, method, offset in cases:
    policy = parse_policy(pol) if isinstance(pol, dict) else load_policy(pol)
    index = np.arange(offset, offset + n, dtype=np.int64)
    runs = [engine.simulate_chunk(load_scenario(scen), policy, index, 7, years=30.0, times=times, method=method,
                                  engine=e) for e in ("numpy", "compiled")]
    (o1, g1), (o2, g2) = runs

    def agree(a, b, rtol, floor):  # per row: equal NaN pattern and values within rtol of max(|a|, floor)
        a, b = np.asarray(a, float).reshape(n, -1), np.asarray(b, float).reshape(n, -1)
        same = (np.isnan(a) == np.isnan(b)) & ((np.abs(a - b) <= rtol * np.maximum(np.abs(a), floor))
                                                | np.isnan(a) | (a == b))
        return same.all(axis=1)

    rows = np.ones(n, bool)
    shares = {}
    for k in o1:
        ok = agree(o1[k], o2[k], 1e-9, 1e-300)
        rows &= ok
        shares[k] = float(ok.mean())
    for k in g1:  # float32 grids: a few units in their last place (automation near 0: 1e-12 absolute)
        ok = agree(g1[k], g2[k], 1e-5, 1e-7)
        rows &= ok
        shares["grid:" + k] = float(ok.mean())
    used = {k: float(np.nansum(np.asarray(o2[k], float))) for k in
            ("halts", "failed_halts", "deprecations", "false_alarms", "years_paused", "years_gated")}
    report[f"{scen}/{pol if isinstance(pol, str) else pol['name']}/{method}"] = {
        "rows": float(rows.mean()), "worst": min(shares.items(), key=lambda kv: kv[1]), "used": used}
print(json.dumps(report))
"""


def _libm_run(cases, n):
    """Both engines in a subprocess whose numpy uses libm's transcendentals (as numba does)."""
    env = dict(os.environ, NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR")
    env.pop("RECLOOP_ENGINE", None)
    res = subprocess.run([sys.executable, "-c", _SUBPROCESS, json.dumps(cases), str(n)], env=env,
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_agrees_with_numpy_using_libm():
    """Both engines on the same C library: every row's outcomes agree to 1e-9 relative and its
    report cells to 1e-5 (float32), in all but a row whose path passes a tie within the last bit
    (none of 12,000 rows did when this was measured: these cases at 1,000 rows each)."""
    cases = [[s, "none", "mc", 0] for s in ("baseline", "conservative", "aggressive")]
    cases += [["baseline", p, "mc", 0] for p in ("full-stack", "rsp-tripwires", "tripwire-pause", "voluntary-pause",
                                                  "treaty-monitoring")]
    cases += [["aggressive", "full-stack", "mc", 1000], ["baseline", EVERY_RESPONSE, "mc", 0],
              ["aggressive", EVERY_RESPONSE, "mc", 0], ["baseline", "tripwire-pause", "sobol", 0]]
    report = _libm_run(cases, 48)
    assert {k: v for k, v in report.items() if v["rows"] < 47 / 48} == {}
    assert np.mean([v["rows"] for v in report.values()]) >= 0.99
    # the comparison reached every lever: halts, failed stops, deprecations, false alarms, pauses, gates
    every = report["aggressive/every-response/mc"]["used"]
    assert all(every[k] > 0 for k in every), every


def test_agreement_with_simd_numpy():
    """In this process numpy may use its SIMD transcendentals: most rows agree to 1e-9 relative
    (dates, capabilities); the rest differ by no more than the engine's own step error."""
    s, p = load_scenario("baseline"), load_policy("tripwire-pause")
    index = np.arange(200, dtype=np.int64)
    o1, g1 = simulate_chunk(s, p, index, 3, years=30.0, times=TIMES, engine="numpy")
    o2, g2 = simulate_chunk(s, p, index, 3, years=30.0, times=TIMES, engine="compiled")
    for k in ("t_automation_20", "t_automation_50", "t_takeoff_start", "t_superhuman", "t_unaligned", "takeoff_days",
              "final_effective_compute", "p_catastrophe"):
        a, b = np.asarray(o1[k], float), np.asarray(o2[k], float)
        both = ~np.isnan(a) & ~np.isnan(b)
        close = np.abs(a[both] - b[both]) <= 1e-9 * np.maximum(np.abs(a[both]), 1.0)
        assert (np.isnan(a) != np.isnan(b)).mean() <= 0.05, k
        assert close.mean() >= 0.9, (k, close.mean())
        assert abs(np.nanmedian(a) - np.nanmedian(b)) <= 0.02 * max(abs(np.nanmedian(a)), 1.0), k
    e1, e2 = g1["effective_compute"], g2["effective_compute"]
    assert np.array_equal(np.isnan(e1), np.isnan(e2))  # the same report times written


def test_chunk_size_and_offset_invariance():
    s, p = load_scenario("aggressive"), load_policy("full-stack")
    whole = simulate(s, p, samples=60, seed=11, chunk_size=60, engine="compiled")
    cut = simulate(s, p, samples=60, seed=11, chunk_size=7, engine="compiled")
    tail = simulate(s, p, samples=35, seed=11, chunk_size=9, sample_offset=25, engine="compiled")
    for k, v in whole.outcomes.items():
        assert np.array_equal(v, cut.outcomes[k], equal_nan=True), k
        assert np.array_equal(v[25:], tail.outcomes[k], equal_nan=True), k
    for k in TRAJECTORY_VARS:
        assert np.array_equal(whole.trajectories[k], cut.trajectories[k], equal_nan=True), k
        assert np.array_equal(whole.trajectories[k][25:], tail.trajectories[k], equal_nan=True), k
    assert whole.meta["engine"] == "compiled"


def test_thread_count_invariance(monkeypatch):
    """Rows on 1, 2 or 3 threads (blocks of 64 rows taken in turn): the same results, bit for bit."""
    s, p = load_scenario("baseline"), parse_policy(EVERY_RESPONSE)
    index = np.arange(700, dtype=np.int64)
    runs = [ek.simulate_chunk(s, p, index, 5, years=30.0, times=TIMES, threads=t) for t in (1, 2, 3)]
    (o1, g1), *rest = runs
    for o, g in rest:
        for k in o1:
            assert np.array_equal(np.asarray(o1[k]), np.asarray(o[k]), equal_nan=True), k
        for k in g1:
            assert np.array_equal(g1[k], g[k], equal_nan=True), k
    assert ek.threads_for(100) == 1  # never more than one thread per 256 rows
    monkeypatch.setenv("RECLOOP_THREADS", "3")
    assert ek.threads_for(10_000) == 3
    for bad in ("0", "two"):
        monkeypatch.setenv("RECLOOP_THREADS", bad)
        with pytest.raises(RecloopInputError, match="RECLOOP_THREADS"):
            ek.threads_for(10_000)


def test_explicit_parameters_agree():
    """``params=`` (sensitivity designs) goes through the compiled core too."""
    s = load_scenario("baseline")
    index = np.arange(40, dtype=np.int64)
    P = draw_parameters(s, index, 5)
    P["software.returns"] = np.linspace(0.6, 2.5, 40)
    o1, _ = simulate_chunk(s, load_policy("none"), index, 5, years=30.0, times=TIMES, params=P, engine="numpy")
    o2, _ = simulate_chunk(s, load_policy("none"), index, 5, years=30.0, times=TIMES, params=P, engine="compiled")
    assert np.array_equal(o1["in:software.returns"], o2["in:software.returns"])
    a, b = o1["t_automation_50"], o2["t_automation_50"]
    both = ~np.isnan(a) & ~np.isnan(b)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    assert np.mean(np.abs(a[both] - b[both]) <= 1e-9 * np.abs(a[both])) >= 0.9


def test_uniform_bit_identical():
    rng = np.random.default_rng(1)
    for seed in (0, 1, 2**63 - 1, 123456789):
        idx = rng.integers(0, 10**8, 300)
        counter = rng.integers(0, 500, 300)
        stream = stream_id("tripwire:x")
        want = uniform(seed, idx, stream, counter.astype(np.uint64))
        got = np.array([ek.uniform(np.uint64(seed), np.uint64(i), np.uint64(stream), np.uint64(c))
                        for i, c in zip(idx, counter)])
        assert np.array_equal(want, got)


def test_ndtri_bit_identical():
    rng = np.random.default_rng(2)
    u = np.concatenate([rng.uniform(0, 1, 3000), 10.0 ** -rng.uniform(0, 300, 500), 1 - 10.0 ** -rng.uniform(1, 16, 300),
                        [0.5, np.exp(-2), 1 - np.exp(-2), 1e-300, 5e-324, 0.0, 1.0]])
    got = np.array([ek.ndtri(v) for v in u])
    assert np.array_equal(got, ndtri(u))
    assert np.isnan(ek.ndtri(-0.1)) and np.isnan(ek.ndtri(1.5))


def test_engine_choice(monkeypatch):
    base, cast = load_scenario("baseline"), load_scenario("essay-cast")
    monkeypatch.delenv("RECLOOP_ENGINE", raising=False)
    assert engine_choice(None, base) == "numpy"  # the compiled core is opt-in (its first compile costs ~30 s)
    assert engine_choice("compiled", base) == "compiled"
    assert engine_choice("numpy", base) == "numpy"
    assert engine_choice("compiled", cast) == "numpy"  # many actors run on numpy
    monkeypatch.setenv("RECLOOP_ENGINE", "numpy")
    assert engine_choice(None, base) == "numpy"
    assert simulate(base, samples=3).meta["engine"] == "numpy"
    monkeypatch.setenv("RECLOOP_ENGINE", "fortran")
    with pytest.raises(RecloopInputError, match="RECLOOP_ENGINE"):
        engine_choice(None, base)
    monkeypatch.delenv("RECLOOP_ENGINE")
    with pytest.raises(RecloopInputError, match="engine"):
        simulate(base, samples=3, engine="fast")


def test_divergence_agrees():
    """A row whose state overflows is marked diverged at the same step; its unreached report
    times hold NaN (the compiled core writes them: its grids need no fill)."""
    s = load_scenario("baseline")
    index = np.arange(8, dtype=np.int64)
    P = draw_parameters(s, index, 0)
    wild = {"software.returns": 40.0, "software.ceiling_oom": 1e6, "software.parallelization": 3.0,
            "compute.world_power_ceiling_tw": 1e300, "compute.world_power_growth": 1e3, "compute.power_growth": 1e3,
            "compute.fab_output_growth": 1e3, "compute.investment_growth": 1e3, "compute.leading_edge_growth": 1e3,
            "compute.fab_headroom": 1e300, "compute.max_efficiency_gain": 1e300, "economy.max_spend_share": 1.0,
            "economy.ai_growth_boost": 100.0}
    for k, v in wild.items():
        P[k] = np.full(8, v)
    with np.errstate(all="ignore"):
        o1, g1 = simulate_chunk(s, load_policy("none"), index, 0, years=30.0, times=TIMES, params=P, engine="numpy")
    grid = {k: np.full((8, TIMES.size), 7.0, np.float32) for k in TRAJECTORY_VARS}  # not NaN-filled
    o2, g2 = simulate_chunk(s, load_policy("none"), index, 0, years=30.0, times=TIMES, params=P, engine="compiled",
                            grid_out=grid)
    assert g2 is grid
    assert o1["status"].sum() >= 2 and np.array_equal(o1["status"], o2["status"])
    np.testing.assert_allclose(o1["t_diverged"], o2["t_diverged"], rtol=1e-4)
    for k in TRAJECTORY_VARS:
        assert np.array_equal(np.isnan(g1[k]), np.isnan(g2[k])), k


def test_step_budget_agrees():
    """A row that uses its step budget stops with status step_budget at the same step."""
    s, p = load_scenario("aggressive"), load_policy("tripwire-pause")
    r1 = simulate(s, p, samples=30, seed=4, max_steps_per_sample=60, engine="numpy")
    r2 = simulate(s, p, samples=30, seed=4, max_steps_per_sample=60, engine="compiled")
    assert (r1.outcomes["status"] == 2).sum() >= 10
    assert np.array_equal(r1.outcomes["status"], r2.outcomes["status"])
    np.testing.assert_allclose(r1.outcomes["t_diverged"], r2.outcomes["t_diverged"], rtol=1e-6)
    for k in TRAJECTORY_VARS:
        assert np.array_equal(np.isnan(r1.trajectories[k]), np.isnan(r2.trajectories[k])), k


@pytest.mark.parametrize("n_rep", [1, 4, 5, 121])
def test_the_row_summaries_equal_finalizes_numpy_passes(n_rep):
    """summarize_rows (last valid cell of every grid, peak rise over a year of report steps, the
    single developer's market share) equals recloop.engine._finalize's whole-array numpy passes
    on grids with NaN tails, rows never written, and infinite cells; for any thread count."""
    from recloop import engine

    rng = np.random.default_rng(n_rep)
    n = 300
    G = {k: rng.normal(size=(n, n_rep)).astype(np.float32) for k in ek.GRIDS}
    G["effective_compute"] = np.cumsum(rng.random((n, n_rep)), axis=1).astype(np.float32)
    stop = rng.integers(0, n_rep + 1, size=n)  # a row diverged at cell stop[i] (0: never written)
    for g in G.values():
        g[np.arange(n_rep)[None, :] >= stop[:, None]] = np.nan
    G["effective_compute"][5, -1] = np.inf
    G["horizon_p50_hours"][6, :] = np.inf
    times = np.arange(n_rep) * 0.25
    P = {"software.initial_rate_oom_per_year": np.full(n, 0.4), "compute.investment_growth": np.full(n, 2.0),
         "compute.price_performance_growth": np.full(n, 1.4)}

    def outcomes():
        return {k: np.full(n, np.nan) for k in ("t_superhuman", "t_takeoff_start", "t_no_control", "t_first_tripwire",
                                                "t_unaligned", "t_catastrophe", "bind_budget_years", "bind_fab_years",
                                                "bind_power_years", "bind_economy_years")}

    ref_G = {k: g.copy() for k, g in G.items()}
    ref = outcomes()
    engine._finalize(ref, ref_G, times, {}, P)
    for threads in (1, 2):
        grids = tuple(G[k].copy() for k in ek.GRIDS)
        last, peak = np.empty((len(ek.GRIDS), n)), np.empty(n)
        ek._on_threads(ek.summarize_rows, n, threads, grids, engine.peak_window(times), last, peak)
        got = outcomes()
        engine._finalize(got, dict(zip(ek.GRIDS, grids)), times, {}, P, summaries=(peak, dict(zip(ek.GRIDS, last))))
        for k in ref:
            np.testing.assert_array_equal(got[k], ref[k], err_msg=k)
        np.testing.assert_array_equal(grids[ek.GRIDS.index("market_share")], ref_G["market_share"])
    assert np.isnan(ref["final_effective_compute"][stop == 0]).all()


_LIBM = r"""
import json, math
import numpy as np
from numba import njit

def table(x, y):
    out = np.empty((6, x.size))
    for i in range(x.size):
        out[0, i] = math.exp(x[i])
        out[1, i] = math.log(x[i])
        out[2, i] = math.pow(x[i], y[i])
        out[3, i] = math.exp2(x[i])
        out[4, i] = math.log2(x[i])
        out[5, i] = math.log10(x[i])
    return out

rng = np.random.default_rng(0)
edges = np.array([0.0, -0.0, 1.0, -1.0, 1e-310, 709.78, 709.79, -745.2, -745.1, 1e308, -1e308,
                  np.inf, -np.inf, np.nan, 0.5, 2.0, 10.0])
x = np.concatenate([edges, rng.normal(0, 30, 20000), np.exp(rng.uniform(-700, 700, 20000))])
y = np.concatenate([edges[::-1], rng.normal(0, 3, 40000)])
before = njit(table)(x, y)  # linked with numba's own binding of the names
from recloop import libm_cores
import llvmlite.binding as llvm
bound = libm_cores.bind()
after = njit(table)(x, y)  # a new function, linked after the binding
same = (before == after) | (np.isnan(before) & np.isnan(after))
print(json.dumps({"bound": sorted(bound), "resolved": all(llvm.address_of_symbol(k) == v for k, v in bound.items()),
                  "same": bool(same.all())}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's cores exist on Linux only")
def test_libm_cores_bit_identical():
    """recloop.libm_cores binds exp, log, pow, exp2, log2 and log10 to glibc's cores: numba's
    calls then give the very same values (40,000 random arguments over the whole range, and
    zeros, infinities, NaN, overflow and underflow edges) as through numba's own binding."""
    res = subprocess.run([sys.executable, "-c", _LIBM], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    from recloop import libm_cores

    if libm_cores.core_addresses():  # a glibc that exports them: all six are bound and resolve
        assert got["bound"] == sorted(libm_cores.NAMES) and got["resolved"]
    assert got["same"]
