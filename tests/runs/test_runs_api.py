"""The playground API under hostile payloads and slow clients, against a live loopback server.

Every loop is bounded (socket timeouts, a fixed number of polls); no assertion compares a wall
clock with a target: the latencies are printed (run with -s) and orderings are asserted instead
(a 503 arrives before the run it queued behind finishes; a cancelled run stops before its end)."""

from __future__ import annotations

import socket
import threading
import time
import tomllib
from contextlib import contextmanager

import httpx
import pytest

from recloop.scenario import load_scenario, parse_scenario
from recloop.web.app import BackgroundServer, Limits, create_app


@contextmanager
def serve(**limits):
    app = create_app(Limits(**limits))
    server = BackgroundServer(app).start()
    try:
        yield server, app
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live():
    with serve(header_timeout_s=0.5, body_timeout_s=0.5, cache_entries=0) as (server, app):
        yield server


def _problems(r):
    return r.json()["problems"]


def test_json_nested_1000_deep_is_422_not_500(live):
    """Was: 500 RecursionError."""
    body = '{"scenario": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}"
    r = httpx.post(f"{live.url}/api/run", content=body, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 422 and _problems(r) == ["body: nested deeper than 32 levels"]
    arr = "[" * 1000 + "]" * 1000
    r = httpx.post(f"{live.url}/api/scenario/parse", json={"toml": f"x = {arr}\n"}, timeout=30)
    assert r.status_code == 422 and _problems(r) == ["upload.toml: nested deeper than 32 levels"]


@pytest.mark.parametrize("field, value", [("samples", "100"), ("samples", True), ("seed", 1.0), ("years", "3")])
def test_strict_request_types_are_422(live, field, value):
    """Was: "samples": "100" and true were accepted."""
    r = httpx.post(f"{live.url}/api/run", json={field: value, "samples": 10} | {field: value}, timeout=30)
    assert r.status_code == 422 and any(p.startswith(f"{field}:") for p in _problems(r)), r.text


def test_api_docs_are_not_offered_and_the_schema_is(live):
    """Was: /api/docs loaded Swagger from a CDN and could not render offline."""
    assert httpx.get(f"{live.url}/api/docs", timeout=30).status_code == 404
    schema = httpx.get(f"{live.url}/api/openapi.json", timeout=30)
    assert schema.status_code == 200 and "/api/run" in schema.json()["paths"]


def test_downloaded_toml_with_a_newline_in_the_name_reads_back(live):
    """Was: a name with a newline made "Download TOML" unreadable."""
    s = load_scenario("baseline").model_dump(mode="json") | {"name": 'first\nsecond "q"', "description": "a\\b\n"}
    r = httpx.post(f"{live.url}/api/scenario/toml", json={"scenario": s}, timeout=30)
    assert r.status_code == 200
    back = parse_scenario(tomllib.loads(r.text))
    assert back.name == 'first\nsecond "q"' and back.description == "a\\b\n"


def _open(live, data: bytes) -> socket.socket:
    s = socket.create_connection((live.host, live.port), timeout=30)
    s.sendall(data)
    return s


def _answer(s: socket.socket) -> bytes:
    """Everything the server sends until it closes (bounded by the socket timeout)."""
    got = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return got
        got += chunk


def test_partial_headers_are_answered_408_and_closed(live):
    """Was: partial headers were held open indefinitely (400 held connections for 65 s)."""
    n = 400  # as the 400 held connections
    t0 = time.perf_counter()
    socks = [_open(live, b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl") for _ in range(n)]
    socks += [_open(live, b"") for _ in range(20)]  # connected, silent
    closed = []
    for s in socks:
        got = _answer(s)
        closed.append(time.perf_counter() - t0)
        assert got.startswith(b"HTTP/1.1 408"), got[:80]
        s.close()
    print(f"\n{len(socks)} stalled connections closed with 408: last after {max(closed):.2f} s "
          f"(header timeout 0.5 s)")
    # the server still answers
    assert httpx.get(f"{live.url}/api/openapi.json", timeout=30).status_code == 200


def test_a_partial_body_is_answered_408(live):
    head = (b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n")
    t0 = time.perf_counter()
    s = _open(live, head + b'{"samples": 1')
    got = _answer(s)
    took = time.perf_counter() - t0
    s.close()
    assert got.startswith(b"HTTP/1.1 408") and b"body: not received within 0.5 s" in got, got[:300]
    print(f"\npartial body answered 408 after {took:.2f} s (body timeout 0.5 s)")


def test_a_full_queue_is_answered_503_at_once_with_retry_after():
    """Was: of 50 clients asking 2,000 worlds each, 27 got 503 only after 60 s."""
    # one worker; an assumed rate so low that one run already fills the queue's 0.5 s
    with serve(workers=1, queue_s=0.5, assumed_rate=1000.0, cache_entries=0) as (server, app):
        answers: dict[int, tuple[float, httpx.Response]] = {}
        clients = [httpx.Client(base_url=server.url, timeout=120) for _ in range(13)]
        for c in clients:  # connected before the clock starts: what is timed is the server's answer
            assert c.get("/api/openapi.json").status_code == 200
        t0 = time.perf_counter()
        sent: dict[int, float] = {}

        def client(i):
            sent[i] = time.perf_counter()
            r = clients[i].post("/api/run", json={"samples": 300, "years": 5, "seed": i})
            answers[i] = (time.perf_counter() - t0, r, time.perf_counter() - sent[i])

        first = threading.Thread(target=client, args=(0,))
        first.start()
        for _ in range(5000):  # until the first run is admitted
            if app.state.load["admitted"] >= 1 or not first.is_alive():
                break
            time.sleep(0.001)
        others = [threading.Thread(target=client, args=(i,)) for i in range(1, 13)]
        for t in others:
            t.start()
        for t in others + [first]:
            t.join()
        for c in clients:
            c.close()
    t_first, r_first, _ = answers[0]
    assert r_first.status_code == 200
    busy = [(t, r) for i, (t, r, _) in answers.items() if i]
    assert busy and all(r.status_code == 503 for _, r in busy), [r.status_code for _, r in busy]
    assert all(int(r.headers["Retry-After"]) >= 1 for _, r in busy)
    assert all(t < t_first for t, _ in busy), "every 503 came before the run they queued behind finished"
    lat = sorted(w for i, (_, _, w) in answers.items() if i)
    print(f"\n12 refused with 503 + Retry-After {busy[0][1].headers['Retry-After']} s: latency median "
          f"{lat[len(lat) // 2] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms; the admitted run took {t_first:.2f} s")


def test_an_overtime_run_frees_its_worker_at_the_next_check(monkeypatch):
    """Was: an overtime request kept burning a core after its 504."""
    import recloop.engine as engine

    calls = {"chunks": 0}
    real = engine.simulate

    def counting(*a, progress=None, **kw):
        def p(k):
            calls["chunks"] += 1
            progress(k)
        return real(*a, progress=p, **kw)

    monkeypatch.setattr(engine, "simulate", counting)
    with serve(workers=1, timeout_s=0.3, check_every=20, cache_entries=0) as (server, app):
        t0 = time.perf_counter()
        r = httpx.post(f"{server.url}/api/run", json={"samples": 4000, "years": 30}, timeout=120)
        t_504 = time.perf_counter() - t0
        assert r.status_code == 504, r.text
        for _ in range(20000):  # progress-based: until the worker has let go
            if app.state.load["admitted"] == 0:
                break
            time.sleep(0.001)
        t_free = time.perf_counter() - t0
        assert app.state.load["admitted"] == 0
        assert calls["chunks"] < 4000 // 20, "the run stopped before its end"
        ok = httpx.post(f"{server.url}/api/run", json={"samples": 20, "years": 2}, timeout=120)
        assert ok.status_code == 200
    print(f"\n504 after {t_504:.2f} s (limit 0.3 s); worker free {(t_free - t_504) * 1000:.0f} ms after the 504, "
          f"having run {calls['chunks']} of 200 chunks")


def test_a_client_trickling_its_headers_is_closed_at_the_header_timeout(live):
    """A slowloris: one byte every 50 ms never completes its headers; the clock runs from the first
    byte, so trickling does not keep the connection open."""
    s = socket.create_connection((live.host, live.port), timeout=30)
    request = b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 400
    t0 = time.perf_counter()
    sent = 0
    closed = False
    for byte in request:  # bounded: 460 bytes at most
        try:
            s.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        sent += 1
        s.settimeout(0.05)
        try:
            data = s.recv(4096)  # anything before the headers are done is the server giving up
        except socket.timeout:
            continue
        assert data == b"" or data.startswith(b"HTTP/1.1 408"), data[:80]
        closed = True
        break
    took = time.perf_counter() - t0
    s.close()
    assert closed and sent < len(request), "the server closed the connection before the headers were done"
    print(f"\ntrickling client closed after {sent} bytes, {took:.2f} s (header timeout 0.5 s)")
