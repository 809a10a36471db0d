"""Command-line commands of recloop.web (registered by :mod:recloop.cli)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""
