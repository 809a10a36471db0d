"""The `recloop lab` commands: thin front ends, one-line errors, runs in the catalog."""

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from recloop.lab import cli as lab_cli


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path))
    a = typer.Typer()
    lab_cli.register(a)
    return a


def test_gaussian_json_is_recorded(app, tmp_path):
    res = CliRunner().invoke(app, ["lab", "gaussian", "--generations", "5", "--seeds", "2", "--json", "--no-plot"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["experiment"] == "gaussian" and out["seeds"] == 2
    from recloop import store

    runs = store.list_runs()
    assert runs[0]["run_id"] == out["run_id"] and runs[0]["kind"] == "lab"
    assert (tmp_path / out["run_id"] / "result.json").exists()


@pytest.mark.parametrize("args, field", [
    (["lab", "charlm", "--real-fraction", "1.5"], "lab.real_fraction:"),
    (["lab", "regression", "--generations", "0"], "lab.generations:"),
    (["lab", "gaussian", "--regime", "sideways"], "lab.regime:"),
    (["lab", "sweep", "gaussian", "--real-fractions", "0,2"], "lab.real_fraction:"),
])
def test_bad_input_is_one_line_exit_2(app, args, field):
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}"), res.stderr
    assert "Traceback" not in res.output


def test_entry_point_reports_errors_without_traceback(tmp_path):
    res = subprocess.run([sys.executable, "-m", "recloop.cli", "lab", "gaussian", "--real-fraction", "-1"],
                         capture_output=True, text=True, env={"RECLOOP_HOME": str(tmp_path), "PATH": ""})
    assert res.returncode == 2
    assert res.stderr.strip().startswith("error: lab.real_fraction:")
    assert "Traceback" not in res.stderr


def test_regression_sweep_writes_tables_and_plots(app, tmp_path):
    res = CliRunner().invoke(app, ["lab", "sweep", "regression", "--real-fractions", "0,0.2",
                                   "--generations", "4", "--seeds", "2", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    d = tmp_path / out["run_id"]
    assert (d / "metrics.parquet").exists() and (d / "sweep.json").exists()
    assert list((d / "plots").glob("*.png"))
