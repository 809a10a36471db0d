"""The run catalog: every run (engine, reference model, lab experiment, study) is recorded in a
DuckDB table so that ``recloop runs`` can list it a year later.

The catalog lives at ``$RECLOOP_HOME/catalog.duckdb`` (default ``./recloop-out``).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["catalog_path", "home", "list_runs", "new_run_id", "record_run", "update_run"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR,          -- 'simulate', 'reference', 'lab', 'compare', 'sensitivity', ...
    name VARCHAR,          -- scenario / model / experiment name
    policy VARCHAR,
    created VARCHAR,       -- ISO timestamp (UTC)
    status VARCHAR,        -- 'running', 'complete', 'failed'
    samples BIGINT,
    seed BIGINT,
    out_dir VARCHAR,
    inputs JSON,
    summary JSON
)
"""


def home() -> Path:
    return Path(os.environ.get("RECLOOP_HOME", "recloop-out"))


def catalog_path() -> Path:
    return home() / "catalog.duckdb"


def new_run_id(kind: str) -> str:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{kind}-{stamp}-{uuid.uuid4().hex[:6]}"


def _connect() -> duckdb.DuckDBPyConnection:
    path = catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(_SCHEMA)
    return con


def record_run(
    run_id: str,
    *,
    kind: str,
    name: str,
    out_dir: str | Path | None = None,
    policy: str | None = None,
    samples: int | None = None,
    seed: int | None = None,
    inputs: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
    status: str = "complete",
) -> None:
    """Insert or replace one run's row."""
    con = _connect()
    try:
        con.execute(
            "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                kind,
                name,
                policy,
                _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                status,
                samples,
                seed,
                str(out_dir) if out_dir is not None else None,
                json.dumps(inputs or {}, default=str),
                json.dumps(summary or {}, default=str),
            ],
        )
    finally:
        con.close()


def update_run(run_id: str, *, status: str, summary: dict[str, Any] | None = None) -> None:
    con = _connect()
    try:
        if summary is None:
            con.execute("UPDATE runs SET status = ? WHERE run_id = ?", [status, run_id])
        else:
            con.execute(
                "UPDATE runs SET status = ?, summary = ? WHERE run_id = ?",
                [status, json.dumps(summary, default=str), run_id],
            )
    finally:
        con.close()


def list_runs(limit: int = 50) -> list[dict[str, Any]]:
    if not catalog_path().exists():
        return []
    con = _connect()
    try:
        rows = con.execute(
            "SELECT run_id, kind, name, policy, created, status, samples, seed, out_dir "
            "FROM runs ORDER BY created DESC LIMIT ?",
            [limit],
        ).fetchall()
        cols = ["run_id", "kind", "name", "policy", "created", "status", "samples", "seed", "out_dir"]
        return [dict(zip(cols, r)) for r in rows]
    finally:
        con.close()
