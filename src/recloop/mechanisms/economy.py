"""The economic loop: world output bounds what a developer can spend; AI raises output.

World output Y grows at its trend plus a boost as the economy adopts what AI can automate
(Epoch AI's GATE model: growth far above trend after full automation). The economy's adoption
z follows the deployed generation's mean automation through a first-order delay. A developer
may spend at most a share of world output in a year; that share rises from its pre-AI value to
a larger one as adoption makes AI revenue (Davidson 2023's 'wake-up'):

    spend_cap = [s0 + (s1 - s0) z] Y,     Y = Y0 exp(g t + boost * integral of z dt).

Without AI (z = 0) output follows its trend exactly and the cap is s0 Y0 e^(g t).
"""

from __future__ import annotations

import numpy as np


def output_growth(z_econ, p):
    """Log growth per year of world output."""
    return p["economy.output_growth"] + p["economy.ai_growth_boost"] * z_econ


def world_output(ln_output, p):
    """World output ($/yr)."""
    return p["economy.world_output_usd"] * np.exp(ln_output)


def spend_share(z_econ, p):
    """Largest share of world output the developer can spend on hardware, given adoption z."""
    s0, s1 = p["economy.max_spend_share"], np.maximum(p["economy.automated_spend_share"], p["economy.max_spend_share"])
    return s0 + (s1 - s0) * np.clip(z_econ, 0.0, 1.0)


def spend_cap(ln_output, z_econ, p):
    """Largest spending on hardware ($/yr)."""
    return spend_share(z_econ, p) * world_output(ln_output, p)


def spend_cap_growth(z_econ, dz_dt, p):
    """Log growth per year of the spending cap (for the exact compute update)."""
    s0, s1 = p["economy.max_spend_share"], np.maximum(p["economy.automated_spend_share"], p["economy.max_spend_share"])
    return output_growth(z_econ, p) + (s1 - s0) * dz_dt / spend_share(z_econ, p)
