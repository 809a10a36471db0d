"""Covert projects as physical stocks: diverted chips, covert data-centre power, a covert fab,
and the workforce that runs them (issue 18, item 1).

A covert project starts when a pause or a compute cap binds on an actor that defects (the
engine's declared covert build-out). From that moment, t years since the start:

* chips: ``divert_share`` of the actor's installed accelerators are diverted at once (they keep
  their registration and, unless tampered with, their on-chip telemetry), plus the output of a
  covert fab once it is built: ``fab_h100e_per_year`` H100-equivalents a year after
  ``fab_lead_years`` (unregistered chips);
* power: the diverted chips first run in ``diverted_dc_gw`` of existing, declared data-centre
  capacity (visible to satellites as missing capacity); concealed capacity is built at
  ``concealed_gw_per_year`` after ``concealed_lead_years``, up to ``max_concealed_gw``;
* usable compute: the chips that both exist and have power, times utilisation,

      usable(t) = utilisation * flops_per_h100e * min(chips(t), power_W(t) / watts_per_h100e);

* workforce: researchers, construction labour per GW being built, operating labour per GW,
  and a fab's labour (the workforce-leak channel of :mod:`recloop.governance.evidence` reads it).

Every function is a pure function of arrays with a leading sample axis (broadcasting against
``t``). The engine's many-actor layer calls :func:`covert_installed_flops` with the years since
the actor's covert build-out began, the actor's installed FLOP/s at that moment and its covert
share (see docs/governance.md, "Covert projects in the engine", for the exact call).

Sources: the structure (diverted chips, covert fab and data centres with construction lead
times, labour per MW) follows the AI Futures Project's covert-compute model
(Joshuaclymer/ai_futures_model and Joshuaclymer/dark_compute, parameter documentation; figures
cited below, code not used). Chip power: ~1,700 W per H100 with supporting hardware (Epoch AI
2024). H100 dense BF16: ~9.9e14 FLOP/s (NVIDIA H100 SXM datasheet).
"""

from __future__ import annotations

import numpy as np

from recloop.mechanisms.physical import SECONDS_PER_YEAR
from recloop.params import Block, param

__all__ = [
    "SECONDS_PER_YEAR",
    "CovertProject",
    "covert_chips_h100e",
    "covert_power_gw",
    "covert_stocks",
    "covert_usable_flops",
    "covert_installed_flops",
    "covert_workforce",
]
_AIF = "AI Futures Project covert-compute model (Joshuaclymer/dark_compute, CovertDatacenterParameters / parameter docs)"


class CovertProject(Block):
    """A covert project's physical stocks and build-out (the covert actor's choices and
    capabilities; uncertainties of the world)."""

    divert_share: float = param(
        0.1, unit="fraction of the actor's chips", bounds=(0.0, 0.9),
        doc="Share of the actor's installed accelerators diverted to the covert project when a pause or cap binds.",
        source="assumption (the AI Futures model samples a diverted proportion of the national stock; no published value); sample wide")
    host_stock_h100e: float = param(
        1e6, unit="H100e", bounds=(1e3, 1e9), log=True,
        doc="The actor's installed accelerators when the project starts (the stock chip accounting tracks).",
        source="assumption; frontier developers hold ~1e5-1e6 H100e in 2025 (Epoch AI data hub)")
    flops_per_h100e: float = param(
        9.9e14, unit="FLOP/s", bounds=(1e14, 1e16), log=True,
        doc="Dense FLOP/s of one H100-equivalent.",
        source="NVIDIA H100 SXM datasheet (989 TFLOP/s dense BF16)")
    watts_per_h100e: float = param(
        1700.0, unit="W", bounds=(300.0, 5000.0),
        doc="Power per H100-equivalent including supporting hardware and cooling.",
        source="Epoch AI 2024, 'Can AI scaling continue through 2030?' (~1,700 W per H100)")
    utilization: float = param(
        0.4, unit="fraction", bounds=(0.05, 0.9),
        doc="Model FLOP utilisation of the covert cluster.",
        source="Epoch AI 2024 (frontier runs reach 30-50% MFU); assumption for covert clusters")
    diverted_dc_gw: float = param(
        0.2, unit="GW", bounds=(0.0, 100.0),
        doc="Existing declared data-centre capacity diverted to the project at its start (missing from the declared stock).",
        source="assumption; powers the default 1e5 diverted H100e at 1,700 W (Epoch AI 2024)")
    declared_dc_gw: float = param(
        20.0, unit="GW", bounds=(0.1, 1000.0), log=True,
        doc="The host country's declared AI data-centre capacity (what satellite estimates are estimates of).",
        source="IEA 'Energy and AI' 2025: data centres ~415 TWh/yr in 2024 (~47 GW average, all uses); assumption for AI capacity")
    national_power_gw: float = param(
        1100.0, unit="GW", bounds=(1.0, 5000.0), log=True,
        doc="Host country's electricity consumption (what energy accounting is an estimate of).",
        source=_AIF + ": total PRC energy consumption 1,100 GW")
    concealed_gw_per_year: float = param(
        1.0, unit="GW/yr", bounds=(0.0, 50.0),
        doc="Rate at which concealed data-centre capacity is built once construction has started.",
        source="assumption; the AI Futures model builds concealed capacity with construction labour 6.3 workers per MW-year")
    concealed_lead_years: float = param(
        1.0, unit="yr", bounds=(0.0, 10.0),
        doc="Time before the first concealed capacity comes on line.",
        source="Epoch AI 2024 (power and data-centre lead times of years); assumption")
    max_concealed_gw: float = param(
        55.0, unit="GW", bounds=(0.0, 500.0),
        doc="Most concealed capacity the project can build.",
        source=_AIF + ": at most 5% of PRC energy consumption (0.05 x 1,100 GW)")
    fab_h100e_per_year: float = param(
        0.0, unit="H100e/yr", bounds=(0.0, 1e8), log=False,
        doc="Output of the covert fab once built (0: no covert fab).",
        source="assumption; the AI Futures model derives it from diverted lithography scanners and wafer starts")
    fab_lead_years: float = param(
        4.0, unit="yr", bounds=(0.5, 15.0),
        doc="Construction time of the covert fab.",
        source="assumption; the AI Futures model samples fab construction durations of years")
    sme_divert_share: float = param(
        0.0, unit="fraction of the SME stock", bounds=(0.0, 0.9),
        doc="Share of the host's lithography scanners (SME) diverted to the covert fab (0 when no fab).",
        source="assumption; the AI Futures model's SME-inventory evidence reads this proportion")
    researchers: float = param(
        500.0, unit="workers", bounds=(0.0, 1e6), log=False,
        doc="AI researchers and engineers working on the covert project.",
        source="assumption; the AI Futures model counts the project's human AI researchers in its workforce")
    construction_workers_per_gw_year: float = param(
        6300.0, unit="workers per GW/yr", bounds=(0.0, 1e5),
        doc="Construction labour per GW/yr of concealed capacity being built.",
        source=_AIF + ": construction_labor_per_MW_per_year = 6.3")
    operating_workers_per_gw: float = param(
        1000.0, unit="workers per GW", bounds=(0.0, 1e5),
        doc="Operating labour per GW of covert data-centre capacity.",
        source=_AIF + ": operating_labor_per_MW = 1")
    fab_workers: float = param(
        2000.0, unit="workers", bounds=(0.0, 1e5),
        doc="Workforce of the covert fab (construction, then operation).",
        source="assumption")
    tamper_share: float = param(
        0.5, unit="fraction", bounds=(0.0, 1.0),
        doc="Share of the diverted registered chips whose on-chip telemetry the project disables or spoofs.",
        source="assumption; FlexHEG reports (Petrie et al. 2024) argue tamper-evident enclosures make this hard")


def _a(x):
    return np.asarray(x, dtype=float)


def covert_chips_h100e(t, p: CovertProject):
    """(diverted, fab-built) H100e at ``t`` years since the start."""
    t = np.maximum(_a(t), 0.0)
    diverted = np.broadcast_to(_a(p.divert_share * p.host_stock_h100e), t.shape).copy()
    fab = p.fab_h100e_per_year * np.maximum(t - p.fab_lead_years, 0.0)
    return diverted, fab


def covert_power_gw(t, p: CovertProject, *, diverted_gw=None):
    """(diverted declared capacity, concealed capacity) in GW at ``t`` years since the start.
    ``diverted_gw`` (optional, broadcasting) replaces ``p.diverted_dc_gw`` (the engine's rows
    divert their covert share of the power their chips drew)."""
    t = np.maximum(_a(t), 0.0)
    built = np.minimum(p.concealed_gw_per_year * np.maximum(t - p.concealed_lead_years, 0.0), p.max_concealed_gw)
    dgw = p.diverted_dc_gw if diverted_gw is None else diverted_gw
    shape = np.broadcast_shapes(t.shape, np.shape(dgw))
    return np.broadcast_to(_a(dgw), shape).copy(), np.broadcast_to(built, shape).copy()


def covert_installed_flops(t, p: CovertProject, *, host_flops=None, divert_share=None, host_watts=None):
    """Installed covert FLOP/s at ``t`` years since the project began: the chips that exist and
    have power, at peak (the engine's usable-compute units; it applies utilisation itself).

    ``host_flops`` (optional, FLOP/s, broadcasting against ``t``): the actor's installed compute
    when the project began; it replaces ``host_stock_h100e * flops_per_h100e`` as the stock the
    diverted share is taken from. ``divert_share`` (optional, broadcasting) replaces
    ``p.divert_share`` (the engine passes each row's ``covert_share``). ``host_watts`` (optional):
    the power the actor's installed compute drew when the project began; the diverted chips then
    keep the same share of it (in place of ``diverted_dc_gw``), and every chip draws what the
    actor's chips drew (in place of ``watts_per_h100e``).
    """
    t = np.maximum(_a(t), 0.0)
    share = p.divert_share if divert_share is None else _a(divert_share)
    host = p.host_stock_h100e if host_flops is None else _a(host_flops) / p.flops_per_h100e
    div = share * host * np.ones_like(t)
    fab = p.fab_h100e_per_year * np.maximum(t - p.fab_lead_years, 0.0)
    dgw, cgw = covert_power_gw(t, p)
    watts_per_chip = p.watts_per_h100e
    if host_watts is not None and host_flops is not None:
        dgw = share * _a(host_watts) / 1e9 * np.ones_like(t)
        watts_per_chip = _a(host_watts) / np.maximum(host, 1e-300)
    powered = (dgw + cgw) * 1e9 / watts_per_chip
    return p.flops_per_h100e * np.minimum(div + fab, powered)


def covert_usable_flops(t, p: CovertProject, *, host_flops=None, divert_share=None):
    """Usable covert FLOP/s: :func:`covert_installed_flops` times the cluster's utilisation."""
    return p.utilization * covert_installed_flops(t, p, host_flops=host_flops, divert_share=divert_share)


def covert_workforce(t, p: CovertProject, *, diverted_gw=None):
    """Workers who know of the project at ``t`` (what leaks scale with); ``diverted_gw`` as in
    :func:`covert_power_gw`."""
    t = np.maximum(_a(t), 0.0)
    dgw, cgw = covert_power_gw(t, p, diverted_gw=diverted_gw)
    building = (t >= 0) & (cgw < p.max_concealed_gw) & (p.concealed_gw_per_year > 0)
    construction = np.where(building, p.construction_workers_per_gw_year * p.concealed_gw_per_year, 0.0)
    fab = p.fab_workers if p.fab_h100e_per_year > 0 else 0.0
    return p.researchers + construction + p.operating_workers_per_gw * (dgw + cgw) + fab


def covert_stocks(t, p: CovertProject) -> dict[str, np.ndarray]:
    """Every stock of the project at ``t``: chips, power, usable FLOP/s and workforce."""
    div, fab = covert_chips_h100e(t, p)
    dgw, cgw = covert_power_gw(t, p)
    return {"diverted_h100e": div, "fab_h100e": fab, "diverted_gw": dgw, "concealed_gw": cgw,
            "usable_flops": covert_usable_flops(t, p), "workforce": covert_workforce(t, p)}
