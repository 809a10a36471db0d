"""Core commands: run, validate, params, scenarios, runs (filled in by the engine work)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the core commands to the main app."""
