"""One validation path for `validate`, `run`, the API and the library; strict types; correlations;
scenario files extend a base; TOML written by a TOML library (round trip over any text); bounded
work. Each case is one issue 14 found: it failed before its fix."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recloop import commands, execute
from recloop.params import RecloopInputError
from recloop.policy import Policy, parse_policy
from recloop.scenario import (Correlation, Scenario, load_scenario, parse_scenario, read_toml, scenario_specs,
                              scenario_to_toml)

README = Path(__file__).resolve().parents[2] / "README.md"


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, flags=re.S)


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def _problems(fn, *a, **kw) -> list[str]:
    with pytest.raises(RecloopInputError) as e:
        fn(*a, **kw)
    return e.value.problems


# --------------------------------------------------------------------------- README as written


def test_readme_examples_validate_and_run_as_written(home, cli):
    """Was: README's own example scenario validated and was then refused by `run` (its correlation
    named a parameter that a partial file left as a point value)."""
    blocks = _toml_blocks(README.read_text())
    assert len(blocks) >= 2, "README shows a scenario and a policy"
    for i, text in enumerate(blocks):
        f = _write(home, f"readme-{i}.toml", text)
        code, out, err = cli("validate", f)
        assert code == 0, (i, err)
        kind = "policy" if out.startswith("ok: policy") else "scenario"
        assert out.startswith(f"ok: {kind} '"), out
        args = ["--policy", f] if kind == "policy" else [f]
        code, out, err = cli("run", *args, "--samples", 20, "--years", 3, "--chunk-size", 10, "--json",
                             "--out", home / f"run-{i}")
        assert code == 0, (i, err)


# --------------------------------------------------------------------------- validate and run agree


def test_validate_says_whether_it_read_a_scenario_or_a_policy(tmp_path, cli):
    """Was: a policy file was reported as "ok: scenario 'none'"."""
    pol = _write(tmp_path, "p.toml", 'name = "mine"\n[verification]\nrelease_requires_verification = true\n')
    code, out, _ = cli("validate", pol)
    assert code == 0 and out.startswith("ok: policy 'mine'")
    scen = _write(tmp_path, "s.toml", 'name = "w"\n[software]\nparallelization = 0.4\n')
    code, out, _ = cli("validate", scen)
    assert code == 0 and out.startswith("ok: scenario 'w' (extends baseline;")
    both = _write(tmp_path, "b.toml", 'name = "x"\n')
    code, out, _ = cli("validate", both)
    assert code == 0 and "reads as policy 'x'" in out and "scenario 'x'" in out
    mixed = _write(tmp_path, "m.toml", '[software]\nparallelization = 0.4\n[stop]\nreliability = 0.5\n')
    code, _, err = cli("validate", mixed)
    assert code == 2 and "sets scenario fields (software) and policy fields (stop)" in err
    code, _, err = cli("run", pol, "--samples", 5, "--years", 1)
    assert code == 2 and "is a policy file" in err and "--policy" in err


@pytest.mark.parametrize("text, where", [
    ("[software]\nparallelization = true\n", "scenario.software.parallelization"),      # bool for a number
    ('[software]\nparallelization = "0.4"\n', "scenario.software.parallelization"),     # string for a number
    ('[software]\nparallelization = { dist = "uniform", low = 0.3, high = true }\n', "scenario.software.parallelization"),
])
def test_strict_types_in_scenario_files(tmp_path, cli, text, where):
    """Was: `returns = true` was accepted as 1."""
    f = _write(tmp_path, "t.toml", text)
    for args in (("validate", f), ("run", f, "--samples", 5, "--years", 1, "--out", tmp_path / "o")):
        code, _, err = cli(*args)
        assert code == 2 and f"error: {where}:" in err, (args, err)
    assert not (tmp_path / "o").exists()
    with pytest.raises(RecloopInputError):
        parse_scenario(tomllib.loads(text))


def test_strict_types_in_python_too():
    with pytest.raises(ValueError):
        Correlation(params=("software.returns", "software.parallelization"), rho=True)
    with pytest.raises(ValueError):
        Policy(tripwires=[{"name": "t", "metric": "automation_code", "threshold": "0.9"}])


def _corr(*pairs):
    return "".join(f'[[correlations]]\nparams = ["{a}", "{b}"]\nrho = {r}\n' for a, b, r in pairs)


DISTS = ("[software]\nreturns = { dist = \"loguniform\", low = 0.4, high = 3.6 }\n"
         "parallelization = { dist = \"uniform\", low = 0.3, high = 0.9 }\n"
         "initial_rate_oom_per_year = { dist = \"uniform\", low = 0.3, high = 0.6 }\n")
R, P, I = "software.returns", "software.parallelization", "software.initial_rate_oom_per_year"


@pytest.mark.parametrize("copula, message", [
    (_corr((R, R, 0.5)), "correlations[0].params: a parameter cannot be correlated with itself"),
    (_corr((R, P, 0.5), (P, R, -0.5)), "correlations[1].params: the pair ['software.parallelization', "
                                       "'software.returns'] is already given in correlations[0]"),
    (_corr((R, P, 0.9), (R, I, 0.9), (P, I, -0.9)), "correlations: the correlation matrix of"),
    (_corr((R, "software.ceiling_oom", 0.5)), "correlations[0].params: software.ceiling_oom must be a distribution"),
])
def test_correlations_are_checked_the_same_everywhere(tmp_path, cli, copula, message):
    """Was: non-positive-definite, self- and contradictory correlations passed validate; a
    correlation of a point value passed validate and was refused by run."""
    text = "extends = \"defaults\"\n" + DISTS + copula
    f = _write(tmp_path, "c.toml", text)
    for args in (("validate", f), ("run", f, "--samples", 5, "--years", 1, "--out", tmp_path / "o")):
        code, _, err = cli(*args)
        assert code == 2 and f"error: scenario.{message}" in err, (args, err)
    assert any(p.startswith(f"scenario.{message}") for p in _problems(parse_scenario, tomllib.loads(text)))
    from fastapi.testclient import TestClient

    from recloop.web.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as c:
        r = c.post("/api/scenario/parse", json={"toml": text})
        assert r.status_code == 422 and any(message in p for p in r.json()["problems"])


def test_duplicate_tripwire_names_fpr_over_tpr_and_a_tiny_cadence_are_refused():
    """Was: duplicate tripwire names and fpr > tpr were accepted; a cadence of 1e-9 yr validated and
    then ran for more than 300 s for 20 worlds x 2 years."""
    from recloop.policy import MIN_CADENCE_YEARS

    trip = {"name": "t", "metric": "automation_code", "threshold": 0.9}
    assert _problems(parse_policy, {"tripwires": [trip, dict(trip, threshold=0.8)]}) == [
        "policy.tripwires[1].name: duplicate tripwire name 't' (also tripwires[0])"]
    assert _problems(parse_policy, {"containment": {"detection_tpr": 0.2, "detection_fpr": 0.5}}) == [
        "policy.containment.detection_fpr: must not exceed detection_tpr (0.2), got 0.5"]
    p = _problems(parse_policy, {"tripwires": [dict(trip, cadence_years=1e-9)]})
    assert len(p) == 1 and p[0].startswith("policy.tripwires[0].cadence_years: Input should be greater than or equal "
                                           f"to {MIN_CADENCE_YEARS}")
    assert parse_policy({"tripwires": [dict(trip, cadence_years=MIN_CADENCE_YEARS)]}).tripwires[0].cadence_years > 0


def test_a_directory_given_as_a_file_is_one_line(tmp_path, cli):
    """Was: a traceback."""
    for args in (("validate", tmp_path), ("run", tmp_path), ("run", "--policy", tmp_path), ("params", "--scenario", tmp_path)):
        code, _, err = cli(*args)
        assert code == 2 and err.strip() == f"error: {tmp_path}: is a directory, expected a TOML file", (args, err)


def test_deeply_nested_toml_is_one_line(tmp_path):
    f = _write(tmp_path, "deep.toml", "x = " + "[" * 1000 + "]" * 1000 + "\n")
    assert _problems(read_toml, f) == [f"{f}: nested deeper than 32 levels"]


# --------------------------------------------------------------------------- extends


def test_a_partial_scenario_extends_the_baseline(tmp_path, cli):
    """Was: a file with one changed value started from point defaults: deterministic worlds."""
    f = _write(tmp_path, "one.toml", 'name = "one"\n[software]\nparallelization = 0.41\n')
    s, base = load_scenario(f), load_scenario("baseline")
    assert s.software.parallelization == 0.41 and s.name == "one" and s.description == ""
    assert s.uncertain_paths() == [p for p in base.uncertain_paths() if p != "software.parallelization"]
    assert len(s.uncertain_paths()) > 5
    assert s.correlations == tuple(c for c in base.correlations if "software.parallelization" not in c.params) \
        or s.correlations == [c for c in base.correlations if "software.parallelization" not in c.params]
    for sp in scenario_specs():
        if sp.path != "software.parallelization":
            assert s.value(sp.path) == base.value(sp.path), sp.path
    d = load_scenario(_write(tmp_path, "d.toml", 'extends = "defaults"\n[software]\nparallelization = 0.41\n'))
    assert d.uncertain_paths() == [] and d.compute == Scenario().compute
    code, out, _ = cli("params", "--scenario", f, "--json")
    rows = {r["path"]: r for r in __import__("json").loads(out)}
    assert rows["software.parallelization"]["from"] == "file" and rows["software.returns"]["from"] == "baseline"
    code, out, _ = cli("params", "--scenario", f)
    assert code == 0 and "extends baseline; 1 values set in the file" in out.replace("\n", " ")


def test_a_pinned_parameter_drops_the_bases_correlations_of_it(tmp_path):
    base = load_scenario("baseline")
    if not base.correlations:
        pytest.skip("the baseline has no correlations")
    a = base.correlations[0].params[0]
    block, name = a.split(".")
    point = base.value(a).median
    s = load_scenario(_write(tmp_path, "p.toml", f"[{block}]\n{name} = {point!r}\n"))
    assert all(a not in c.params for c in s.correlations)
    assert len(s.correlations) == len([c for c in base.correlations if a not in c.params])


def test_extends_names_a_known_base():
    p = _problems(parse_scenario, {"extends": "nowhere"})
    assert p[0].startswith("scenario.extends: must be one of defaults, ") and "baseline" in p[0]


# --------------------------------------------------------------------------- TOML written by a library

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_text, description=_text, sources=st.lists(_text, max_size=3))
def test_scenario_toml_round_trips_any_name_and_description(name, description, sources):
    """Was: a name or description with a newline made the run's own scenario.toml (and the
    playground's "Download TOML") unreadable."""
    s = load_scenario("essay-cast").model_copy(update={"name": name, "description": description, "sources": sources})
    s = Scenario.model_validate(s.model_dump(mode="json"))
    back = parse_scenario(tomllib.loads(scenario_to_toml(s)))
    assert back == s


def test_the_runs_own_scenario_toml_reads_back(home):
    s = load_scenario("baseline").model_copy(update={"name": 'two\nlines "quoted" \\ back', "description": "é\ttab"})
    s = Scenario.model_validate(s.model_dump(mode="json"))
    _, _, out = commands.run_and_write(s, None, samples=10, seed=1, years=2, chunk_size=10, out=home / "o",
                                       progress=False)
    assert load_scenario(out / "scenario.toml") == s


# --------------------------------------------------------------------------- bounded work


def test_the_step_budget_is_validated_and_reaches_an_engine_that_takes_it(home, monkeypatch):
    with pytest.raises(RecloopInputError, match=r"max_steps_per_sample: must be an integer in \[100, "):
        commands.run_and_write("baseline", None, samples=5, seed=0, years=1, chunk_size=5, out=home / "x",
                               progress=False, max_steps_per_sample=10)
    assert not (home / "x").exists()
    import recloop.engine as engine

    seen = []
    real = engine.simulate_chunk

    def with_budget(*a, max_steps_per_sample=None, **kw):  # an engine with the hook (see the report)
        seen.append(max_steps_per_sample)
        return real(*a, **kw)

    monkeypatch.setattr(engine, "simulate_chunk", with_budget)
    _, summary, out = commands.run_and_write("baseline", None, samples=10, seed=0, years=2, chunk_size=5,
                                             out=home / "b", progress=False, max_steps_per_sample=5000)
    assert seen == [5000, 5000] and execute.load_plan(out).max_steps_per_sample == 5000
    assert sum(summary["status_counts"].values()) == 10


@pytest.mark.parametrize("args, start", [
    (("run", "--samples", "abc"), "error: Invalid value for '--samples'"),
    (("run", "--no-such-option"), "error: No such option: --no-such-option"),
    (("validate",), "error: Missing argument 'file'."),
    (("run", "--samples", 10, "--years", 1, "--trajectory-samples", -1), "error: --trajectory-samples: must be an integer"),
    (("run", "--samples", 10, "--years", 1, "--max-steps", 5), "error: --max-steps: must be an integer"),
    (("run", "--samples", 10, "--years", 1e9), "error: --years: must be a number in (0, 200]"),
    (("runs", "--limit", 0), "error: --limit: must be in [1, 1,000,000]"),
])
def test_every_bad_argument_is_one_line(home, cli, args, start):
    """Was: typer's boxed usage errors (several lines) for arguments it parses itself."""
    code, _, err = cli(*args)
    assert code == 2 and err.startswith(start) and len(err.strip().splitlines()) == 1, err
