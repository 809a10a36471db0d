"""Fit the engine's collapse law to a character-model sweep and write it as a scenario fragment.

The engine's law (deficit ``e_n`` = fractional increase in held-out loss over a real-data model;
real fraction ``p``; accumulation ``a``; curation ``c``):

    replace:    e_{n+1} = (1 - p) (e_n + kappa (1 - c))
    accumulate: e_{n+1} = e_n + (1 - p) kappa (1 - c) / (n + 1)^2

``kappa`` is fitted to the replace, p = 0 curve (where the law is ``e_n = kappa n``) by least
squares through the origin, with a bootstrap over seeds (seed i of every configuration is
resampled together). The same fit is compared with the curves at p > 0 and under accumulate, and
with two alternatives that relax the law, so the report says how well the engine's form holds:

* ``power-contraction``: ``e_{n+1} = (1-p)^gamma (e_n + kappa)`` (real data contract the deficit
  faster than in proportion to their share when gamma > 1);
* ``saturating``: ``e_{n+1} = (1-p)^gamma (e_n + kappa (1 - e_n / e_max))`` (each generation does
  less damage once the tails are gone).

The threshold real fraction is the smallest p whose plateau deficit (mean of the last generations)
stays below ``tolerance``, found per seed by interpolation on the sweep's p grid.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize

from recloop.lab.sweep import SweepResult
from recloop.params import Block, RecloopInputError, param

__all__ = ["Calibration", "TransferWidening", "calibrate", "fragment_text", "law_curve", "write_fragment"]

PACKAGE_FRAGMENT = Path(__file__).with_name("calibration.toml")


class TransferWidening(Block):
    """How far the lab's kappa interval is widened before the engine uses it for frontier models."""

    down_factor: float = param(
        10.0, unit="x", bounds=(1.0, 1000.0), log=True,
        doc="Divide the measured 5th percentile by this: frontier training sets are 1e8 times "
            "larger and kappa falls with sample size (measured here as kappa ~ N^-b).",
        source="recloop collapse lab, kappa versus train_chars; Shumailov et al. 2024 (OPT-125m "
               "degrades slowly with 10% real data kept)",
    )
    up_factor: float = param(
        3.0, unit="x", bounds=(1.0, 1000.0), log=True,
        doc="Multiply the measured 95th percentile by this: truncated sampling and score filters "
            "remove tails faster than plain sampling (measured here: curation raised kappa).",
        source="recloop collapse lab, curated runs",
    )
    tolerance: float = param(
        0.05, unit="fraction of loss", bounds=(1e-4, 1.0),
        doc="Deficit tolerated at the plateau when defining the threshold real fraction.",
        source="issue 7 (5% loss increase)",
    )


def law_curve(kappa: float, p: float, generations: int, *, a: float = 0.0, c: float = 0.0,
              gamma: float = 1.0, e_max: float = math.inf) -> np.ndarray:
    """Deficit e_0..e_G under the engine's law (gamma = 1, e_max = inf) or its relaxations."""
    e = np.zeros(generations + 1)
    k = kappa * (1.0 - c)
    for n in range(generations):
        sat = 1.0 - e[n] / e_max if math.isfinite(e_max) else 1.0
        rep = (1.0 - p) ** gamma * (e[n] + k * sat)
        acc = e[n] + (1.0 - p) * k / (n + 1) ** 2
        e[n + 1] = (1.0 - a) * rep + a * acc
    return e


def _origin_slope(curves: np.ndarray) -> float:
    """Least-squares kappa of e_n = kappa n for the mean of ``curves`` (seeds x generations)."""
    e = np.nanmean(curves, axis=0)
    n = np.arange(len(e))
    return float(np.sum(n * e) / np.sum(n * n))


@dataclass
class Calibration:
    """Everything :func:`calibrate` measured (JSON-able through :meth:`to_dict`)."""

    kappa: float
    kappa_p5: float
    kappa_p95: float
    kappa_boot: np.ndarray
    law_fits: dict[str, dict[str, Any]]
    accumulate: dict[str, Any]
    curation: dict[str, dict[str, Any]]
    threshold: dict[str, Any]
    kappa_by_size: dict[int, float]
    size_exponent: float | None
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def curation_efficiency(self) -> float:
        """The c to hand to the engine: the best filter measured, clipped to [0, 1]."""
        if not self.curation:
            return 0.0
        best = max(v["c"] for v in self.curation.values())
        return float(min(max(best, 0.0), 1.0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kappa": self.kappa, "kappa_p5": self.kappa_p5, "kappa_p95": self.kappa_p95,
            "law_fits": self.law_fits, "accumulate": self.accumulate, "curation": self.curation,
            "curation_efficiency": self.curation_efficiency, "threshold": self.threshold,
            "kappa_by_size": {str(k): v for k, v in self.kappa_by_size.items()},
            "size_exponent": self.size_exponent, "provenance": self.provenance,
        }


def _fit_laws(curves: dict[float, np.ndarray], G: int, kappa0: float) -> dict[str, dict[str, Any]]:
    ps = sorted(curves)
    target = np.concatenate([curves[p][1:] for p in ps])

    def resid(theta, form):
        kappa = theta[0]
        gamma = theta[1] if form != "engine" else 1.0
        e_max = theta[2] if form == "saturating" else math.inf
        pred = np.concatenate([law_curve(kappa, p, G, gamma=gamma, e_max=e_max)[1:] for p in ps])
        return pred - target

    out = {}
    starts = {"engine": [kappa0], "power-contraction": [kappa0, 2.0], "saturating": [kappa0, 2.0, 2.0]}
    lower = {"engine": [1e-6], "power-contraction": [1e-6, 0.1], "saturating": [1e-6, 0.1, 1e-3]}
    upper = {"engine": [10.0], "power-contraction": [10.0, 20.0], "saturating": [10.0, 20.0, 100.0]}
    for form, x0 in starts.items():
        sol = optimize.least_squares(resid, x0, args=(form,), bounds=(lower[form], upper[form]))
        r = sol.fun
        sst = float(np.sum((target - target.mean()) ** 2))
        names = ["kappa", "gamma", "e_max"][: len(x0)]
        per_p = {}
        for i, p in enumerate(ps):
            rp = r[i * G:(i + 1) * G]
            per_p[str(p)] = float(np.sqrt(np.mean(rp ** 2)))
        out[form] = {
            **{k: float(v) for k, v in zip(names, sol.x)},
            "rmse": float(np.sqrt(np.mean(r ** 2))),
            "r2": 1.0 - float(np.sum(r ** 2)) / sst if sst > 0 else float("nan"),
            "rmse_by_p": per_p,
            "n_params": len(x0),
        }
    # the engine law with kappa fixed at its p = 0 calibration (what the engine will actually use)
    pred = np.concatenate([law_curve(kappa0, p, G)[1:] for p in ps])
    r = pred - target
    out["engine_p0_kappa"] = {
        "kappa": kappa0, "rmse": float(np.sqrt(np.mean(r ** 2))),
        "plateau_ratio_by_p": {
            str(p): float(law_curve(kappa0, p, G)[-3:].mean() / max(curves[p][-3:].mean(), 1e-12))
            for p in ps if p > 0
        },
    }
    return out


def _threshold(per_seed: dict[float, np.ndarray], tol: float, last: int) -> dict[str, Any]:
    """Smallest p whose plateau deficit is below tol, per seed (log-linear interpolation in p)."""
    ps = np.array(sorted(per_seed))
    plate = np.stack([np.nanmean(per_seed[p][:, -last:], axis=1) for p in ps], axis=1)  # seeds x p
    found = []
    for row in plate:
        below = np.flatnonzero(row <= tol)
        if len(below) == 0:
            found.append(float("nan"))
            continue
        j = below[0]
        if j == 0:
            found.append(float(ps[0]))
            continue
        y0, y1 = math.log(max(row[j - 1], 1e-12)), math.log(max(row[j], 1e-12))
        t = (math.log(tol) - y0) / (y1 - y0) if y1 != y0 else 1.0
        found.append(float(ps[j - 1] + t * (ps[j] - ps[j - 1])))
    arr = np.array(found)
    ok = arr[np.isfinite(arr)]
    return {
        "tolerance": tol,
        "per_seed": [None if not math.isfinite(v) else v for v in arr],
        "median": float(np.median(ok)) if len(ok) else None,
        "min": float(ok.min()) if len(ok) else None,
        "max": float(ok.max()) if len(ok) else None,
        "sd": float(ok.std(ddof=1)) if len(ok) > 1 else None,
        "seeds_not_reaching_tolerance": int(np.sum(~np.isfinite(arr))),
        "plateau_by_p": {str(p): float(np.nanmean(plate[:, i])) for i, p in enumerate(ps)},
        "plateau_generations": last,
    }


def calibrate(
    sweep: SweepResult,
    *,
    train_chars: int | None = None,
    widening: TransferWidening | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    plateau_generations: int = 3,
) -> Calibration:
    """Fit kappa, curation efficiency and the threshold real fraction to a character-model sweep."""
    widening = widening or TransferWidening()
    if sweep.experiment != "charlm":
        raise RecloopInputError([f"lab.calibrate: needs a charlm sweep, got {sweep.experiment!r}"])
    sizes = sorted({r.inputs["train_chars"] for r in sweep.results})
    if train_chars is None:
        train_chars = sizes[len(sizes) // 2]
    base = dict(regime="replace", curation_keep=1.0, train_chars=train_chars)
    replace = {r.inputs["real_fraction"]: r for r in sweep.select(**base)}
    if 0.0 not in replace:
        raise RecloopInputError(["lab.calibrate: the sweep needs an uncurated replace run with real_fraction 0"])
    r0 = replace[0.0]
    G = r0.metrics["deficit"].shape[1] - 1
    kappa = _origin_slope(r0.metrics["deficit"])
    rng = np.random.default_rng(seed)
    k_seeds = r0.metrics["deficit"].shape[0]
    boot_idx = rng.integers(0, k_seeds, size=(n_boot, k_seeds))
    boot = np.array([_origin_slope(r0.metrics["deficit"][i]) for i in boot_idx])
    k5, k95 = np.percentile(boot, [5, 95])

    curves = {p: np.nanmean(r.metrics["deficit"], 0) for p, r in replace.items()}
    law_fits = _fit_laws(curves, G, kappa)

    # accumulate: compare with the law, and measure how fast the increments shrink
    acc_info: dict[str, Any] = {}
    acc = sweep.select(regime="accumulate", curation_keep=1.0, train_chars=train_chars, real_fraction=0.0)
    if acc:
        e = np.nanmean(acc[0].metrics["deficit"], 0)
        inc = np.diff(e)
        n = np.arange(1, len(inc) + 1)
        good = inc > 0
        slope = float(np.polyfit(np.log(n[good]), np.log(inc[good]), 1)[0]) if good.sum() > 2 else None
        law = law_curve(kappa, 0.0, G, a=1.0)
        acc_info = {"measured_last": float(e[-1]), "law_last": float(law[-1]),
                    "law_bound": kappa * math.pi ** 2 / 6,
                    "increment_decay_exponent": slope,
                    "note": "law increments fall as 1/n^2; exponent near -1 means logarithmic growth"}

    curation: dict[str, dict[str, Any]] = {}
    for r in sweep.select(regime="replace", train_chars=train_chars, real_fraction=0.0):
        q = r.inputs["curation_keep"]
        if q == 1.0:
            continue
        d = r.metrics["deficit"]
        kc = _origin_slope(d)
        bc = np.array([_origin_slope(d[i]) / _origin_slope(r0.metrics["deficit"][i]) for i in boot_idx])
        curation[f"{r.inputs.get('curation_score')}@keep={q}"] = {
            "kappa": kc, "c": 1.0 - kc / kappa,
            "c_p5": float(1.0 - np.percentile(bc, 95)), "c_p95": float(1.0 - np.percentile(bc, 5)),
        }

    per_seed = {p: r.metrics["deficit"] for p, r in replace.items()}
    threshold = _threshold(per_seed, widening.tolerance, plateau_generations)
    tol = widening.tolerance
    threshold["law_p_threshold"] = kappa / (tol + kappa)
    threshold["law_p_threshold_interval"] = [float(k5 / (tol + k5)), float(k95 / (tol + k95))]

    by_size: dict[int, float] = {}
    for n_chars in sizes:
        rs = sweep.select(regime="replace", curation_keep=1.0, train_chars=n_chars, real_fraction=0.0)
        if rs:
            by_size[int(n_chars)] = _origin_slope(rs[0].metrics["deficit"])
    size_exp = None
    if len(by_size) >= 2:
        xs = np.log(list(by_size))
        ys = np.log(list(by_size.values()))
        size_exp = float(np.polyfit(xs, ys, 1)[0])

    prov = {
        "experiment": "charlm",
        "corpus": r0.inputs.get("corpus"),
        "model": f"Witten-Bell character {r0.inputs.get('order', 0) + 1}-gram",
        "train_chars": int(train_chars),
        "generations": int(G),
        "seeds": int(k_seeds),
        "root_seed": int(sweep.seed),
        "real_fractions": sorted(float(p) for p in replace),
        "date": _dt.date.today().isoformat(),
        "bootstrap": n_boot,
        "widening_down": widening.down_factor,
        "widening_up": widening.up_factor,
    }
    return Calibration(kappa, float(k5), float(k95), boot, law_fits, acc_info, curation, threshold,
                       by_size, size_exp, prov)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v)) if math.isfinite(v) else "nan"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def fragment_text(cal: Calibration, widening: TransferWidening | None = None) -> str:
    """The scenario fragment: ``[data]`` parameters for the engine and ``[provenance]``."""
    w = widening or TransferWidening()
    p5 = cal.kappa_p5 / w.down_factor
    p95 = cal.kappa_p95 * w.up_factor
    th = cal.threshold
    fits = cal.law_fits
    lines = [
        "# Collapse-law calibration written by `recloop lab calibrate` (recloop.lab.calibrate).",
        "# collapse_kappa: deficit per generation of fully synthetic training (fraction of held-out",
        f"# loss). Measured {cal.kappa:.4g} (bootstrap 90% {cal.kappa_p5:.4g}-{cal.kappa_p95:.4g}) on a",
        "# small character model; widened for transfer to frontier models: p5 divided by",
        f"# {w.down_factor:g} (kappa falls with sample size as N^{cal.size_exponent:.2f} here) and p95"
        if cal.size_exponent is not None else f"# {w.down_factor:g} (kappa falls with sample size) and p95",
        f"# multiplied by {w.up_factor:g} (filters and truncated sampling remove tails faster).",
        "# curation_efficiency: best measured filter, clipped at 0 (every filter measured raised kappa).",
        "",
        "[data]",
        f'collapse_kappa = {{dist = "lognormal", p5 = {p5:.4g}, p95 = {p95:.4g}}}',
        f"curation_efficiency = {cal.curation_efficiency:.3g}",
        "",
        "[provenance]",
    ]
    prov = dict(cal.provenance)
    prov.update({
        "kappa_measured": round(cal.kappa, 5),
        "kappa_measured_p5": round(cal.kappa_p5, 5),
        "kappa_measured_p95": round(cal.kappa_p95, 5),
        "p_threshold_tolerance": th["tolerance"],
        "p_threshold_measured_median": th["median"] if th["median"] is not None else "not reached",
        "p_threshold_measured_min": th["min"] if th["min"] is not None else "not reached",
        "p_threshold_measured_max": th["max"] if th["max"] is not None else "not reached",
        "p_threshold_law": round(th["law_p_threshold"], 4),
        "engine_law_rmse": round(fits["engine_p0_kappa"]["rmse"], 4),
        "power_contraction_gamma": round(fits["power-contraction"]["gamma"], 3),
        "power_contraction_rmse": round(fits["power-contraction"]["rmse"], 4),
        "curation_c_measured": ", ".join(f"{k}: {v['c']:.3f}" for k, v in cal.curation.items()) or "none",
        "source": "recloop collapse lab (issue 7); law after Shumailov et al. 2024 and Gerstgrasser et al. 2024",
    })
    for k, v in prov.items():
        lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"


def write_fragment(cal: Calibration, path: str | Path = PACKAGE_FRAGMENT,
                   widening: TransferWidening | None = None) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(fragment_text(cal, widening))
    return out
