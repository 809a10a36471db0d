"""Row bookkeeping shared by the engine and its mechanism modules: parameters picked at a
subset of rows, and per-row levers read at rows."""

from __future__ import annotations

import numpy as np

_KEYS: dict[tuple[str, ...], tuple[int, list[str]]] = {}


def keys(p, prefixes):
    """The parameter paths under ``prefixes`` (every scenario has the same paths: found once)."""
    hit = _KEYS.get(prefixes)
    if hit is None or hit[0] != len(p):
        hit = _KEYS[prefixes] = (len(p), [k for k in p if k.startswith(prefixes)])
    return hit[1]


def pick(p, prefixes, i):
    """The parameters under ``prefixes``, at rows ``i``."""
    return {k: p[k].take(i) for k in keys(p, prefixes)}


def at(v, i):
    """Rows ``i`` of a per-row quantity; a scalar (a lever the same for every row) as it is."""
    return v[i] if isinstance(v, np.ndarray) and v.ndim else v
