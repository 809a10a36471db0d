"""Fixtures of the run-store tests: a fresh home, the CLI in-process and as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import recloop

SRC = str(Path(recloop.__file__).resolve().parents[1])  # the recloop these tests import


@pytest.fixture()
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("RECLOOP_HOME", str(h))
    return tmp_path


def cli_env(home_dir: Path) -> dict:
    env = dict(os.environ, RECLOOP_HOME=str(home_dir))
    env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def cli_cmd(*args) -> list[str]:
    return [sys.executable, "-c", "from recloop.cli import main; main()", *map(str, args)]


def run_cli(home_dir: Path, *args, **kw) -> subprocess.CompletedProcess:
    """The real `recloop` in a process of its own (for signals, kills and parallel runs)."""
    return subprocess.run(cli_cmd(*args), env=cli_env(home_dir), capture_output=True, text=True, **kw)


@pytest.fixture()
def cli(capsys):
    """`recloop ARGS` in-process: (exit code, stdout, stderr)."""
    from recloop.cli import main

    def call(*args):
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        out = capsys.readouterr()
        return code, out.out, out.err

    return call
