"""Rebuild the data snapshots shipped in ``src/recloop/data/`` from local git mirrors.

Not run at install or run time (recloop never fetches anything): a maintainer runs it once after
cloning the source repositories, reads the diff, and commits the CSVs and sidecars together.

    python scripts/build_data_snapshots.py EPOCH_MIRROR METR_MIRROR

EPOCH_MIRROR: a git directory of github.com/epoch-research/training-cost-trends (Cottier et al.
2024), whose data/ folder holds snapshots of Epoch AI's model and chip databases.
METR_MIRROR: a git directory of github.com/IAPS-AI/METR-Time-Horizons, which mirrors METR's
published benchmark_results_1_0.yaml and benchmark_results_1_1.yaml.

Each dataset gets ``NAME.csv`` (only the columns listed in its sidecar, renamed to snake_case)
and ``NAME.toml`` (source, licence, retrieval date, origin repo/path/commit, and per column the
source column it came from, its type and unit). :mod:`recloop.data` validates both on load.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "src" / "recloop" / "data"
RETRIEVED = date.today().isoformat()

EPOCH_CITATION = ("Epoch AI, 'Data on AI Models'. Published online at epoch.ai. Retrieved from "
                  "https://epoch.ai/data/ai-models (snapshot in Cottier et al. 2024, 'The rising costs of "
                  "training frontier AI models', arXiv:2405.21015, repository epoch-research/training-cost-trends)")
EPOCH_CHIPS_CITATION = ("Epoch AI, 'Data on Machine Learning Hardware'. Published online at epoch.ai. Retrieved "
                        "from https://epoch.ai/data/machine-learning-hardware (snapshot in "
                        "epoch-research/training-cost-trends)")
METR_CITATION = ("METR, 'Measuring AI Ability to Complete Long Tasks' (Kwa et al. 2025, arXiv:2503.14499) and "
                 "'Time Horizon 1.1' (METR blog, 2026-01-29); benchmark results published at "
                 "https://metr.org/assets/benchmark_results_1_1.yaml, mirrored by IAPS-AI/METR-Time-Horizons")


def git(mirror: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", mirror, *args], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout


def file_commit(mirror: str, path: str) -> tuple[str, str]:
    out = git(mirror, "log", "-1", "--format=%H %cs", "HEAD", "--", path).split()
    return out[0], out[1]


def toml_str(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if v is None:
        raise ValueError("TOML has no null")
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(name: str, meta: dict, columns: list[dict], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c["name"] for c in columns])
    for r in rows:
        w.writerow(["" if x is None else x for x in r])
    (OUT / f"{name}.csv").write_text(buf.getvalue(), encoding="utf-8")
    dates = sorted(r[[c["name"] for c in columns].index(meta["date_column"])] for r in rows)
    lines = ["# recloop data snapshot: written by scripts/build_data_snapshots.py; do not edit by hand", ""]
    head = dict(meta, name=name, rows=len(rows), first_date=dates[0], last_date=dates[-1])
    origin = head.pop("origin")
    published = head.pop("published", None)
    for k, v in head.items():
        lines.append(f"{k} = {toml_str(v)}")
    lines += ["", "[origin]"] + [f"{k} = {toml_str(v)}" for k, v in origin.items()]
    if published:
        for key, tab in published.items():
            lines += ["", f"[published.{key}]"] + [f"{k} = {toml_str(v)}" for k, v in tab.items()]
    for c in columns:
        lines += ["", "[[columns]]"] + [f"{k} = {toml_str(v)}" for k, v in c.items()]
    (OUT / f"{name}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(rows)} rows, {dates[0]} .. {dates[-1]}")


def num(x: str) -> float | None:
    x = (x or "").strip().replace("$", "").replace(",", "")
    if not x:
        return None
    v = float(x)
    return v


def epoch_models(mirror: str) -> None:
    path = "data/All ML Systems - full view.csv"
    commit, when = file_commit(mirror, path)
    reader = csv.DictReader(io.StringIO(git(mirror, "show", f"HEAD:{path}").lstrip("\ufeff")))
    columns = [
        dict(name="model", source_column="Model", type="str", unit="", doc="Model name."),
        dict(name="organization", source_column="Organization", type="str", unit="", doc="Developer(s).", required=False),
        dict(name="publication_date", source_column="Publication date", type="date", unit="",
             doc="Publication or release date."),
        dict(name="training_compute_flop", source_column="Training compute (FLOP)", type="float", unit="FLOP",
             doc="Estimated physical training compute (Epoch AI estimate)."),
        dict(name="notable", source_column="Notability criteria", type="bool", unit="",
             doc="true when Epoch AI lists a notability criterion for the model."),
        dict(name="compute_rank_when_published", source_column="Compute rank when published", type="float",
             unit="rank", doc="Rank by training compute among models at publication (1 = largest).", required=False),
        dict(name="training_cost_2023usd", source_column="Training compute cost (2023 USD)", type="float",
             unit="USD (2023)", doc="Amortised hardware and energy cost of the final training run.", required=False),
        dict(name="training_power_w", source_column="Training power draw (W)", type="float", unit="W",
             doc="Power drawn by the training cluster.", required=False),
        dict(name="confidence", source_column="Confidence", type="str", unit="",
             doc="Epoch AI's grade of the compute estimate: Confident, Likely, Speculative or Unknown "
                 "(recloop.data.ESTIMATE_FACTOR reads it as an error factor).", required=False),
        dict(name="base_model", source_column="Base model", type="str", unit="",
             doc="The pretrained model this one fine-tunes (blank: a model trained from scratch); its training "
                 "compute includes the base model's.", required=False),
        dict(name="training_time_hours", source_column="Training time (hours)", type="float", unit="h",
             doc="Wall-clock length of the training run.", required=False),
    ]
    rows = []
    for r in reader:
        flop, day = num(r["Training compute (FLOP)"]), (r["Publication date"] or "").strip()
        if flop is None or not day or not r["Model"].strip():
            continue
        rank = num(r["Compute rank when published"])
        rows.append([r["Model"].strip(), (r["Organization"] or "").strip(), day, f"{flop:.6g}",
                     "true" if (r["Notability criteria"] or "").strip() else "false",
                     None if rank is None else f"{rank:g}",
                     None if num(r["Training compute cost (2023 USD)"]) is None else f"{num(r['Training compute cost (2023 USD)']):.6g}",
                     None if num(r["Training power draw (W)"]) is None else f"{num(r['Training power draw (W)']):.6g}",
                     (r["Confidence"] or "").strip() or None, (r["Base model"] or "").strip() or None,
                     *(None if num(r[c]) is None else f"{num(r[c]):.6g}"
                       for c in ("Training time (hours)",))])
    rows.sort(key=lambda x: (x[2], x[0]))
    write("epoch_models", dict(
        title="Epoch AI: AI models with a training-compute estimate (notable and frontier models)",
        source=EPOCH_CITATION, licence="CC-BY-4.0", retrieved=RETRIEVED, snapshot_date=when,
        date_column="publication_date",
        notes="Rows kept: every model with a training-compute estimate and a publication date. "
              "Rows whose organisation is blank keep an empty organization.",
        origin=dict(repo="epoch-research/training-cost-trends", path=path, commit=commit)), columns, rows)


def epoch_gpus(mirror: str) -> None:
    path = "data/Chip dataset-Grid view.csv"
    commit, when = file_commit(mirror, path)
    reader = csv.DictReader(io.StringIO(git(mirror, "show", f"HEAD:{path}").lstrip("\ufeff")))
    columns = [
        dict(name="hardware", source_column="Hardware name", type="str", unit="", doc="Chip name."),
        dict(name="manufacturer", source_column="Manufacturer", type="str", unit="", doc="Manufacturer.", required=False),
        dict(name="release_date", source_column="Release date", type="date", unit="", doc="Release date."),
        dict(name="release_price_usd", source_column="Release price (USD)", type="float", unit="USD (nominal)",
             doc="Launch price."),
        dict(name="fp32_flops", source_column="FP32 (single precision) performance (FLOP/s)", type="float",
             unit="FLOP/s", doc="Peak FP32 throughput."),
        dict(name="tensor_16bit_flops", source_column="Tensor-FP16/BF16 performance (FLOP/s)", type="float",
             unit="FLOP/s", doc="Peak dense tensor FP16/BF16 throughput.", required=False),
    ]
    rows = []
    for r in reader:
        if (r["Type"] or "").strip() != "GPU":
            continue
        price, fp32, day = num(r["Release price (USD)"]), num(r["FP32 (single precision) performance (FLOP/s)"]), \
            (r["Release date"] or "").strip()
        if price is None or fp32 is None or not day or price <= 0 or fp32 <= 0:
            continue
        t16 = num(r["Tensor-FP16/BF16 performance (FLOP/s)"])
        rows.append([r["Hardware name"].strip(), (r["Manufacturer"] or "").strip(), day, f"{price:.6g}", f"{fp32:.6g}",
                     None if t16 is None else f"{t16:.6g}"])
    rows.sort(key=lambda x: (x[2], x[0]))
    write("epoch_gpu_prices", dict(
        title="Epoch AI: GPUs with a launch price and FP32 throughput (price-performance)",
        source=EPOCH_CHIPS_CITATION, licence="CC-BY-4.0", retrieved=RETRIEVED, snapshot_date=when,
        date_column="release_date",
        notes="Rows kept: Type = GPU with a release date, a positive launch price and FP32 throughput "
              "(the quantities Hobbhahn & Besiroglu 2022 use for the price-performance trend).",
        origin=dict(repo="epoch-research/training-cost-trends", path=path, commit=commit)), columns, rows)


def metr(mirror: str, version: str, path: str) -> None:
    commit, when = file_commit(mirror, path)
    doc = yaml.safe_load(git(mirror, "show", f"HEAD:{path}"))
    dates = yaml.safe_load(git(mirror, "show", "HEAD:data/external/release_dates.yaml")) or {}
    columns = [dict(name="model", source_column="results.<key>", type="str", unit="", doc="METR's agent key."),
               dict(name="release_date", source_column="release_date", type="date", unit="", doc="Model release date."),
               dict(name="is_sota", source_column="metrics.is_sota", type="bool", unit="",
                    doc="Frontier at release (METR's flag; the trend fits use these).")]
    for q in ("p50", "p80"):
        for part, what in (("estimate", "point estimate"), ("ci_low", "95% CI low"), ("ci_high", "95% CI high")):
            columns.append(dict(name=f"{q}_{part}_minutes", source_column=f"metrics.{q}_horizon_length.{part}",
                                type="float", unit="minutes",
                                doc=f"{q[1:]}% time horizon, {what} (human task length).",
                                required=part == "estimate"))
    rows = []
    for key, r in doc["results"].items():
        m = r["metrics"]
        day = r.get("release_date") or dates.get(key)
        rows.append([key, str(day), "true" if m.get("is_sota") else "false"]
                    + [m[f"{q}_horizon_length"].get(part) for q in ("p50", "p80") for part in ("estimate", "ci_low", "ci_high")])
    rows.sort(key=lambda x: (x[1], x[0]))
    published = {}
    for k, v in (doc.get("doubling_time_in_days") or {}).items():
        published[f"doubling_time_days.{k}"] = {kk: float(vv) for kk, vv in v.items()}
    if version == "1.0":  # not in the YAML; the paper's headline (Kwa et al. 2025, section 4)
        published["doubling_time_days.2019_2025"] = {"point_estimate": 212.0}
    write(f"metr_horizons_{version.replace('.', '_')}", dict(
        title=f"METR Time Horizon {version}: 50% and 80% task-completion time horizons",
        source=METR_CITATION, licence="published by METR for reuse with attribution (no licence file in the mirror)",
        retrieved=RETRIEVED, snapshot_date=when, date_column="release_date",
        notes=f"benchmark {doc.get('benchmark_name')}, task suite {doc.get('long_tasks_version')}. Horizons in minutes.",
        origin=dict(repo="IAPS-AI/METR-Time-Horizons", path=path, commit=commit), published=published), columns, rows)


def main(argv: list[str]) -> None:
    epoch, metr_dir = argv
    OUT.mkdir(parents=True, exist_ok=True)
    epoch_models(epoch)
    epoch_gpus(epoch)
    metr(metr_dir, "1.0", "benchmark_results_1_0.yaml")
    metr(metr_dir, "1.1", "benchmark_results_1_1.yaml")


if __name__ == "__main__":
    main(sys.argv[1:])
