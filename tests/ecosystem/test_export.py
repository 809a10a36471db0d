"""Labelled exports: a run read back from NetCDF, CSV and Parquet gives the same numbers and units."""

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

xr = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")

from recloop import export  # noqa: E402
from recloop.cli import _register_all, app  # noqa: E402
from recloop.engine import TRAJECTORY_VARS, simulate  # noqa: E402
from recloop.outcomes import COLUMNS  # noqa: E402
from recloop.params import RecloopInputError  # noqa: E402
from recloop.scenario import load_scenario, scenario_specs  # noqa: E402


@pytest.fixture(scope="module")
def two_firm():
    return simulate(load_scenario("two-firm"), samples=8, years=4, seed=2)


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path / "home"))
    return tmp_path


def test_dataset_layout_carries_declared_units_and_meanings(two_firm):
    ds = export.to_xarray(two_firm, run_id="r1")
    assert dict(ds.sizes) == {"sample": 8, "time": two_firm.times.size, "actor": 2}
    assert list(ds["actor"].values) == [a.name for a in two_firm.scenario.actors]
    for var, doc in TRAJECTORY_VARS.items():
        name = f"{var}_trajectory" if var in two_firm.outcomes else var  # p_catastrophe is both
        assert ds[name].dims == ("sample", "time") and ds[name].attrs["long_name"] == doc
        assert ds[name].attrs["units"] == export.TRAJECTORY_UNITS[var]
        np.testing.assert_array_equal(ds[name].values, two_firm.trajectories[var])
    np.testing.assert_array_equal(ds["p_catastrophe"].values, two_firm.outcomes["p_catastrophe"])
    assert ds["actor_effective_compute"].dims == ("sample", "time", "actor")
    # per-actor grids are the engine's, placed by actor name
    name_b = two_firm.scenario.actors[1].name
    np.testing.assert_array_equal(ds["actor_effective_compute"].values[:, :, 1],
                                  two_firm.trajectories[f"actor_effective_compute:{name_b}"])
    np.testing.assert_array_equal(ds["actor_share"].sel(actor=name_b).values, two_firm.outcomes[f"actor_share_{name_b}"])
    assert ds["takeoff_days"].attrs == {"long_name": COLUMNS["takeoff_days"], "units": "d"}
    assert ds["t_superhuman"].attrs["units"] == "yr"
    assert ds["status"].attrs["flag_meanings"] == "ok diverged step_budget"
    # the sampled inputs are coordinates with their declaration's unit and source
    spec = {s.path: s for s in scenario_specs()}["compute.initial_training_flop"]
    c = ds.coords["compute.initial_training_flop"]
    assert c.dims == ("sample",) and c.attrs["units"] == spec.unit == "FLOP" and c.attrs["source"] == spec.source
    np.testing.assert_array_equal(c.values, two_firm.outcomes["in:compute.initial_training_flop"])
    np.testing.assert_array_equal(ds["year"].values, two_firm.scenario.start_year + two_firm.times)
    assert ds.attrs["run_id"] == "r1" and ds.attrs["seed"] == 2


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format_reads_back_identical(two_firm, tmp_path, fmt):
    ds = export.to_xarray(two_firm, run_id="r1")
    path = export.write(ds, tmp_path / ("r.nc" if fmt == "netcdf" else fmt), format=fmt)
    back = export.read(path)
    xr.testing.assert_identical(ds, back)  # values, dims, coordinates, units, long names, attributes


def test_cli_export_round_trip_matches_the_stored_outcomes(home):
    _register_all()
    out = home / "run"
    r = CliRunner().invoke(app, ["run", "baseline", "--samples", "30", "--years", "5", "--seed", "4",
                                 "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    stored = pq.read_table(out / "outcomes.parquet").to_pandas()
    for fmt in ("netcdf", "csv"):
        r = CliRunner().invoke(app, ["export", str(out), "--format", fmt])
        assert r.exit_code == 0, r.output
        back = export.read(out / ("run.nc" if fmt == "netcdf" else "export-csv"))
        np.testing.assert_array_equal(back["sample"].values, stored["sample"].to_numpy())
        for col in ("t_superhuman", "takeoff_days", "p_catastrophe", "final_fidelity"):
            np.testing.assert_array_equal(back[col].values, stored[col].to_numpy(dtype=float, na_value=np.nan))
        for col in (c for c in stored.columns if c.startswith("in:")):
            np.testing.assert_array_equal(back[col[3:]].values, stored[col].to_numpy())
        np.testing.assert_array_equal(np.array(["ok", "diverged"])[back["status"].values], stored["status"].to_numpy())
        assert back["takeoff_days"].attrs["units"] == "d" and back["effective_compute"].attrs["units"] == "log10(FLOP)"
        assert back.attrs["run_id"] == json.loads((out / "summary.json").read_text())["run_id"]
    # the CSV folder is for spreadsheets: one row per sample, flags spelt out, units in variables.csv
    header = (out / "export-csv" / "samples.csv").read_text().splitlines()[0].split(",")
    assert header[0] == "sample" and "takeoff_days" in header
    assert "ok" in (out / "export-csv" / "samples.csv").read_text()


def test_export_refuses_bad_format_and_unknown_run(home):
    _register_all()
    r = CliRunner().invoke(app, ["export", str(home), "--format", "xlsx"])
    assert r.exit_code != 0
    with pytest.raises(RecloopInputError, match="--format: must be one of netcdf, csv, parquet, got 'xlsx'"):
        export.export_run(home, format="xlsx")
    with pytest.raises(RecloopInputError, match="run: "):
        export.export_run("no-such-run")
