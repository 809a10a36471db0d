"""Fixtures of the playground tests: an in-process client, a live server, headless chromium."""

from __future__ import annotations

import os
import shutil

import pytest

from recloop.web.app import BackgroundServer, create_app

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    """Debian's chromium (scripts/test.sh installs it with apt-get when it is missing)."""
    for p in ("/usr/bin/chromium", shutil.which("chromium")):
        if p and os.path.exists(p):
            return p
    return None


@pytest.fixture()
def client():
    from fastapi.testclient import TestClient

    # the app answers loopback hosts only; TestClient's default host is 'testserver'
    with TestClient(create_app(), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def live_server():
    server = BackgroundServer(create_app()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium and this run cannot install it "
                    "(scripts/test.sh installs it with apt-get when run as root, as CI does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()
