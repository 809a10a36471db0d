"""Bad input gets one clear line per problem, naming the field, with no traceback."""

import contextlib
import io
import os
from types import SimpleNamespace
from unittest import mock

import pytest

from recloop.engine import simulate
from recloop.params import RecloopInputError
from recloop.scenario import load_scenario, parse_scenario


def _cli(*args, env_home):
    """The entry point in-process (recloop.cli.main, as the script calls it): exit code and streams."""
    from recloop.cli import main

    out, err, code = io.StringIO(), io.StringIO(), 0
    with mock.patch.dict(os.environ, {"RECLOOP_HOME": str(env_home)}), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


@pytest.fixture
def bad_toml(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(
        'name = "bad"\n'
        "[software]\nreturnz = 1.0\n"                              # misspelt
        "initial_rate_oom_per_year = 7.0\n"                       # out of range
        "[compute]\ninvestment_growth = \"fast\"\n"               # wrong type
        "[automation]\nwidth_oom = { dist = \"uniform\", low = 2.0, high = 1.0 }\n"  # low > high
    )
    return p


def test_every_problem_is_reported_at_once_with_its_field_path(bad_toml):
    from recloop.scenario import read_toml

    with pytest.raises(RecloopInputError) as err:
        parse_scenario(read_toml(bad_toml))
    lines = err.value.problems
    text = "\n".join(lines)
    assert len(lines) == 4, text
    assert "scenario.software.returnz: unknown field (did you mean 'returns'?)" in text
    assert "scenario.software.initial_rate_oom_per_year: must be in [0.05, 1.5] OOM/yr, got 7.0" in text
    assert "scenario.compute.investment_growth" in text and "'fast'" in text
    assert "scenario.automation.width_oom" in text and "low must be < high" in text


def test_validate_command_exits_nonzero_without_traceback(bad_toml, tmp_path):
    r = _cli("validate", str(bad_toml), env_home=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.count("error: ") == 4


def test_validate_accepts_bundled_files(tmp_path):
    from recloop.policy import bundled_policies
    from recloop.scenario import bundled_scenarios

    for path in list(bundled_scenarios().values()) + list(bundled_policies().values()):
        r = _cli("validate", str(path), env_home=tmp_path)
        assert r.returncode == 0, (path, r.stderr)


@pytest.mark.parametrize("n", ["0", "-5"])
def test_absurd_sample_counts_are_refused(n, tmp_path):
    r = _cli("run", "--samples", n, env_home=tmp_path)
    assert r.returncode == 2
    assert "--samples" in r.stderr and "Traceback" not in r.stderr


def test_simulate_refuses_bad_arguments():
    with pytest.raises(RecloopInputError, match="samples"):
        simulate(load_scenario(), samples=0)
    with pytest.raises(RecloopInputError, match="years"):
        simulate(load_scenario(), samples=1, years=-1)


def test_bad_policy_metric_is_named(tmp_path):
    p = tmp_path / "pol.toml"
    p.write_text('name = "x"\n[[tripwires]]\nname = "t"\nmetric = "iq"\nthreshold = 1.0\n')
    r = _cli("validate", str(p), env_home=tmp_path)
    assert r.returncode == 2
    assert "policy.tripwires[0]" in r.stderr and "unknown metric 'iq'" in r.stderr


def test_run_writes_results_and_report(tmp_path):
    out = tmp_path / "out"
    r = _cli("run", "--samples", "300", "--years", "15", "--out", str(out), "--json", env_home=tmp_path)
    assert r.returncode == 0, r.stderr
    import json

    import pyarrow.parquet as pq

    summary = json.loads(r.stdout)
    assert summary["samples"] == 300
    table = pq.read_table(out / "outcomes.parquet")
    assert table.num_rows == 300 and "t_superhuman" in table.column_names
    html = (out / "report.html").read_text()
    from recloop.report.charts import FIGURE_TITLES

    assert FIGURE_TITLES["capability"] in html and "Plotly.newPlot" in html
    runs = _cli("runs", env_home=tmp_path)
    assert summary["run_id"] in runs.stdout


def test_params_lists_the_market_block_with_the_scenarios_values(tmp_path):
    import json

    out = _cli("params", "--scenario", "essay-cast", "--json", env_home=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = {r["path"]: r for r in json.loads(out.stdout)}
    review = rows["market.review_years"]
    assert (review["value"], review["unit"], review["bounds"]) == (0.25, "yr", [0.01, 1.0])
    assert "10-Q" in review["source"]
    assert {"market.share_sensitivity", "market.revenue_elasticity", "market.exit_share"} <= set(rows)


def test_a_review_interval_out_of_bounds_is_refused_with_its_path(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('name = "s"\n[[jurisdictions]]\nname = "US"\n[[actors]]\nname = "a"\njurisdiction = "US"\n'
                 "[market]\nreview_years = 3.0\n")
    out = _cli("validate", str(p), env_home=tmp_path)
    assert out.returncode == 2
    assert "scenario.market.review_years: must be in [0.01, 1] yr, got 3.0" in out.stderr + out.stdout
    assert "Traceback" not in out.stderr
