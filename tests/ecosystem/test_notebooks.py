"""The example notebooks run top to bottom (each asserts what it shows) in a fresh kernel."""

import os
from pathlib import Path

import pytest

import recloop

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("xarray")
pytest.importorskip("ema_workbench")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_the_three_examples_are_there():
    assert {p.stem for p in NOTEBOOKS} >= {"forecast", "policy-comparison", "sensitivity"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # the kernel imports the recloop this test imports (the kernel runs in tmp_path: no relative paths)
    here = str(Path(recloop.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(path, as_version=4)
    # no per-cell wall-clock limit (a loaded CI machine is slow, not stuck); the kernel's own errors fail the test
    client = nbclient.NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("text/html" in o.get("data", {}) for o in outputs)  # the results' _repr_html_ shows
