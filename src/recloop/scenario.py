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
        1700.0, unit="W per PFLOP/s", bounds=(1.0, 1e5), log=True,
        doc="Power drawn per PFLOP/s of installed compute at the start, including cooling and networking.",
        source="Epoch AI 2024: H100 ~1,700 W per GPU all-in (~1 PFLOP/s dense BF16); the upper bound admits a "
               "2019 start (recloop hindcast reads 9.1e4 from Epoch's 2018 runs, weeks long on V100-era chips)")
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
               "METR horizons on recloop's fit with its median reasoning gain (~1 work-week at 4e30); assumption for "
               "the vector's place")
    midpoint_arch_flop: Uncertain = param(
        3e32, unit="effective FLOP (2025 algorithms)", bounds=(1e24, 1e45), log=True,
        doc="Effective training compute at which architecture and hyperparameter search is 50% automated.",
        source="Davidson 2023 (as above); research taste automates last (AI Futures Project 2025); assumption")
    midpoint_code_flop: Uncertain = param(
        1e31, unit="effective FLOP (2025 algorithms)", bounds=(1e24, 1e45), log=True,
        doc="Effective training compute at which code generation and infrastructure orchestration is 50% automated.",
        source="recloop's METR fit with its median reasoning gain (mechanisms/horizon.py): a 50% horizon of ~1 "
               "work-week at 4e30, ~1 work-year "
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
        0.81, unit="OOM/doubling", bounds=(0.05, 5.0), log=True,
        doc="Effective compute (OOM, 2025-algorithm FLOP-equivalents) per doubling of the 50% time horizon.",
        source="fit to METR Time Horizon 1.1 (2026) x Epoch AI training compute, 8 models 2019-2024 released "
               "before reasoning training, bootstrap p5 0.55, p50 0.81, p95 1.24 (recloop.data.horizon_fit)")
    p50_hours_at_1e25: Uncertain = param(
        0.079, unit="h", bounds=(1e-4, 100.0), log=True,
        doc="50% time horizon (human working hours) of a system of 1e25 effective FLOP (2025 algorithms).",
        source="fit to METR Time Horizon 1.1 x Epoch AI, bootstrap p5 0.048, p50 0.079, p95 0.123 h "
               "(recloop.data.horizon_fit)")
    p80_ratio: Uncertain = param(
        0.161, unit="fraction", bounds=(0.01, 1.0),
        doc="80% time horizon as a fraction of the 50% horizon at the same capability.",
        source="METR Time Horizon 1.1, frontier agents: geometric mean of p80/p50, bootstrap p5 0.146, "
               "p95 0.180 (recloop.data.horizon_fit)")
    reasoning_gain_oom: Uncertain = param(
        1.5, unit="OOM", bounds=(0.0, 5.0),
        doc="Compute-equivalent gain on METR's tasks of reasoning training and inference scaling, once "
            "reasoning-training compute has caught up with the frontier's training compute (OOM of E).",
        source="assumption, sampled wide (baseline uniform 0.3-3): single post-training enhancements gain 5-30x "
               "compute-equivalent (Davidson et al. 2023, arXiv:2312.07413); reasoning-training compute scaled "
               "from ~5e23 FLOP (DeepSeek-R1 ~6e23; Amodei, Jan 2025: ~$1M) toward the >1e26 frontier, ~2.3 OOM "
               "(Epoch AI, You 2025, 'How far can reasoning models scale?'), at about half the log-slope of "
               "inference scaling (Ord 2025, 'How well does RL scale?'); METR's reasoning-era agents condition it "
               "(recloop calibrate)")
    reasoning_onset_year: Uncertain = param(
        2024.70, unit="year", bounds=(2015.0, 2035.0),
        doc="Calendar year reasoning training starts raising frontier agents' horizons (the gain is 0 before).",
        source="OpenAI o1-preview, released 2024-09-12, the first RL-trained reasoning model "
               "(METR Time Horizon 1.1 dates o1_preview 2024.70)")
    reasoning_ramp_years: Uncertain = param(
        1.0, unit="yr", bounds=(0.1, 10.0),
        doc="Years from the onset until reasoning-training compute reaches the frontier's training compute "
            "and the gain stops rising faster than E.",
        source="Epoch AI (You 2025): reasoning-training compute grew ~10x in the four months from o1 to o3 and, "
               "at that pace, reaches the frontier of training compute 'perhaps within a year', then grows "
               "~4x/yr with it; baseline uniform 0.5-2 (assumption)")


class Correlation(BaseModel):
    """One entry of the Gaussian copula between two uncertain parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    params: tuple[str, str] = Field(strict=False)  # a TOML or JSON array of two names
    rho: float = Field(ge=-0.99, le=0.99)


class Jurisdiction(BaseModel):
    """A jurisdiction that actors belong to and treaties name."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    name: str = Field(min_length=1)
    description: str = ""


class Actor(BaseModel):
    """One developer: a firm, a state programme or an open-source collective.

    Its compute, fab share and power are ``compute_share`` times the scenario's frontier
    developer (1.0); its spending is ``budget`` times the frontier developer's on the same
    growth path. Strategies: see :data:`recloop.policy.STRATEGIES`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
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
    catastrophe_aggregation: Literal["independent", "max"] = param(
        "independent", unit="rule", choices=("independent", "max"),
        doc="How the actors' hazards make the world's one catastrophe process (recloop.outcomes.HAZARD_AGGREGATIONS): "
            "'independent' - each actor is its own source of the same event, so the hazards add (the union of "
            "independent Poisson processes); 'max' - one common cause, so the world is as exposed as its most exposed actor.",
        source="structural choice (issue 13 item 7); 'independent' by default because each actor's hazard comes from its "
               "own deployed systems (its own fidelity, coverage and containment), which the model draws per actor")


class Scenario(BaseModel):
    """The uncertainties of one world: every mechanism's block, plus copula correlations."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

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
        problems = correlation_problems(self)
        if problems:
            raise ValueError("\n".join(problems))  # parse_scenario splits it into lines
        return self

    @field_validator("name", "description", mode="after")
    @classmethod
    def _writable_text(cls, v: str):
        # a lone surrogate (possible in JSON) cannot be written to a UTF-8 TOML file
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text (no lone surrogates)") from None
        return v

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


def correlation_problems(s: "Scenario") -> list[str]:
    """What is wrong with a scenario's copula: unknown or repeated names, a parameter correlated with
    itself, a pair given twice, a parameter not sampled (a point value), a matrix that is not
    positive definite. One line each, with the field path (``correlations[i]``)."""
    import numpy as np

    known = {sp.path for sp in scenario_specs()}
    out: list[str] = []
    seen: dict[frozenset[str], int] = {}
    for i, c in enumerate(s.correlations):
        a, b = c.params
        where = f"correlations[{i}].params"
        bad = [p for p in (a, b) if p not in known]
        if bad:
            out.append(f"{where}: unknown parameter(s) {', '.join(bad)}")
            continue
        if a == b:
            out.append(f"{where}: a parameter cannot be correlated with itself, got ['{a}', '{b}']")
            continue
        pair = frozenset((a, b))
        if pair in seen:
            j = seen[pair]
            out.append(f"{where}: the pair ['{a}', '{b}'] is already given in correlations[{j}] "
                       f"(rho {s.correlations[j].rho:g} and {c.rho:g}); give each pair once")
            continue
        seen[pair] = i
        points = [p for p in (a, b) if isinstance(s.value(p), (int, float))]
        if points:
            out.append(f"{where}: {', '.join(points)} must be a distribution to be correlated (it is the point value "
                       f"{', '.join(f'{s.value(p):g}' for p in points)})")
    if out or not s.correlations:
        return out
    names = sorted({p for c in s.correlations for p in c.params})
    idx = {p: k for k, p in enumerate(names)}
    R = np.eye(len(names))
    for c in s.correlations:
        ia, ib = idx[c.params[0]], idx[c.params[1]]
        R[ia, ib] = R[ib, ia] = c.rho
    lowest = float(np.linalg.eigvalsh(R).min())
    if lowest <= 1e-9:
        out.append(f"correlations: the correlation matrix of {', '.join(names)} is not positive definite "
                   f"(smallest eigenvalue {lowest:.3g}); the correlations contradict one another")
    return out


def _toml_data(s: Scenario) -> dict[str, Any]:
    """The scenario as a TOML document's mapping: every value, so that it needs no base."""
    doc: dict[str, Any] = {"extends": "defaults", "name": s.name, "description": s.description,
                           "start_year": s.start_year}
    if s.sources:
        doc["sources"] = list(s.sources)
    for block in _BLOCKS:
        doc[block] = getattr(s, block).model_dump(mode="json")
    if s.actors:
        doc["market"] = s.market.model_dump(mode="json")
    if s.jurisdictions:
        doc["jurisdictions"] = [j.model_dump(mode="json") for j in s.jurisdictions]
    if s.actors:
        actors = []
        for a in s.actors:
            d = a.model_dump(mode="json", exclude={"containment"})
            if a.containment is not None:  # only the overridden levers
                d["containment"] = a.containment_overrides()
            actors.append(d)
        doc["actors"] = actors
    if s.correlations:
        doc["correlations"] = [{"params": list(c.params), "rho": c.rho} for c in s.correlations]
    return doc


def scenario_to_toml(s: Scenario) -> str:
    """The scenario as TOML text, written by a TOML library (tomli-w): any name or description
    (newlines, quotes, any Unicode) reads back as it was. Self-contained (``extends = "defaults"``)."""
    import tomli_w

    return tomli_w.dumps(_toml_data(s))


#: What a scenario file may extend: the declared point defaults, or a bundled scenario.
DEFAULT_BASE = "baseline"
_NOT_INHERITED = ("name", "description")


def resolve_extends(data: dict[str, Any], *, where: str = "scenario", _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The mapping of a scenario file laid over its base (``extends``; default ``"baseline"``).

    ``extends = "defaults"`` starts from the declared point defaults; ``extends = "NAME"`` from a
    bundled scenario. Block values replace the base's one by one; a list (``sources``,
    ``correlations``, ``jurisdictions``, ``actors``) given in the file replaces the base's. The
    base's correlations that name a parameter the file fixes to a point value are dropped (that
    parameter is no longer sampled). ``name`` and ``description`` are never inherited.
    """
    if not isinstance(data, dict):
        raise RecloopInputError([f"{where}: expected a table, got {type(data).__name__}"])
    data = dict(data)
    base_name = data.pop("extends", DEFAULT_BASE)
    bundled = bundled_scenarios()
    if not isinstance(base_name, str) or (base_name != "defaults" and base_name not in bundled):
        allowed = ", ".join(["defaults"] + sorted(bundled))
        raise RecloopInputError([f"{where}.extends: must be one of {allowed}, got {base_name!r}"])
    if base_name == "defaults":
        return data
    if base_name in _seen:
        raise RecloopInputError([f"{where}.extends: '{base_name}' extends itself ({' -> '.join(_seen + (base_name,))})"])
    base = resolve_extends(read_toml(bundled[base_name]), where=f"scenarios/{base_name}.toml",
                           _seen=_seen + (base_name,))
    merged = {k: v for k, v in base.items() if k not in _NOT_INHERITED}
    pinned = set()
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
            pinned |= {f"{key}.{k}" for k, v in value.items() if not isinstance(v, dict)}
        else:
            merged[key] = value
    if "correlations" not in data and isinstance(merged.get("correlations"), list):
        merged["correlations"] = [c for c in merged["correlations"]
                                  if not (isinstance(c, dict) and set(map(str, c.get("params", []))) & pinned)]
    return merged


def file_paths(data: dict[str, Any]) -> set[str]:
    """The parameter paths a scenario file sets itself (the rest come from its base)."""
    out = set()
    for key, value in data.items():
        if isinstance(value, dict):
            out |= {f"{key}.{k}" for k in value}
    return out


def parse_scenario(data: dict[str, Any], *, where: str = "scenario", extends: bool = False) -> Scenario:
    """Validate a mapping into a Scenario; all problems at once, one line each.

    A mapping that names its base (``extends = ...``) is laid over it first (see
    :func:`resolve_extends`). ``extends=True`` reads the mapping as a scenario *file* does: one
    that names no base extends the baseline (:func:`load_scenario`, ``recloop validate`` and the
    playground's uploads do this). Otherwise a field not given takes its declared default, as in
    ``Scenario(...)``."""
    if extends or (isinstance(data, dict) and "extends" in data):
        data = resolve_extends(data, where=where)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        problems = format_validation_error(err, root=Scenario, prefix=where)
        # the copula's problems, one line each with their own paths (not the whole mapping as "got")
        copula = [line for e in err.errors(include_url=False) if not e["loc"]
                  for line in str(e["msg"]).removeprefix("Value error, ").split("\n") if line.startswith("correlations")]
        if copula:
            problems = [p for p in problems if not p.startswith(f"{where}: correlations")]
            problems += [f"{where}.{line}" for line in copula]
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


#: Nesting deeper than this is refused before parsing (tomllib recurses: 1,000 levels would raise
#: RecursionError). No recloop file nests deeper than 4.
MAX_NESTING = 32
MAX_FILE_BYTES = 4 * 1024 * 1024


def nesting_depth(text: str) -> int:
    """The bracket nesting of a TOML or JSON text, outside strings and comments (``"..."`` with
    backslash escapes, TOML's ``'...'`` and ``#`` comments). Linear, never recursive."""
    import re

    depth = deepest = 0
    # strings and comments are skipped whole; what is left is brackets and other text
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]', text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def parse_toml_text(text: str, *, where: str) -> dict[str, Any]:
    """TOML text to a mapping; one-line errors (bad TOML, nesting deeper than MAX_NESTING)."""
    if nesting_depth(text) > MAX_NESTING:
        raise RecloopInputError([f"{where}: nested deeper than {MAX_NESTING} levels"])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RecloopInputError([f"{where}: not valid TOML ({err})"]) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise RecloopInputError([f"{where}: nested too deeply"]) from None


def read_toml(path: str | Path) -> dict[str, Any]:
    """A TOML file's mapping, or a one-line RecloopInputError for every way reading can fail."""
    p = Path(path)
    try:
        if not p.exists():
            raise RecloopInputError([f"{p}: no such file"])
        if p.is_dir():
            raise RecloopInputError([f"{p}: is a directory, expected a TOML file"])
        if p.stat().st_size > MAX_FILE_BYTES:
            raise RecloopInputError([f"{p}: {p.stat().st_size:,} bytes; a scenario or policy file is at most "
                                     f"{MAX_FILE_BYTES:,}"])
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RecloopInputError([f"{p}: not a UTF-8 text file"]) from None
    except OSError as err:
        raise RecloopInputError([f"{p}: cannot read ({err.strerror or err})"]) from None
    return parse_toml_text(text, where=str(p))


def classify(data: dict[str, Any], *, where: str = "file") -> list[str]:
    """Whether a file's mapping is a scenario or a policy, from the fields it sets: ``["scenario"]``,
    ``["policy"]``, or both when it sets only fields the two share (``name``, ``description``).
    A file that mixes the two kinds is refused, naming a field of each."""
    from recloop.policy import Policy
    from recloop.policy import Verification as PolicyVerification

    shared = set(Scenario.model_fields) & set(Policy.model_fields)
    scen_keys = (set(Scenario.model_fields) - shared) | {"extends"}
    pol_keys = set(Policy.model_fields) - shared
    s = sorted(k for k in data if k in scen_keys)
    p = sorted(k for k in data if k in pol_keys)
    ver = data.get("verification")
    if isinstance(ver, dict):
        s += [f"verification.{k}" for k in ver if k in Verification.model_fields and k not in PolicyVerification.model_fields]
        p += [f"verification.{k}" for k in ver if k in PolicyVerification.model_fields and k not in Verification.model_fields]
    if s and p:
        raise RecloopInputError([f"{where}: sets scenario fields ({', '.join(s[:3])}) and policy fields "
                                 f"({', '.join(p[:3])}); a file is either a scenario or a policy"])
    if s:
        return ["scenario"]
    if p:
        return ["policy"]
    return ["policy", "scenario"]


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
    data = read_toml(path)
    if classify(data, where=str(path)) == ["policy"]:
        raise RecloopInputError([f"scenario: {path} is a policy file (it sets policy fields); pass it with --policy"])
    return parse_scenario(data, where="scenario", extends=True)


# A scenario block may cite a distribution helper for LogNormal/LogUniform in Python code.
__all__ += ["LogNormal", "LogUniform", "parse_scenario", "read_toml", "scenario_to_toml", "resolve_extends",
            "correlation_problems", "file_paths", "parse_toml_text", "DEFAULT_BASE", "classify"]
