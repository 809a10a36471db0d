"""The playground: a FastAPI app serving one static page and a JSON API over the library.

The page (``static/``) holds no model logic and no chart code: it asks the API for runs and
draws the plotly figure specs that :func:`recloop.report.charts.figures` returns, the same specs
``report.html`` embeds. Sliders are generated from :func:`recloop.scenario.scenario_specs` and
:func:`recloop.policy.policy_specs`, so a default, unit, bound or source lives in one place.

API (all JSON; every error is ``{"problems": ["field.path: what is wrong, got VALUE", ...]}``):

* ``GET  /api/meta``            parameter declarations, presets with slider positions, limits
* ``POST /api/run``             one policy on the worlds of a scenario -> figures, captions, headline (with
  95% Monte Carlo intervals), drivers, sampled/assumed inputs, summary, evidence
* ``POST /api/compare``         several policies on the same worlds (same seed) -> comparison figures and a
  table of risks with intervals and costs (delay, capability forgone, years halted) against ``reference``
* ``POST /api/scenario/parse``  TOML text -> a validated scenario (or 422 with field paths)
* ``POST /api/scenario/toml``   the scenario a request describes, as TOML (download)

Requests are validated with the library's own scenario and policy types, capped in samples,
years and body size, and timed out; the server answers only loopback hosts unless it is
started on another interface.
"""

from __future__ import annotations

import asyncio
import copy
import difflib
import json
import math
import os
import socket
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from recloop.params import RecloopInputError, format_validation_error
from recloop.engine import DEFAULT_YEARS

__all__ = ["create_app", "Limits", "RunRequest", "build_scenario", "build_policy", "BackgroundServer", "server_config",
           "LOOPBACK_HOSTS", "KEY_PARAMETERS"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# The sliders shown first in each mechanism group (the rest sit under "more"). A choice of
# presentation, not of values: every default, bound and unit comes from the declarations.
KEY_PARAMETERS = (
    "compute.investment_growth", "compute.initial_training_flop",
    "software.returns", "software.initial_rate_oom_per_year", "software.ceiling_oom",
    "automation.midpoint_code_flop", "automation.midpoint_arch_flop", "automation.ai_labour_at_start",
    "generations.step_oom",
    "data.real_stock_tokens", "data.collapse_kappa", "data.accumulation",
    "drift.base_per_oom", "drift.verification_protection",
    "verification.required_exponent", "verification.human_rate", "verification.automation_boost",
    "risk.danger_flop", "risk.base_hazard",
    "milestones.takeoff_start_automation",
    # levers
    "containment.air_gap", "containment.sandbox_catch_rate", "containment.detection_tpr",
    "verification.compute_share", "verification.safety_effort", "verification.release_requires_verification",
    "stop.latency_days", "stop.reliability", "stop.max_pause_years",
)


@dataclass(frozen=True)
class Limits:
    """What one request may ask for. Bigger studies belong to ``recloop run`` / ``recloop compare``."""

    max_samples: int = 5000
    max_years: float = 60.0
    max_policies: int = 4
    max_body_bytes: int = 512 * 1024
    timeout_s: float = 20.0  # compute time of one request
    queue_s: float = 10.0  # longest wait in the queue for a free worker, then 503 + Retry-After
    workers: int = max(1, min(4, os.cpu_count() or 1))
    queue_size: int = 64  # runs waiting for a worker; one more is answered 503 + Retry-After at once
    # throughput assumed until runs have been timed (sample-years per second per worker; measured
    # on the 2-core development machine: about 1e5 for the baseline); the queue admits a run only
    # if the work ahead of it should finish within queue_s
    assumed_rate: float = 50_000.0
    cache_entries: int = 64
    max_depth: int = 32  # nesting of a JSON body or TOML text (deeper: 422, never RecursionError)
    header_timeout_s: float = 10.0  # a connection must send its request line and headers within this
    body_timeout_s: float = 10.0  # ... and its body within this, once the headers are in
    max_connections: int = 256  # open connections; more are answered 503 by uvicorn
    # samples between deadline checks (the worker stops at the first check after its deadline or
    # after its request was answered). The engine's cost is mostly per step of a chunk, whatever
    # its size: chunks of 500 made a 2,000-sample request 2x slower, so checks come every 2,500
    # samples (the chunking this app always used) until the engine checks a stop flag every step.
    check_every: int = 2500


# --------------------------------------------------------------------------- request types


class RunRequest(BaseModel):
    """What the page sends: a world (preset or uploaded scenario, plus pinned values), a policy
    (bundled preset plus lever values) and the run size."""

    # strict: "samples": "100" and "samples": true are refused (422), as in scenario files
    model_config = ConfigDict(extra="forbid", strict=True)

    preset: str = Field("baseline", description="Bundled scenario the world starts from.")
    scenario: dict[str, Any] | None = Field(None, description="A whole scenario (an uploaded file); replaces preset.")
    set: dict[str, float] = Field(default_factory=dict, description="Point values pinned by sliders: path -> value.")
    policy: str = Field("none", description="Bundled policy the levers start from.")
    levers: dict[str, float | bool] = Field(default_factory=dict, description="Lever values: path -> value.")
    samples: int = 2000
    years: float = DEFAULT_YEARS
    seed: int = Field(0, ge=0, le=2**63 - 1)
    compare: list[str] = Field(default_factory=list, description="Bundled policies to compare with the current one.")


class ParseRequest(BaseModel):
    """A scenario to check: the text of a TOML file, or (restoring a shared link) its mapping."""

    model_config = ConfigDict(extra="forbid", strict=True)
    toml: str | None = Field(None, description="Text of a scenario TOML file.")
    scenario: dict[str, Any] | None = Field(None, description="A scenario mapping, as /api/run takes it.")
    filename: str = "upload.toml"


def _check_limits(req: RunRequest, limits: Limits) -> list[str]:
    problems = []
    if not 1 <= req.samples <= limits.max_samples:
        problems.append(f"samples: must be in [1, {limits.max_samples:,}] per request (use `recloop run` for more), "
                        f"got {req.samples}")
    if not (math.isfinite(req.years) and 0 < req.years <= limits.max_years):
        problems.append(f"years: must be in (0, {limits.max_years:g}] per request, got {req.years!r}")
    if len(req.compare) > limits.max_policies:
        problems.append(f"compare: at most {limits.max_policies} policies per request, got {len(req.compare)}")
    return problems


# --------------------------------------------------------------------------- building inputs


@lru_cache(maxsize=None)
def _specs() -> tuple[dict, dict]:
    from recloop.policy import policy_specs
    from recloop.scenario import scenario_specs

    return ({s.path: s for s in scenario_specs()}, {s.path: s for s in policy_specs()})


@lru_cache(maxsize=None)
def _preset_scenario_dump(name: str) -> dict[str, Any]:
    from recloop.scenario import load_scenario

    return load_scenario(name).model_dump(mode="json")


@lru_cache(maxsize=None)
def _preset_policy_dump(name: str) -> dict[str, Any]:
    from recloop.policy import load_policy

    return load_policy(name).model_dump(mode="json")


def _unknown(field: str, path: str, known) -> str:
    close = difflib.get_close_matches(path, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{field}.{path}: unknown parameter{hint}"


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    block, name = path.split(".", 1)
    inner = data.setdefault(block, {})
    if not isinstance(inner, dict):
        inner = data[block] = {}
    inner[name] = value


def build_scenario(req: RunRequest):
    """The Scenario a request describes: preset (or uploaded file) with pinned point values.

    A pinned parameter is a point value, so a copula correlation naming it is dropped (a
    correlation needs two distributions).
    """
    from recloop.scenario import bundled_scenarios, parse_scenario

    specs, _ = _specs()
    problems: list[str] = []
    if req.scenario is not None:
        data = copy.deepcopy(req.scenario)
        where = "scenario"
    elif req.preset in bundled_scenarios():
        data = copy.deepcopy(_preset_scenario_dump(req.preset))
        where = "scenario"
    else:
        raise RecloopInputError([f"preset: unknown scenario '{req.preset}'; bundled: {', '.join(sorted(bundled_scenarios()))}"])
    for path, value in req.set.items():
        if path not in specs:
            problems.append(_unknown("set", path, specs))
        else:
            _set_path(data, path, value)
    if problems:
        raise RecloopInputError(problems)
    if req.set and isinstance(data.get("correlations"), list):
        data["correlations"] = [c for c in data["correlations"]
                                if not (isinstance(c, dict) and set(c.get("params", ())) & set(req.set))]
    try:
        # an uploaded mapping extends its base as a file does; a preset's dump is complete
        return parse_scenario(data, where=where, extends=req.scenario is not None)
    except RecloopInputError as err:
        raise RecloopInputError(_blame_overrides(err.problems, where, req.set)) from None


def _blame_overrides(problems: list[str], where: str, overrides: dict[str, Any]) -> list[str]:
    """Name the slider (``set.PATH``) rather than the scenario when a pinned value is the problem."""
    out = []
    for line in problems:
        field, _, rest = line.partition(":")
        path = field.removeprefix(where + ".")
        out.append(f"set.{path}:{rest}" if path in overrides else line)
    return out


def build_policy(name: str, levers: dict[str, Any], *, label: str | None = None):
    from recloop.policy import bundled_policies, parse_policy

    _, specs = _specs()
    if name not in bundled_policies():
        raise RecloopInputError([f"policy: unknown policy '{name}'; bundled: {', '.join(sorted(bundled_policies()))}"])
    data = copy.deepcopy(_preset_policy_dump(name))
    problems = [_unknown("levers", p, specs) for p in levers if p not in specs]
    if problems:
        raise RecloopInputError(problems)
    for path, value in levers.items():
        _set_path(data, path, value)
    if label is not None:
        data["name"] = label
    try:
        return parse_policy(data, where="policy")
    except RecloopInputError as err:
        out = []
        for line in err.problems:
            field, _, rest = line.partition(":")
            path = field.removeprefix("policy.")
            out.append(f"levers.{path}:{rest}" if path in levers else line)
        raise RecloopInputError(out) from None


def slider_values(scenario) -> dict[str, dict[str, Any]]:
    """Where each scenario slider sits for a scenario: the point value, or a distribution's median."""
    specs, _ = _specs()
    out = {}
    for path in specs:
        v = scenario.value(path)
        if isinstance(v, (int, float)):
            out[path] = {"value": float(v), "dist": None}
        else:
            out[path] = {"value": float(v.median), "dist": _clean(v.model_dump(mode="json"))}
    return out


def lever_values(policy) -> dict[str, Any]:
    _, specs = _specs()
    out = {}
    for path in specs:
        block, name = path.split(".", 1)
        v = getattr(getattr(policy, block), name)
        out[path] = v if isinstance(v, bool) else (float(v) if isinstance(v, (int, float)) else v)
    return out


def _spec_json(s) -> dict[str, Any]:
    d = asdict(s)
    d["bounds"] = list(s.bounds) if s.bounds is not None else None
    d["choices"] = list(s.choices) if s.choices else None
    d["key"] = s.path in KEY_PARAMETERS
    return d


# --------------------------------------------------------------------------- JSON helpers


def _clean(x: Any) -> Any:
    """Replace NaN and infinities by None, recursively (JSON has no NaN)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):  # numpy scalar
        return _clean(x.item())
    return x


def _problems(status: int, problems: list[str]) -> JSONResponse:
    return JSONResponse({"problems": list(problems)}, status_code=status)


class _Overtime(Exception):
    """A run went past the time limit of one request."""


class _SlowBody(Exception):
    """The body did not arrive within ``Limits.body_timeout_s``."""


class _Busy(Exception):
    """The queue is full, or no worker became free within the queue limit."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class _Cancelled(Exception):
    """Raised inside a worker's run at its first deadline check after the request gave up."""


class _ResultCache:
    """A small LRU of finished payloads: moving a slider back, or comparing a policy already
    drawn, costs nothing."""

    def __init__(self, size: int):
        self.size = size
        self._d: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        return None

    def put(self, key, value):
        if self.size <= 0:
            return
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


# --------------------------------------------------------------------------- the app


def create_app(limits: Limits | None = None, *, allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS) -> FastAPI:
    """The playground app. ``allowed_hosts=None`` accepts any Host header (serving a network)."""
    limits = limits or Limits()
    executor = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="recloop-sim")
    cache = _ResultCache(limits.cache_entries)
    static = resources.files("recloop.web") / "static"

    @asynccontextmanager
    async def lifespan(_app):
        yield
        executor.shutdown(wait=False, cancel_futures=True)

    # No Swagger or ReDoc page: both load their scripts from a CDN and cannot render offline.
    # The OpenAPI schema itself is served (JSON, no network needed) for tools that read it.
    app = FastAPI(title="recloop playground", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.limits = limits
    admission = threading.Lock()
    load = {"admitted": 0, "backlog": 0.0, "rate": limits.assumed_rate}  # runs, sample-years admitted; rate
    app.state.load = load

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        # Host check: a page on another site cannot reach this server through DNS rebinding.
        if allowed_hosts is not None:
            host = request.headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]", 1)[0]
            if name not in allowed_hosts:
                return _problems(403, [f"host: '{host}' is not served; this playground answers loopback only "
                                       "(start it with --host to serve a network)"])
        if request.method == "POST" and request.url.path in ("/api/run", "/api/compare") and _saturated():
            # refused before its body is read: under load, the answer must cost next to nothing
            return _busy_response(_Busy(_retry_after()))
        if request.method == "POST":
            size = request.headers.get("content-length")
            if size is not None and size.isdigit() and int(size) > limits.max_body_bytes:
                return _problems(413, [f"body: {int(size):,} bytes; at most {limits.max_body_bytes:,} per request"])
            ctype = request.headers.get("content-type", "")
            if not ctype.startswith("application/json"):
                # also keeps other sites' forms from starting runs (JSON needs a CORS preflight)
                return _problems(415, [f"content-type: must be application/json, got '{ctype}'"])
        try:
            return await call_next(request)
        except Exception as err:  # noqa: BLE001 - the user sees one line, never a traceback
            return _problems(500, [f"internal error: {type(err).__name__}: {err}"])

    async def _body(request: Request, model: type[BaseModel]):
        from recloop.scenario import nesting_depth

        raw = b""
        try:
            async with asyncio.timeout(limits.body_timeout_s):
                async for chunk in request.stream():
                    raw += chunk
                    if len(raw) > limits.max_body_bytes:
                        raise RecloopInputError([f"body: larger than {limits.max_body_bytes:,} bytes"])
        except TimeoutError:
            raise _SlowBody() from None
        try:
            text = raw.decode("utf-8") if raw else "{}"
        except UnicodeDecodeError as err:
            raise RecloopInputError([f"body: not UTF-8 ({err})"]) from None
        if nesting_depth(text) > limits.max_depth:
            raise RecloopInputError([f"body: nested deeper than {limits.max_depth} levels"])
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            raise RecloopInputError([f"body: not valid JSON ({err})"]) from None
        if not isinstance(data, dict):
            raise RecloopInputError([f"body: expected a JSON object, got {type(data).__name__}"])
        try:
            return model.model_validate(data)
        except ValidationError as err:
            raise RecloopInputError(format_validation_error(err, root=model, prefix="")) from None

    def _wait_s(backlog: float) -> float:
        return backlog / (load["rate"] * limits.workers)

    def _saturated() -> bool:
        """The queue is full, or the work already admitted would keep a new run waiting past queue_s."""
        return load["admitted"] >= limits.workers + limits.queue_size or (
            load["admitted"] >= limits.workers and _wait_s(load["backlog"]) > limits.queue_s)

    def _retry_after() -> int:
        return max(1, math.ceil(_wait_s(load["backlog"])))

    async def _compute(fn: Callable[[Callable[[int], None]], Any], cost: float = 0.0):
        """Run ``fn(progress)`` on a worker. Admission first: a run is refused at once (:class:`_Busy`,
        503 + Retry-After) when ``workers + queue_size`` runs are admitted, or when the work already
        admitted (``cost``: samples x years each, at the measured rate) would keep it waiting longer
        than ``queue_s``. ``progress`` raises once the time limit is spent or the request has given
        up, so the worker is free at the first deadline check after it (every ``check_every`` samples)."""
        with admission:
            if _saturated():
                raise _Busy(_retry_after())
            load["admitted"] += 1
            load["backlog"] += cost
        holder: dict[str, float] = {}
        gave_up = threading.Event()

        def job():
            try:
                if gave_up.is_set():  # its request was answered while it queued
                    raise _Cancelled()
                holder["start"] = time.monotonic()
                deadline = holder["start"] + limits.timeout_s

                def progress(_done: int) -> None:
                    if gave_up.is_set() or time.monotonic() > deadline:
                        raise _Cancelled()

                out = fn(progress)
                holder["ok"] = 1.0
                return out
            finally:
                holder["end"] = time.monotonic()
                with admission:
                    load["admitted"] -= 1
                    load["backlog"] = max(0.0, load["backlog"] - cost)
                    took = holder["end"] - holder.get("start", holder["end"])
                    if "ok" in holder and took > 0.05 and cost > 0:
                        load["rate"] = 0.7 * load["rate"] + 0.3 * cost / took  # a moving average


        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(executor, job)
        t0 = time.monotonic()
        try:
            # the worker checks its deadline between chunks; this bounds the answer in any case
            while True:
                started = holder.get("start")
                left = (started + limits.timeout_s + 0.05 - time.monotonic()) if started else (t0 + limits.queue_s - time.monotonic())
                if left <= 0:
                    raise asyncio.TimeoutError
                done, _ = await asyncio.wait({fut}, timeout=min(left, 0.25))
                if done:
                    return fut.result()
        except (asyncio.TimeoutError, _Cancelled, asyncio.CancelledError) as err:
            gave_up.set()
            fut.cancel()
            if isinstance(err, asyncio.CancelledError):
                raise
            if "start" not in holder:
                raise _Busy(_retry_after()) from None
            raise _Overtime() from None

    @app.exception_handler(RecloopInputError)
    async def _input_error(_request, err: RecloopInputError):
        return _problems(422, err.problems)

    @app.exception_handler(_SlowBody)
    async def _slow_body(_request, _err):
        return JSONResponse({"problems": [f"body: not received within {limits.body_timeout_s:g} s"]}, status_code=408,
                            headers={"Connection": "close"})

    def _busy_response(err: "_Busy"):
        return JSONResponse({"problems": [f"server: every worker is busy and the queue is full; try again in "
                                          f"{err.retry_after} s"]}, status_code=503,
                            headers={"Retry-After": str(err.retry_after)})

    def _timeout_response():
        return _problems(504, [f"samples: the run took longer than the {limits.timeout_s:g} s limit of one request; "
                               "lower samples or years (or use `recloop run`)"])

    # ---------------------------------------------------------------- static page

    def _static(name: str, media: str) -> Response:
        return Response((static / name).read_bytes(), media_type=media, headers={"Cache-Control": "no-cache"})

    @app.get("/", include_in_schema=False)
    def index():
        return _static("index.html", "text/html; charset=utf-8")

    @app.get("/static/app.js", include_in_schema=False)
    def app_js():
        return _static("app.js", "text/javascript; charset=utf-8")

    @app.get("/static/style.css", include_in_schema=False)
    def style_css():
        return _static("style.css", "text/css; charset=utf-8")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly():
        return Response(_plotly_bytes(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "max-age=86400"})

    # ---------------------------------------------------------------- API

    @app.get("/api/meta")
    def meta():
        from recloop.policy import bundled_policies, load_policy
        from recloop.report.charts import FIGURE_TITLES
        from recloop.scenario import bundled_scenarios, load_scenario

        scen, pol = _specs()
        scenarios = {}
        for name in sorted(bundled_scenarios(), key=lambda n: (n != "baseline", n)):
            s = load_scenario(name)
            scenarios[name] = {"description": s.description, "values": slider_values(s)}
        policies = {}
        for name in sorted(bundled_policies(), key=lambda n: (n != "none", n)):
            p = load_policy(name)
            policies[name] = {"description": p.description, "values": lever_values(p),
                              "tripwires": [f"{t.name}: {t.metric} >= {t.threshold:g} -> {t.response}" for t in p.tripwires]}
        return _clean({
            "uncertainties": [_spec_json(s) for s in scen.values()],
            "levers": [_spec_json(s) for s in pol.values()],
            "scenarios": scenarios,
            "policies": policies,
            "figures": FIGURE_TITLES,
            "limits": asdict(limits),
        })

    def _inputs(req: RunRequest, label: str | None = None):
        """Scenario and policy of a request; every problem of both reported at once."""
        problems = _check_limits(req, limits)
        scenario = policy = None
        try:
            scenario = build_scenario(req)
        except RecloopInputError as err:
            problems += err.problems
        try:
            policy = build_policy(req.policy, req.levers, label=label)
        except RecloopInputError as err:
            problems += err.problems
        if problems:
            raise RecloopInputError(problems)
        return scenario, policy

    def _key(scenario, policy, req: RunRequest) -> str:
        return json.dumps([scenario.model_dump(mode="json"), policy.model_dump(mode="json"),
                           req.samples, req.years, req.seed], sort_keys=True, default=str)

    def _simulate_payload(scenario, policy, req: RunRequest, progress) -> dict[str, Any]:
        from recloop.engine import simulate
        from recloop.report.charts import captions, figures, view
        from recloop.report.evidence import compact
        from recloop.report.html import _headline, driver_lines, inputs_line

        t0 = time.perf_counter()
        # the deadline is checked between chunks: every `check_every` samples
        chunk = max(1, min(limits.check_every, req.samples))
        result = simulate(scenario, policy, years=req.years, samples=req.samples, seed=req.seed,
                          chunk_size=chunk, progress=progress)
        t1 = time.perf_counter()
        v = view(result)
        payload = _clean({
            "view": {k: v[k] for k in ("scenario", "policy", "start_year", "horizon", "samples")},
            "figures": figures(v),
            "captions": captions(v),
            "summary": v["summary"],
            "headline": _headline(v["summary"], v.get("actors"), v["evidence"]),
            # what the page knows: intervals, drivers (cached with the run), sampled vs assumed inputs
            "evidence": compact(v["evidence"]),
            "drivers": driver_lines(v["evidence"]),
            "inputs": inputs_line(v["evidence"]),
        })
        payload["_view"] = v
        payload["timing"] = {"simulate_s": round(t1 - t0, 4), "figures_s": round(time.perf_counter() - t1, 4)}
        return payload

    async def _run_one(scenario, policy, req: RunRequest) -> tuple[dict[str, Any], bool]:
        key = _key(scenario, policy, req)
        hit = cache.get(key)
        if hit is not None:
            return hit, True
        payload = await _compute(lambda progress: _simulate_payload(scenario, policy, req, progress),
                                 cost=float(req.samples) * float(req.years))
        cache.put(key, payload)
        return payload, False

    @app.post("/api/run")
    async def run(request: Request):
        t0 = time.perf_counter()
        req = await _body(request, RunRequest)
        scenario, policy = _inputs(req)
        try:
            payload, cached = await _run_one(scenario, policy, req)
        except _Overtime:
            return _timeout_response()
        except _Busy as err:
            return _busy_response(err)
        out = {k: v for k, v in payload.items() if k != "_view"}
        out["request"] = {"samples": req.samples, "years": req.years, "seed": req.seed,
                          "scenario": scenario.name, "policy": policy.name}
        out["timing"] = dict(payload["timing"], cached=cached, total_s=round(time.perf_counter() - t0, 4))
        return JSONResponse(out)

    @app.post("/api/compare")
    async def compare(request: Request):
        from recloop.report.charts import compare_figures

        t0 = time.perf_counter()
        req = await _body(request, RunRequest)
        label = f"{req.policy} (edited)" if req.levers else None
        scenario, current = _inputs(req, label=label)
        policies = [current]
        for i, name in enumerate(req.compare):
            if name == req.policy and not req.levers:
                continue
            try:
                policies.append(build_policy(name, {}))
            except RecloopInputError as err:
                raise RecloopInputError([f"compare[{i}]: {line.split(': ', 1)[-1]}" for line in err.problems]) from None
        if len(policies) < 2:
            raise RecloopInputError(["compare: name at least one policy other than the current one"])
        if len(policies) > limits.max_policies:
            raise RecloopInputError([f"compare: at most {limits.max_policies} policies per request, got {len(policies)}"])
        try:
            results = await asyncio.gather(*(_run_one(scenario, p, req) for p in policies))
        except _Overtime:
            return _timeout_response()
        except _Busy as err:
            return _busy_response(err)
        from recloop.report.charts import compare_rows
        from recloop.report.html import COMPARE_COLUMNS, COMPARE_NOTE, compare_cells

        views = [payload["_view"] for payload, _ in results]
        # costs are paired against the policy without halts when it is compared, else the first
        ref = next((i for i, p in enumerate(policies) if p.name == "none"), 0)
        return JSONResponse(_clean({
            "figures": compare_figures(views, reference=ref),
            "table": compare_rows(views, reference=ref),
            "table_cells": compare_cells(compare_rows(views, reference=ref)),
            "table_columns": [[k, h.format(ref=policies[ref].name)] for k, h in COMPARE_COLUMNS],
            "table_note": COMPARE_NOTE,
            "reference": policies[ref].name,
            "policies": [p.name for p in policies],
            "headlines": {p.name: payload["headline"] for p, (payload, _) in zip(policies, results)},
            "request": {"samples": req.samples, "years": req.years, "seed": req.seed, "scenario": scenario.name},
            "timing": {"total_s": round(time.perf_counter() - t0, 4), "cached": [c for _, c in results]},
        }))

    @app.post("/api/scenario/parse")
    async def parse(request: Request):
        from recloop.scenario import parse_scenario

        req = await _body(request, ParseRequest)
        name = req.filename or "upload.toml"
        if (req.toml is None) == (req.scenario is None):
            raise RecloopInputError(["toml: give either toml (the text of a file) or scenario (a mapping)"])
        if req.scenario is not None:
            data = req.scenario
        else:
            from recloop.scenario import parse_toml_text

            data = parse_toml_text(req.toml, where=name)
        scenario = parse_scenario(data, where="scenario", extends=True)  # as a file is read
        return JSONResponse(_clean({"scenario": scenario.model_dump(mode="json"), "name": scenario.name,
                                    "values": slider_values(scenario), "toml": scenario.to_toml()}))

    @app.post("/api/scenario/toml")
    async def to_toml(request: Request):
        req = await _body(request, RunRequest)
        scenario = build_scenario(req)
        fname = "".join(c if c.isalnum() or c in "-_" else "-" for c in scenario.name) or "scenario"
        return PlainTextResponse(scenario.to_toml(), media_type="application/toml",
                                 headers={"Content-Disposition": f'attachment; filename="{fname}.toml"'})

    return app


@lru_cache(maxsize=1)
def _plotly_bytes() -> bytes:
    from recloop.report.html import plotly_js

    return plotly_js().encode("utf-8")


# --------------------------------------------------------------------------- serving


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket, or a RecloopInputError naming --host/--port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise RecloopInputError([f"--port: cannot listen on {host}:{port} ({err.strerror or err})"]) from None
    except (socket.gaierror, UnicodeError) as err:  # pragma: no cover
        sock.close()
        raise RecloopInputError([f"--host: cannot resolve '{host}' ({err})"]) from None
    sock.listen(128)
    return sock


_LATE = b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


def guarded_protocol(header_timeout_s: float):
    """uvicorn's h11 protocol with a header timeout: a connection that has not sent a complete
    request line and headers within ``header_timeout_s`` of its first byte (or of connecting) is
    answered 408 and closed, so slow or stalled clients cannot hold connections open."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        _header_timer = None

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm()

        def _arm(self):
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout_s, self._headers_late)

        def _disarm(self):
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self._arm()  # a request begun, its headers not complete: the clock runs from its first byte
            else:
                self._disarm()

        def _headers_late(self):
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.write(_LATE)
                self.transport.close()

        def connection_lost(self, exc):
            self._disarm()
            super().connection_lost(exc)

    return GuardedH11Protocol


def server_config(app: FastAPI, **kw):
    """The uvicorn configuration the playground is served with: the header timeout of
    :func:`guarded_protocol`, at most ``Limits.max_connections`` connections (more get 503), a
    5 s keep-alive."""
    import uvicorn

    limits: Limits = getattr(app.state, "limits", Limits())
    return uvicorn.Config(app, http=guarded_protocol(limits.header_timeout_s), limit_concurrency=limits.max_connections,
                          timeout_keep_alive=5, **{"log_level": "warning", **kw})


class BackgroundServer:
    """The app served by uvicorn in a thread on a free loopback port (tests, benchmarks)."""

    def __init__(self, app: FastAPI | None = None, host: str = "127.0.0.1", port: int = 0):
        import uvicorn

        self.app = app or create_app()
        self.sock = bind_socket(host, port)
        self.host, self.port = self.sock.getsockname()[:2]
        self.server = uvicorn.Server(server_config(self.app, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> "BackgroundServer":
        self.thread.start()
        t_end = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > t_end:
                raise RuntimeError("the playground server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
