"""A fast start: the CLI loads no heavy library until a command needs it (no timing here: the
figures are in benchmarks/startup.py)."""

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("scipy.stats", "pandas", "matplotlib", "duckdb", "pyarrow", "dask", "distributed", "fastapi",
         "xarray", "plotly", "SALib", "ema_workbench")


def _modules_after(code: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                       capture_output=True, text=True, env={**os.environ})
    assert r.returncode == 0, r.stderr
    return set(json.loads(r.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["validate", "{scenario}"], ["validate", "{policy}"]])
def test_help_and_validate_import_no_heavy_library(args, tmp_path):
    from importlib import resources

    scenario = resources.files("recloop") / "scenarios" / "baseline.toml"
    policy = resources.files("recloop") / "policies" / "full-stack.toml"
    argv = [a.format(scenario=scenario, policy=policy) for a in args]
    code = ("import sys\nfrom recloop.cli import main\ntry:\n    main(%r)\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\n" % argv)
    loaded = _modules_after(code)
    heavy = sorted({m for m in loaded for h in HEAVY if m == h or m.startswith(h + ".")})
    assert heavy == [], f"recloop {' '.join(args)} imported {heavy[:8]}"


def test_python_dash_m_recloop_is_the_cli(tmp_path):
    r = subprocess.run([sys.executable, "-m", "recloop", "--help"], capture_output=True, text=True,
                       env={**os.environ, "RECLOOP_HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert "Usage: recloop" in r.stdout and "validate" in r.stdout and "export" in r.stdout


def test_shell_completion_is_on():
    from typer.testing import CliRunner

    from recloop.cli import _register_all, app

    _register_all()
    r = CliRunner().invoke(app, ["--help"])
    assert r.exit_code == 0 and "--install-completion" in r.output and "--show-completion" in r.output


def test_a_run_imports_no_pandas(tmp_path):
    """pyarrow's pa.array and to_numpy import pandas to ask whether they were given a pandas
    object (about 0.3 s of a run's start-up); a run builds and reads its columns without them
    (recloop.arrowcols), from the chunks through the summary and the report."""
    out = tmp_path / "run"
    code = ("import os\nos.environ['RECLOOP_HOME'] = %r\nfrom recloop.cli import main\ntry:\n"
            "    main(['run', '--samples', '40', '--chunk-size', '16', '--out', %r])\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\n" % (str(tmp_path / "home"), str(out)))
    loaded = _modules_after(code)
    assert (out / "report.html").exists() and (out / "summary.json").exists()
    assert "pyarrow" in loaded and "pandas" not in loaded, sorted(m for m in loaded if m.startswith("pandas"))[:5]
