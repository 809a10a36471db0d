"""Executors and the chunked store: backend equality, chunking invariance, crash and resume
(including kill -9 of a real `recloop run`), catalog registration, CLI errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from recloop import commands, execute, store
from recloop.analysis import cli as analysis_cli
from recloop.engine import simulate
from recloop.outcomes import to_table
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.scenario import load_scenario

SAMPLES, CHUNK, YEARS = 240, 60, 12.0


@pytest.fixture(scope="module")
def dask_client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0", silence_logs=40)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path / "home"))
    return tmp_path


def _run(home, name, executor, policy="tripwire-pause", **kw):
    _, summary, out = commands.run_and_write("baseline", policy, samples=kw.get("samples", SAMPLES), seed=7,
                                             years=YEARS, chunk_size=kw.get("chunk", CHUNK), out=home / name,
                                             progress=False, executor=executor)
    return pq.read_table(out / "outcomes.parquet").drop(["run_id"]), summary


def test_same_seed_same_table_on_every_backend(home, dask_client):
    local, s_local = _run(home, "local", execute.LocalExecutor())
    with execute.ProcessExecutor(2) as ex:
        procs, s_procs = _run(home, "procs", ex)
    dask, s_dask = _run(home, "dask", execute.DaskExecutor(client=dask_client))
    assert local.num_rows == SAMPLES
    assert local.equals(procs) and local.equals(dask)
    drop = {"run_id", "out_dir"}
    assert {k: v for k, v in s_local.items() if k not in drop} == {k: v for k, v in s_dask.items() if k not in drop}
    # ... and the same as the engine's own simulate(), whatever the chunk size
    ref = simulate(load_scenario("baseline"), load_policy("tripwire-pause"), samples=SAMPLES, seed=7, years=YEARS,
                   chunk_size=8192)
    assert to_table(ref, "").drop(["run_id"]).equals(local)


def test_dask_map_keeps_order(dask_client):
    ex = execute.DaskExecutor(client=dask_client)
    assert ex.workers == 2
    assert ex.map(abs, list(range(-20, 0))) == list(range(20, 0, -1))


def test_a_finished_run_is_catalogued_done_and_compacted(home):
    _, summary = _run(home, "cat", execute.LocalExecutor(), policy="none")
    rec = store.get_run(summary["run_id"])
    assert rec["status"] == "done" and rec["samples"] == SAMPLES and rec["seed"] == 7
    assert rec["provenance"]["code_sha256"] == execute.code_fingerprint()["code_sha256"]
    out = Path(summary["out_dir"])
    for f in ("outcomes.parquet", "trajectories.parquet", "summary.json", "report.html", "scenario.toml", "run.json"):
        assert (out / f).exists(), f
    assert not (out / "parts").exists()  # compacted: the finished files hold what the parts did
    assert summary["status_counts"] == {"ok": SAMPLES} or sum(summary["status_counts"].values()) == SAMPLES


class _Crash(Exception):
    pass


def test_interrupted_run_resumes_each_sample_exactly_once(home):
    full, _ = _run(home, "full", execute.LocalExecutor(), policy="none")
    sc, po = load_scenario("baseline"), load_policy("none")
    plan = execute.plan_run(sc, po, run_id="run-crash", out_dir=home / "crash", samples=SAMPLES, seed=7, years=YEARS,
                            chunk_size=CHUNK)
    store.record_run("run-crash", kind="simulate", name="baseline", out_dir=home / "crash", status="running")
    seen = []

    def boom(k):
        seen.append(k)
        if len(seen) == 3:  # initial call (0 done), then two chunks written
            raise _Crash

    with pytest.raises(_Crash):
        execute.execute_run(plan, execute.LocalExecutor(), progress=boom)
    assert execute.done_chunks(plan) == {0, 1}
    (home / "crash" / "parts" / ".chunk-00002.parquet.tmp-1").write_bytes(b"half a file")  # debris of a crash
    _, summary, ran = execute.resume_run("run-crash")
    assert ran == SAMPLES // CHUNK - 2
    table = pq.read_table(home / "crash" / "outcomes.parquet").drop(["run_id"])
    assert table.equals(full)
    assert summary["samples"] == SAMPLES
    assert not list((home / "crash" / "parts").glob(".*tmp*"))


def test_kill_minus_9_then_resume(home):
    """A real `recloop run` killed with SIGKILL mid-way; `recloop resume` completes it and the row
    set is exactly the uninterrupted run's."""
    samples, chunk = 800, 40
    env = dict(os.environ, RECLOOP_HOME=str(home / "home"))
    out = home / "killed"
    cmd = [sys.executable, "-c", "from recloop.cli import main; main()", "run", "--samples", str(samples),
           "--chunk-size", str(chunk), "--seed", "5", "--years", "10", "--out", str(out), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parts = out / "parts"
    # progress-based wait (no wall clock a loaded machine could trip): until 3 chunks are on disk
    while proc.poll() is None and (not parts.exists() or len(list(parts.glob("chunk-*.parquet"))) < 3):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(list(parts.glob("chunk-*.parquet")))
    assert 3 <= written < samples // chunk, "the run must be killed mid-way"
    assert not (out / "outcomes.parquet").exists()
    res = subprocess.run([sys.executable, "-c", "from recloop.cli import main; main()", "resume", str(out), "--json"],
                         env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["chunks_run_on_resume"] == samples // chunk - written
    got = pq.read_table(out / "outcomes.parquet")
    ref = simulate(load_scenario("baseline"), load_policy("none"), samples=samples, seed=5, years=10.0)
    assert got.drop(["run_id"]).equals(to_table(ref, "").drop(["run_id"]))
    assert sorted(got.column("sample").to_pylist()) == list(range(samples))


def test_bounded_fan_keeps_only_the_first_samples(home):
    sc, po = load_scenario("baseline"), load_policy("none")
    plan = execute.plan_run(sc, po, run_id="run-fan", out_dir=home / "fan", samples=150, seed=1, years=5,
                            chunk_size=40, fan_samples=70)
    store.record_run("run-fan", kind="simulate", name="baseline", out_dir=home / "fan", status="running")
    execute.execute_run(plan)
    assert sorted(p.name for p in (home / "fan" / "parts").glob("traj-*")) == ["traj-00000.npz", "traj-00001.npz"]
    result, summary = execute.finish_run(plan)
    assert result.trajectories["paused"].shape[0] == 70 and result.samples == 150
    assert summary["fan_samples"] == 70 and summary["trajectory_samples"] == 70
    traj = pq.read_table(home / "fan" / "trajectories.parquet", columns=["sample"]).column("sample").to_numpy()
    assert sorted(set(traj.tolist())) == list(range(70))


def _same_result(a, b) -> None:
    assert list(a.outcomes) == list(b.outcomes) and list(a.trajectories) == list(b.trajectories)
    for x, y in [(a.outcomes[k], b.outcomes[k]) for k in a.outcomes] + \
                [(a.trajectories[k], b.trajectories[k]) for k in a.trajectories]:
        assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
    assert a.meta == b.meta and np.array_equal(a.times, b.times)


@pytest.mark.parametrize("fan", [70, 0, 150])
@pytest.mark.parametrize("crash", [False, True])
def test_finishing_from_memory_gives_what_reading_the_files_back_gives(home, fan, crash):
    """The columns a run keeps as it writes (LightColumns) are the light result read back from its
    finished files, value for value and dtype for dtype: fans across chunks, none, every sample;
    a run that crashed and resumed (saved chunks come back from the parts)."""
    sc, po = load_scenario("baseline"), load_policy("none")
    out = home / f"mem-{fan}-{crash}"
    plan = execute.plan_run(sc, po, run_id=f"run-mem-{fan}-{crash}", out_dir=out, samples=150, seed=2, years=6,
                            chunk_size=40, fan_samples=fan)
    store.record_run(plan.run_id, kind="simulate", name="baseline", out_dir=out, status="running")
    if crash:
        def boom(k, seen=[]):  # noqa: B006 - counts the calls of this one run
            seen.append(k)
            if len(seen) == 3:  # initial call, then two chunks written
                raise _Crash

        with pytest.raises(_Crash):
            execute.execute_run(plan, progress=boom, light=execute.LightColumns())
    light = execute.LightColumns()
    execute.execute_run(plan, light=light)
    assert light.complete and light.rows == 150
    result, summary = execute.finish_run(plan, light=light, compact=False)
    assert not light.outcomes  # taken from memory, not read back
    _same_result(result, execute._light_result(execute.load_plan(out)))
    assert summary["fan_samples"] == fan


def test_bad_backend_and_scheduler(home):
    with pytest.raises(RecloopInputError) as e:
        execute.make_executor("gpu", scheduler="tcp://x:1")
    assert len(e.value.problems) == 2
    with pytest.raises(RecloopInputError, match="neither a run folder"):
        execute.find_run_dir("no-such-run")
    with pytest.raises(RecloopInputError, match="mc, sobol or lhs, got 'halton'"):
        execute.plan_run(load_scenario("baseline"), load_policy("none"), run_id="x", out_dir=home / "x", samples=10,
                         seed=0, years=5, method="halton")


def test_chunked_lhs_run_equals_simulate_for_any_chunk_size(home):
    """plan_run accepts method="lhs" because the blocked hypercube makes sample i independent of
    the chunking: chunks of 37 (crossing the 256-row block edge) and of 300 give the outcomes of
    one simulate() call."""
    sc, po = load_scenario("baseline"), load_policy("none")
    ref = to_table(simulate(sc, po, samples=300, seed=3, years=4.0, method="lhs"), "").drop(["run_id"])
    mc = to_table(simulate(sc, po, samples=300, seed=3, years=4.0), "").drop(["run_id"])
    assert not ref.equals(mc)  # the design is really the hypercube, not the plain draws
    for chunk in (37, 300):
        plan = execute.plan_run(sc, po, run_id=f"run-lhs-{chunk}", out_dir=home / f"lhs-{chunk}", samples=300, seed=3,
                                years=4.0, chunk_size=chunk, method="lhs")
        store.record_run(plan.run_id, kind="simulate", name="baseline", out_dir=home / f"lhs-{chunk}", status="running")
        execute.execute_run(plan, execute.LocalExecutor())
        execute.finish_run(plan)
        got = pq.read_table(home / f"lhs-{chunk}" / "outcomes.parquet").drop(["run_id"])
        assert got.equals(ref), chunk


def test_cli_errors_exit_2(home):
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """test harness"""

    commands.register(app)
    analysis_cli.register(app)
    r = CliRunner().invoke(app, ["resume", "no-such-run"])
    assert r.exit_code == 2 and "error: run:" in r.output
    r = CliRunner().invoke(app, ["sensitivity", "--outcome", "nope"])
    assert r.exit_code == 2 and "error: --outcome" in r.output
    r = CliRunner().invoke(app, ["discover", "--fail", "p_catastrophe>>1"])
    assert r.exit_code == 2 and "error: --fail" in r.output
