"""Labelled results: a run as an xarray Dataset, and NetCDF, CSV and Parquet files of it.

:func:`to_xarray` turns a :class:`recloop.engine.SimResult` into an ``xarray.Dataset`` over
``(sample, time[, actor])``:

* every outcome column of :mod:`recloop.outcomes` is a variable over ``sample`` (per-actor
  columns ``actor_<key>_<name>`` become ``actor_<key>`` over ``(sample, actor)``);
* every trajectory variable of :data:`recloop.engine.TRAJECTORY_VARS` is a variable over
  ``(sample, time)`` (named ``<var>_trajectory`` where an outcome has its name: ``p_catastrophe``) (per-actor grids over ``(sample, time, actor)``); a stored run keeps the
  trajectories of its first ``fan_samples`` samples only, and then they lie over
  ``(trajectory_sample, time)`` instead;
* the sampled inputs are coordinates along ``sample``, named by their parameter path
  (``compute.growth_oom_per_year``), with the unit, meaning and source of their declaration;
* each variable carries CF-style ``units`` and ``long_name`` attributes; ``status`` and
  ``binding_limit`` are small integers with CF ``flag_values`` / ``flag_meanings``; a censored
  date (not reached by the horizon) is NaN, as ``_FillValue`` in NetCDF.

:func:`write` saves such a Dataset as one NetCDF file, or as a folder of CSV or Parquet tables
(one per dimension group, plus ``variables.csv`` with every variable's dims, units and meaning,
and ``attributes.csv`` with the run's attributes); :func:`read` reads any of the three back into
the same Dataset. xarray and h5netcdf come with the ``export`` extra (``pip install
'recloop[export]'``): the base install stays lean for the CLI and the engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from recloop.params import RecloopInputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import xarray as xr

    from recloop.engine import SimResult

from recloop.engine import TRAJECTORY_UNITS as _TRAJECTORY_UNITS  # noqa: E402

__all__ = ["FORMATS", "OUTCOME_UNITS", "TRAJECTORY_UNITS", "load_run", "read", "to_xarray", "write"]

Format = Literal["netcdf", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("netcdf", "csv", "parquet")

#: Units of the report-grid variables: declared beside their meanings in the engine.
TRAJECTORY_UNITS = _TRAJECTORY_UNITS

#: Units of the outcome columns whose unit the name does not tell (see :func:`outcome_units`).
OUTCOME_UNITS: dict[str, str] = {
    "takeoff_days": "d",
    "years_in_one_year": "yr/yr",
    "peak_oom_per_year": "OOM/yr",
    "capability_at_takeoff_start": "OOM",
    "gap_at_takeoff_start": "OOM",
    "gap_at_superhuman": "OOM",
    "final_gap_oom": "OOM",
    "final_effective_compute": "log10(FLOP)",
    "final_verified_capability": "log10(FLOP)",
    "final_compute_flops": "log10(FLOP/s)",
    "peak_power_gw": "GW",
    "capability": "log10(FLOP)",  # actor_capability
    "output_lost": "share-years",
    "sanction_cost": "share-years",
}

_FLAGS = {"status": "STATUS", "binding_limit": "LIMIT_NAMES"}
_TIME_UNITS = "yr"  # years after the scenario's start (the calendar year is the `year` coordinate)


def outcome_units(name: str) -> str:
    """The unit of an outcome column (an ``actor_<key>`` variable takes its key's unit)."""
    if name in OUTCOME_UNITS:
        return OUTCOME_UNITS[name]
    if name.startswith("t_") or name.endswith("_years") or name in ("takeoff_years", "years_paused", "years_gated"):
        return _TIME_UNITS
    return "1"  # fractions, probabilities, shares, counts and flags


def _trajectory_name(var: str, outcomes) -> str:
    """A trajectory's variable name: its own, or ``<var>_trajectory`` where an outcome column has
    that name (``p_catastrophe`` is both the final probability and its path)."""
    return f"{var}_trajectory" if var in outcomes else var


def _flag_names(name: str) -> tuple[str, ...]:
    if name == "status":
        from recloop.engine import STATUS

        return tuple(STATUS)
    from recloop.mechanisms.physical import LIMIT_NAMES

    return tuple(LIMIT_NAMES)


def _require_xarray():
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - depends on the install
        raise RecloopInputError(["export: needs xarray and h5netcdf; install them with pip install 'recloop[export]'"]) from None
    return xr


def _outcome_doc(name: str) -> str:
    from recloop.outcomes import COLUMNS

    return COLUMNS.get(name, name)


def to_xarray(result: SimResult, *, run_id: str = "") -> xr.Dataset:
    """A labelled Dataset of ``result`` (see the module docstring for its layout)."""
    xr = _require_xarray()
    from recloop import __version__
    from recloop.engine import TRAJECTORY_VARS
    from recloop.governance.actors import ACTOR_COLUMNS
    from recloop.scenario import market_specs, scenario_specs

    O = result.outcomes
    actors = [a.name for a in result.scenario.actors]
    sample = np.asarray(O["sample"], dtype=np.int64)
    data_vars: dict[str, Any] = {}
    coords: dict[str, Any] = {
        "sample": ("sample", sample, {"long_name": "global sample index; sample i depends only on (seed, i)"}),
        "time": ("time", np.asarray(result.times, dtype=np.float64),
                 {"units": _TIME_UNITS, "long_name": "years after the scenario's start"}),
        "year": ("time", result.scenario.start_year + np.asarray(result.times, dtype=np.float64),
                 {"units": "year", "long_name": "calendar year (decimal)"}),
    }
    if actors:
        coords["actor"] = ("actor", np.array(actors, dtype=object), {"long_name": "actor name (scenario [[actors]])"})

    # outcomes over sample, per-actor outcomes over (sample, actor)
    per_actor: dict[str, list[np.ndarray]] = {}
    suffixes = [f"_{a}" for a in actors]
    for name, v in O.items():
        if name == "sample" or name.startswith("in:"):
            continue
        key = None
        if name.startswith("actor_") and actors:
            for key_ in ACTOR_COLUMNS:
                if any(name == f"actor_{key_}{s}" for s in suffixes):
                    key = key_
                    break
        if key is not None:
            per_actor.setdefault(key, [None] * len(actors))  # type: ignore[list-item]
            per_actor[key][[name == f"actor_{key}{s}" for s in suffixes].index(True)] = np.asarray(v)
            continue
        attrs: dict[str, Any] = {"long_name": _outcome_doc(name), "units": outcome_units(name)}
        if name in _FLAGS:
            names = _flag_names(name)
            attrs = {"long_name": _outcome_doc(name), "flag_values": np.arange(len(names), dtype=np.int8),
                     "flag_meanings": " ".join(names)}
            data_vars[name] = ("sample", np.asarray(v, dtype=np.int8), attrs)
        else:
            data_vars[name] = ("sample", np.asarray(v), attrs)
    for key, cols in per_actor.items():
        data_vars[f"actor_{key}"] = (("sample", "actor"), np.stack(cols, axis=1),
                                     {"long_name": ACTOR_COLUMNS[key], "units": outcome_units(key)})

    # trajectories
    traj = result.trajectories
    k = next(iter(traj.values())).shape[0] if traj else 0
    tdim = "sample" if k == sample.size else "trajectory_sample"
    if traj and tdim == "trajectory_sample":
        coords["trajectory_sample"] = ("trajectory_sample", sample[:k],
                                       {"long_name": "samples whose trajectories the run kept (its first fan_samples)"})
    per_actor_traj: dict[str, list[np.ndarray]] = {}
    for name, g in traj.items():
        if ":" in name:  # actor_<var>:<actor name>
            var, who = name.split(":", 1)
            per_actor_traj.setdefault(var, [None] * len(actors))  # type: ignore[list-item]
            per_actor_traj[var][actors.index(who)] = g
            continue
        data_vars[_trajectory_name(name, O)] = ((tdim, "time"), g, {"long_name": TRAJECTORY_VARS.get(name, name),
                                                                   "units": TRAJECTORY_UNITS.get(name, "1")})
    for var, grids in per_actor_traj.items():
        base = var.removeprefix("actor_")
        data_vars[var] = ((tdim, "time", "actor"), np.stack(grids, axis=2),
                          {"long_name": f"{TRAJECTORY_VARS.get(base, base)} (each actor)",
                           "units": TRAJECTORY_UNITS.get(base, "1")})

    # sampled inputs as coordinates along sample, labelled from their declarations
    decl = {sp.path: sp for sp in scenario_specs() + market_specs()}
    for name, v in O.items():
        if not name.startswith("in:"):
            continue
        path = name[3:]
        sp = decl.get(path)
        attrs = {"long_name": sp.doc, "units": sp.unit, "source": sp.source} if sp else {"long_name": path}
        coords[path] = ("sample", np.asarray(v, dtype=np.float64), {**attrs, "kind": "sampled input"})

    run_attrs: dict[str, Any] = {
        "Conventions": "CF-1.10",
        "title": f"recloop run: scenario {result.scenario.name}, policy {result.policy.name}",
        "source": f"recloop {__version__}",
        "run_id": run_id or str(result.meta.get("run_id", "")),
        "scenario": result.scenario.name,
        "policy": result.policy.name,
        "seed": int(result.seed),
        "years": float(result.years),
        "start_year": float(result.scenario.start_year),
        "samples": int(sample.size),
    }
    for key in ("report_every", "method", "chunk_size", "fan_samples"):
        if key in result.meta:
            run_attrs[key] = result.meta[key]
    return xr.Dataset(data_vars, coords=coords, attrs=run_attrs)


# --------------------------------------------------------------------------- stored runs


def load_run(run: str | Path) -> SimResult:
    """A finished run (its id in the catalog, or its folder) as a SimResult: every sample's
    outcomes and sampled inputs, and the trajectories of its first ``fan_samples`` samples."""
    import pyarrow.parquet as pq

    from recloop import execute

    plan = execute.load_plan(execute.find_run_dir(str(run)))
    out = Path(plan.out_dir)
    if not (out / "outcomes.parquet").exists():
        raise RecloopInputError([f"run: {plan.run_id} is not finished (no outcomes.parquet); "
                                 f"run `recloop resume {plan.run_id}` first"])
    result = execute._light_result(plan)
    f = pq.ParquetFile(out / "outcomes.parquet")
    inputs = [n for n in f.schema_arrow.names if n.startswith("in:")]
    t = f.read(columns=inputs)
    for name in inputs:
        result.outcomes[name] = t.column(name).to_numpy().astype(np.float64)
    result.meta["run_id"] = plan.run_id
    return result


# --------------------------------------------------------------------------- files


def _groups(ds: xr.Dataset) -> dict[str, list[str]]:
    """Variables and non-index coordinates, by the dims they lie over (one table each)."""
    out: dict[str, list[str]] = {}
    for name in list(ds.coords) + list(ds.data_vars):
        v = ds[name]
        if name in ds.dims:  # index coordinates are the tables' keys
            continue
        out.setdefault("-".join(map(str, v.dims)), []).append(str(name))
    return out


_TABLE = {"sample": "samples", "sample-actor": "actors", "sample-time": "trajectories",
          "trajectory_sample-time": "trajectories", "sample-time-actor": "actor_trajectories",
          "trajectory_sample-time-actor": "actor_trajectories", "time": "times"}


def _frames(ds: xr.Dataset) -> dict[str, pd.DataFrame]:
    frames = {}
    for dims, names in _groups(ds).items():
        sub = ds[names]
        for n in names:  # flags as their meanings: a spreadsheet shows "ok", not 0
            if "flag_meanings" in ds[n].attrs:
                meanings = np.array(ds[n].attrs["flag_meanings"].split())
                sub[n] = (ds[n].dims, meanings[ds[n].values.astype(int)])
        frames[_TABLE.get(dims, dims)] = sub.reset_coords().to_dataframe()[names].reset_index()
    return frames


def _variables_table(ds: xr.Dataset) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for name in list(ds.coords) + list(ds.data_vars):
        v = ds[name]
        a = dict(v.attrs)
        rows.append({
            "name": str(name), "role": "coordinate" if name in ds.coords else "variable",
            "dims": " ".join(map(str, v.dims)), "dtype": str(v.dtype) if v.dtype != object else "str",
            "units": a.pop("units", ""), "long_name": a.pop("long_name", ""),
            "attrs": json.dumps({k: (x.tolist() if isinstance(x, np.ndarray) else x) for k, x in a.items()}),
        })
    return pd.DataFrame(rows)


def write(ds: xr.Dataset, path: str | Path, *, format: Format = "netcdf") -> Path:
    """Save ``ds`` as a NetCDF-4 file (``path``) or as a folder of CSV / Parquet tables."""
    if format not in FORMATS:
        raise RecloopInputError([f"--format: must be one of {', '.join(FORMATS)}, got {format!r}"])
    path = Path(path)
    if format == "netcdf":
        _require_xarray()
        path.parent.mkdir(parents=True, exist_ok=True)
        enc: dict[str, dict[str, Any]] = {}
        for name in map(str, list(ds.data_vars) + list(ds.coords)):
            if ds[name].dtype == object:
                enc[name] = {"dtype": str}
            elif ds[name].dtype.kind == "f":
                enc[name] = {"_FillValue": np.nan}
        ds.to_netcdf(path, engine="h5netcdf", encoding=enc, invalid_netcdf=False)
        return path
    import pandas as pd

    path.mkdir(parents=True, exist_ok=True)
    frames = _frames(ds)
    frames["variables"] = _variables_table(ds)
    frames["attributes"] = pd.DataFrame(
        {"name": list(ds.attrs), "value": [json.dumps(_plain(v)) for v in ds.attrs.values()]})
    for table, df in frames.items():
        if format == "csv":
            df.to_csv(path / f"{table}.csv", index=False)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            t = pa.Table.from_pandas(df, preserve_index=False)
            if table not in ("variables", "attributes"):
                units = {str(n): ds[n].attrs for n in df.columns if n in ds.variables}
                t = t.cast(pa.schema([f.with_metadata({"units": units.get(f.name, {}).get("units", ""),
                                                       "long_name": units.get(f.name, {}).get("long_name", "")})
                                      for f in t.schema]))
            pq.write_table(t, path / f"{table}.parquet")
    return path


def _plain(x):
    return x.tolist() if isinstance(x, np.ndarray) else (x.item() if isinstance(x, np.generic) else x)


def read(path: str | Path) -> xr.Dataset:
    """Read what :func:`write` wrote (a NetCDF file, or a CSV or Parquet folder) into a Dataset."""
    xr = _require_xarray()
    path = Path(path)
    if path.is_file():
        ds = xr.load_dataset(path, engine="h5netcdf")
        for name in ds.variables:  # h5netcdf reads the flag values back as an array
            if "flag_values" in ds[name].attrs:
                ds[name].attrs["flag_values"] = np.asarray(ds[name].attrs["flag_values"], dtype=np.int8)
        return ds
    import pandas as pd

    ext = "csv" if (path / "variables.csv").exists() else "parquet"
    if not (path / f"variables.{ext}").exists():
        raise RecloopInputError([f"export: {path} is neither a NetCDF file nor a folder written by recloop export"])

    def load(table: str) -> pd.DataFrame:
        f = path / f"{table}.{ext}"
        return pd.read_csv(f, keep_default_na=False, na_values=[""]) if ext == "csv" else pd.read_parquet(f)

    variables = load("variables")
    meta = {r["name"]: r for r in variables.to_dict("records")}
    index_dims = {}
    for r in meta.values():  # index coordinates: their values come from the tables' key columns
        if r["role"] == "coordinate" and r["dims"] == r["name"]:
            index_dims[r["name"]] = r
    data_vars: dict[str, Any] = {}
    coords: dict[str, Any] = {}
    index_values: dict[str, np.ndarray] = {}
    by_dims: dict[str, list[dict]] = {}
    for r in meta.values():
        if r["name"] not in index_dims:
            by_dims.setdefault(r["dims"], []).append(r)
    for dims_s, rows in by_dims.items():
        dims = dims_s.split(" ")
        df = load(_TABLE.get("-".join(dims), "-".join(dims))).set_index(dims)
        for d in dims:
            index_values.setdefault(d, df.index.get_level_values(d).unique().to_numpy())
        shape = tuple(len(index_values[d]) for d in dims)
        for r in rows:
            values = df[r["name"]].to_numpy()
            attrs = _attrs(r)
            if "flag_meanings" in attrs:
                lookup = {m: i for i, m in enumerate(attrs["flag_meanings"].split())}
                values = np.array([lookup[m] for m in values], dtype=np.int8)
            elif r["dtype"] == "str":
                values = values.astype(object)
            else:
                values = values.astype(r["dtype"])
            var = (dims, values.reshape(shape), attrs)
            (coords if r["role"] == "coordinate" else data_vars)[r["name"]] = var
    for d, r in index_dims.items():
        vals = index_values[d]
        coords[d] = (d, vals.astype(object) if r["dtype"] == "str" else vals.astype(r["dtype"]), _attrs(r))
    attrs_df = load("attributes")
    attrs = {r["name"]: json.loads(r["value"]) for r in attrs_df.to_dict("records")}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _attrs(row: dict) -> dict:
    a: dict[str, Any] = {}
    if row["units"] not in ("", None) and not (isinstance(row["units"], float) and np.isnan(row["units"])):
        a["units"] = str(row["units"])
    if row["long_name"] not in ("", None) and not (isinstance(row["long_name"], float) and np.isnan(row["long_name"])):
        a["long_name"] = str(row["long_name"])
    extra = json.loads(row["attrs"]) if isinstance(row["attrs"], str) else {}
    if "flag_values" in extra:
        extra["flag_values"] = np.asarray(extra["flag_values"], dtype=np.int8)
    return {**a, **extra}


def export_run(run: str | Path, out: str | Path | None = None, *, format: Format = "netcdf") -> Path:
    """``recloop export``: a finished run written as NetCDF (``RUN/run.nc`` by default), or as CSV
    or Parquet tables (``RUN/export-csv/``, ``RUN/export-parquet/``)."""
    if format not in FORMATS:
        raise RecloopInputError([f"--format: must be one of {', '.join(FORMATS)}, got {format!r}"])
    from recloop import execute

    result = load_run(run)
    if out is None:
        out = execute.find_run_dir(str(run)) / ("run.nc" if format == "netcdf" else f"export-{format}")
    return write(to_xarray(result), out, format=format)


def register(app) -> None:
    """Add ``recloop export`` to the main app."""
    import typer

    @app.command("export")
    def export_cmd(
        run: str = typer.Argument(..., help="Run id (see `recloop runs`) or run folder."),
        format: str = typer.Option("netcdf", "--format", help="netcdf (one file), csv or parquet (a folder of tables)."),
        out: Path | None = typer.Option(None, "--out", help="Where to write. Default: RUN/run.nc or RUN/export-FORMAT/."),
    ):
        """Write a finished run as a labelled (sample, time[, actor]) dataset: NetCDF, CSV or Parquet.

        Every variable carries its units and meaning; the sampled inputs are coordinates.
        """
        path = export_run(run, out, format=format)  # type: ignore[arg-type]
        typer.echo(f"wrote {path}")
