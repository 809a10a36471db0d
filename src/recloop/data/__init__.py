"""Measured data shipped with recloop: snapshots of public datasets, each with a sidecar.

Every dataset is two files in this folder: ``NAME.csv`` (only the columns kept, snake_case) and
``NAME.toml`` (title, source and how to cite it, licence, retrieval date, the repository, path and
commit it came from, and per column its source column, type, unit and meaning). Nothing is
fetched at run time; ``scripts/build_data_snapshots.py`` rebuilds the files from git mirrors.

:func:`load` validates both files and raises :class:`recloop.params.RecloopInputError` with one
line per problem (file, row, column, value and what is allowed) when either is malformed.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from recloop.params import RecloopInputError

__all__ = ["DATA_DIR", "ESTIMATE_FACTOR", "UNGRADED_AS", "Dataset", "catalog", "decimal_year", "estimate_sd_oom",
           "frontier_series", "load", "names"]

DATA_DIR = Path(str(resources.files("recloop") / "data"))
_TYPES = ("str", "float", "date", "bool")
_REQUIRED_META = ("name", "title", "source", "licence", "retrieved", "snapshot_date", "date_column", "rows",
                  "first_date", "last_date")
_REQUIRED_COLUMN = ("name", "source_column", "type", "unit", "doc")

#: Epoch AI grades each compute estimate in its models database (column ``Confidence``) by how far
#: it may be off: "Confident" within about a factor of 3, "Likely" within about 10x, "Speculative"
#: within about 30x (Epoch AI, "Data on AI Models" documentation, estimation: estimate confidence).
#: recloop reads each factor as the half-width of a 90% interval of a lognormal error, so the
#: error's sd is log10(factor) / 1.645 OOM (0.29 / 0.61 / 0.90). Cost and power estimates are built
#: from the same hardware count and training time, so they carry the grade of their model's
#: compute estimate.
ESTIMATE_FACTOR = {"Confident": 3.0, "Likely": 10.0, "Speculative": 30.0}
#: An estimate Epoch grades "Unknown" (or leaves blank) is read as "Likely" (assumption: the
#: middle grade; 2 of the 2019-2025 records, GPT-4 Turbo among them).
UNGRADED_AS = "Likely"
_Z90 = 1.6448536269514722  # standard-normal 95th percentile: a 90% interval is +-1.645 sd


def estimate_sd_oom(grades) -> np.ndarray:
    """The sd (OOM, log10) of the error of Epoch estimates with the given confidence grades."""
    return np.array([math.log10(ESTIMATE_FACTOR.get(str(g), ESTIMATE_FACTOR[UNGRADED_AS])) / _Z90 for g in grades],
                    dtype=np.float64)


@dataclass(frozen=True)
class Dataset:
    """One validated snapshot: its sidecar (``meta``) and its columns as arrays.

    ``columns[name]`` is a numpy array: float64 for ``float`` (NaN where an optional cell is
    empty), ``bool`` for ``bool``, and ``object`` (str) for ``str``; a ``date`` column holds
    ISO strings, and :attr:`years` is the date column as decimal years."""

    name: str
    meta: dict[str, Any]
    columns: dict[str, np.ndarray]
    years: np.ndarray = field(repr=False)

    @property
    def rows(self) -> int:
        return int(self.years.size)

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self.columns:
            raise RecloopInputError([f"data {self.name}: no column '{column}'; columns: {', '.join(self.columns)}"])
        return self.columns[column]


def decimal_year(day: str | _dt.date) -> float:
    """2024-07-02 -> 2024.5 (day of year / days in year)."""
    d = _dt.date.fromisoformat(day) if isinstance(day, str) else day
    start = _dt.date(d.year, 1, 1)
    length = (_dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / length


def names(folder: Path | None = None) -> list[str]:
    """The datasets in ``folder`` (default: the shipped ones), by sidecar name."""
    folder = DATA_DIR if folder is None else Path(folder)
    return sorted(p.stem for p in folder.glob("*.toml"))


def _read_meta(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise RecloopInputError([f"{path}: no such sidecar file"])
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RecloopInputError([f"{path}: not valid TOML ({err})"]) from None
    except UnicodeDecodeError:
        raise RecloopInputError([f"{path}: not a UTF-8 text file"]) from None
    problems = [f"{path}: missing key '{k}'" for k in _REQUIRED_META if k not in meta]
    origin = meta.get("origin")
    if not isinstance(origin, dict) or not all(isinstance(origin.get(k), str) and origin.get(k)
                                               for k in ("repo", "path", "commit")):
        problems.append(f"{path}: [origin] must give repo, path and commit (where the snapshot came from)")
    cols = meta.get("columns")
    if not isinstance(cols, list) or not cols:
        problems.append(f"{path}: [[columns]] must list the columns kept")
        cols = []
    for i, c in enumerate(cols):
        missing = [k for k in _REQUIRED_COLUMN if k not in c]
        if missing:
            problems.append(f"{path}: columns[{i}]: missing {', '.join(missing)}")
        elif c["type"] not in _TYPES:
            problems.append(f"{path}: columns[{i}].type: must be one of {', '.join(_TYPES)}, got {c['type']!r}")
    if cols and "date_column" in meta and meta["date_column"] not in [c.get("name") for c in cols]:
        problems.append(f"{path}: date_column '{meta['date_column']}' is not one of the columns")
    if "rows" in meta and (not isinstance(meta["rows"], int) or meta["rows"] < 1):
        problems.append(f"{path}: rows must be a positive integer, got {meta['rows']!r}")
    if problems:
        raise RecloopInputError(problems)
    return meta


def _parse(value: str, kind: str) -> Any:
    if kind == "str":
        return value
    if kind == "float":
        v = float(value)
        if not math.isfinite(v):
            raise ValueError
        return v
    if kind == "bool":
        if value not in ("true", "false"):
            raise ValueError
        return value == "true"
    _dt.date.fromisoformat(value)  # date
    return value


_ALLOWED = {"str": "text", "float": "a finite number", "bool": "true or false", "date": "an ISO date YYYY-MM-DD"}


def load(name: str, folder: Path | None = None) -> Dataset:
    """Load and validate the dataset ``name`` (see :func:`names`) from ``folder``."""
    folder = DATA_DIR if folder is None else Path(folder)
    known = names(folder)
    if name not in known:
        raise RecloopInputError([f"data: unknown dataset '{name}'; shipped: {', '.join(known)}"])
    side, table = folder / f"{name}.toml", folder / f"{name}.csv"
    meta = _read_meta(side)
    decl = meta["columns"]
    if meta["name"] != name:
        raise RecloopInputError([f"{side}: name must be '{name}' (the file's stem), got {meta['name']!r}"])
    if not table.exists():
        raise RecloopInputError([f"{table}: no such data file (its sidecar {side.name} exists)"])
    try:
        text = table.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RecloopInputError([f"{table}: not a UTF-8 text file"]) from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    want = [c["name"] for c in decl]
    if header != want:
        raise RecloopInputError([f"{table}: header must be exactly the sidecar's columns {want}, got {header}"])
    values: dict[str, list] = {c: [] for c in want}
    problems: list[str] = []
    n = 0
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        n += 1
        if len(row) != len(want):
            problems.append(f"{table}: line {line}: {len(row)} fields, expected {len(want)}")
            continue
        for c, cell in zip(decl, row):
            if cell == "":
                if c.get("required", True):
                    problems.append(f"{table}: line {line}, column {c['name']}: empty, but the column is required")
                values[c["name"]].append(None)
                continue
            try:
                values[c["name"]].append(_parse(cell, c["type"]))
            except ValueError:
                problems.append(f"{table}: line {line}, column {c['name']}: must be {_ALLOWED[c['type']]}, got {cell!r}")
                values[c["name"]].append(None)
        if len(problems) >= 20:
            break
    if problems:
        raise RecloopInputError(problems[:20])
    if n != meta["rows"]:
        raise RecloopInputError([f"{table}: {n} data rows, but the sidecar says rows = {meta['rows']}"])
    cols: dict[str, np.ndarray] = {}
    for c in decl:
        v = values[c["name"]]
        if c["type"] == "float":
            cols[c["name"]] = np.array([np.nan if x is None else x for x in v], dtype=np.float64)
        elif c["type"] == "bool":
            cols[c["name"]] = np.array([bool(x) for x in v], dtype=bool)
        else:
            cols[c["name"]] = np.array(["" if x is None else x for x in v], dtype=object)
    dates = cols[meta["date_column"]]
    lo, hi = (min(dates), max(dates)) if n else ("", "")
    if (lo, hi) != (str(meta["first_date"]), str(meta["last_date"])):
        raise RecloopInputError([f"{table}: dates span {lo} .. {hi}, but the sidecar says "
                                 f"{meta['first_date']} .. {meta['last_date']}"])
    years = np.array([decimal_year(d) for d in dates], dtype=np.float64)
    return Dataset(name=name, meta=meta, columns=cols, years=years)


def catalog(folder: Path | None = None) -> list[dict[str, Any]]:
    """One row per shipped dataset: name, title, source, licence, rows, date range, origin."""
    out = []
    for name in names(folder):
        d = load(name, folder)
        m = d.meta
        out.append({"name": name, "title": m["title"], "source": m["source"], "licence": m["licence"],
                    "rows": d.rows, "first_date": m["first_date"], "last_date": m["last_date"],
                    "retrieved": m["retrieved"], "snapshot_date": m["snapshot_date"],
                    "origin": f"{m['origin']['repo']}:{m['origin']['path']}@{m['origin']['commit'][:12]}",
                    "columns": [c["name"] for c in m["columns"]]})
    return out


def frontier_series(years: np.ndarray, values: np.ndarray, *, since: float = -np.inf) -> tuple[np.ndarray, np.ndarray]:
    """The running record of a series: the points that set a new maximum when released.

    ``values`` must be finite where used; NaNs are skipped. Points before ``since`` count toward
    the record but are not returned (a hindcast from 2019 compares the records set after 2019).
    Of several records set on the same date only the largest is kept."""
    order = np.argsort(years, kind="stable")
    best = -np.inf
    ty: list[float] = []
    tv: list[float] = []
    for i in order:
        v = values[i]
        if not np.isfinite(v):
            continue
        if v > best:
            best = v
            if years[i] >= since:
                if ty and ty[-1] == years[i]:  # records set on the same day: the larger one
                    ty.pop()
                    tv.pop()
                ty.append(years[i])
                tv.append(v)
    return np.array(ty, dtype=np.float64), np.array(tv, dtype=np.float64)
