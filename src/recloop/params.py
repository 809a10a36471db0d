"""Parameter declarations: every model quantity is declared once, here or in a block that uses
:func:`param`, with its default, unit, bounds, meaning and source.

The scenario loader, ``recloop params``, the sensitivity analysis and the playground all read
these declarations through :func:`specs`; none of them restates a default.

A parameter of a scenario (an *uncertainty*) may be a point value or a distribution:

* ``{dist = "uniform", low = a, high = b}``
* ``{dist = "loguniform", low = a, high = b}``
* ``{dist = "normal", mean = m, sd = s}`` (clipped to the declared bounds)
* ``{dist = "lognormal", p5 = a, p95 = b}`` (from a 90% interval, clipped to the bounds)

Correlations between uncertain parameters are given as a Gaussian copula (see
:mod:`recloop.sampling`).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "Block",
    "Dist",
    "LogNormal",
    "LogUniform",
    "Normal",
    "ParamSpec",
    "RecloopInputError",
    "Uncertain",
    "Uniform",
    "format_validation_error",
    "param",
    "specs",
]


class RecloopInputError(ValueError):
    """Bad user input. ``problems`` holds one line per problem, each naming the field path."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --------------------------------------------------------------------------- distributions


class _DistBase(BaseModel):
    # strict: a bool is not a number and a string is not a number (``low = true`` is refused)
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    if TYPE_CHECKING:  # each distribution declares its own Literal tag
        dist: str

    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """The interval that must lie inside the parameter's declared bounds."""
        raise NotImplementedError  # pragma: no cover

    @property
    def median(self) -> float:
        return float(self.ppf(np.array([0.5]))[0])


class Uniform(_DistBase):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self):
        if not self.low < self.high:
            raise ValueError(f"low must be < high, got low={self.low:g}, high={self.high:g}")
        return self

    def ppf(self, u):
        return self.low + (self.high - self.low) * u

    def support(self):
        return (self.low, self.high)


class LogUniform(_DistBase):
    dist: Literal["loguniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self):
        if not 0 < self.low < self.high:
            raise ValueError(f"needs 0 < low < high, got low={self.low:g}, high={self.high:g}")
        return self

    def ppf(self, u):
        return np.exp(np.log(self.low) + (np.log(self.high) - np.log(self.low)) * u)

    def support(self):
        return (self.low, self.high)


class Normal(_DistBase):
    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)

    def ppf(self, u):
        from scipy import special  # here, not at import: scipy costs the CLI's start-up ~0.3 s

        return self.mean + self.sd * special.ndtri(u)

    def support(self):
        # the central 90% must fit the bounds; draws outside are clipped
        return (self.mean - 1.6449 * self.sd, self.mean + 1.6449 * self.sd)


class LogNormal(_DistBase):
    """Lognormal given by its 5th and 95th percentiles."""

    dist: Literal["lognormal"]
    p5: float
    p95: float

    @model_validator(mode="after")
    def _order(self):
        if not 0 < self.p5 < self.p95:
            raise ValueError(f"needs 0 < p5 < p95, got p5={self.p5:g}, p95={self.p95:g}")
        return self

    def ppf(self, u):
        from scipy import special

        mu = 0.5 * (math.log(self.p5) + math.log(self.p95))
        sigma = (math.log(self.p95) - math.log(self.p5)) / (2 * 1.6448536269514722)
        return np.exp(mu + sigma * special.ndtri(u))

    def support(self):
        return (self.p5, self.p95)


Dist = Annotated[Union[Uniform, LogUniform, Normal, LogNormal], Field(discriminator="dist")]
Uncertain = Union[float, Dist]


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter, as every front end sees it."""

    path: str
    default: Any
    unit: str
    bounds: tuple[float, float] | None
    doc: str
    source: str
    kind: Literal["uncertainty", "lever"]
    group: str
    log: bool = False
    choices: tuple[str, ...] | None = None

    @property
    def dotted_in(self) -> str:
        return self.path.rsplit(".", 1)[0]


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str,
    bounds: tuple[float, float] | None = None,
    log: bool = False,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a parameter: the only place its default, unit, bounds, meaning and source live.

    ``log=True`` marks a parameter best varied on a log scale (sliders, sensitivity bounds).
    """
    if bounds is not None:
        lo, hi = bounds
        point = default if isinstance(default, (int, float)) else None
        if point is not None and not isinstance(point, bool) and not lo <= point <= hi:
            raise ValueError(f"declared default {point!r} outside bounds {bounds}")  # programmer error
    extra: dict[str, Any] = {"unit": unit, "bounds": bounds, "source": source, "log": log, "choices": choices}
    return Field(default=default, description=doc, json_schema_extra=extra)


def _fmt(x: float) -> str:
    return f"{x:g}"


class Block(BaseModel):
    """Base of every declared block: frozen, no unknown fields, values checked against bounds."""

    # strict: no bools for numbers, no strings for numbers or ints, no floats for ints (one rule
    # for files, the API and Python code: pydantic checks it wherever a block is built)
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False, strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _check_bounds(cls, value: Any, info):
        field = cls.model_fields.get(info.field_name)
        extra: Any = (field.json_schema_extra or {}) if field is not None else {}
        bounds = extra.get("bounds") if isinstance(extra, dict) else None
        if bounds is None or isinstance(value, (bool, str)) or value is None:
            return value
        lo, hi = bounds
        unit = extra.get("unit", "")
        allowed = f"[{_fmt(lo)}, {_fmt(hi)}] {unit}".rstrip()
        if isinstance(value, (int, float)):
            if not math.isfinite(value) or not lo <= value <= hi:
                raise ValueError(f"must be in {allowed}")
        elif isinstance(value, _DistBase):
            a, b = value.support()
            if not (lo <= a and b <= hi):
                raise ValueError(
                    f"distribution {value.dist} spans [{_fmt(a)}, {_fmt(b)}], must lie within {allowed}"
                )
        return value


def specs(model: type[BaseModel], *, prefix: str = "", kind: str = "uncertainty") -> list[ParamSpec]:
    """Every declared parameter of ``model`` (recursing into nested blocks), in declaration order."""
    out: list[ParamSpec] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, Block):
            out.extend(specs(ann, prefix=path + ".", kind=kind))
            continue
        extra: Any = field.json_schema_extra
        if not isinstance(extra, dict) or "unit" not in extra:
            continue
        out.append(
            ParamSpec(
                path=path,
                default=field.default,
                unit=extra["unit"],
                bounds=tuple(extra["bounds"]) if extra["bounds"] is not None else None,
                doc=field.description or "",
                source=extra["source"],
                kind=kind,  # type: ignore[arg-type]
                group=prefix.rstrip(".").split(".")[0] if prefix else "",
                log=bool(extra.get("log")),
                choices=tuple(extra["choices"]) if extra.get("choices") else None,
            )
        )
    return out


# --------------------------------------------------------------------------- error messages


def _allowed_fields(root: type[BaseModel], loc: tuple) -> list[str]:
    model: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        # unwrap list[Model] / Optional[Model]
        args = getattr(ann, "__args__", None)
        if args:
            ann = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), ann)
        model = ann
    return list(getattr(model, "model_fields", {}).keys())


def format_validation_error(err: ValidationError, *, root: type[BaseModel], prefix: str) -> list[str]:
    """One line per problem: ``prefix.field.path: what is wrong, got VALUE``."""
    lines = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        # pydantic adds the union member's tag to the location; drop it for readability
        clean = [p for p in loc if p not in ("float", "uniform", "loguniform", "normal", "lognormal",
                                            "function-after[_check_bounds(), float]")]
        clean = [p for p in clean if not (isinstance(p, str) and p.startswith(("function-", "tagged-union")))]
        branch = "dist" if any(isinstance(p, str) and p.startswith("tagged-union") for p in loc) else "value"
        path = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in clean)
        path = path.lstrip(".")
        msg = e["msg"].removeprefix("Value error, ")
        given = e.get("input")
        if e["type"] == "extra_forbidden":
            allowed = _allowed_fields(root, tuple(clean))
            close = difflib.get_close_matches(str(clean[-1]), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            lines.append((path, branch, False, f"{path}: unknown field{hint}; allowed: {', '.join(allowed)}"))
            continue
        if e["type"] == "union_tag_invalid":
            msg = "unknown distribution; allowed dist = uniform, loguniform, normal, lognormal"
        if e["type"] == "model_attributes_type" or e["type"] == "model_type":
            msg = "expected a table"
        if isinstance(given, dict):
            shown = "{" + ", ".join(f"{k} = {v!r}" for k, v in given.items()) + "}"
            if e["type"] == "value_error" and msg.startswith(("low", "needs")):
                shown = ""
        else:
            shown = repr(given)
        lines.append((path, branch, isinstance(given, dict), f"{path}: {msg}" + (f", got {shown}" if shown else "")))
    # a float-or-distribution field reports one problem per union branch: keep the branch that
    # matches what was given (a table -> the distribution's message, else the number's)
    chosen: dict[str, str] = {}
    for path, branch, is_table, line in lines:
        want = "dist" if is_table else "value"
        if path not in chosen or branch == want:
            chosen[path] = line
    return list(chosen.values())
