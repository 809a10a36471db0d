"""The reference presets against the original public code, side by side, in one run.

    python benchmarks/anchors.py [--sie-repo PATH] [--ai2027-repo PATH] [--ftm-repo PATH]
                                 [--samples N] [--simulations M] [--rounds R] [--seed S]

Each PATH is a checkout the user points to (recloop ships none of this code):

- ``--sie-repo``: github.com/thoulden/Accelerated_AI_Progress (Davidson & Houlden 2025, the
  software intelligence explosion; ``multiple_sims.run_simulations``, default sampling bounds);
- ``--ai2027-repo``: github.com/uvafan/timelines-takeoff-ai-2027 (AI 2027 takeoff forecast;
  ``takeoff/forecasting_takeoff.py`` with its own ``takeoff/params.yaml``, one daily-loop
  simulation per sample);
- ``--ftm-repo``: github.com/epoch-research/ftm (Davidson 2023, compute-centric framework;
  ``ftm.core.model.SimulateTakeOff`` on ``website/src/js/presets.js``'s best guess, one
  simulation per "sample").

For each anchor given, the original code and recloop's preset (``recloop.reference``: sie,
ai2027, ccf) run on the same sample count, alternately (anchor, recloop, anchor, ... for
``--rounds`` rounds), so that both see the same machine load; the best round of each is reported,
with the per-sample ratio. Both outputs are printed (the anchors draw their own random numbers, so
they agree only to Monte Carlo error). Without a path an anchor is not run: the script says which
checkout it needs and measures recloop alone. Nothing is fetched.

The anchors import user-interface packages at module level that their simulation functions never
call (streamlit in Accelerated_AI_Progress; bs4 and openpyxl, for reading Google Sheets, in ftm);
where such a package is not installed an empty stand-in module is registered, so only the
simulation code runs. The anchors' own dependencies (numpy, scipy, pandas, matplotlib, pyyaml,
tqdm) must be installed. One core: BLAS/OpenMP pools are pinned to one thread and the process to
one CPU where the OS allows.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

from recloop.reference import ai2027, ccf, sie  # noqa: E402

# ----------------------------------------------------------------------------- the anchors

# the cells of the published SIE table as its code evaluates them: (months, pace multiple);
# recloop's (years, months) equivalents: int(months/12 * 8 * pace) doublings of 1/8 year each
SIE_CONDITIONS = [(12, 3), (4, 10), (12, 10), (4, 30)]
SIE_WINDOWS = tuple((int(m / 12 * 8 * x) / 8, m) for m, x in SIE_CONDITIONS)


@dataclass
class Anchor:
    name: str
    option: str
    repository: str
    unit: str                                   # what one "sample" is
    default_samples: int
    recloop: Callable[[int, int], dict]          # (samples, seed) -> printed summary
    load: Callable[[Path], Callable[[int, int], dict]]
    notes: list[str] = field(default_factory=list)


class AnchorError(Exception):
    """A checkout that is not what the option asks for (one line for the user)."""


def _stand_in(name: str, **attrs) -> None:
    """Register an empty module ``name`` if the real package is not installed."""
    try:
        importlib.import_module(name)
    except ImportError:
        mod = types.ModuleType(name)
        mod.__dict__.update(attrs)
        mod.__recloop_stand_in__ = True
        sys.modules[name] = mod


def _module_from(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _need(path: Path, rel: str, option: str, repository: str) -> Path:
    f = path / rel
    if not f.is_file():
        raise AnchorError(f"{option}: {path} has no {rel}; expected a checkout of {repository}")
    return f


def _commit(path: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=False)
        return out.stdout.strip() or "not a git checkout"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# -- Davidson & Houlden 2025 (software intelligence explosion)

def _sie_recloop(n: int, seed: int) -> dict:
    res = sie.run(samples=n, seed=seed, windows=SIE_WINDOWS)
    return {f">={w['years']:g} yr in <={w['months']:g} mo": round(w["probability"], 4) for w in res.windows}


def _sie_load(path: Path):
    f = _need(path, "multiple_sims.py", "--sie-repo", "github.com/thoulden/Accelerated_AI_Progress")

    class _Bar:
        def progress(self, *_a, **_k):
            return None

    _stand_in("streamlit", progress=lambda *_a, **_k: _Bar())
    mod = _module_from(f, "anchor_sie_multiple_sims")

    def run(n: int, seed: int) -> dict:
        np.random.seed(seed)  # the published code draws from numpy's global generator
        # the published defaults: f 2-32, r 0.4-3.6, limits 6-16 years, p 0.15-0.6, software
        # share 0.5; no gradual boost, no retraining cost, r not constant
        probs, *_ = mod.run_simulations(n, SIE_CONDITIONS, 0.4, 3.6, 6.0, 16.0, 0.15, 0.6, 2.0, 32.0, 0.5,
                                        False, False, False)
        return {f">={int(m / 12 * 8 * x) / 8:g} yr in <={m:g} mo": round(probs[(m, x)], 4) for m, x in SIE_CONDITIONS}

    return run


# -- AI 2027 takeoff forecast (Kokotajlo & Lifland 2025)

def _decimal_year(d) -> float:
    start = type(d)(d.year, 1, 1)
    end = type(d)(d.year + 1, 1, 1)
    return d.year + (d - start).total_seconds() / (end - start).total_seconds()


def _ai2027_recloop(n: int, seed: int) -> dict:
    res = ai2027.run(samples=n, seed=seed)
    return {f"median {k}": round(res.milestones[k]["p50"], 3) for k in ("SAR", "SIAR", "ASI")}


def _ai2027_load(path: Path):
    f = _need(path, "takeoff/forecasting_takeoff.py", "--ai2027-repo", "github.com/uvafan/timelines-takeoff-ai-2027")
    mod = _module_from(f, "anchor_ai2027_takeoff")
    config = mod.load_config(str(path / "takeoff" / "params.yaml"))

    def run(n: int, seed: int) -> dict:
        np.random.seed(seed)
        with contextlib.redirect_stdout(io.StringIO()):
            samples = mod.get_milestone_samples(config, n)
            dates = [mod.run_single_simulation(samples, i) for i in range(n)]
        years = np.array([[_decimal_year(d) for d in row] for row in dates])
        return {f"median {k}": round(float(np.median(years[:, j])), 3) for j, k in enumerate(("SAR", "SIAR", "ASI"))}

    return run


# -- Davidson 2023 compute-centric framework (takeoffspeeds.com)

def _ccf_summary(t20, t100, agi, years) -> dict:
    return {"20% automated": round(float(t20), 2), "100% automated": round(float(t100), 2),
            "AGI (100% automatable)": round(float(agi), 2), "years 20% -> 100%": round(float(years), 2)}


def _ccf_point(variant: str = "best-guess") -> dict:
    return {k: np.array([v]) for k, v in ccf.PRESETS[variant].items()}


def _ccf_recloop(n: int, seed: int) -> dict:
    inputs = ccf.CCFInputs()
    for _ in range(n):  # one simulation at a time, like the published code
        tr = ccf.simulate(_ccf_point(), inputs)
    return _ccf_summary(tr.automation_20[0], tr.automation_100[0], tr.agi[0], tr.automation_100[0] - tr.automation_20[0])


def ftm_presets(path: Path) -> dict[str, dict]:
    """The three preset objects of a checkout's website/src/js/presets.js."""
    text = _need(path, "website/src/js/presets.js", "--ftm-repo", "github.com/epoch-research/ftm").read_text()
    out = {}
    for js, name in (("best_guess", "best-guess"), ("conservative", "conservative"), ("aggressive", "aggressive")):
        m = re.search(rf"let {js}_parameters = (\{{.*?\}});", text)
        if m is None:
            raise AnchorError(f"--ftm-repo: presets.js in {path} has no {js}_parameters")
        out[name] = json.loads(m.group(1))
    return out


def _ftm_load(path: Path):
    _need(path, "ftm/core/model.py", "--ftm-repo", "github.com/epoch-research/ftm")
    presets = ftm_presets(path)
    _stand_in("bs4", BeautifulSoup=None)
    _stand_in("openpyxl", load_workbook=None)
    sys.path.insert(0, str(path))
    model = importlib.import_module("ftm.core.model")

    def simulate(variant: str = "best-guess", tradeoff: bool = True):
        q = dict(presets["best-guess"])
        q.pop("runtime_training_tradeoff_enabled", None)
        for k in ccf.UNCERTAIN:  # recloop's conservative/aggressive rows vary these seven
            q[ccf.FTM_NAMES[k]] = presets[variant][ccf.FTM_NAMES[k]]
        if not tradeoff:
            q["runtime_training_tradeoff"] = 0.0
        sim = model.SimulateTakeOff(**q, t_start=2022, t_end=2100, t_step=0.1)
        with contextlib.redirect_stdout(io.StringIO()):
            sim.run_simulation()
        tm = sim.timeline_metrics
        return _ccf_summary(tm["automation_gns_20%"], tm["automation_gns_100%"], tm["agi_year"],
                            sim.takeoff_metrics["full_automation_gns"])

    def run(n: int, seed: int) -> dict:
        for _ in range(n):
            out = simulate()
        return out

    run.simulate = simulate
    run.presets = presets
    return run


ANCHORS = [
    Anchor("sie", "sie_repo", "github.com/thoulden/Accelerated_AI_Progress", "sample", 5000, _sie_recloop, _sie_load),
    Anchor("ai2027", "ai2027_repo", "github.com/uvafan/timelines-takeoff-ai-2027", "sample", 200, _ai2027_recloop,
           _ai2027_load),
    Anchor("ccf", "ftm_repo", "github.com/epoch-research/ftm", "simulation", 3, _ccf_recloop, _ftm_load),  # --simulations
]


# ----------------------------------------------------------------------------- measuring

def _timed(fn, n, seed):
    with warnings.catch_warnings():
        # the SIE code overflows numpy floats in samples that explode (harmless there): keep the table readable
        warnings.simplefilter("ignore", RuntimeWarning)
        t0 = time.perf_counter()
        out = fn(n, seed)
        return time.perf_counter() - t0, out


def _ftm_extras(run) -> list[str]:
    """Golden rows for tests/reference/test_reference_ccf.py and a check of the shipped presets."""
    lines = []
    ship = ccf.FTM_PRESETS
    diff = [f"{v}.{k}" for v in ("best-guess", "conservative", "aggressive") for k, x in run.presets[v].items()
            if ship[v].get(k) != x]
    lines.append("shipped ftm_presets.toml (" + ship["source"]["commit"][:7] + ") against this checkout's presets.js: "
                 + ("identical" if not diff else "differs in " + ", ".join(diff)))
    lines.append("ccf golden values (ftm's code | recloop), 20% / 100% / AGI / years 20->100:")
    for variant, tradeoff in (("best-guess", True), ("conservative", True), ("aggressive", True), ("best-guess", False)):
        a = run.simulate(variant, tradeoff)
        inputs = ccf.CCFInputs() if tradeoff else ccf.CCFInputs(runtime_training_tradeoff=0.0)
        tr = ccf.simulate(_ccf_point(variant), inputs)
        b = _ccf_summary(tr.automation_20[0], tr.automation_100[0], tr.agi[0], tr.automation_100[0] - tr.automation_20[0])
        lines.append(f"  {variant:<13} trade-off {'on ' if tradeoff else 'off'}  "
                     + " / ".join(f"{v:g}" for v in a.values()) + "  |  " + " / ".join(f"{v:g}" for v in b.values()))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for a in ANCHORS:
        ap.add_argument(f"--{a.option.replace('_', '-')}", type=Path, default=None, metavar="PATH",
                        help=f"checkout of {a.repository}")
    ap.add_argument("--samples", type=int, default=None,
                    help="Monte Carlo samples per run for sie and ai2027, the same for the anchor and recloop "
                         "(default: 5000 and 200)")
    ap.add_argument("--simulations", type=int, default=3,
                    help="ccf: single best-guess simulations per run, the same for ftm and recloop")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each side is reported")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if (args.samples is not None and args.samples < 1) or args.rounds < 1 or args.simulations < 1:
        print("error: --samples, --simulations and --rounds must be at least 1", file=sys.stderr)
        return 2
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass
    print(f"machine: {platform.machine()} {_cpu_name()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; python {platform.python_version()}, numpy {np.__version__}; one core")
    loaded = {}
    for a in ANCHORS:
        path = getattr(args, a.option)
        if path is None:
            print(f"{a.name}: original code not run; give --{a.option.replace('_', '-')} PATH, a checkout of "
                  f"{a.repository}, to measure it side by side")
            continue
        try:
            loaded[a.name] = (a.load(path.expanduser().resolve()), _commit(path))
        except AnchorError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    print()
    print(f"{'model':<8} {'samples':>8} {'anchor s':>10} {'recloop s':>10} {'anchor us/x':>13} "
          f"{'recloop us/x':>13} {'ratio':>9}")
    outputs = []
    for a in ANCHORS:
        n = args.simulations if a.unit == "simulation" else (args.samples or a.default_samples)
        anchor = loaded.get(a.name)
        a.recloop(min(n, 50), args.seed)  # warm up imports and caches
        if anchor:
            _timed(anchor[0], 1, args.seed)
        best_a, best_r, out_a, out_r = np.inf, np.inf, None, None
        for _ in range(args.rounds):
            if anchor:
                dt, out_a = _timed(anchor[0], n, args.seed)
                best_a = min(best_a, dt)
            dt, out_r = _timed(a.recloop, n, args.seed)
            best_r = min(best_r, dt)
        per_r = best_r / n * 1e6
        if anchor:
            per_a = best_a / n * 1e6
            print(f"{a.name:<8} {n:>8} {best_a:>10.3f} {best_r:>10.3f} {per_a:>13,.1f} {per_r:>13,.1f} "
                  f"{best_a / best_r:>8,.1f}x")
        else:
            print(f"{a.name:<8} {n:>8} {'-':>10} {best_r:>10.3f} {'-':>13} {per_r:>13,.1f} {'-':>9}")
        outputs.append((a, n, anchor, out_a, out_r))
    print(f"(us/x: microseconds per {', '.join(sorted({a.unit for a in ANCHORS}))}; ratio = anchor time / recloop "
          f"time on the same count, best of {args.rounds} alternating rounds)")
    for a, n, anchor, out_a, out_r in outputs:
        print()
        label = f"{a.name} ({n} {a.unit}s, seed {args.seed})"
        if anchor:
            print(f"{label}: original code at {anchor[1]}  |  recloop")
            for k in out_r:
                print(f"  {k:<26} {out_a.get(k)!s:>10}  |  {out_r[k]}")
        else:
            print(f"{label}: recloop")
            for k, v in out_r.items():
                print(f"  {k:<26} {v}")
        if a.name == "ccf" and anchor:
            for line in _ftm_extras(anchor[0]):
                print(line)
    return 0


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
