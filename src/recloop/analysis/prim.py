"""Scenario discovery with PRIM: boxes of parameter space where a policy fails.

The Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in high-dimensional
data"; used for scenario discovery by Bryant & Lempert 2010 and the EMA Workbench) starts from a
box holding every sampled world and repeatedly *peels* off the ``peel_alpha`` share of the
worlds in the box at the low or high end of one parameter, choosing the peel that raises the
share of cases of interest (failures) most, until the box would hold fewer than ``min_mass`` of
the worlds. Each box on this peeling trajectory has

* coverage: the share of all failures that fall in the box,
* density: the share of the worlds in the box that fail,
* mass: the share of all worlds in the box.

The chosen box is the first on the trajectory whose density reaches ``threshold`` (the most
coverage at that density), or the densest if none does; it is then *pasted*: a limit is widened
back by ``paste_alpha`` while the density does not fall. ``boxes > 1`` repeats on the worlds not
yet covered (the covering approach). Peeling by quantiles makes the boxes invariant to monotone
transforms of a parameter (log scales need no special care).

This is an implementation of the method, not a wrapper of the EMA Workbench; it omits the
Workbench's quasi-p-values and interactive trajectory inspection, which :mod:`recloop.ema` (the
``prim`` extra) makes available on recloop's experiments. On the same data its peeling trajectory
matches the Workbench's (``PRIMObjectiveFunctions.ORIGINAL``) to a world or two per peel
(tests/ecosystem/test_ema.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recloop.params import RecloopInputError

__all__ = ["Box", "PrimResult", "prim", "discover"]


@dataclass
class Box:
    """Limits (name -> (low, high), inclusive) and the box's statistics."""

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float
    n: int
    restricted: list[str] = field(default_factory=list)

    def contains(self, X: np.ndarray, names: list[str]) -> np.ndarray:
        inside = np.ones(X.shape[0], bool)
        for j, nm in enumerate(names):
            lo, hi = self.limits[nm]
            inside &= (X[:, j] >= lo) & (X[:, j] <= hi)
        return inside

    def to_dict(self) -> dict[str, Any]:
        return {"coverage": self.coverage, "density": self.density, "mass": self.mass, "n": self.n,
                "restricted": {k: list(self.limits[k]) for k in self.restricted}}


@dataclass
class PrimResult:
    """The peeling trajectory and the chosen (pasted) box of one PRIM search."""

    names: list[str]
    trajectory: list[Box]
    chosen: int
    box: Box
    base_density: float

    def to_dict(self) -> dict[str, Any]:
        return {"box": self.box.to_dict(), "chosen_step": self.chosen, "base_density": self.base_density,
                "trajectory": [{"coverage": b.coverage, "density": b.density, "mass": b.mass} for b in self.trajectory]}


def _stats(inside, y, n_total, n_pos, names, limits, full) -> Box:
    k = int(inside.sum())
    pos = int(y[inside].sum())
    restricted = [nm for nm in names if limits[nm] != full[nm]]
    return Box(dict(limits), pos / n_pos if n_pos else 0.0, pos / k if k else 0.0, k / n_total, k, restricted)


def _check(X, y, names, peel_alpha, paste_alpha, min_mass, threshold):
    problems = []
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        problems.append(f"X: must be (worlds, parameters) matching y, got {X.shape} and {y.shape}")
    elif X.shape[1] != len(names):
        problems.append(f"names: {len(names)} names for {X.shape[1]} columns")
    if X.size and not np.all(np.isfinite(X)):
        problems.append("X: parameter values must be finite")
    if not 0 < peel_alpha < 0.5:
        problems.append(f"peel_alpha: must be in (0, 0.5), got {peel_alpha}")
    if not 0 < paste_alpha < 0.5:
        problems.append(f"paste_alpha: must be in (0, 0.5), got {paste_alpha}")
    if not 0 < min_mass < 1:
        problems.append(f"--min-mass: must be in (0, 1), got {min_mass}")
    if not 0 < threshold <= 1:
        problems.append(f"--threshold: must be in (0, 1], got {threshold}")
    if problems:
        raise RecloopInputError(problems)


def prim(X: np.ndarray, y: np.ndarray, names: list[str], *, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
         min_mass: float = 0.05, threshold: float = 0.8, paste: bool = True) -> PrimResult:
    """Find one box where ``y`` (yes/no per world) is dense; see the module docstring."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=bool)
    names = list(names)
    _check(X, y, names, peel_alpha, paste_alpha, min_mass, threshold)
    n, d = X.shape
    n_pos = int(y.sum())
    if n_pos == 0:
        raise RecloopInputError(["--fail: no sampled world meets the criterion; nothing to discover"])
    full = {nm: (float(X[:, j].min()), float(X[:, j].max())) for j, nm in enumerate(names)}
    limits = dict(full)
    inside = np.ones(n, bool)
    traj = [_stats(inside, y, n, n_pos, names, limits, full)]
    while True:
        idx = np.flatnonzero(inside)
        k = idx.size
        best = None  # (density, -removed, j, side, cut)
        for j in range(d):
            x = X[idx, j]
            for side in (0, 1):
                q = np.quantile(x, peel_alpha if side == 0 else 1 - peel_alpha, method="linear")
                keep = x >= q if side == 0 else x <= q
                if keep.all():  # ties at the edge: peel the extreme value itself
                    edge = x.min() if side == 0 else x.max()
                    keep = x > edge if side == 0 else x < edge
                kk = int(keep.sum())
                if kk == k or kk < min_mass * n or kk == 0:
                    continue
                dens = y[idx[keep]].mean()
                cand = (dens, -(k - kk), j, side, float(x[keep].min() if side == 0 else x[keep].max()))
                if best is None or cand[:2] > best[:2]:
                    best = cand
        if best is None:
            break
        _, _, j, side, cut = best
        nm = names[j]
        lo, hi = limits[nm]
        limits[nm] = (cut, hi) if side == 0 else (lo, cut)
        inside = inside & ((X[:, j] >= cut) if side == 0 else (X[:, j] <= cut))
        traj.append(_stats(inside, y, n, n_pos, names, limits, full))
        if traj[-1].density >= 1.0:
            break
    ok = [i for i, b in enumerate(traj) if b.density >= threshold]
    chosen = ok[0] if ok else int(np.argmax([b.density for b in traj]))
    box = traj[chosen]
    if paste:
        box = _paste(X, y, names, box, full, paste_alpha, n, n_pos)
    return PrimResult(names, traj, chosen, box, n_pos / n)


def _paste(X, y, names, box, full, alpha, n, n_pos) -> Box:
    """Widen limits back while the density does not fall (Friedman & Fisher's pasting)."""
    limits = dict(box.limits)
    cur = box
    for _ in range(200):
        best = None
        inside = cur.contains(X, names)
        for j, nm in enumerate(names):
            lo, hi = limits[nm]
            if (lo, hi) == full[nm]:
                continue
            others = np.ones(n, bool)
            for jj, mm in enumerate(names):
                if jj != j:
                    a, b = limits[mm]
                    others &= (X[:, jj] >= a) & (X[:, jj] <= b)
            step = max(1, int(round(alpha * cur.n)))
            for side in (0, 1):
                if side == 0:
                    cand = np.sort(X[others & (X[:, j] < lo), j])[::-1]
                else:
                    cand = np.sort(X[others & (X[:, j] > hi), j])
                if cand.size == 0:
                    continue
                edge = float(cand[min(step, cand.size) - 1])
                new = (edge, hi) if side == 0 else (lo, edge)
                trial = others & (X[:, j] >= new[0]) & (X[:, j] <= new[1])
                dens = y[trial].mean()
                if dens >= cur.density and trial.sum() > inside.sum():
                    key = (dens, trial.sum())
                    if best is None or key > best[0]:
                        best = (key, nm, new, trial)
        if best is None:
            break
        _, nm, new, trial = best
        limits[nm] = new
        cur = _stats(trial, y, n, n_pos, names, limits, full)
    return cur


def discover(X: np.ndarray, y: np.ndarray, names: list[str], *, boxes: int = 1, **kw) -> list[PrimResult]:
    """Up to ``boxes`` PRIM boxes by covering: each next search runs on the worlds not yet boxed.
    Coverage and density are reported against all worlds and all failures."""
    if not 1 <= boxes <= 10:
        raise RecloopInputError([f"--boxes: must be in [1, 10], got {boxes}"])
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=bool)
    remaining = np.ones(X.shape[0], bool)
    out: list[PrimResult] = []
    n_pos = int(y.sum())
    for _ in range(boxes):
        if out and (remaining & y).sum() == 0:
            break
        r = prim(X[remaining], y[remaining], names, **kw)
        inside_all = r.box.contains(X, names) & remaining
        k = int(inside_all.sum())
        pos = int(y[inside_all].sum())
        r.box = Box(r.box.limits, pos / n_pos, pos / k if k else 0.0, k / X.shape[0], k, r.box.restricted)
        out.append(r)
        remaining &= ~inside_all
    return out
