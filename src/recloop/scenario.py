"""Scenarios: what the world is (uncertainties). Frozen, validated, loaded from TOML.

Every parameter of the recursion loop is declared below, once, with its default, unit, bounds,
meaning and source. A scenario file overrides any of them with a point value or a distribution;
``recloop params`` prints them all.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from recloop.params import (
    Block,
    LogNormal,
    LogUniform,
    ParamSpec,
    RecloopInputError,
    Uncertain,
    format_validation_error,
    param,
    specs,
)
from recloop.policy import Containment

__all__ = ["Scenario", "load_scenario", "bundled_scenarios", "scenario_specs", "market_specs", "Correlation", "Actor",
           "Jurisdiction", "Market"]

EPOCH_2024 = "Sevilla et al., Epoch AI 2024, 'Can AI scaling continue through 2030?'"


REFERENCE_YEAR = 2025.0  # effective FLOP are stated in FLOP-equivalents at the algorithms of 2025.0
IEA_2025 = "IEA 2025, 'Energy and AI' (world generation ~30,000 TWh/yr = 3.4 TW average; data centres 415 TWh in 2024)"


class Compute(Block):
    """Physical bottlenecks: chips bought with spending at a falling price per FLOP/s, capped by the
    developer's share of world AI-chip output (fabs, with a ceiling and lead times) and run only as
    far as its power allows (the developer's plants, inside a ceiling set by world generation).
    Every path is bounded: no world draws more power, buys more chips or spends more than the world
    has (mechanisms/physical.py, mechanisms/economy.py)."""

    initial_training_flop: Uncertain = param(
        3e27, unit="FLOP", bounds=(1e20, 1e30), log=True,
        doc="Physical training compute of the frontier generation deployed at the start.",
        source="Epoch AI notable-models data: largest 2025 runs ~5e26 FLOP (Grok 4), growing ~4-5x/yr "
               "(Sevilla et al. 2024), so ~3e27 by 2027.0")
    training_duration_years: Uncertain = param(
        0.3, unit="yr", bounds=(0.05, 1.5),
        doc="Wall-clock length of the starting generation's training run (sets the installed compute it implies).",
        source="Epoch AI 2024 (frontier runs of ~100 days)")
    max_run_years: Uncertain = param(
        1.25, unit="yr", bounds=(0.1, 3.0),
        doc="Longest training run a developer commits to (the chosen length never exceeds it).",
        source="Epoch AI 2022, 'The longest training run' (runs beyond ~15 months are outpaced by better hardware and algorithms)")
    utilization: Uncertain = param(
        0.4, unit="fraction", bounds=(0.05, 0.9),
        doc="Model FLOP utilisation of the training cluster.",
        source="Epoch AI 2024 (frontier runs reach 30-50% MFU)")
    training_share: Uncertain = param(
        0.4, unit="fraction", bounds=(0.05, 0.95),
        doc="Share of the developer's compute given to the frontier training run (rest: inference, experiments).",
        source="Epoch AI 2024/2025 estimates of lab compute split (roughly half training, half inference)")
    investment_growth: Uncertain = param(
        2.4, unit="x/yr", bounds=(1.0, 5.0),
        doc="Planned growth of the developer's spending on hardware (bounded by economy.max_spend_share).",
        source="Cottier et al. 2024, 'The rising costs of training frontier AI models' (2.4x/yr)")
    price_performance_growth: Uncertain = param(
        1.4, unit="x/yr", bounds=(1.0, 2.5),
        doc="Growth of FLOP/s per dollar of ML hardware.",
        source="Hobbhahn & Besiroglu 2022, Epoch AI: ML GPUs double every 2.07 yr (95% CI 1.54-3.13)")
    flops_per_dollar: Uncertain = param(
        2e10, unit="FLOP/s per $", bounds=(1e8, 1e13), log=True,
        doc="FLOP/s bought per dollar of hardware spending at the start (chips plus the data centre around them).",
        source="H100: ~1e15 dense BF16 FLOP/s for ~$25-30k, about twice that all-in (Epoch AI 2024 cost estimates)")
    depreciation: Uncertain = param(
        0.2, unit="1/yr", bounds=(0.0, 0.6),
        doc="Rate at which installed compute is retired.",
        source="Davidson 2023 compute-centric framework, best guess 0.2/yr (0.1-0.3)")
    fab_share: Uncertain = param(
        0.2, unit="fraction", bounds=(0.001, 1.0),
        doc="Share of the world's AI-chip output the developer can buy.",
        source="Epoch AI 2024 (a few hyperscalers buy most AI accelerators); assumption")
    fab_output_flops_per_year: Uncertain = param(
        2e22, unit="FLOP/s per yr", bounds=(1e18, 1e25), log=True,
        doc="World AI-chip output at the start (FLOP/s of new capacity per year; ~20M H100-equivalents).",
        source=EPOCH_2024 + " (~100M H100e producible by 2030; ~4-5M H100e shipped in 2024)")
    fab_output_growth: Uncertain = param(
        2.5, unit="x/yr", bounds=(1.0, 5.0),
        doc="Planned growth of world AI-chip output in FLOP/s terms while AI takes a growing share of leading-edge wafers.",
        source=EPOCH_2024)
    fab_headroom: Uncertain = param(
        8.0, unit="x", bounds=(1.0, 1000.0), log=True,
        doc="How far AI-chip output can grow on today's leading-edge fabs: the largest share of leading-edge "
            "wafer output AI can take over the share it takes at the start.",
        source="assumption; AI accelerators used ~5-10% of TSMC's leading-edge wafers in 2024 (Epoch AI 2024; "
               "CoWoS packaging and HBM the near-term limit)")
    leading_edge_growth: Uncertain = param(
        1.1, unit="x/yr", bounds=(1.0, 2.0),
        doc="Growth of the world's leading-edge wafer capacity from fabs already planned (before AI's build-out).",
        source="SIA/BCG 2021 'Strengthening the global semiconductor supply chain'; SEMI fab outlooks (~10%/yr)")
    power_gw: Uncertain = param(
        5.0, unit="GW", bounds=(0.001, 1000.0), log=True,
        doc="Power capacity available to the developer's clusters at the start.",
        source="Epoch AI frontier data-centre tracking (1-5 GW campuses by 2027)")
    power_growth: Uncertain = param(
        2.0, unit="x/yr", bounds=(1.0, 4.0),
        doc="Planned growth of the developer's power capacity (bounded by its share of what the world can give AI).",
        source=EPOCH_2024 + " (power of the largest runs grows >2x/yr)")
    power_share: Uncertain = param(
        0.2, unit="fraction", bounds=(0.001, 1.0),
        doc="Share of the power available to AI worldwide that the developer can get.",
        source="assumption; the largest developers run a fifth or so of AI data-centre capacity (Epoch AI 2025)")
    world_power_tw: Uncertain = param(
        3.4, unit="TW", bounds=(0.5, 50.0),
        doc="World electricity generation at the start (average power).",
        source=IEA_2025)
    world_power_growth: Uncertain = param(
        1.025, unit="x/yr", bounds=(1.0, 1.3),
        doc="Growth of world generation from plants already planned (before AI's build-out).",
        source="IEA 2025 (world electricity demand ~+2.5-4%/yr to 2030)")
    ai_power_max_share: Uncertain = param(
        0.1, unit="fraction", bounds=(0.001, 0.9),
        doc="Largest share of world generation AI data centres can take.",
        source="assumption; data centres used ~1.5% of world electricity in 2024, ~3% projected for 2030 (IEA 2025)")
    world_power_ceiling_tw: Uncertain = param(
        30.0, unit="TW", bounds=(1.0, 1000.0), log=True,
        doc="Most the world could generate within the horizon however fast it builds (a hard ceiling).",
        source="assumption; ~9x today's average generation; global primary energy is ~19 TW (IEA 2025)")
    watts_per_pflops: Uncertain = param(
        1700.0, unit="W per PFLOP/s", bounds=(1.0, 10000.0), log=True,
        doc="Power drawn per PFLOP/s of installed compute at the start, including cooling and networking.",
        source="Epoch AI 2024: H100 ~1,700 W per GPU all-in (~1 PFLOP/s dense BF16)")
    efficiency_growth: Uncertain = param(
        1.3, unit="x/yr", bounds=(1.0, 2.0),
        doc="Growth of FLOP/s per watt (until its physical limit).",
        source="Hobbhahn, Heim & Aydos 2023, Epoch AI 'Trends in ML hardware' (FLOP/W doubles ~2.7 yr)")
    max_efficiency_gain: Uncertain = param(
        200.0, unit="x", bounds=(1.0, 1e6), log=True,
        doc="Largest improvement of FLOP/s per watt over the start (the CMOS limit).",
        source="Ho, Erdil & Besiroglu 2023, Epoch AI 'Limits to the energy efficiency of CMOS microprocessors' "
               "(a limit a few hundred times beyond 2023 GPUs; wide)")
    power_lead_time_years: Uncertain = param(
        3.0, unit="yr", bounds=(0.25, 15.0),
        doc="Lead time before power capacity ordered in response to AI demand comes online.",
        source=EPOCH_2024 + " (new plants take at least ~3 years from permit)")
    fab_lead_time_years: Uncertain = param(
        4.0, unit="yr", bounds=(0.25, 15.0),
        doc="Lead time before extra fab capacity (fabs, lithography tools) comes online.",
        source="SIA/BCG 2021 'Strengthening the global semiconductor supply chain' (3-5 yr per fab)")
    buildout_boost: Uncertain = param(
        0.7, unit="1/yr", bounds=(0.0, 5.0),
        doc="Extra log-growth of world power and fab capacity per year once AI fully automates R&D (after the lead time).",
        source="assumption; Davidson 2023 models faster hardware R&D after automation; wide")


class Economy(Block):
    """The economic loop: world output bounds spending; AI revenue from automation raises it."""

    world_output_usd: Uncertain = param(
        1.1e14, unit="$/yr", bounds=(1e13, 1e16), log=True,
        doc="Gross world product at the start.",
        source="IMF World Economic Outlook 2024 (~$110 trillion nominal)")
    output_growth: Uncertain = param(
        0.03, unit="1/yr", bounds=(0.0, 0.2),
        doc="Growth of world output without AI.",
        source="IMF WEO 2024 (world real growth ~3%/yr)")
    ai_growth_boost: Uncertain = param(
        0.2, unit="1/yr", bounds=(0.0, 2.0),
        doc="Extra growth of world output per year once the economy adopts full automation of cognitive work.",
        source="Epoch AI 2025 GATE model (growth of 20-30%/yr and more after full automation); assumption, wide")
    adoption_lag_years: Uncertain = param(
        2.0, unit="yr", bounds=(0.1, 20.0),
        doc="Time constant with which the economy adopts what the deployed generation can automate.",
        source="assumption; GATE and Davidson 2023 model deployment lags of a few years")
    max_spend_share: Uncertain = param(
        0.01, unit="fraction of world output", bounds=(1e-4, 0.3), log=True,
        doc="Largest share of world output the developer can spend on hardware in a year before AI earns revenue.",
        source="assumption; 2025 AI capex of all hyperscalers ~0.3% of world output; Apollo peaked at ~0.4% of US GDP")
    automated_spend_share: Uncertain = param(
        0.1, unit="fraction of world output", bounds=(1e-4, 0.9), log=True,
        doc="Largest share of world output the developer can spend once the economy has adopted full automation "
            "(AI revenue reinvested).",
        source="Davidson 2023 compute-centric framework (after 'wake-up' a few to ~10% of world output buys compute); assumption")


class Software(Block):
    """Software (algorithmic) progress: semi-endogenous, d ln S/dt = k R^lambda S^-beta, with research
    input R a CES of cognitive labour and experiment compute (mechanisms/software.py)."""

    initial_rate_oom_per_year: Uncertain = param(
        0.45, unit="OOM/yr", bounds=(0.05, 1.5),
        doc="Algorithmic efficiency growth under human-only research with experiment compute on its trend "
            "(the historical trend; also dates the start's algorithms against 2025.0).",
        source="Ho et al. 2024, 'Algorithmic progress in language models': halving every ~8 months (5-14)")
    returns: Uncertain = param(
        1.2, unit="dimensionless", bounds=(0.1, 10.0), log=True,
        doc="Returns to software R&D r = lambda/beta: doublings of efficiency per doubling of research input.",
        source="Davidson & Houlden 2025 (r log-uniform ~0.4-3.6); Epoch AI 2024 'Do the returns to software R&D point towards a singularity?' (~1.2, weak data)")
    parallelization: Uncertain = param(
        0.7, unit="dimensionless", bounds=(0.05, 1.0),
        doc="Parallelisation exponent lambda: research output scales as input^lambda.",
        source="Davidson 2023 compute-centric framework, best guess 0.7 (0.2-0.99)")
    ceiling_oom: Uncertain = param(
        12.0, unit="OOM", bounds=(1.0, 30.0),
        doc="Software efficiency ceiling, in orders of magnitude above the start's.",
        source="Davidson 2023 best guess 1e12 (conservative 1e8, aggressive 1e16)")
    labour_share: Uncertain = param(
        0.5, unit="fraction", bounds=(0.01, 1.0),
        doc="Weight of cognitive labour (against experiment compute) in software research input, on the trend "
            "path (1: compute plays no part, the labour-only semi-endogenous model).",
        source="assumption; Erdil et al. 2025 (Epoch AI) and Whitfill & Wu 2025 split AI R&D inputs roughly evenly between researchers and compute")
    compute_substitution: Uncertain = param(
        0.5, unit="dimensionless", bounds=(0.05, 10.0), log=True,
        doc="Elasticity of substitution between cognitive labour and experiment compute in software research "
            "(<1: complements, compute bottlenecks the explosion; >1: substitutes).",
        source="disputed: Erdil et al. 2025 (Epoch AI) argue strong complements; Whitfill & Wu 2025 estimate "
               "values on both sides of 1 from lab data; sampled wide")


class Automation(Block):
    """Three R&D automation vectors, each a logistic in absolute effective compute (2025-algorithm FLOP);
    human and AI labour combine by CES within a vector and the vectors combine with a bottleneck
    (mechanisms/automation.py)."""

    midpoint_data_flop: Uncertain = param(
        3e31, unit="effective FLOP (2025 algorithms)", bounds=(1e24, 1e45), log=True,
        doc="Effective training compute at which data generation/curation is 50% automated.",
        source="Davidson 2023 (full automation ~1e36 FLOP of 2022 algorithms ~ 1e34.6 of 2025's; FLOP gap 1e4); "
               "METR horizons on recloop's fit (~1 work-week at 1e31); assumption for the vector's place")
    midpoint_arch_flop: Uncertain = param(
        3e32, unit="effective FLOP (2025 algorithms)", bounds=(1e24, 1e45), log=True,
        doc="Effective training compute at which architecture and hyperparameter search is 50% automated.",
        source="Davidson 2023 (as above); research taste automates last (AI Futures Project 2025); assumption")
    midpoint_code_flop: Uncertain = param(
        1e31, unit="effective FLOP (2025 algorithms)", bounds=(1e24, 1e45), log=True,
        doc="Effective training compute at which code generation and infrastructure orchestration is 50% automated.",
        source="recloop's METR fit (mechanisms/horizon.py): a 50% horizon of ~1 work-week at 1e31, ~1 work-year "
               "near full automation (1e35); AI Futures Project 2025 (superhuman coder first); Davidson 2023")
    width_oom: Uncertain = param(
        0.5, unit="OOM", bounds=(0.05, 5.0),
        doc="Logistic width: 20%->99.9% automation spans 8.3 x width OOM of effective compute.",
        source="Davidson 2023 FLOP gap (20%->100% automation spans ~4 OOM, best guess; 1 OOM aggressive, 8 conservative)")
    substitution_rho: Uncertain = param(
        -0.5, unit="dimensionless", bounds=(-5.0, 0.9),
        doc="CES exponent between human and AI labour within a vector (<0: complements).",
        source="Davidson 2023 compute-centric framework (rho = -0.5 between tasks)")
    bottleneck_rho: Uncertain = param(
        -2.0, unit="dimensionless", bounds=(-20.0, -0.05),
        doc="CES exponent across the three vectors (strongly negative: the slowest vector bottlenecks).",
        source="Erdil & Besiroglu 2023 on complementarity of R&D inputs; assumption")
    ai_labour_at_start: Uncertain = param(
        30.0, unit="x human workforce", bounds=(0.1, 1e5), log=True,
        doc="AI research labour the developer's inference compute supplies at the start, in human-researcher equivalents per human researcher.",
        source="Davidson & Houlden 2025 (ASARA: 30 copies x 30x speed = 900x at full automation); scaled down at start")


class Generations(Block):
    """Successor generations: the deployed generation follows the best run the developer can start,
    through its build time; releases are counted in steps of effective compute (mechanisms/generations.py)."""

    step_oom: Uncertain = param(
        1.0, unit="OOM", bounds=(0.1, 4.0),
        doc="Effective-compute gain counted as one release (bookkeeping: counts generations, sets when "
            "verification, detection and deprecation are done; no rate depends on it).",
        source="Epoch AI notable-models data (~1 OOM between major frontier releases)")
    prep_years: Uncertain = param(
        0.4, unit="yr", bounds=(0.0, 3.0),
        doc="Design, data and pipeline work before each training run under human-only research.",
        source="frontier release cadence 2023-2025 (run plus post-training ~6 months); assumption")
    air_gap_prep_cost: Uncertain = param(
        0.5, unit="fraction", bounds=(0.0, 5.0),
        doc="Extra preparation time under a full air gap between inference and weights (humans carry every "
            "change across it), as a fraction of the preparation time.",
        source="assumption; air-gapped deployment adds manual transfer and review steps (RAND 2024, 'Securing AI model weights')")
    latency_wall_flop: Uncertain = param(
        2e31, unit="FLOP", bounds=(1e27, 1e40), log=True,
        doc="Run size at which data movement makes a run take at least latency_wall_years.",
        source="Erdil & Schneider-Joseph 2024, Epoch AI 'Data movement limits to frontier model training' (~2e31)")
    latency_wall_years: Uncertain = param(
        0.25, unit="yr", bounds=(0.01, 2.0),
        doc="Minimum training time of a run at the latency wall.",
        source="Erdil & Schneider-Joseph 2024 (wall stated for ~3-month runs)")
    latency_exponent: Uncertain = param(
        0.33, unit="dimensionless", bounds=(0.0, 1.0),
        doc="Minimum training time scales as (run FLOP / wall FLOP)^exponent.",
        source="serial steps grow with dataset size ~C^0.5 offset by batch growth; Erdil & Schneider-Joseph 2024; assumption")


class Data(Block):
    """Data pollution: finite human text, synthetic share, quality deficit by a collapse law."""

    real_stock_tokens: Uncertain = param(
        3e14, unit="tokens", bounds=(1e13, 1e16), log=True,
        doc="Effective stock of human-generated public text.",
        source="Villalobos et al. 2024, 'Will we run out of data?' (3e14, 90% CI 1e14-1e15)")
    real_stock_growth: Uncertain = param(
        0.05, unit="1/yr", bounds=(0.0, 0.5),
        doc="Growth rate of the stock of human text.",
        source="Villalobos et al. 2024 (internet text grows a few % a year)")
    max_epochs: Uncertain = param(
        4.0, unit="epochs", bounds=(1.0, 20.0),
        doc="Repetitions of real data that are about as useful as fresh data.",
        source="Muennighoff et al. 2023, 'Scaling data-constrained language models' (~4 epochs)")
    tokens_per_parameter: Uncertain = param(
        20.0, unit="tokens/param", bounds=(1.0, 1000.0), log=True,
        doc="Compute-optimal tokens per parameter (C = 6 N D).",
        source="Hoffmann et al. 2022 (Chinchilla, ~20 tokens per parameter)")
    collapse_kappa: Uncertain = param(
        0.05, unit="loss fraction/gen", bounds=(0.0, 2.0),
        doc="Quality deficit added per OOM of capability trained wholly on synthetic data (one 1-OOM generation).",
        source="collapse lab calibration (recloop.lab); Shumailov et al. 2024 Nature 631:755")
    accumulation: Uncertain = param(
        0.8, unit="fraction", bounds=(0.0, 1.0),
        doc="0 = each generation replaces its data, 1 = data accumulates across generations.",
        source="Gerstgrasser et al. 2024 (accumulating bounds the error; labs keep old data)")
    real_fraction_exponent: Uncertain = param(
        1.0, unit="dimensionless", bounds=(0.5, 4.0),
        doc="Exponent gamma on the synthetic share (1 - p)^gamma in the collapse law (1 = the linear law).",
        source="collapse lab (docs/collapse-lab.md): gamma = 1.70 (R^2 0.975) fits the character-model sweeps better than 1 (R^2 0.92)")
    curation_efficiency: Uncertain = param(
        0.5, unit="fraction", bounds=(0.0, 1.0),
        doc="Share of the synthetic-data deficit removed by AI curation at full data-vector automation.",
        source="collapse lab calibration (recloop.lab); Feng et al. 2024 'Beyond model collapse' (verification filters)")
    loss_compute_exponent: Uncertain = param(
        0.05, unit="dimensionless", bounds=(0.01, 0.5),
        doc="Loss scales as compute^-alpha: converts a loss deficit into OOM of effective compute lost.",
        source="Hoffmann et al. 2022; Kaplan et al. 2020 (alpha ~0.05)")


class Drift(Block):
    """Optimization drift: fidelity decays per OOM of capability gained under autonomous development,
    dF/dK = -delta F (not per release, so results do not depend on how releases are counted)."""

    base_per_oom: Uncertain = param(
        0.12, unit="fraction/OOM", bounds=(0.0, 0.9),
        doc="Fidelity lost per OOM of effective compute gained with full autonomy, no verification and no sandbox.",
        source="assumption (essay: intent diverges completely by generation N+3, i.e. within a few OOM); no published estimate: keep wide")
    autonomy_exponent: Uncertain = param(
        1.5, unit="dimensionless", bounds=(0.1, 5.0),
        doc="Drift scales as (mean automation)^exponent.",
        source="assumption: drift enters through autonomous steps of the pipeline")
    verification_protection: Uncertain = param(
        0.8, unit="fraction", bounds=(0.0, 1.0),
        doc="Share of drift removed while the capability being gained is fully verified.",
        source="assumption; Anthropic RSP 2024 (safeguards before deployment)")
    unaligned_fidelity: Uncertain = param(
        0.5, unit="fraction", bounds=(0.01, 0.99),
        doc="Fidelity below which a dangerous system counts as unaligned capability.",
        source="assumption (essay: 'a state of unaligned capability')")
    hidden_objective_drift: Uncertain = param(
        0.1, unit="fraction", bounds=(0.0, 0.9),
        doc="Fidelity loss since the last verified generation above which a hidden objective is present.",
        source="assumption; Hubinger et al. 2024 'Sleeper agents' (hidden behaviour survives training)")


class Verification(Block):
    """Verification asymmetry: capacity from researchers (about linear, sped up by AI-assisted alignment)
    and from verification compute; the requirement grows with capability (mechanisms/verification.py)."""

    required_exponent: Uncertain = param(
        0.9, unit="dimensionless", bounds=(0.2, 3.0),
        doc="Verification required grows as 10^(exponent x OOM of effective compute gained): the cost of "
            "evaluating a generation grows with its task horizon (METR: ~0.5 log10 hours per OOM) times its "
            "inference cost (~0.25-0.5 per OOM: parameters grow as compute^0.5, Hoffmann et al. 2022), plus any "
            "growth of the surface to cover.",
        source="METR 2025 horizon trend with Epoch AI compute trend (horizon term ~0.5); Hoffmann et al. 2022 "
               "(inference term); breadth of the risk surface: assumption")
    human_coverage_at_start: Uncertain = param(
        0.5, unit="fraction of requirement", bounds=(0.0, 5.0),
        doc="Verification capacity from human safety work at the start, as a share of what the starting generation needs.",
        source="assumption; METR/AISI pre-deployment evaluations cover part of the risk surface")
    human_rate: Uncertain = param(
        0.15, unit="requirement/yr", bounds=(0.0, 5.0),
        doc="Verification capacity added per year by human safety research (linear).",
        source="assumption; safety researcher headcount grows roughly linearly (Epoch/AISI surveys)")
    compute_coverage_at_start: Uncertain = param(
        0.3, unit="fraction of requirement", bounds=(0.0, 5.0),
        doc="Verification capacity from 5% of the developer's physical compute at the start (automated evals, "
            "red teaming); it grows with the FLOP/s given to verification, not with software progress.",
        source="assumption; lab system cards (evaluation compute is a few % of training)")
    automation_boost: Uncertain = param(
        0.0, unit="dimensionless", bounds=(0.0, 1.5),
        doc="AI-assisted alignment: human verification work is sped up by (research speed-up)^boost.",
        source="assumption, sampled wide in the baseline: 0 follows the essay (verification moves linearly); "
               "OpenAI superalignment 2023 and Leike 2022 bet on >0; no published estimate")


class Risk(Block):
    """Hazard of catastrophe and the point of no control."""

    danger_flop: Uncertain = param(
        1e31, unit="effective FLOP (2025 algorithms)", bounds=(1e24, 1e45), log=True,
        doc="Effective training compute above which the hazard applies.",
        source="assumption; frontier frameworks' critical AI R&D levels (Anthropic AI R&D-4, OpenAI 'High' "
               "self-improvement) sit near full automation of entry-level research (~ the code midpoint)")
    base_hazard: Uncertain = param(
        0.05, unit="1/yr", bounds=(0.0, 5.0),
        doc="Hazard per year at the danger threshold for a fully drifted, unverified, uncontained system.",
        source="calibrated so the baseline's P(catastrophe by the horizon) is near the 5-10% that Grace et al. 2024 "
               "report (median respondent 5% for extinction-level outcomes); assumption")
    capability_elasticity: Uncertain = param(
        0.25, unit="1/OOM", bounds=(0.0, 3.0),
        doc="Hazard grows as 10^(elasticity x OOM above the danger threshold).",
        source="assumption")
    max_multiplier: Uncertain = param(
        10.0, unit="x", bounds=(1.0, 1e6), log=True,
        doc="Largest factor by which capability raises the hazard over its value at the threshold.",
        source="assumption (keeps the hazard a rate, not a certainty, far above the threshold)")
    no_control_automation: Uncertain = param(
        0.95, unit="fraction", bounds=(0.5, 1.0),
        doc="Code-vector automation at which the system iterates on its code base without humans (point of no control if unverified).",
        source="essay: 'the moment a system can independently iterate on its own code base'")


class Milestones(Block):
    """Milestones that define takeoff."""

    takeoff_start_automation: Uncertain = param(
        0.9, unit="fraction", bounds=(0.3, 0.999),
        doc="Mean automation at which AI does most of its own engineering (takeoff starts).",
        source="essay ('automate 90% of its own software refactoring')")
    superhuman_oom: Uncertain = param(
        5.0, unit="OOM", bounds=(0.5, 20.0),
        doc="Effective compute beyond takeoff start that counts as vastly superhuman.",
        source="Davidson & Houlden 2025 measure takeoff in years of ~1 OOM/yr progress; 5 OOM ~ GPT-2 to GPT-4")


class Horizon(Block):
    """METR time horizons as a function of capability (mechanisms/horizon.py): the 50% horizon
    doubles every ``oom_per_doubling`` OOM of effective compute (2025-algorithm FLOP-equivalents).
    Fitted by recloop.data.horizon_fit to METR Time Horizon 1.1 and Epoch AI training compute."""

    oom_per_doubling: Uncertain = param(
        0.73, unit="OOM/doubling", bounds=(0.05, 5.0), log=True,
        doc="Effective compute (OOM, 2025-algorithm FLOP-equivalents) per doubling of the 50% time horizon.",
        source="fit to METR Time Horizon 1.1 (2026) x Epoch AI training compute, 9 models 2019-2025, "
               "bootstrap p5 0.44, p50 0.73, p95 1.12 (recloop.data.horizon_fit)")
    p50_hours_at_1e25: Uncertain = param(
        0.108, unit="h", bounds=(1e-4, 100.0), log=True,
        doc="50% time horizon (human working hours) of a system of 1e25 effective FLOP (2025 algorithms).",
        source="fit to METR Time Horizon 1.1 x Epoch AI, bootstrap p5 0.059, p50 0.108, p95 0.204 h "
               "(recloop.data.horizon_fit)")
    p80_ratio: Uncertain = param(
        0.161, unit="fraction", bounds=(0.01, 1.0),
        doc="80% time horizon as a fraction of the 50% horizon at the same capability.",
        source="METR Time Horizon 1.1, frontier agents: geometric mean of p80/p50, bootstrap p5 0.146, "
               "p95 0.180 (recloop.data.horizon_fit)")


class Correlation(BaseModel):
    """One entry of the Gaussian copula between two uncertain parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    params: tuple[str, str]
    rho: float = Field(ge=-0.99, le=0.99)


class Jurisdiction(BaseModel):
    """A jurisdiction that actors belong to and treaties name."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    description: str = ""


class Actor(BaseModel):
    """One developer: a firm, a state programme or an open-source collective.

    Its compute, fab share and power are ``compute_share`` times the scenario's frontier
    developer (1.0); its spending is ``budget`` times the frontier developer's on the same
    growth path. Strategies: see :data:`recloop.policy.STRATEGIES`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    kind: Literal["firm", "state", "open_source"] = "firm"
    jurisdiction: str = Field(min_length=1)
    compute_share: float = Field(default=1.0, gt=0, le=10, description="Compute relative to the frontier developer.")
    budget: float = Field(default=1.0, gt=0, le=10, description="Spending relative to the frontier developer.")
    safety_effort: float = Field(default=1.0, ge=0, le=50, description="Safety research effort, x the policy's.")
    strategy: Literal["race", "unilateral_pause", "conditional_pause", "comply", "covert"] = "comply"
    covert_share: float = param(
        0.3, unit="fraction of its compute", bounds=(0.0, 1.0),
        doc="Share of its compute a covert defector keeps running in hidden clusters while a halt or treaty "
            "pause it declared is in force (outside a pause it runs all of it).",
        source="ASSUMPTION (no published estimate): hiding a cluster gets harder with its size (Shavit 2023, "
               "'What does it take to catch a Chinchilla?'; Baker 2023 on treaty verification); "
               "0.3 for firms, 0.5 for state programmes in essay-cast")
    containment: Containment | None = Field(
        default=None,
        description="Overrides of the policy's [containment] levers for this actor only (the fields given; "
                    "e.g. air_gap = 0 for an open-source collective). deprecate_lineage stays the policy's.")
    source: str = ""

    @field_validator("covert_share", mode="after")
    @classmethod
    def _covert_bounds(cls, v):
        if not (isinstance(v, (int, float)) and 0.0 <= v <= 1.0):
            raise ValueError("must be in [0, 1] fraction of its compute")
        return v

    @field_validator("containment", mode="after")
    @classmethod
    def _per_actor_containment(cls, v):
        if v is not None and "deprecate_lineage" in v.model_fields_set:
            raise ValueError("deprecate_lineage cannot be set per actor (the policy's applies to every actor)")
        return v

    def containment_overrides(self) -> dict[str, float]:
        """The containment levers this actor overrides (field -> value)."""
        if self.containment is None:
            return {}
        return {k: getattr(self.containment, k) for k in self.containment.model_fields_set}


class Market(Block):
    """How relative capability turns into market share and budget (used only with actors)."""

    share_sensitivity: float = param(
        1.0, unit="1/OOM", bounds=(0.0, 10.0),
        doc="Logit market-share sensitivity to effective compute: a lead of 1/g OOM is worth 10:1.",
        source="assumption; frontier API market shares track benchmark leads (Epoch AI / Menlo Ventures 2024-25 market surveys)")
    revenue_elasticity: float = param(
        0.5, unit="dimensionless", bounds=(0.0, 3.0),
        doc="Budget scales as (market share / starting share)^elasticity: a laggard loses revenue and budget.",
        source="assumption (AI lab revenue funds compute: Cottier et al. 2024)")
    exit_share: float = param(
        0.01, unit="fraction", bounds=(0.0, 0.5),
        doc="Market share below which an actor is absorbed or exits (it stops developing).",
        source="assumption")
    review_years: float = param(
        0.25, unit="yr", bounds=(0.01, 1.0),
        doc="How often the actors of one world settle what depends on all of them: market shares from "
            "relative capability, exits, and whether every partner of a conditional pause is pausing. "
            "Between reviews each actor steps on its own clock.",
        source="assumption; listed firms report and replan quarterly (SEC Form 10-Q cadence)")


class Scenario(BaseModel):
    """The uncertainties of one world: every mechanism's block, plus copula correlations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "custom"
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    start_year: float = Field(default=2027.0, ge=2000, le=2200)
    compute: Compute = Compute()
    economy: Economy = Economy()
    software: Software = Software()
    automation: Automation = Automation()
    generations: Generations = Generations()
    data: Data = Data()
    drift: Drift = Drift()
    verification: Verification = Verification()
    risk: Risk = Risk()
    milestones: Milestones = Milestones()
    horizon: Horizon = Horizon()
    correlations: list[Correlation] = Field(default_factory=list)
    # many actors (recloop.governance); empty = the single frontier developer of the blocks above
    jurisdictions: list[Jurisdiction] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    market: Market = Market()

    @model_validator(mode="after")
    def _known_correlated_params(self):
        known = {s.path for s in scenario_specs()}
        bad = [p for c in self.correlations for p in c.params if p not in known]
        if bad:
            raise ValueError(f"correlation names unknown parameter(s) {bad}")
        return self

    @model_validator(mode="after")
    def _consistent_actors(self):
        names = [a.name for a in self.actors]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"actors: duplicate actor name(s) {dup}")
        if len(self.actors) > 64:
            raise ValueError(f"actors: at most 64 actors, got {len(self.actors)}")
        if self.jurisdictions:
            known = [j.name for j in self.jurisdictions]
            for i, a in enumerate(self.actors):
                if a.jurisdiction not in known:
                    raise ValueError(f"actors[{i}].jurisdiction: unknown jurisdiction '{a.jurisdiction}'; "
                                     f"declared: {', '.join(known)}")
        return self

    def jurisdiction_names(self) -> list[str]:
        """Declared jurisdictions, or those the actors name when none are declared."""
        if self.jurisdictions:
            return [j.name for j in self.jurisdictions]
        return list(dict.fromkeys(a.jurisdiction for a in self.actors))

    def value(self, path: str) -> Any:
        block, name = path.split(".")
        return getattr(getattr(self, block), name)

    def uncertain_paths(self) -> list[str]:
        return [s.path for s in scenario_specs() if not isinstance(self.value(s.path), (int, float))]

    def to_toml(self) -> str:
        return scenario_to_toml(self)


_BLOCKS = ["compute", "economy", "software", "automation", "generations", "data", "drift", "verification", "risk",
           "milestones", "horizon"]


def scenario_specs() -> list[ParamSpec]:
    out: list[ParamSpec] = []
    for block in _BLOCKS:
        model = cast("type[BaseModel]", Scenario.model_fields[block].annotation)
        out.extend(specs(model, prefix=block + ".", kind="uncertainty"))
    return out


def market_specs() -> list[ParamSpec]:
    """The ``[market]`` block (fixed values, read only when the scenario has actors)."""
    return specs(Market, prefix="market.", kind="market")


def _toml_value(v: Any) -> str:
    if isinstance(v, BaseModel):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.model_dump().items()) + " }"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return repr(float(v)) if isinstance(v, float) else str(v)


def scenario_to_toml(s: Scenario) -> str:
    lines = [f"name = {_toml_value(s.name)}", f"description = {_toml_value(s.description)}",
             f"start_year = {s.start_year!r}"]
    if s.sources:
        lines.append(f"sources = {_toml_value(s.sources)}")
    for block in _BLOCKS:
        lines.append(f"\n[{block}]")
        for name in getattr(s, block).model_dump():
            val = getattr(getattr(s, block), name)
            lines.append(f"{name} = {_toml_value(val)}")
    if s.actors:
        lines.append("\n[market]")
        for name, v in s.market.model_dump().items():
            lines.append(f"{name} = {_toml_value(v)}")
    for table, items in (("jurisdictions", s.jurisdictions), ("actors", s.actors)):
        for item in items:
            lines.append(f"\n[[{table}]]")
            for name, v in item.model_dump().items():
                if name == "containment":  # only the overridden levers, or nothing
                    if isinstance(item, Actor) and item.containment is not None:
                        given = item.containment_overrides()
                        lines.append("containment = { " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in given.items()) + " }")
                    continue
                lines.append(f"{name} = {_toml_value(v)}")
    for c in s.correlations:
        lines.append("\n[[correlations]]")
        lines.append(f"params = {_toml_value(list(c.params))}")
        lines.append(f"rho = {c.rho!r}")
    return "\n".join(lines) + "\n"


def parse_scenario(data: dict[str, Any], *, where: str = "scenario") -> Scenario:
    """Validate a mapping into a Scenario; all problems at once, one line each."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        problems = format_validation_error(err, root=Scenario, prefix=where)
        # cross-field problems of the actor list, with their own field paths
        problems = [p for p in problems if not p.startswith(f"{where}: actors")] + _actor_problems(data, where)
        raise RecloopInputError(problems) from None


def _actor_problems(data: dict[str, Any], where: str) -> list[str]:
    actors = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(actors, list):
        return []
    out, seen = [], set()
    declared = [j.get("name") for j in data.get("jurisdictions", []) if isinstance(j, dict)]
    for i, a in enumerate(actors):
        if not isinstance(a, dict):
            continue
        if a.get("name") in seen:
            out.append(f"{where}.actors[{i}].name: duplicate actor name '{a.get('name')}'")
        seen.add(a.get("name"))
        if declared and "jurisdiction" in a and a["jurisdiction"] not in declared:
            out.append(f"{where}.actors[{i}].jurisdiction: unknown jurisdiction '{a['jurisdiction']}'; "
                       f"declared: {', '.join(map(str, declared))}")
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise RecloopInputError([f"{p}: no such file"])
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RecloopInputError([f"{p}: not valid TOML ({err})"]) from None
    except UnicodeDecodeError:
        raise RecloopInputError([f"{p}: not a UTF-8 text file"]) from None


def bundled_scenarios() -> dict[str, Path]:
    root = resources.files("recloop") / "scenarios"
    return {Path(str(p)).stem: Path(str(p)) for p in root.iterdir() if str(p).endswith(".toml")}


def load_scenario(spec: str | Path | None = None) -> Scenario:
    """Load a scenario by bundled name (``baseline``) or path; ``None`` means the baseline."""
    spec = "baseline" if spec is None else spec
    bundled = bundled_scenarios()
    path = bundled[str(spec)] if str(spec) in bundled else Path(spec)
    if not path.exists() and str(spec) not in bundled:
        raise RecloopInputError([f"scenario: '{spec}' is neither a file nor a bundled scenario ({', '.join(sorted(bundled))})"])
    return parse_scenario(read_toml(path), where="scenario")


# A scenario block may cite a distribution helper for LogNormal/LogUniform in Python code.
__all__ += ["LogNormal", "LogUniform", "parse_scenario", "read_toml", "scenario_to_toml"]
