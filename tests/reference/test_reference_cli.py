"""The ``recloop reference`` command: JSON shape, errors, run catalog."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from recloop import store
from recloop.reference import cli as reference_cli


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path))
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """recloop (test harness: a group, as the real app is once several commands exist)"""

    reference_cli.register(app)
    return app


def _run(app, *args):
    return CliRunner().invoke(app, ["reference", *args])


def test_sie_json(app):
    res = _run(app, "sie", "--samples", "2000", "--seed", "0", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["seed"] == 0 and out["inputs"]["samples"] == 2000
    cells = {(r["years"], r["months"]) for r in out["results"]}
    assert {(3.0, 12.0), (10.0, 4.0), (10.0, 12.0), (30.0, 4.0)} <= cells
    assert all(0.0 <= r["probability"] <= 1.0 for r in out["results"])
    assert out["inputs"]["parameters"]["returns_r"] == {"dist": "loguniform", "low": 0.4, "high": 3.6}
    runs = store.list_runs()
    assert runs[0]["kind"] == "reference" and runs[0]["name"] == "sie" and runs[0]["seed"] == 0


def test_ai2027_json_with_pause(app):
    res = _run(app, "ai2027", "--samples", "3000", "--seed", "0", "--json", "--pause-at", "SAR", "--pause-years", "1")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    for name in ("SAR", "SIAR", "ASI"):
        q = out["results"]["milestones"][name]
        assert q["p10"] <= q["p50"] <= q["p90"]
    assert set(out["results"]["p_asi_before"]) == {"2028", "2030"}
    assert out["change"]["milestones"]["ASI"]["p50"] == pytest.approx(1.0)
    assert out["halted"]["p_asi_before"]["2028"] <= out["results"]["p_asi_before"]["2028"]


def test_same_seed_same_json(app):
    a = json.loads(_run(app, "sie", "--samples", "500", "--seed", "0", "--json").stdout)
    b = json.loads(_run(app, "sie", "--samples", "500", "--seed", "0", "--json").stdout)
    assert a["results"] == b["results"]


@pytest.mark.parametrize("args", [
    ["nope"], ["sie", "--samples", "0"], ["sie", "--samples", "10000001"], ["sie", "--variant", "x"],
    ["ai2027", "--pause-at", "ASI"], ["sie", "--pause-at", "soon"], ["sie", "--pause-years", "2"],
])
def test_bad_input_is_one_line_and_exit_2(app, args):
    res = _run(app, *args)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in res.output


def test_text_output(app):
    res = _run(app, "sie", "--samples", "1000", "--pause-at", "3", "--pause-years", "0.5")
    assert res.exit_code == 0
    assert "halted" in res.stdout and "10 yr in" in res.stdout
