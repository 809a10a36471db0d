"""Command-line commands of recloop.web (registered by :mod:`recloop.cli`): ``recloop serve``."""

from __future__ import annotations

import typer

from recloop.params import RecloopInputError

__all__ = ["register"]


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on. Default: loopback only."),
        port: int = typer.Option(8765, "--port", help="TCP port."),
        max_samples: int = typer.Option(5000, "--max-samples", help="Most sampled worlds one request may ask for."),
        timeout: float = typer.Option(20.0, "--timeout", help="Seconds one request may compute before it is refused."),
    ):
        """Serve the playground: an interactive page and a JSON API over recloop, on http://HOST:PORT/."""
        import uvicorn

        from recloop.web.app import LOOPBACK_HOSTS, Limits, bind_socket, create_app, server_config

        problems = []
        if not 0 <= port <= 65535:
            problems.append(f"--port: must be in [0, 65535], got {port}")
        if not 1 <= max_samples <= 1_000_000:
            problems.append(f"--max-samples: must be in [1, 1,000,000], got {max_samples}")
        if not 0 < timeout <= 3600:
            problems.append(f"--timeout: must be in (0, 3600] s, got {timeout:g}")
        if problems:
            raise RecloopInputError(problems)
        loopback = _is_loopback(host)
        allowed = tuple(LOOPBACK_HOSTS) if loopback else None
        if not loopback:
            typer.echo(f"warning: serving on {host}: anyone who can reach this port can run simulations "
                       "(up to the per-request limits)", err=True)
        sock = bind_socket(host, port)
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"recloop playground on http://{shown}:{sock.getsockname()[1]}/  (Ctrl+C to stop)", err=True)
        application = create_app(Limits(max_samples=max_samples, timeout_s=timeout), allowed_hosts=allowed)
        server = uvicorn.Server(server_config(application))
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()
