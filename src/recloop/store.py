"""The run catalog: every run (engine, reference model, lab experiment, study) is recorded so that
``recloop runs`` can list it a year later, from any working directory.

**Where.** ``$RECLOOP_HOME`` when set; otherwise ``$XDG_DATA_HOME/recloop`` (by default
``~/.local/share/recloop``), never a folder relative to the working directory. Runs write their
folders under the home unless given ``--out``.

**Many processes at once.** Each run has its own record, ``HOME/catalog/RUN_ID.json``, written
atomically (temporary file, fsync, rename) by the one process that owns the run; ``list_runs``
merges the records on read. No process ever waits on another's database lock, so any number of
runs can share one home. A record is a JSON object with the columns of :data:`COLUMNS`.

**Lifecycle.** ``status`` is one of :data:`STATUSES`: ``running`` while the process that owns the
run holds its folder's lock; ``done``; ``interrupted`` (Ctrl-C, SIGTERM, or a process that died:
a ``running`` record whose folder lock nobody holds is reported as ``interrupted``); ``failed``
(an error, with its reason); ``refused`` (input found bad once the run had started; its folder
is removed). Input refused before a run starts leaves neither a folder nor a record.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

from recloop.params import RecloopInputError

__all__ = ["COLUMNS", "STATUSES", "catalog_path", "default_home", "get_run", "home", "list_runs", "new_run_id",
           "record_run", "update_run", "atomic_write"]

STATUSES = ("running", "done", "interrupted", "failed", "refused")
COLUMNS = ("run_id", "kind", "name", "policy", "created", "updated", "status", "reason", "samples", "seed",
           "out_dir", "pid", "provenance", "inputs", "summary")


def default_home() -> Path:
    """``$XDG_DATA_HOME/recloop``, or ``~/.local/share/recloop``: the same from any folder."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "recloop"


def home() -> Path:
    """The folder holding the catalog and (by default) the run folders: ``$RECLOOP_HOME`` or
    :func:`default_home`, made absolute so that a record names the same folder from anywhere."""
    env = os.environ.get("RECLOOP_HOME")
    if env is not None and not env.strip():
        raise RecloopInputError(["RECLOOP_HOME: is set but empty; unset it or name a folder"])
    p = Path(env).expanduser() if env else default_home()
    if p.exists() and not p.is_dir():
        raise RecloopInputError([f"RECLOOP_HOME: {p} is a file, expected a folder"])
    return p.absolute()


def catalog_path() -> Path:
    """The folder of per-run records, ``HOME/catalog``."""
    return home() / "catalog"


def new_run_id(kind: str) -> str:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{kind}-{stamp}-{uuid.uuid4().hex[:6]}"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing: a temporary file beside it, fsync, rename. On any
    error the temporary file is removed and an ``OSError`` propagates (nothing half-written)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _record_file(run_id: str) -> Path:
    if not run_id or "/" in run_id or run_id.startswith("."):
        raise RecloopInputError([f"run_id: not a valid run id, got {run_id!r}"])
    return catalog_path() / f"{run_id}.json"


def _write(rec: dict[str, Any]) -> None:
    d = catalog_path()
    try:
        d.mkdir(parents=True, exist_ok=True)
        atomic_write(_record_file(rec["run_id"]), json.dumps(rec, indent=1, default=str).encode())
    except OSError as err:
        raise RecloopInputError([f"catalog: cannot write {d} ({err.strerror or err})"]) from None


def get_run(run_id: str) -> dict[str, Any] | None:
    """One run's record, or None."""
    try:
        return json.loads(_record_file(run_id).read_text())
    except (OSError, ValueError):
        return None


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
    status: str = "done",
    provenance: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Write one run's record (replacing an earlier one of the same id; ``created`` is kept).

    ``status="complete"`` is read as ``done`` (the older name)."""
    status = "done" if status == "complete" else status
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")  # programmer error
    old = get_run(run_id) or {}
    if provenance is None and not old.get("provenance"):
        from recloop.execute import provenance as _code_provenance  # the code, Python and dependencies

        provenance = _code_provenance()
    _write({
        "run_id": run_id, "kind": kind, "name": name, "policy": policy,
        "created": old.get("created") or _now(), "updated": _now(), "status": status, "reason": reason,
        "samples": samples, "seed": seed,
        "out_dir": str(Path(out_dir).absolute()) if out_dir is not None else None,
        "pid": os.getpid(), "provenance": provenance or old.get("provenance") or {},
        "inputs": inputs or {}, "summary": summary or {},
    })


def update_run(run_id: str, *, status: str, summary: dict[str, Any] | None = None, reason: str | None = None,
               **fields: Any) -> None:
    """Change a run's status (and summary, reason or other columns). Only the process that owns the
    run (holds its folder's lock) updates its record, so read-modify-write is safe."""
    status = "done" if status == "complete" else status
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    rec = get_run(run_id) or {"run_id": run_id, "created": _now()}
    rec.update(fields)
    rec.update(status=status, updated=_now(), reason=reason, pid=os.getpid())
    if summary is not None:
        rec["summary"] = summary
    _write(rec)


def _lock_held(out_dir: str | None) -> bool:
    """Whether some process holds the run folder's lock (see :mod:`recloop.execute`)."""
    from recloop.execute import folder_locked

    return folder_locked(Path(out_dir)) if out_dir else False


def list_runs(limit: int = 50, *, full: bool = False) -> list[dict[str, Any]]:
    """The most recent ``limit`` runs, newest first, merged from the per-run records.

    A ``running`` record whose folder nobody holds locked is returned as ``interrupted``: its
    process died (``kill -9``, power loss) without saying so. ``full=True`` includes inputs and
    summary."""
    d = catalog_path()
    if not d.is_dir():
        return []
    rows = []
    for f in d.glob("*.json"):
        try:
            rec = json.loads(f.read_text())
        except (OSError, ValueError):  # a record being replaced, or damaged: skipped, never fatal
            continue
        if not isinstance(rec, dict) or "run_id" not in rec:
            continue
        rows.append(rec)
    rows.sort(key=lambda r: (r.get("created") or "", r["run_id"]), reverse=True)
    out = []
    for rec in rows[: max(0, limit)]:
        if rec.get("status") == "running" and rec.get("kind") == "simulate" and not _lock_held(rec.get("out_dir")):
            rec = dict(rec, status="interrupted",
                       reason=rec.get("reason") or f"its process ended without finishing; `recloop resume {rec['run_id']}`")
        if not full:
            rec = {k: rec.get(k) for k in COLUMNS if k not in ("inputs", "summary")}
        out.append(rec)
    return out
