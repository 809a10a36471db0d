"""The playground's JSON API: same figures as the report, errors with field paths, caps, timeouts,
loopback only, and 20 concurrent clients answered correctly."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import tomllib

import httpx
import pytest

from recloop.engine import simulate
from recloop.outcomes import summarize
from recloop.policy import load_policy, parse_policy, policy_specs
from recloop.report.charts import ACTOR_FIGURES, FIGURE_TITLES, captions, figures, view
from recloop.scenario import load_scenario, parse_scenario, scenario_specs
from recloop.params import RecloopInputError
from recloop.web.app import BackgroundServer, Limits, bind_socket, create_app

SMALL = {"samples": 120, "years": 10}


def _problems(r, status=422):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"problems"} and body["problems"], body
    return body["problems"]


def test_meta_sliders_read_the_declarations(client):
    meta = client.get("/api/meta").json()
    declared = {s.path: s for s in scenario_specs()}
    assert [u["path"] for u in meta["uncertainties"]] == list(declared)
    for u in meta["uncertainties"]:
        s = declared[u["path"]]
        assert (u["default"], u["unit"], u["log"], u["source"], u["doc"]) == (s.default, s.unit, s.log, s.source, s.doc)
        assert tuple(u["bounds"]) == s.bounds
    assert [lv["path"] for lv in meta["levers"]] == [s.path for s in policy_specs()]
    assert {"baseline", "conservative", "aggressive"} <= set(meta["scenarios"])
    assert {"none", "tripwire-pause"} <= set(meta["policies"])
    base = load_scenario("baseline")
    ret = meta["scenarios"]["baseline"]["values"]["software.returns"]
    assert ret["dist"]["dist"] == base.software.returns.dist
    assert ret["value"] == pytest.approx(base.software.returns.median)
    assert meta["limits"]["max_samples"] == Limits().max_samples


def test_run_returns_the_report_figures_for_the_same_worlds(client):
    r = client.post("/api/run", json={**SMALL, "preset": "aggressive", "policy": "tripwire-pause", "seed": 3})
    assert r.status_code == 200, r.text
    out = r.json()
    direct = view(simulate(load_scenario("aggressive"), load_policy("tripwire-pause"), seed=3, **SMALL))
    assert set(out["figures"]) == set(FIGURE_TITLES) - set(ACTOR_FIGURES)  # one developer: no actor charts
    # the page draws exactly what report.html embeds: one chart code
    assert out["figures"] == json.loads(json.dumps(figures(direct)))
    assert out["captions"] == captions(direct)
    assert out["summary"]["seed"] == 3 and out["request"]["policy"] == "tripwire-pause"
    assert out["headline"] and all(isinstance(x, str) for x in out["headline"])
    # what the page knows: the same intervals and drivers as report.html, computed on the same worlds
    assert out["evidence"]["intervals"] == json.loads(json.dumps(direct["evidence"]["intervals"]))
    assert len(out["drivers"]) == 4 and "unsourced assumption" in out["inputs"]


def test_compare_pairs_costs_against_the_no_halt_policy(client):
    r = client.post("/api/compare", json={**SMALL, "policy": "tripwire-pause", "compare": ["none"]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["reference"] == "none" and [row["policy"] for row in out["table"]] == ["tripwire-pause", "none"]
    ref = out["table"][1]["costs"]
    assert ref["is_reference"] and ref["delay_years"]["value"] == 0 and ref["held_past_horizon"]["value"] == 0
    pause = out["table"][0]
    assert pause["costs"]["years_halted"]["value"] >= 0
    iv = pause["unverified_takeoff"]
    assert iv["low"] <= iv["value"] <= iv["high"]
    assert [c[0] for c in out["table_columns"]][0] == "policy" and len(out["table_cells"]) == 2


def test_a_run_with_actors_returns_the_who_leads_charts(client):
    r = client.post("/api/run", json={"samples": 60, "years": 10, "preset": "essay-cast", "policy": "full-stack"})
    assert r.status_code == 200, r.text
    out = r.json()
    direct = view(simulate(load_scenario("essay-cast"), load_policy("full-stack"), samples=60, years=10, seed=0))
    assert set(ACTOR_FIGURES) <= set(out["figures"])
    assert out["figures"] == json.loads(json.dumps(figures(direct)))
    assert set(out["captions"]) == set(out["figures"])
    assert any(line.startswith("Who leads: ") for line in out["headline"])


def test_pinned_values_and_levers_change_the_run(client):
    base = client.post("/api/run", json={**SMALL, "seed": 1}).json()
    pinned = client.post("/api/run", json={**SMALL, "seed": 1, "set": {"software.returns": 5.0,
                                                                         "automation.midpoint_code_flop": 3e28},
                                           "levers": {"verification.compute_share": 0.3}}).json()
    cap = lambda o: o["figures"]["capability"]["data"][4]["y"]  # noqa: E731 - capability median
    assert cap(base) != cap(pinned)
    # a pinned parameter is a point value in every world; its copula correlation is dropped
    s = load_scenario("baseline").model_dump(mode="json")
    s["software"]["returns"] = 5.0
    s["automation"]["midpoint_code_flop"] = 3e28
    s["correlations"] = [c for c in s["correlations"] if "automation.midpoint_code_flop" not in c["params"]]
    p = load_policy("none").model_dump(mode="json")
    p["verification"]["compute_share"] = 0.3
    direct = summarize(simulate(parse_scenario(s), parse_policy(p), seed=1, **SMALL))
    assert pinned["summary"]["risk"] == json.loads(json.dumps(direct["risk"]))


@pytest.mark.parametrize("body, expected", [
    ({"set": {"software.returns": 50}}, ["set.software.returns: must be in [0.1, 10]"]),
    ({"set": {"software.returnz": 2}}, ["set.software.returnz: unknown parameter (did you mean 'software.returns'?)"]),
    ({"set": {"software.returns": "lots"}}, ["set.software.returns:"]),
    ({"levers": {"stop.latency_days": -1}}, ["levers.stop.latency_days: must be in [0, 3650] days"]),
    ({"levers": {"stop.latency_dayz": 1}}, ["levers.stop.latency_dayz: unknown parameter"]),
    ({"samples": 0}, ["samples: must be in [1, 5,000]"]),
    ({"years": 500}, ["years: must be in (0, 60]"]),
    ({"seed": -1}, ["seed:"]),
    ({"samplez": 10}, ["samplez: unknown field (did you mean 'samples'?)"]),
    ({"preset": "utopia"}, ["preset: unknown scenario 'utopia'"]),
    ({"policy": "hope"}, ["policy: unknown policy 'hope'"]),
    ({"scenario": {"software": {"returns": 99}, "colour": "red"}},
     ["scenario.software.returns: must be in [0.1, 10]", "scenario.colour: unknown field"]),
    ({"set": {"software.returns": 50}, "levers": {"stop.reliability": 2}, "samples": 10**6},
     ["samples:", "set.software.returns:", "levers.stop.reliability:"]),
])
def test_bad_requests_get_422_naming_the_field(client, body, expected):
    problems = _problems(client.post("/api/run", json={**SMALL, **body}))
    for want in expected:
        assert any(line.startswith(want) for line in problems), (want, problems)
    assert not any("Traceback" in line for line in problems)


def test_malformed_bodies_are_refused_with_reasons(client):
    assert _problems(client.post("/api/run", content=b"{not json", headers={"content-type": "application/json"}))[0] \
        .startswith("body: not valid JSON")
    assert _problems(client.post("/api/run", content=b"[1, 2]", headers={"content-type": "application/json"}))[0] \
        .startswith("body: expected a JSON object")
    assert _problems(client.post("/api/run", data={"samples": "10"}), 415)[0].startswith("content-type:")
    assert _problems(client.post("/api/compare", json={**SMALL, "compare": ["none"]}))[0].startswith("compare:")
    assert _problems(client.post("/api/compare", json={**SMALL, "compare": ["nope"]}))[0].startswith("compare[0]:")


def test_oversized_requests_are_refused(client):
    assert _problems(client.post("/api/run", json={"samples": 1_000_000}))[0].startswith("samples: must be in [1, 5,000]")
    assert _problems(client.post("/api/run", json={"years": 200}))[0].startswith("years:")
    many = ["none", "tripwire-pause"] * 3
    assert any(p.startswith("compare: at most 4") for p in _problems(client.post("/api/compare", json={**SMALL, "compare": many})))
    huge = json.dumps({"scenario": {"description": "x" * 600_000}}).encode()
    assert _problems(client.post("/api/run", content=huge, headers={"content-type": "application/json"}), 413)[0] \
        .startswith("body:")


def test_long_requests_time_out():
    from fastapi.testclient import TestClient

    app = create_app(Limits(timeout_s=0.01, cache_entries=0))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        t0 = time.monotonic()
        problems = _problems(c.post("/api/run", json={"samples": 400, "years": 30}), 504)
        assert time.monotonic() - t0 < 5
    assert "0.01 s limit" in problems[0] and problems[0].startswith("samples:")


def test_only_loopback_hosts_are_answered(client):
    problems = _problems(client.get("/api/meta", headers={"host": "evil.example:8765"}), 403)
    assert problems[0].startswith("host:")
    assert client.get("/api/meta", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/api/meta", headers={"host": "[::1]:8765"}).status_code == 200


def test_scenario_upload_and_download(client):
    problems = _problems(client.post("/api/scenario/parse", json={"toml": "[software]\nreturns = 50\n", "filename": "mine.toml"}))
    assert problems[0].startswith("scenario.software.returns: must be in [0.1, 10]")
    problems = _problems(client.post("/api/scenario/parse", json={"toml": "[software\nreturns = 5", "filename": "mine.toml"}))
    assert problems[0].startswith("mine.toml: not valid TOML")
    text = client.post("/api/scenario/toml", json={"preset": "conservative", "set": {"software.returns": 2.5}})
    assert text.status_code == 200 and 'filename="conservative.toml"' in text.headers["content-disposition"]
    s = parse_scenario(tomllib.loads(text.text))
    assert s.software.returns == 2.5 and s.name == "conservative"
    ok = client.post("/api/scenario/parse", json={"toml": text.text}).json()
    assert ok["values"]["software.returns"] == {"value": 2.5, "dist": None}
    assert parse_scenario(ok["scenario"]) == s


@pytest.fixture()
def patient_server():
    """A live server whose queue waits as long as a loaded machine needs: the default limits answer
    503 once the work ahead would wait more than 10 s, which a slow shared CI machine can reach with
    twenty runs at once (admission has its own tests)."""
    server = BackgroundServer(create_app(Limits(queue_s=3600.0, timeout_s=3600.0))).start()
    yield server
    server.stop()


def test_twenty_concurrent_clients_each_get_their_own_answer(patient_server):
    cases = [{"samples": 30, "years": 3, "seed": 100 + i, "preset": ["baseline", "aggressive"][i % 2],
              "policy": ["none", "tripwire-pause"][i % 3 % 2], "set": {"software.returns": 0.5 + 0.2 * i}}
             for i in range(20)]
    answers: list = [None] * 20
    barrier = threading.Barrier(20)

    def client_thread(i):
        with httpx.Client(base_url=patient_server.url, timeout=None) as c:  # a loaded machine answers late, not never
            barrier.wait()
            answers[i] = c.post("/api/run", json=cases[i])

    threads = [threading.Thread(target=client_thread, args=(i,)) for i in range(20)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    assert all(a is not None and a.status_code == 200 for a in answers), [a and a.text[:200] for a in answers]
    for case, a in zip(cases, answers):
        got = a.json()
        scen = load_scenario(case["preset"]).model_dump(mode="json")
        scen["software"]["returns"] = case["set"]["software.returns"]
        direct = summarize(simulate(parse_scenario(scen), load_policy(case["policy"]), samples=case["samples"],
                                    years=case["years"], seed=case["seed"]))
        assert got["summary"] == json.loads(json.dumps(direct, allow_nan=False))
    print(f"20 concurrent clients answered in {elapsed:.2f} s")


def _serve(*args):
    return subprocess.Popen([sys.executable, "-m", "recloop.cli", "serve", *args],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def test_serve_command_starts_on_loopback_and_reports_bad_options():
    proc = _serve("--port", "0")
    try:
        line = proc.stderr.readline()
        assert line.startswith("recloop playground on http://127.0.0.1:"), line
        url = line.split()[3].rstrip("/")
        while proc.poll() is None:  # progress-based: until the server that announced itself answers
            try:
                r = httpx.get(url + "/api/meta", timeout=None)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["uncertainties"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = subprocess.run([sys.executable, "-m", "recloop.cli", "serve", "--port", "70000", "--timeout", "0"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "error: --port: must be in [0, 65535], got 70000" in bad.stderr
    assert "error: --timeout: must be in (0, 3600] s, got 0" in bad.stderr


def test_a_busy_port_is_named():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(RecloopInputError) as err:
            bind_socket("127.0.0.1", port)
    assert err.value.problems[0].startswith(f"--port: cannot listen on 127.0.0.1:{port}")
