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
    from recloop.governance import monitoring_cli

    for module in (commands, export, reference_cli, games_cli, lab_cli, analysis_cli, web_cli, governance_cli, claims_cli,
                   data_cli, monitoring_cli):
        module.register(app)


def main(argv: list[str] | None = None) -> None:
    import importlib

    try:  # typer >= 0.2x parses with its own copy of click
        cx = importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover
        cx = importlib.import_module("click.exceptions")
    no_args = getattr(cx, "NoArgsIsHelpError", ())

    _register_all()
    try:
        rv = app(args=argv, prog_name="recloop", standalone_mode=False)  # `python -m recloop` reads as `recloop`
        if isinstance(rv, int) and rv:  # pragma: no cover - commands exit through typer.Exit
            sys.exit(rv)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):  # Ctrl-C outside a run (a run says how to resume)
        typer.echo("error: interrupted", err=True)
        sys.exit(130)
    except no_args as err:  # `recloop` alone: the help
        err.show()
        sys.exit(err.exit_code)
    except cx.ClickException as err:  # a bad argument or option: one line, as for bad input
        ctx = getattr(err, "ctx", None)  # a usage error knows its command; other click errors do not
        cmd = f" {ctx.command_path}" if ctx is not None else ""
        typer.echo(f"error: {err.format_message()} (see `{cmd.strip() or 'recloop'} --help`)", err=True)
        sys.exit(err.exit_code)
    except RecloopInputError as err:
        for line in err.problems:
            typer.echo(f"error: {line}", err=True)
        sys.exit(2)
    except OSError as err:  # the file system, in one line (a command that did not say it better)
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        typer.echo(f"error: cannot read or write{where} ({err.strerror or err})", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
