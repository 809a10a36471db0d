"""A run owns its folder; resume checks code, inputs and chunks; lifecycle and catalog; faults
(kill -9 at random chunk points, a full disk, Ctrl-C) lose nothing; parallel runs in one home.

Each case is one the issue found (issue 14): it failed before its fix. Small sample counts."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from recloop import commands, execute, store
from recloop.engine import simulate
from recloop.outcomes import to_table
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.scenario import load_scenario

from .conftest import cli_cmd, cli_env, run_cli

SAMPLES, CHUNK, YEARS = 120, 30, 6.0


def _run(out, policy="none", seed=7, **kw):
    return commands.run_and_write("baseline", policy, samples=kw.pop("samples", SAMPLES), seed=seed, years=YEARS,
                                  chunk_size=kw.pop("chunk", CHUNK), out=out, progress=False,
                                  executor=execute.LocalExecutor(), **kw)


def _reference(policy="none", seed=7, samples=SAMPLES, years=YEARS, chunk=CHUNK):
    """The uninterrupted run, cut into the same chunks. Since the anchored engine (c398c91) a sample's
    last bit can depend on the chunk it was simulated in (1 of 120 samples differed by 1e-16
    relative between chunks of 30 and 120), so bit-identity is asserted for the same cut, which
    is what resume guarantees."""
    ref = simulate(load_scenario("baseline"), load_policy(policy), samples=samples, seed=seed, years=years,
                   chunk_size=chunk)
    return to_table(ref, "").drop(["run_id"])


class _Crash(Exception):
    pass


def _crashed_run(out, after_chunks=2, policy="none", seed=7):
    """A run that dies after ``after_chunks`` chunks are written (catalogued as running)."""
    sc, po = load_scenario("baseline"), load_policy(policy)
    plan = execute.plan_run(sc, po, run_id=f"run-crash-{out.name}", out_dir=out, samples=SAMPLES, seed=seed,
                            years=YEARS, chunk_size=CHUNK)
    store.record_run(plan.run_id, kind="simulate", name="baseline", out_dir=out, status="running",
                     provenance=plan.provenance)
    seen = []

    def boom(k):
        seen.append(k)
        if len(seen) == after_chunks + 1:
            raise _Crash

    with pytest.raises(_Crash):
        execute.execute_run(plan, execute.LocalExecutor(), progress=boom)
    return plan


# --------------------------------------------------------------------------- a run owns its folder


def test_a_folder_holding_another_run_is_refused_naming_it(home):
    """Was: re-running into an --out with another policy and seed reused the old chunks under the
    new labels (summary said tripwire-pause seed 99, the outcomes were policy none seed 7)."""
    out = home / "out"
    _, first, _ = _run(out)
    before = (out / "outcomes.parquet").read_bytes()
    with pytest.raises(RecloopInputError, match=f"holds run {first['run_id']}.*--replace"):
        _run(out, policy="tripwire-pause", seed=99)
    assert (out / "outcomes.parquet").read_bytes() == before
    # told to replace it, the new run's labels and numbers are its own
    _, second, _ = _run(out, policy="tripwire-pause", seed=99, replace=True)
    t = pq.read_table(out / "outcomes.parquet")
    assert set(t.column("policy").to_pylist()) == {"tripwire-pause"} and set(t.column("seed").to_pylist()) == {99}
    assert t.drop(["run_id"]).equals(_reference("tripwire-pause", 99))
    assert second["policy"] == "tripwire-pause" and second["seed"] == 99


def test_a_non_empty_folder_that_is_no_run_is_refused_and_kept(home):
    out = home / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(RecloopInputError, match="not empty and holds no recloop run"):
        _run(out, replace=True)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_two_runs_into_one_folder_at_once_one_is_refused(home):
    """Was: two runs into one --out at once both exited 0 and one printed a summary computed from
    the other's chunks."""
    out = home / "shared"
    env = cli_env(home / "home")
    a = subprocess.Popen(cli_cmd("run", "--samples", 600, "--chunk-size", 30, "--years", 6, "--out", out, "--json"),
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(6000):  # progress-based: until A has claimed the folder
        if (out / "run.json").exists() or a.poll() is not None:
            break
        time.sleep(0.01)
    b = run_cli(home / "home", "run", "--samples", 60, "--chunk-size", 30, "--years", 6, "--seed", 3, "--out", out,
                "--json")
    a_out, a_err = a.communicate()
    assert a.returncode == 0, a_err
    assert b.returncode == 2 and ("in use by another recloop process" in b.stderr or "holds run" in b.stderr), b.stderr
    assert len(b.stderr.strip().splitlines()) == 1
    summary = json.loads(a_out)
    assert pq.read_table(out / "outcomes.parquet").drop(["run_id"]).equals(_reference(samples=600, seed=0, chunk=30))
    runs = store.list_runs()
    assert [r["run_id"] for r in runs] == [summary["run_id"]] and runs[0]["status"] == "done"


def test_the_folder_lock_is_exclusive_across_processes(home):
    out = home / "locked"
    out.mkdir()
    holder = subprocess.Popen([os.sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
                               str(out / ".lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert execute.folder_locked(out)
        with pytest.raises(RecloopInputError, match="in use by another recloop process"):
            _run(out)
        assert sorted(p.name for p in out.iterdir()) == [".lock"] and store.list_runs() == []
    finally:
        holder.kill()
        holder.wait()
    assert not execute.folder_locked(out)


def test_resume_of_a_copied_folder_writes_into_the_copy(home):
    """Was: `resume` of a copied run folder wrote into the original."""
    original = home / "orig"
    _crashed_run(original)
    copy = home / "copy"
    shutil.copytree(original, copy)
    _, summary, ran = execute.resume_run(str(copy))
    assert ran == SAMPLES // CHUNK - 2 and summary["out_dir"] == str(copy.absolute())
    assert (copy / "outcomes.parquet").exists() and not (original / "outcomes.parquet").exists()
    assert pq.read_table(copy / "outcomes.parquet").drop(["run_id"]).equals(_reference())


# --------------------------------------------------------------------------- resume checks (provenance)


def _edit_manifest(out, fn):
    path = out / "run.json"
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


def test_resume_refuses_a_changed_scenario_naming_it(home):
    out = home / "r"
    _crashed_run(out)
    _edit_manifest(out, lambda d: d["scenario"]["software"].update(parallelization=0.31))
    with pytest.raises(RecloopInputError) as e:
        execute.resume_run(str(out))
    assert len(e.value.problems) == 1 and "scenario 'baseline' differs" in e.value.problems[0]


def test_resume_refuses_a_changed_policy_or_seed(home):
    out = home / "p"
    _crashed_run(out)
    _edit_manifest(out, lambda d: d["policy"].update(name="edited"))
    with pytest.raises(RecloopInputError, match="policy 'edited' differs"):
        execute.resume_run(str(out))
    out2 = home / "s"
    _crashed_run(out2)
    _edit_manifest(out2, lambda d: d.update(seed=8))
    with pytest.raises(RecloopInputError, match=r"was made with seed 7 \(this run: 8\)"):
        execute.resume_run(str(out2))


def test_resume_refuses_other_code_naming_the_versions(home):
    out = home / "c"
    _crashed_run(out)
    _edit_manifest(out, lambda d: d["provenance"].update(code_sha256="0" * 64, git_commit="abc123"))
    with pytest.raises(RecloopInputError, match="code differs from the code that started run.*commit abc123"):
        execute.resume_run(str(out))


def test_resume_refuses_a_chunk_of_another_run(home):
    a, b = home / "a", home / "b"
    _crashed_run(a, after_chunks=3, seed=7)
    _crashed_run(b, after_chunks=1, seed=8)
    shutil.copy(a / "parts" / "chunk-00002.parquet", b / "parts" / "chunk-00002.parquet")
    with pytest.raises(RecloopInputError, match="chunk-00002.parquet was made with run_id"):
        execute.resume_run(str(b))


def test_provenance_in_run_json_parquet_catalog_and_runs(home, cli):
    out = home / "prov"
    _, summary, _ = _run(out)
    prov = json.loads((out / "run.json").read_text())["provenance"]
    for key in ("recloop_version", "git_commit", "code_sha256", "python", "dependencies", "scenario_sha256",
                "policy_sha256", "command"):
        assert key in prov, key
    assert prov["dependencies"]["numpy"] and prov["scenario_sha256"] == execute.input_hash(
        load_scenario("baseline").model_dump(mode="json"))
    for f in ("outcomes.parquet", "trajectories.parquet"):
        meta = pq.ParquetFile(out / f).schema_arrow.metadata
        assert json.loads(meta[b"recloop.provenance"])["code_sha256"] == prov["code_sha256"], f
    assert store.get_run(summary["run_id"])["provenance"]["policy_sha256"] == prov["policy_sha256"]
    code, text, _ = cli("runs")
    assert code == 0 and summary["run_id"] in text and f"s:{prov['scenario_sha256'][:8]}" in text
    code, text, _ = cli("runs", summary["run_id"])
    assert code == 0 and json.loads(text)["provenance"]["code_sha256"] == prov["code_sha256"]


# --------------------------------------------------------------------------- lifecycle and catalog


def test_the_default_home_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    """Was: `recloop runs` from another folder said "no runs recorded" (home was ./recloop-out)."""
    monkeypatch.delenv("RECLOOP_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    monkeypatch.chdir(tmp_path / "one")
    h1 = store.home()
    monkeypatch.chdir(tmp_path / "two")
    assert store.home() == h1 == tmp_path / "xdg" / "recloop"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert store.home() == Path.home() / ".local" / "share" / "recloop"
    monkeypatch.setenv("RECLOOP_HOME", "relative-home")
    assert store.home() == tmp_path / "two" / "relative-home"  # made absolute once, recorded absolute


def test_a_refused_run_leaves_nothing_behind(home, cli):
    """Was: a refused run left an empty folder (and a 'running' record)."""
    out = home / "never"
    code, _, err = cli("run", "--samples", 0, "--out", out)
    assert code == 2 and "error: --samples: must be an integer" in err
    code, _, err = cli("run", "--policy", "no-such-policy", "--seed", -1, "--out", out)
    assert code == 2 and len(err.strip().splitlines()) == 2
    assert not out.exists() and store.list_runs() == []


def test_input_refused_once_running_is_recorded_refused_and_its_folder_removed(home, monkeypatch):
    import recloop.engine as engine

    real, calls = engine.simulate_chunk, []

    def refuses_later(*a, **kw):  # the engine's own checks can refuse what validation let through
        calls.append(1)
        if len(calls) == 2:
            raise RecloopInputError(["policy: refused by the engine"])
        return real(*a, **kw)

    monkeypatch.setattr(engine, "simulate_chunk", refuses_later)
    out = home / "refused"
    with pytest.raises(RecloopInputError, match="refused by the engine"):
        _run(out)
    assert not out.exists()
    rec = store.list_runs()[0]
    assert rec["status"] == "refused" and rec["reason"] == "policy: refused by the engine"


def test_a_run_killed_with_sigkill_is_listed_interrupted(home):
    """Was: interrupted runs stayed 'running' forever."""
    plan = _crashed_run(home / "dead")  # 'running', and no process holds its folder
    rec = next(r for r in store.list_runs() if r["run_id"] == plan.run_id)
    assert rec["status"] == "interrupted" and "recloop resume" in rec["reason"]
    with execute.run_lock(home / "dead"):  # while a process works in it, it is running
        assert next(r for r in store.list_runs() if r["run_id"] == plan.run_id)["status"] == "running"


def test_ctrl_c_marks_the_run_interrupted_with_a_resume_hint(home):
    """Was: Ctrl-C exited 130 with no word of how to resume, and the run stayed 'running'."""
    out = home / "ctrlc"
    p = subprocess.Popen(cli_cmd("run", "--samples", 600, "--chunk-size", 20, "--years", 6, "--out", out, "--json"),
                         env=cli_env(home / "home"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(6000):
        if len(list((out / "parts").glob("chunk-*.parquet"))) >= 2 or p.poll() is not None:
            break
        time.sleep(0.01)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate()
    assert p.returncode == 130, err
    assert "interrupted" in err and f"recloop resume {out}" in err
    rec = store.list_runs()[0]
    assert rec["status"] == "interrupted" and "recloop resume" in rec["reason"]
    execute.resume_run(str(out))  # in-process: the point was the signal to the real process
    assert pq.read_table(out / "outcomes.parquet").drop(["run_id"]).equals(_reference(samples=600, seed=0, chunk=20))
    assert store.list_runs()[0]["status"] == "done"


def test_three_parallel_runs_in_one_home_all_complete_and_are_catalogued(home):
    """Was: of three runs sharing RECLOOP_HOME, two died with a DuckDB lock traceback."""
    env = cli_env(home / "home")
    procs = [subprocess.Popen(cli_cmd("run", "--samples", 90, "--chunk-size", 15, "--years", 4, "--seed", s, "--json"),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in (1, 2, 3)]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in outs]
    ids = {json.loads(o)["run_id"] for o, _ in outs}
    runs = store.list_runs()
    assert {r["run_id"] for r in runs} == ids and {r["status"] for r in runs} == {"done"}
    assert sorted(r["seed"] for r in runs) == [1, 2, 3]


# --------------------------------------------------------------------------- faults lose nothing


@pytest.mark.parametrize("trial", range(2))
def test_kill_minus_9_at_a_random_chunk_point_then_resume(home, trial):
    """A real `recloop run` killed with SIGKILL after a random number of chunks; `recloop resume`
    completes it: every sample exactly once, bit-identical to the uninterrupted run."""
    samples, chunk = 400, 20
    k = random.Random(1000 + trial).randrange(1, samples // chunk - 2)
    out = home / f"killed-{trial}"
    proc = subprocess.Popen(cli_cmd("run", "--samples", samples, "--chunk-size", chunk, "--seed", 5, "--years", 6,
                                    "--out", out, "--json"), env=cli_env(home / "home"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parts = out / "parts"
    for _ in range(60000):
        if (parts.exists() and len(list(parts.glob("chunk-*.parquet"))) >= k) or proc.poll() is not None:
            break
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(list(parts.glob("chunk-*.parquet")))
    assert k <= written < samples // chunk, "killed mid-way"
    assert store.list_runs()[0]["status"] == "interrupted"
    _, _, ran = execute.resume_run(str(out))  # in-process: the point was the kill of the real process
    assert ran == samples // chunk - written
    got = pq.read_table(out / "outcomes.parquet")
    assert got.drop(["run_id"]).equals(_reference(samples=samples, seed=5, chunk=chunk))
    assert sorted(got.column("sample").to_pylist()) == list(range(samples))
    assert not parts.exists() and store.list_runs()[0]["status"] == "done"


def test_a_full_disk_loses_nothing_and_leaves_no_half_written_file(home, monkeypatch):
    """Was: a full output folder gave a traceback and left a temporary file."""
    real = pq.write_table
    calls = []

    def full_after_three(table, where, *a, **kw):
        calls.append(where)
        if len(calls) == 3:
            Path(where).write_bytes(b"PAR1 half")  # the disk fills mid-file
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(table, where, *a, **kw)

    monkeypatch.setattr(pq, "write_table", full_after_three)
    out = home / "full"
    with pytest.raises(execute.RunFailed) as e:
        _run(out)
    assert len(e.value.problems) == 1
    line = e.value.problems[0]
    assert "no space left on device" in line and "2 of 4 chunks are saved" in line and "recloop resume" in line
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    rec = store.list_runs()[0]
    assert rec["status"] == "failed" and "no space left" in rec["reason"]
    monkeypatch.setattr(pq, "write_table", real)
    _, summary, ran = execute.resume_run(str(out))
    assert ran == 2 and pq.read_table(out / "outcomes.parquet").drop(["run_id"]).equals(_reference())


def test_unwritable_or_file_out_gives_one_line(home, monkeypatch, cli):
    f = home / "a-file"
    f.write_text("x")
    code, _, err = cli("run", "--samples", 10, "--years", 2, "--out", f)
    assert code == 2 and err.strip() == f"error: --out: {f} is a file, expected a folder"
    code, _, err = cli("run", "--samples", 10, "--years", 2, "--out", f / "below")
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("error: --out:")
    ro = home / "ro"
    ro.mkdir()
    monkeypatch.setattr(execute, "_writable", lambda p: not str(p).startswith(str(ro)))  # root may write anywhere
    code, _, err = cli("run", "--samples", 10, "--years", 2, "--out", ro)
    assert code == 2 and err.strip() == f"error: --out: {ro} is not writable"
    assert list(ro.iterdir()) == [] and store.list_runs() == []


def test_a_seed_beyond_64_bits_is_refused_not_reduced(home, cli):
    """Was: a seed of 10^23 gave a DuckDB overflow traceback; run.json stored it mod 2^64."""
    code, _, err = cli("run", "--samples", 10, "--years", 2, "--seed", 10**23, "--out", home / "s")
    assert code == 2 and "--seed: must be an integer in [0, 9,223,372,036,854,775,807], got 100000000000000000000000" in err
    with pytest.raises(RecloopInputError, match=r"seed: must be an integer in \[0, 2\*\*63 - 1\]"):
        simulate(load_scenario("baseline"), samples=2, years=1, seed=2**63)
    assert not (home / "s").exists()


# --------------------------------------------------------------------------- records true to README


def test_trajectories_for_every_sample_and_parts_compacted(home):
    """Was: trajectories.parquet kept only the first 500 samples; parts/ stayed after a finished run."""
    out = home / "t"
    _, summary, _ = _run(out, samples=620, chunk=155)
    t = pq.read_table(out / "trajectories.parquet", columns=["sample", "year"])
    assert sorted(set(t.column("sample").to_pylist())) == list(range(620))
    assert t.num_rows == 620 * len(set(t.column("year").to_pylist()))
    assert summary["trajectory_samples"] == 620 and not (out / "parts").exists()
    # an explicit cap keeps the first N
    _, capped, _ = _run(home / "cap", samples=100, chunk=30, fan_samples=45)
    t = pq.read_table(home / "cap" / "trajectories.parquet", columns=["sample"])
    assert sorted(set(t.column("sample").to_pylist())) == list(range(45)) and capped["trajectory_samples"] == 45


def test_resume_of_a_finished_run_changes_nothing(home):
    out = home / "done"
    _, summary, _ = _run(out)
    before = (out / "outcomes.parquet").read_bytes()
    _, again, ran = execute.resume_run(str(out))
    assert ran == 0 and again["run_id"] == summary["run_id"] and (out / "outcomes.parquet").read_bytes() == before


def test_a_run_keeping_no_trajectories_finishes_with_empty_fans(home):
    """--trajectory-samples 0: finish_run writes the summary and report; the fans are empty, not a crash."""
    out = home / "r"
    plan = execute.plan_run(load_scenario("baseline"), load_policy("none"), run_id="r", out_dir=out,
                            samples=20, seed=0, years=2.0, fan_samples=0)
    store.record_run("r", kind="simulate", name="baseline", out_dir=out, status="running")
    execute.execute_run(plan)
    execute.finish_run(plan)
    assert (out / "outcomes.parquet").exists()
    assert pq.read_table(out / "outcomes.parquet").num_rows == 20
