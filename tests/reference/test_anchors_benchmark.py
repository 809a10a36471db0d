"""benchmarks/anchors.py without the anchors' checkouts: it says what it needs and measures recloop."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "anchors.py"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          env=dict(os.environ), check=False)


def test_without_paths_it_names_each_checkout_and_measures_recloop_alone():
    res = _run("--samples", "40", "--simulations", "1", "--rounds", "1")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for option, repo in (("--sie-repo", "thoulden/Accelerated_AI_Progress"),
                         ("--ai2027-repo", "uvafan/timelines-takeoff-ai-2027"), ("--ftm-repo", "epoch-research/ftm")):
        assert re.search(rf"original code not run; give {option} PATH, a checkout of github.com/{repo}", out), option
    for model, count in (("sie", 40), ("ai2027", 40), ("ccf", 1)):
        # a row with recloop's time and no anchor columns (nothing hard-coded stands in for them)
        row = re.search(rf"^{model}\s+{count}\s+-\s+(\d+\.\d+)\s+-\s+([\d,.]+)\s+-$", out, re.M)
        assert row, (model, out)
        assert float(row.group(2).replace(",", "")) > 0
    # recloop's outputs are printed: the ccf best guess from the shipped presets
    assert re.search(r"20% automated\s+2036\.1", out) and re.search(r"100% automated\s+2040\.0", out)


def test_a_path_that_is_not_the_checkout_is_one_line_exit_2(tmp_path):
    res = _run("--ftm-repo", str(tmp_path), "--simulations", "1", "--rounds", "1")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --ftm-repo:") and "epoch-research/ftm" in lines[0]
