"""Compute-centric framework core (Davidson 2023): closed forms, published headline, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from recloop.params import RecloopInputError
from recloop.reference import ccf
from recloop.reference._common import Pause


def _point(variant="best-guess", **over):
    p = {k: np.array([v]) for k, v in ccf.PRESETS[variant].items()}
    p.update({k: np.array([v], dtype=float) for k, v in over.items()})
    return p


def _years(tr):
    return float(tr.automation_100[0] - tr.automation_20[0])


# ----------------------------------------------------------------------------- closed forms


def test_requirements_distribution_hits_the_reports_quantiles():
    top, gap = 36.0, 4.0
    # the FLOP gap spans 20% -> 100%; 50% sits gap^(4/7) below the top; nothing below gap^(10.5/7)
    assert ccf.automatable_fraction(top, top, gap) == pytest.approx(1.0)
    assert ccf.automatable_fraction(top - gap, top, gap) == pytest.approx(0.2)
    assert ccf.automatable_fraction(top - gap * 4 / 7, top, gap) == pytest.approx(0.5)
    assert ccf.automatable_fraction(top - gap * 10.5 / 7 - 0.1, top, gap) == 0.0
    x = np.linspace(20, 40, 200)
    assert np.all(np.diff(ccf.automatable_fraction(x, top, gap)) >= 0)


def test_pooled_allocation_closed_forms():
    L, rho = 100.0, -0.5
    # no automatable task: AI labour is useless, output is labour exactly
    out, auto = ccf._cognitive(np.array([L]), np.array([1e9]), np.array([0.0]), rho)
    assert out[0] == L and auto[0] == 0.0
    # scarce AI labour: perfect pooling (labour fills automatable tasks too)
    out, auto = ccf._cognitive(np.array([L]), np.array([10.0]), np.array([0.5]), rho)
    assert out[0] == pytest.approx(110.0) and auto[0] == pytest.approx(10 / 110)
    # abundant AI labour: output bounded by the labour-only tasks, L (1 - a)^(-1/rho... ) limit
    out, auto = ccf._cognitive(np.array([L]), np.array([1e15]), np.array([0.5]), rho)
    assert out[0] == pytest.approx(L * 0.5 ** ((1 - rho) / rho), rel=1e-4) and auto[0] == 0.5


def test_no_automation_is_the_human_only_economy():
    rec: list = []
    tr = ccf.simulate(_point(full_automation_flop=1e45, flop_gap=10.0), ccf.CCFInputs(t_end=2060.0), record=rec)
    assert np.isnan(tr.automation_20).all() and np.isnan(tr.wake_up).all()
    for r in rec:
        assert r["automated"][0] == 0.0
        # cognitive output is exactly the human labour in goods (no AI contribution)
        assert r["cognitive_goods"][0] == r["labour_goods"][0]
    # and the economy stays on its exogenous path: no growth explosion (< 5%/yr throughout)
    g = np.diff(np.log([r["gwp"][0] for r in rec])) / 0.1
    assert g.max() < 0.05


def test_first_hardware_step_is_the_semi_endogenous_closed_form():
    rec: list = []
    ccf.simulate(_point(hardware_delay=0.0), ccf.CCFInputs(t_end=2022.2), record=rec)
    lam, r, ratio, dt = 0.7, 5.2, 0.047, 0.1
    want = (r / lam) * math.log1p(ratio * lam * dt)
    assert rec[1]["log_perf"][0] - rec[0]["log_perf"][0] == pytest.approx(want, rel=1e-12)


# ----------------------------------------------------------------------------- published headline

# Davidson 2023 (report Part 0 summary; takeoffspeeds.com): best guess "about 3 years" from 20% to
# 100% automation. recloop's core gives 5.0 years (20% in 2039.4, 100% in 2044.4); the gap is
# the stated simplifications (pooled allocation at the marginal task's runtime cost; see
# docs/reference-models.md). This test records that distance, it does not claim a reproduction.
PUBLISHED_YEARS = 3.0


def test_best_guess_headline_against_the_published_three_years():
    tr = ccf.simulate(_point())
    years = _years(tr)
    assert years == pytest.approx(5.0, abs=0.05)  # regression pin of recloop's own figure
    assert abs(years - PUBLISHED_YEARS) <= 2.0 + 0.05  # documented distance to the published figure
    assert 2035 <= tr.automation_100[0] <= 2050  # published: full automation around 2043 (MC median)


def test_monte_carlo_median_full_automation_near_2043():
    res = ccf.run(variant="monte-carlo", samples=4000, seed=1)
    # Davidson's simulations: median 100% automation in 2043 (takeoffspeeds.com); recloop's
    # distribution is its own two-piece construction from the presets, so +/- 3 years
    assert abs(res.metrics["year_100_automation"]["p50"] - 2043) <= 3
    assert 2 <= res.metrics["years_20_to_100_automation"]["p50"] <= 6


# ----------------------------------------------------------------------------- properties


def test_larger_flop_gap_lengthens_takeoff():
    years = [_years(ccf.simulate(_point(flop_gap=g))) for g in (10.0, 1e2, 1e4, 1e6)]
    assert all(b > a for a, b in zip(years, years[1:])), years


def test_presets_order_conservative_slowest():
    y = {v: _years(ccf.simulate(_point(v))) for v in ("conservative", "best-guess", "aggressive")}
    assert y["conservative"] > y["best-guess"] > y["aggressive"] > 0


def test_pause_at_20_percent_delays_full_automation():
    base = ccf.simulate(_point())
    held = ccf.simulate(_point(), pause=Pause(automation=0.2, years=2.0))
    assert held.paused[0] and held.automation_20[0] == base.automation_20[0]
    # hardware keeps accumulating during the halt (overhang), so the delay is under 2 years
    assert 0 < held.automation_100[0] - base.automation_100[0] <= 2.0


def test_same_seed_same_result():
    a = ccf.run(variant="monte-carlo", samples=500, seed=3)
    assert a == ccf.run(variant="monte-carlo", samples=500, seed=3)
    assert a != ccf.run(variant="monte-carlo", samples=500, seed=4)


def test_bad_inputs():
    with pytest.raises(RecloopInputError, match="variant"):
        ccf.run(samples=10, variant="optimistic")
    with pytest.raises(RecloopInputError, match="automation share"):
        ccf.run(samples=10, pause=Pause(milestone="SC", years=1.0))


@pytest.fixture()
def app(tmp_path, monkeypatch):
    import typer

    from recloop.reference import cli as reference_cli

    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path))
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """test harness"""

    reference_cli.register(app)
    return app


def test_cli_json_and_pause(app):
    import json

    res = CliRunner().invoke(app, ["reference", "ccf", "--samples", "50", "--seed", "0", "--json",
                                   "--variant", "monte-carlo", "--pause-at", "50%", "--pause-years", "1"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["model"] == "ccf" and out["inputs"]["variant"] == "monte-carlo"
    assert set(out["results"]) == set(ccf.METRICS) and out["inputs"]["pause"] == {"years": 1.0, "automation": 0.5}
    assert "change" in out


@pytest.mark.parametrize("args", [["--variant", "x"], ["--pause-at", "soon"], ["--samples", "0"],
                                  ["--pause-at", "150%"], ["--pause-at", "20%", "--pause-multiplier", "5"]])
def test_cli_bad_input_is_one_line_and_exit_2(app, args):
    res = CliRunner().invoke(app, ["reference", "ccf", *args])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
