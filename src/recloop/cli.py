"""The ``recloop`` command line: a thin adapter over the library (no model logic here).

Each front-end module adds its own commands through a ``register(app)`` function, so the
reference models, the games and the collapse lab own their commands next to their code.
"""

from __future__ import annotations

import sys

import typer

from recloop.params import RecloopInputError

app = typer.Typer(
    name="recloop",
    help="Model the AI recursion loop: takeoff, verified alignment, and development halts.",
    no_args_is_help=True,
    add_completion=True,  # `recloop --install-completion` for bash, zsh, fish and PowerShell
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """recloop: the recursion loop, its takeoff, its verification gap, and the halts that could stop it."""


def fail(problems: list[str] | str, code: int = 2) -> None:
    """Print one line per problem on stderr and exit non-zero, with no traceback."""
    lines = [problems] if isinstance(problems, str) else problems
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


_registered = False


def _register_all() -> None:
    """Add every front end's commands to ``app`` (once: tests and ``main`` may call it again)."""
    global _registered
    if _registered:
        return
    _registered = True
    from recloop import commands, export
    from recloop.analysis import cli as analysis_cli
    from recloop.claims import cli as claims_cli
    from recloop.data import cli as data_cli
    from recloop.games import cli as games_cli
    from recloop.lab import cli as lab_cli
    from recloop.reference import cli as reference_cli
    from recloop.web import cli as web_cli

    from recloop.governance import cli as governance_cli

    for module in (commands, export, reference_cli, games_cli, lab_cli, analysis_cli, web_cli, governance_cli, claims_cli,
                   data_cli):
        module.register(app)


def main(argv: list[str] | None = None) -> None:
    _register_all()
    try:
        app(args=argv, prog_name="recloop", standalone_mode=True)  # `python -m recloop` reads as `recloop`
    except RecloopInputError as err:
        for line in err.problems:
            typer.echo(f"error: {line}", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
