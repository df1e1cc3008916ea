"""Research batches: sweep files, their designs and seeds, and a resumable runner.

Owns the sweep file (TOML: a base scenario, levers and uncertainties, stated
or the scenario's declared ranges, a design, seeds, months, outputs), the
run table it expands to (every run's inputs, and a seed derived from one
root seed and its point with numpy's ``SeedSequence``), running those runs through an executor passed in (a
process pool, a Ray cluster, or this process) and the output folder:
Parquet parts written atomically while the batch runs, merged into
``results.parquet`` and ``runs.parquet`` at the end, with ``manifest.json``.

A batch killed at any moment (SIGKILL included) loses at most the runs in
flight; ``resume=True`` runs only the missing ones, and the result equals an
uninterrupted batch because no seed depends on the order, the chunking or
the number of workers. Imports the agents package, numpy, pandas, pyarrow
and scipy (SALib for Sobol designs, Ray on request); never pygame, and no
figures (that is ``game.report``).
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import types
import typing
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from agents.checks import (REQUIRED, Bool, Integer, ListOf, Number, OneOf, Problems, Spec, Table, Text, expected,
                           flatten, is_number, missing, unknown)
from agents.lang import _, language
from agents.metrics import METRICS
from game.files import atomic_write as _atomic_write
from agents.regime import LEVERS
from agents.scenario import (SCENARIO_DIR, Chip, Cloud, Country, Meta, Scenario, ScenarioError, ScheduledCommand,
                             World, apply_overrides, available_scenarios, build_scenario, inside, library_dir,
                             load_raw, names_a_file, scenario_path, toml_problem)
from agents import uncertainty as declared_ranges
from agents.uncertainty import Uncertainty, overrides_at

DESIGNS = ("grid", "random", "lhs", "sobol")
TABLES = ("sweep", "design", "levers", "uncertainties", "outputs", "report")
SPEC_KEYS = ("values", "min", "max", "steps", "log", "integer", "per")
BACKENDS = ("process", "ray")
SWEEP_DIR = library_dir(Path(__file__).resolve().parent, "sweeps")
"""The shipped sweeps: ``sweeps/`` in the repository, ``game/sweeps/`` once installed."""

RESULTS, RUNS, MANIFEST, PARTS, SWEEP_COPY, LOCK = (
    "results.parquet", "runs.parquet", "manifest.json", "parts", "sweep.toml", ".lock")
"""The output folder: results, the run table, provenance, parts in progress, the sweep file, and
the lock a running batch holds (so two batches never write one folder)."""

RUN_COLUMNS = ("run_id", "point", "block", "sample", "replicate", "seed")
"""Columns of the run table before the factors (one column per factor, named by its key)."""

DESIGN_STREAM, RUN_STREAM = 0, 1
"""SeedSequence spawn-key prefixes: design sampling and run seeds never share a stream."""

METRIC_NAMES = tuple(m.name for m in METRICS)

MAX_STEPS = 10_000
"""The most settings one range of a grid may be cut into."""
MAX_RUNS = 100_000
"""Runs a batch makes without being asked for more (``--max-runs``): about a day on a laptop."""
HARD_MAX_RUNS = 10_000_000
"""Runs no batch plans: the run table alone would take gigabytes."""
SECONDS_PER_RUN_MONTH = (0.012, 0.0015)
"""Rough cost of one month of one run on one core: fixed, plus per unit of scale (for estimates)."""
SECONDS_TO_START = 2.0
"""Rough fixed cost of a batch: starting workers, writing the plan, merging (for estimates)."""


class SweepError(ScenarioError):
    """A sweep file is invalid; ``problems`` lists every one as ``file:key: expected …, got …``."""


class BatchError(Exception):
    """The batch cannot start or go on (output folder, failed run): one clear message."""


class RunFailed(Exception):
    """One run raised; carries its id, seed and inputs so the user can reproduce it."""

    def __init__(self, run_id: int, seed: int, overrides: dict, message: str):
        super().__init__(run_id, seed, overrides, message)
        self.run_id, self.seed, self.overrides, self.message = run_id, seed, overrides, message

    def __str__(self) -> str:
        return f"run {self.run_id} (seed {self.seed}, inputs {self.overrides}) failed: {self.message}"


# ===========================================================================
# the sweep file


@dataclass(frozen=True)
class Factor:
    """One swept input: a lever (policy) or an uncertainty (world), by its override key.

    ``values`` lists the settings (crossed with every other factor's); otherwise
    ``lo``..``hi`` is a range, sampled by the design (or cut into ``steps``
    for a grid), uniformly or on a log scale, rounded when ``integer``.
    ``per`` is the step in which the report states effects (e.g. 1e8 USD).
    """

    key: str
    kind: str  # "lever" or "uncertainty"
    values: tuple[Any, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    steps: int | None = None
    log: bool = False
    integer: bool = False
    per: float | None = None
    dist: str | None = None
    """Set for a scenario's declared range (``declared = true``): its distribution. The factor's
    setting is then the quantile 0-1 of that range, mapped by ``agents.uncertainty``."""
    span: str | None = None
    """A declared range in the parameter's units, for the report (``0.02 to 0.05``, ``x0.8 to x1.2 of each``)."""
    why: str | None = None
    """A declared range's reason or source, from the scenario's ``[uncertainties]``."""

    @property
    def declared(self) -> bool:
        return self.dist is not None

    @property
    def ranged(self) -> bool:
        return self.values is None

    @property
    def numeric(self) -> bool:
        return self.ranged or all(_is_number(v) for v in self.values)

    def bounds(self) -> tuple[Any, Any]:
        """Lowest and highest setting (first and last for non-numeric values)."""
        if self.ranged:
            return self.lo, self.hi
        if self.numeric:
            return min(self.values), max(self.values)
        return self.values[0], self.values[-1]

    def grid(self) -> tuple[Any, ...]:
        """The settings of a grid: the values, or ``steps`` points from lo to hi."""
        if self.values is not None:
            return self.values
        pts = (np.geomspace if self.log else np.linspace)(self.lo, self.hi, self.steps)
        return tuple(int(v) for v in np.rint(pts)) if self.integer else tuple(float(v) for v in pts)

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of [0, 1] to settings of the range (uniform or log-uniform)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.integer and not self.log:
            v = np.floor(self.lo + u * (self.hi - self.lo + 1))
            return [int(x) for x in np.clip(v, self.lo, self.hi)]
        if self.log:
            v = np.exp(np.log(self.lo) + u * (np.log(self.hi) - np.log(self.lo)))
        else:
            v = self.lo + u * (self.hi - self.lo)
        if self.integer:
            return [int(x) for x in np.clip(np.rint(v), self.lo, self.hi)]
        return [float(x) for x in v]

    def describe(self) -> dict[str, Any]:
        """Plain data for the manifest (and the report)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file: what to run, how often, and what to keep."""

    path: str
    name: str
    title: str
    description: str
    scenario: str  # resolved path of the scenario file
    months: int
    scale: float
    design: str
    samples: int | None
    seeds: int
    root_seed: int
    common_random_numbers: bool
    factors: tuple[Factor, ...]
    metrics: tuple[str, ...]
    monthly: bool
    csv: bool
    report: Mapping[str, Any]

    @property
    def levers(self) -> tuple[Factor, ...]:
        return tuple(f for f in self.factors if f.kind == "lever")

    @property
    def uncertainties(self) -> tuple[Factor, ...]:
        return tuple(f for f in self.factors if f.kind == "uncertainty")

    def sampled(self) -> tuple[Factor, ...]:
        """Factors the design samples (ranges, unless the design is a grid)."""
        return tuple(f for f in self.factors if f.ranged and self.design != "grid")

    def crossed(self) -> tuple[Factor, ...]:
        """Factors crossed as a full grid (values, and every range of a grid design)."""
        return tuple(f for f in self.factors if not (f.ranged and self.design != "grid"))


def _is_number(v: Any) -> bool:
    return is_number(v) and isinstance(v, (int, float))


class _Reader:
    """Reads typed keys out of one TOML table, recording ``file:table.key: expected …, got …`` (agents.checks)."""

    def __init__(self, file: str, errors: list[str]):
        self.file, self.errors = file, errors

    def _keep(self, p: Problems) -> None:
        self.errors.extend(p.messages())

    def table(self, data: dict, name: str, known: Sequence[str] | None) -> dict:
        p = Problems(self.file)
        value = p.check(name, data.get(name, {}), Table(), {})
        if known is not None:
            p.keys(value, name, known)
        self._keep(p)
        return value

    def get(self, tbl: dict, where: str, key: str, spec: Spec, default: Any = REQUIRED) -> Any:
        p = Problems(self.file)
        value = p.get(tbl, where, key, spec, default)
        self._keep(p)
        return value


def sweep_path(name_or_path: str | Path) -> Path:
    """A shipped sweep's name (``enforcement``) or a path to a sweep file."""
    text = str(name_or_path)
    return Path(text) if names_a_file(text) else SWEEP_DIR / f"{text}.toml"


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file; raise :class:`SweepError` listing every problem.

    Every factor is checked against the scenario itself (each range's ends,
    then all factors at their low and at their high ends together), so a
    sweep gets the same ``expected …, got …`` messages as ``--set``.
    """
    path = sweep_path(path)
    file = str(path)
    if not path.is_file():
        raise SweepError([_("{file}: no such sweep file").format(file=file)])
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise SweepError([f"{file}: {toml_problem(exc)}"]) from None
    except OSError as exc:
        raise SweepError([f"{file}: cannot be read: {exc.strerror}"]) from None

    errors: list[str] = []
    r = _Reader(file, errors)
    top = Problems(file)
    top.keys(data, "", TABLES)
    errors.extend(top.messages())
    sw = r.table(data, "sweep", ("title", "description", "scenario", "months", "scale"))
    de = r.table(data, "design", ("kind", "samples", "seeds", "root_seed", "common_random_numbers"))
    ou = r.table(data, "outputs", ("metrics", "monthly", "csv"))
    rp = r.table(data, "report", ("metrics", "by", "thresholds"))

    title = r.get(sw, "sweep", "title", Text(), path.stem)
    description = r.get(sw, "sweep", "description", Text(), "")
    scenario_text = r.get(sw, "sweep", "scenario", Text())
    months = r.get(sw, "sweep", "months", Integer(1, 600, "months"), None)
    scale = r.get(sw, "sweep", "scale", Number(0.01, 1000), 1.0)
    design = r.get(de, "design", "kind", OneOf(DESIGNS), "grid")
    samples = r.get(de, "design", "samples", Integer(1, 10_000_000), None)
    seeds = r.get(de, "design", "seeds", Integer(1, 1_000_000), 1)
    root_seed = r.get(de, "design", "root_seed", Integer(0), 0)
    crn = r.get(de, "design", "common_random_numbers", Bool(), False)
    metrics = r.get(ou, "outputs", "metrics", ListOf(Text()), list(METRIC_NAMES))
    monthly = r.get(ou, "outputs", "monthly", Bool(), True)
    csv = r.get(ou, "outputs", "csv", Bool(), False)
    for i, m in enumerate(metrics):
        if m not in METRIC_NAMES:
            errors.append(f"{file}:outputs.metrics[{i}]: expected a metric name "
                          f"({', '.join(METRIC_NAMES)}), got {m!r}")
    if not metrics:
        errors.append(f"{file}:outputs.metrics: expected at least one metric, got []")
    if len(set(metrics)) != len(metrics):
        errors.append(f"{file}:outputs.metrics: expected each metric once, got {metrics!r}")

    factors = _read_factors(data, r)
    declared = _read_declared(data, r)
    scenario_file = None
    if scenario_text is not None:
        checked = _base_scenario(scenario_text, path, errors, file)
        if checked is not None:
            scenario_file, raw, base = checked
            months = base.meta.months if months is None else months
            if declared is not None:
                factors += _declared_factors(base, declared, factors, r)
            _check_factors(raw, base, factors, errors, file)
    ranged = [f for f in factors if f.ranged]
    if declared is not None and design == "grid":
        errors.append(f"{file}:uncertainties.declared: expected a random, lhs or sobol design to sample the "
                      f"declared ranges, got design 'grid'")
    if design == "grid":
        for f in ranged:
            if f.steps is None:
                errors.append(f"{file}:{_table_of(f)}.{f.key}.steps: "
                              f"{missing('steps for a range of a grid design, or list values instead')}")
        if samples is not None:
            errors.append(f"{file}:design.samples: expected no samples for a grid design (the grid sets "
                          f"the points), got {samples!r}")
    else:
        for f in ranged:
            if f.steps is not None:
                errors.append(f"{file}:{_table_of(f)}.{f.key}.steps: expected no steps for design "
                              f"{design!r} (it samples the range), got {f.steps!r}")
        if not ranged and declared is None:
            errors.append(f"{file}:design.kind: expected 'grid' when no factor has a range (min and max) "
                          f"to sample, got {design!r}")
        elif samples is None:
            errors.append(f"{file}:design.samples: missing (expected the number of samples for "
                          f"design {design!r})")
        elif design == "sobol" and samples & (samples - 1):
            errors.append(f"{file}:design.samples: expected a power of 2 for a Sobol design "
                          f"(Saltelli sampling), got {samples!r}")

    report = _read_report(rp, r, factors, metrics)
    if errors:
        raise SweepError(errors)
    return Sweep(path=file, name=path.stem, title=title, description=description.strip(),
                 scenario=str(scenario_file), months=int(months), scale=float(scale), design=design,
                 samples=samples, seeds=seeds, root_seed=root_seed, common_random_numbers=crn,
                 factors=tuple(factors), metrics=tuple(metrics), monthly=monthly, csv=csv, report=report)


def _table_of(f: Factor) -> str:
    return "levers" if f.kind == "lever" else "uncertainties"


_WORLD = {f.name for f in dataclasses.fields(World)}
_ENTRY_CLASSES = {"countries": Country, "chips": Chip, "clouds": Cloud, "schedule": ScheduledCommand}


def _integer_key(key: str) -> bool:
    """Whether the scenario key holds an integer (months, tiers, counts): ranges then round."""
    path = key.split(".")
    if len(path) == 1:
        cls, name = (World if key in _WORLD else None), key
    elif len(path) == 2 and path[0] in ("world", "meta"):
        cls, name = (World if path[0] == "world" else Meta), path[1]
    elif len(path) == 3 and path[0] in _ENTRY_CLASSES:
        cls, name = _ENTRY_CLASSES[path[0]], path[2]
    else:
        return False
    hint = typing.get_type_hints(cls).get(name) if cls else None
    return hint is int or (typing.get_origin(hint) in (typing.Union, types.UnionType) and int in typing.get_args(hint))


def _read_factors(data: dict, r: _Reader) -> list[Factor]:
    file, errors = r.file, r.errors
    factors: list[Factor] = []
    seen: dict[str, str] = {}
    for table, kind in (("levers", "lever"), ("uncertainties", "uncertainty")):
        tbl = data.get(table, {})
        if not isinstance(tbl, dict):
            errors.append(f"{file}:{table}: expected a table of inputs, got {tbl!r}")
            continue
        if table == "uncertainties":
            tbl = {k: v for k, v in tbl.items() if k not in DECLARED_KEYS}
        for key, spec in flatten(tbl, SPEC_KEYS):
            at = f"{file}:{table}.{key}"
            if key in seen:
                errors.append(f"{at}: expected each input once, but it is also under [{seen[key]}]")
                continue
            seen[key] = table
            if "." not in key:
                if kind == "lever" and key not in LEVERS:
                    hint = (" (a [world] parameter: put it under [uncertainties])" if key in _WORLD else "")
                    errors.append(f"{at}: expected a lever (see `silicon-curtain levers`) or a dotted "
                                  f"scenario key such as schedule.diffusion_rule.effective_month, got "
                                  f"{key!r}{hint}")
                    continue
                if kind == "uncertainty" and key not in _WORLD:
                    hint = (" (a policy lever: put it under [levers])" if key in LEVERS else "")
                    errors.append(f"{at}: expected a [world] parameter or a dotted scenario key such as "
                                  f"countries.CHN.spend_growth_per_year, got {key!r}{hint}")
                    continue
            f = _read_spec(key, kind, spec, at, errors)
            if f is not None:
                factors.append(f)
    return factors


DECLARED_KEYS = ("declared", "only", "exclude")
"""Keys of a sweep's ``[uncertainties]`` that choose the scenario's declared ranges instead of naming an input."""


@dataclass(frozen=True)
class Declared:
    """``declared = true``: sample the scenario's own ranges; ``only`` or ``exclude`` name some of them."""

    only: tuple[str, ...] | None
    exclude: tuple[str, ...]


def _read_declared(data: dict, r: _Reader) -> Declared | None:
    """The ``declared``, ``only`` and ``exclude`` keys of ``[uncertainties]`` (None: no declared ranges)."""
    tbl = data.get("uncertainties", {})
    if not isinstance(tbl, dict):
        return None
    on = r.get(tbl, "uncertainties", "declared", Bool(), False)
    only = r.get(tbl, "uncertainties", "only", ListOf(Text()), None)
    exclude = r.get(tbl, "uncertainties", "exclude", ListOf(Text()), [])
    if not on:
        for name in ("only", "exclude"):
            if name in tbl:
                r.errors.append(f"{r.file}:uncertainties.{name}: expected {name} only with declared = true, "
                                f"got {tbl[name]!r}")
        return None
    return Declared(only=tuple(only) if only is not None else None, exclude=tuple(exclude or ()))


def _declared_factors(base: Scenario, declared: Declared, explicit: list[Factor], r: _Reader) -> list[Factor]:
    """One factor per sampled declared range of ``base`` that ``only``/``exclude`` keep and no explicit
    entry replaces (an explicit key wins: ``detect_hazard`` here replaces the declared ``detect_hazard``)."""
    ranges = {u.key: u for u in declared_ranges.sampled(base)}
    for name, keys in (("only", declared.only or ()), ("exclude", declared.exclude)):
        for i, key in enumerate(keys):
            if key not in ranges:
                fixed = key in base.uncertainties
                r.errors.append(f"{r.file}:uncertainties.{name}[{i}]: expected a sampled range declared by "
                                f"scenario {base.name} (its [uncertainties], e.g. "
                                f"detect_hazard or countries.*.goodwill), got {key!r}"
                                + (" (declared fixed = true: never sampled)" if fixed else ""))
    replaced = {declared_ranges.dotted_key(f.key) for f in explicit if f.kind == "uncertainty"}
    keep = [u for key, u in ranges.items() if (declared.only is None or key in declared.only)
            and key not in declared.exclude and declared_ranges.dotted_key(key) not in replaced]
    if not keep and not r.errors:
        r.errors.append(f"{r.file}:uncertainties: expected at least one declared range left to sample "
                        f"(after only, exclude and explicit entries), got none")
    return [Factor(key=u.key, kind="uncertainty", lo=0.0, hi=1.0, dist=u.dist, span=_span(base, u), why=u.why)
            for u in keep]


def _span(base: Scenario, u: Uncertainty) -> str:
    """A declared range in its parameter's units: ``0.02 to 0.05``, or ``x0.8 to x1.2 of each value``."""
    if u.rel is not None:
        return f"x{u.rel[0]:g} to x{u.rel[1]:g} of each value"
    known = dict(declared_ranges.parameters(base))
    keys = declared_ranges.matches(u, known)
    accepts = declared_ranges.limits(base).get(keys[0], (None, None)) if keys else (None, None)
    lo, hi = u.bounds(float(known[keys[0]]), accepts) if keys else (u.lo, u.hi)
    return f"{lo:g} to {hi:g}"


def factor_overrides(values: Mapping[str, Any], factors: Sequence[Factor], base: Scenario | None) -> dict[str, Any]:
    """A point's scenario overrides: each declared factor's quantile through ``agents.uncertainty.overrides_at``
    (a pattern sets every parameter it covers), then the explicit factors' settings, which win."""
    units = {f.key: float(values[f.key]) for f in factors if f.declared}
    out = overrides_at(base, units) if units else {}
    out.update((f.key, values[f.key]) for f in factors if not f.declared)
    return out


def _read_spec(key: str, kind: str, spec: Any, at: str, errors: list[str]) -> Factor | None:
    before = len(errors)
    if isinstance(spec, list):
        spec = {"values": spec}
    if not isinstance(spec, dict):
        errors.append(f"{at}: expected a list of values or a table with values, or min and max, got {spec!r}")
        return None
    for k in spec:
        if k not in SPEC_KEYS:
            errors.append(f"{at}.{k}: {unknown(k, SPEC_KEYS)}")
    integer = spec.get("integer", _integer_key(key))
    if not isinstance(integer, bool):
        errors.append(f"{at}.integer: {expected(Bool().what, integer)}")
    log = spec.get("log", False)
    if not isinstance(log, bool):
        errors.append(f"{at}.log: {expected(Bool().what, log)}")
    per = spec.get("per")
    if per is not None and not (_is_number(per) and per > 0):
        errors.append(f"{at}.per: {expected('a number > 0 (the step to state effects in)', per)}")
    values = lo = hi = steps = None
    if "values" in spec:
        if "min" in spec or "max" in spec or "steps" in spec:
            errors.append(f"{at}: expected either values or min and max, got both")
        values = spec["values"]
        if not isinstance(values, list) or not values:
            errors.append(f"{at}.values: expected a non-empty list, got {values!r}")
            return None
        kinds = {"number" if _is_number(v) else type(v).__name__ for v in values}
        if len(kinds) > 1 or not kinds <= {"number", "bool", "str"}:
            errors.append(f"{at}.values: expected values of one kind (numbers, true/false or strings), "
                          f"got {values!r}")
        elif len(set(values)) != len(values):
            errors.append(f"{at}.values: expected distinct values, got {values!r}")
        elif kinds == {"number"} and any(isinstance(v, float) for v in values):
            values = [float(v) for v in values]
        if log:
            errors.append(f"{at}.log: expected log only with min and max")
        values = tuple(values)
    else:
        lo, hi = spec.get("min"), spec.get("max")
        for name, v in (("min", lo), ("max", hi)):
            if v is None:
                errors.append(f"{at}.{name}: {missing('a number, or give values instead')}")
            elif not _is_number(v):
                errors.append(f"{at}.{name}: {expected('a number', v)}")
        if _is_number(lo) and _is_number(hi):
            if not lo < hi:
                errors.append(f"{at}.max: expected a number > min ({lo!r}), got {hi!r}")
            if log is True and lo <= 0:
                errors.append(f"{at}.min: expected a number > 0 for a log range, got {lo!r}")
            if integer is True and not (float(lo).is_integer() and float(hi).is_integer()):
                errors.append(f"{at}: expected whole-number min and max for an integer input, got "
                              f"{lo!r} and {hi!r}")
        steps = spec.get("steps")
        if steps is not None:
            if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= MAX_STEPS:
                errors.append(f"{at}.steps: {expected(Integer(2, MAX_STEPS).what, steps)}")
            elif integer is True and _is_number(lo) and _is_number(hi) and lo < hi and steps > hi - lo + 1:
                errors.append(f"{at}.steps: expected at most {int(hi - lo + 1)} steps for whole numbers "
                              f"from {lo!r} to {hi!r}, got {steps!r}")
    if len(errors) > before:
        return None
    if lo is not None:
        lo, hi = (int(lo), int(hi)) if integer else (float(lo), float(hi))
    return Factor(key=key, kind=kind, values=values, lo=lo, hi=hi, steps=steps, log=log,
                  integer=integer, per=float(per) if per is not None else None)


def _read_report(rp: dict, r: _Reader, factors: list[Factor], metrics: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    keep = r.get(rp, "report", "metrics", ListOf(Text()), None)
    if keep is not None:
        for i, m in enumerate(keep):
            if m not in metrics:
                r.errors.append(f"{r.file}:report.metrics[{i}]: expected a metric kept under "
                                f"[outputs] ({', '.join(metrics)}), got {m!r}")
        out["metrics"] = keep
    by = r.get(rp, "report", "by", Text(), None)
    if by is not None:
        keys = [f.key for f in factors]
        if by not in keys:
            r.errors.append(f"{r.file}:report.by: expected one of the swept inputs ({', '.join(keys) or 'none'}), "
                            f"got {by!r}")
        out["by"] = by
    thresholds = r.get(rp, "report", "thresholds", ListOf(Text()), [])
    for i, text in enumerate(thresholds or []):
        try:
            parse_threshold(text, metrics)
        except ValueError as exc:
            r.errors.append(f"{r.file}:report.thresholds[{i}]: {exc}")
    out["thresholds"] = thresholds
    return out


THRESHOLD_OPS = (">=", "<=", ">", "<")


def parse_threshold(text: str, metrics: Sequence[str]) -> tuple[str, str, float]:
    """``"smuggled_cum > 150000"`` → (metric, operator, value); ValueError says what was expected."""
    for op in THRESHOLD_OPS:
        name, sep, value = text.partition(op)
        if sep:
            name, value = name.strip(), value.strip()
            if name not in metrics:
                raise ValueError(f"expected METRIC{op}VALUE with a kept metric ({', '.join(metrics)}), "
                                 f"got {text!r}")
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"expected a number after {op!r}, got {text!r}") from None
            return name, op, number
    raise ValueError(f"expected METRIC>VALUE (or >=, <, <=), e.g. smuggled_cum>150000, got {text!r}")


def _resolve_scenario(text: str, sweep_path: Path) -> Path | None:
    """A scenario name, or a path read from the sweep file's folder; None if it leads out of that folder
    (and is not a shipped scenario)."""
    if names_a_file(text):
        p = sweep_path.parent / text
        return p if inside(p, sweep_path.parent, SCENARIO_DIR) else None
    return scenario_path(text)


def _short(problem: str, key: str) -> str:
    """A scenario problem restated for the sweep key it came from."""
    loc, sep, msg = problem.partition(": ")
    if not sep:
        return problem
    if loc.startswith("--set ") or loc.endswith("." + key.split(".")[-1]) or loc.endswith(":" + key):
        return msg
    return f"{msg} (at {loc})"


def _base_scenario(text: str, sweep_path: Path, errors: list[str],
                   file: str) -> tuple[Path, tuple[dict, str], Scenario] | None:
    """The sweep's scenario: its resolved path, raw tables (with their file) and the built scenario (~50 ms)."""
    spath = _resolve_scenario(text, sweep_path)
    if spath is None:
        errors.append(f"{file}:sweep.scenario: expected a scenario name or a .toml file in the sweep's folder "
                      f"({sweep_path.parent}), got {text!r}")
        return None
    if not spath.is_file():
        errors.append(f"{file}:sweep.scenario: expected a scenario name ({', '.join(available_scenarios())}) "
                      f"or a path to a .toml file, got {text!r}")
        return None
    try:
        raw, sfile = load_raw(spath)
        base = build_scenario(raw, Path(sfile).stem, sfile)
    except ScenarioError as exc:
        errors.extend(f"{file}:sweep.scenario: {p}" for p in exc.problems)
        return None
    return spath.resolve(), (raw, sfile), base


def _check_factors(raw: tuple[dict, str], base: Scenario, factors: list[Factor], errors: list[str],
                   file: str) -> None:
    """Check every explicit factor's ends, then all factors at their low and at their high ends together.

    Declared factors are checked only in the corners: the scenario already
    checked each declared range (it holds the value and stays inside what the
    parameter accepts), and probing 70-odd ranges one by one costs seconds.
    """
    tables, sfile = raw

    def problems(overrides: dict) -> list[str]:
        try:
            build_scenario(apply_overrides(tables, overrides), Path(sfile).stem, sfile, overridden=True)
        except ScenarioError as exc:
            return exc.problems
        return []

    before = len(errors)
    for f in factors:
        if f.declared:
            continue
        at = f"{file}:{_table_of(f)}.{f.key}"
        if f.ranged:
            probes = [(".min", f.lo), (".max", f.hi)]
        elif f.numeric:
            probes = [(f"[{f.values.index(v)}]", v) for v in dict.fromkeys((min(f.values), max(f.values)))]
        else:
            probes = [(f"[{i}]", v) for i, v in enumerate(f.values)]
        reported: set[str] = set()
        for label, value in probes:
            for p in problems({f.key: value}):
                msg = _short(p, f.key)
                if msg not in reported:
                    reported.add(msg)
                    errors.append(f"{at}{label}: {msg}")
    if len(errors) == before and factors:
        for end, pick in (("low", 0), ("high", 1)):
            corner = factor_overrides({f.key: f.bounds()[pick] for f in factors}, factors, base)
            for p in problems(corner):
                errors.append(f"{file}:levers+uncertainties (all at their {end} ends): {p}")


# ===========================================================================
# the design: points, runs and seeds


def run_seed(root_seed: int, key: int, replicate: int) -> int:
    """A run's model seed: ``SeedSequence(root_seed, spawn_key=(1, key, replicate))``.

    ``key`` is the run's point (or, with common random numbers, its
    uncertainty setting). Derived, never drawn in order, so a run's seed does
    not depend on workers, chunking, backend or resuming.
    """
    ss = np.random.SeedSequence(root_seed, spawn_key=(RUN_STREAM, key, replicate))
    return int(ss.generate_state(1, dtype=np.uint64)[0])


def _unit_samples(sweep: Sweep, d: int) -> np.ndarray:
    """``samples`` points in [0, 1]^d (Sobol: Saltelli's N·(d+2) rows), seeded from the root seed."""
    rng = np.random.default_rng(np.random.SeedSequence(sweep.root_seed, spawn_key=(DESIGN_STREAM,)))
    n = sweep.samples
    if sweep.design == "random":
        return rng.random((n, d))
    if sweep.design == "lhs":
        from scipy.stats import qmc
        return qmc.LatinHypercube(d, rng=rng).random(n)
    from SALib.sample import sobol
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    return sobol.sample(problem, n, calc_second_order=False, seed=int(rng.integers(2**31)))


def count_points(sweep: Sweep) -> int:
    """How many points :func:`plan_runs` makes, counted without making them."""
    points = math.prod(len(f.grid()) if f.values is not None else f.steps for f in sweep.crossed())
    sampled = sweep.sampled()
    if sampled:
        n = sweep.samples or 0
        points *= n * (len(sampled) + 2) if sweep.design == "sobol" else n  # Saltelli: N·(d+2)
    return points


def count_runs(sweep: Sweep) -> int:
    """How many runs :func:`plan_runs` makes (points x seeds), counted without making them."""
    return count_points(sweep) * sweep.seeds


def estimate_seconds(sweep: Sweep, runs: int, workers: int) -> float:
    """A rough wall time for ``runs`` runs of this sweep on ``workers`` cores."""
    fixed, per_scale = SECONDS_PER_RUN_MONTH
    return SECONDS_TO_START + runs * sweep.months * (fixed + per_scale * sweep.scale) / max(1, workers)


def check_size(sweep: Sweep, max_runs: int = MAX_RUNS) -> int:
    """The number of runs, or BatchError if it is over ``max_runs`` (or over what any batch plans)."""
    runs = count_runs(sweep)
    if runs > HARD_MAX_RUNS:
        raise BatchError(f"{sweep.path}: {runs:,} runs planned; expected at most {HARD_MAX_RUNS:,} "
                         f"(fewer seeds, steps, values or samples)")
    if runs > max_runs:
        raise BatchError(f"{sweep.path}: {runs:,} runs planned; expected at most {max_runs:,} "
                         f"(fewer seeds, steps, values or samples, or --max-runs {runs} to run them all)")
    return runs


def plan_runs(sweep: Sweep) -> pd.DataFrame:
    """The run table: one row per run with its point, replicate, seed and every input.

    Points are the crossed factors' grid (outer, ``block``) times the
    design's samples of the ranged factors (inner, ``sample``); each point
    runs ``seeds`` times. Run ids count from 0 in that order. A sweep of more
    than :data:`HARD_MAX_RUNS` runs raises BatchError before anything is made.
    """
    check_size(sweep, HARD_MAX_RUNS)
    crossed, sampled = sweep.crossed(), sweep.sampled()
    grid = list(itertools.product(*(f.grid() for f in crossed)))
    if sampled:
        u = _unit_samples(sweep, len(sampled))
        cols = [f.from_unit(u[:, j]) for j, f in enumerate(sampled)]
        samples = list(zip(*cols))
    else:
        samples = [()]
    unc_keys = [f.key for f in sweep.factors if f.kind == "uncertainty"]
    order = [f.key for f in sweep.factors]
    rows: list[dict[str, Any]] = []
    crn_index: dict[tuple, int] = {}
    run_id = 0
    for b, g in enumerate(grid):
        for s, x in enumerate(samples):
            point = b * len(samples) + s
            inputs = dict(zip([f.key for f in crossed], g)) | dict(zip([f.key for f in sampled], x))
            key = point
            if sweep.common_random_numbers:
                key = crn_index.setdefault(tuple(inputs[k] for k in unc_keys), len(crn_index))
            for rep in range(sweep.seeds):
                row = {"run_id": run_id, "point": point, "block": b, "sample": s, "replicate": rep,
                       "seed": run_seed(sweep.root_seed, key, rep)}
                row.update((k, inputs[k]) for k in order)
                rows.append(row)
                run_id += 1
    table = pd.DataFrame(rows, columns=[*RUN_COLUMNS, *order])
    for c in RUN_COLUMNS:
        table[c] = table[c].astype("uint64" if c == "seed" else "int64")
    return table


def run_inputs(table: pd.DataFrame, sweep: Sweep) -> list[dict[str, Any]]:
    """Each run's overrides as plain Python values (what ``--set`` would pass); a declared factor's
    quantile becomes the values of every parameter it covers."""
    from agents.scenario import load_scenario

    keys = [f.key for f in sweep.factors]
    base = load_scenario(sweep.scenario) if any(f.declared for f in sweep.factors) else None
    return [factor_overrides({k: _native(v) for k, v in zip(keys, row)}, sweep.factors, base)
            for row in table[keys].itertuples(index=False)]


def _native(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


# ===========================================================================
# one run, and a task of runs (top-level and picklable: workers import them)


@dataclass(frozen=True)
class Task:
    """A chunk of runs for one worker; everything a worker needs, nothing else."""

    scenario: tuple[dict, str]  # the merged scenario as validated (no files needed on workers), its path
    months: int
    scale: float
    metrics: tuple[str, ...]
    monthly: bool
    runs: tuple[tuple[int, int, tuple[tuple[str, Any], ...]], ...]  # (run_id, seed, overrides)


def simulate_run(scenario: str | Path | tuple[dict, str], overrides: Mapping[str, Any], seed: int, months: int, *,
                 scale: float = 1.0, metrics: Sequence[str] = METRIC_NAMES, monthly: bool = True,
                 built: dict[tuple, Scenario] | None = None) -> pd.DataFrame:
    """Run one configuration; return its rows (month 0..months, or the last only).

    ``scenario`` is a name or path, or ``(raw, file)`` as from ``load_raw``.
    ``built`` caches validated scenarios by overrides for runs that share
    them (a task's replicates): validation costs about 25 ms a run, and a
    :class:`Scenario` is frozen, so models can share one.
    """
    from agents.model import ComputeModel

    key = tuple(overrides.items())
    sc = built.get(key) if built is not None else None
    if sc is None:
        raw, file = scenario if isinstance(scenario, tuple) else load_raw(scenario)
        sc = build_scenario(apply_overrides(raw, overrides), Path(file).stem, file, overridden=True)
        if built is not None:
            built[key] = sc
    model = ComputeModel(scenario=sc, seed=seed, scale=scale)
    for _month in range(months):
        model.step()
    return _rows(model.datacollector.model_vars, metrics, monthly)


def _rows(collected: Mapping[str, list], metrics: Sequence[str], monthly: bool) -> pd.DataFrame:
    """A run's rows from the collector's lists in one constructor (a column at a time costs ~20 ms a run)."""
    keep = slice(None) if monthly else slice(-1, None)
    columns = {"month": np.asarray(collected["month"][keep], dtype="int64"),
               "date": np.asarray([str(d) for d in collected["date"][keep]], dtype=object)}
    columns.update((m, np.asarray(collected[m][keep], dtype="float64")) for m in metrics)
    return pd.DataFrame(columns)


def run_task(task: Task) -> pd.DataFrame:
    """Run a chunk; one frame with a ``run_id`` column. A failing run raises :class:`RunFailed`."""
    frames = []
    built: dict[tuple, Scenario] = {}
    for run_id, seed, overrides in task.runs:
        ov = dict(overrides)
        try:
            frame = simulate_run(task.scenario, ov, seed, task.months, scale=task.scale,
                                 metrics=task.metrics, monthly=task.monthly, built=built)
        except Exception as exc:  # noqa: BLE001 - reported with the run's inputs
            raise RunFailed(run_id, seed, ov, f"{type(exc).__name__}: {exc}") from None
        frame.insert(0, "run_id", np.int64(run_id))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# ===========================================================================
# executors


class InlineExecutor(cf.Executor):
    """Runs each task in this process when submitted: one worker, no process start-up."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


class RayExecutor(cf.Executor):
    """The Ray backend behind the Executor interface (``pip install silicon-curtain[cluster]``).

    Connects to ``RAY_ADDRESS`` if set, else starts a local Ray with
    ``num_cpus`` CPUs. The cluster's nodes need this package installed.
    Connection problems end in one message naming the cause (address,
    token, version), after at most ``RAY_CONNECT_TIMEOUT`` seconds (10) for
    an unreachable address; Ray's own retry lines are kept off the terminal.
    """

    def __init__(self, num_cpus: int | None = None):
        try:
            import ray
        except ImportError:
            raise BatchError("--backend ray: Ray is not installed; install it with "
                             "pip install 'silicon-curtain[cluster]'") from None
        import logging

        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        self._ray = ray
        self._owns = not ray.is_initialized()
        self.address = os.environ.get("RAY_ADDRESS") or None
        self.notes: list[str] = []
        if self._owns:
            kwargs: dict[str, Any] = dict(include_dashboard=False, logging_level=logging.ERROR,
                                          log_to_driver=False)
            if self.address is None:
                kwargs["num_cpus"] = num_cpus
            else:
                _check_ray_address(self.address)
                if num_cpus:
                    self.notes.append(f"--workers {num_cpus} is ignored with RAY_ADDRESS: the cluster's "
                                      f"CPUs run the batch")
            token = Path.home() / ".ray" / "auth_token"
            had_token = token.exists()
            with _captured_stderr() as said:
                try:
                    ray.init(address=self.address or "local", **kwargs)
                except Exception as exc:  # noqa: BLE001 - connection problems, one message
                    raise BatchError(_ray_failure(self.address, exc, said())) from None
            if not had_token and token.exists():
                self.notes.append(f"Ray made its cluster token {token} (Ray 2.60's token authentication); "
                                  f"a cluster started with `ray start` on this machine uses it too")
        self._remote: dict[Callable, Any] = {}

    def describe(self) -> dict[str, Any]:
        """What the manifest records of the backend: Ray's version and where it ran."""
        return {"ray_version": self._ray.__version__, "address": self.address or "local",
                "cpus": self.workers}

    @property
    def workers(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = self._ray.remote(fn)
        return remote.remote(*args, **kwargs).future()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()


RAY_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for an answer from ``RAY_ADDRESS`` before saying it cannot be reached."""


def _check_ray_address(address: str) -> None:
    """Refuse a malformed ``RAY_ADDRESS``; for host:port, check that something answers there, quickly."""
    import socket

    if address == "auto":
        return  # on a cluster node: Ray finds its head itself
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BatchError(f"RAY_ADDRESS={address}: expected HOST:PORT of the head node (its GCS port, 6379 "
                         f"unless `ray start --port` chose another; `ray status` on the head prints it), "
                         f"ray://HOST:PORT for Ray Client, or auto on a cluster node")
    timeout = float(os.environ.get("RAY_CONNECT_TIMEOUT", RAY_CONNECT_TIMEOUT))
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        why = (f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError)
               else (exc.strerror or type(exc).__name__).lower())
        raise BatchError(f"RAY_ADDRESS={address}: cannot reach Ray's head there ({why}); check the address "
                         f"and port, and that `ray start --head` runs there") from None


class _captured_stderr:
    """Send file descriptor 2 to a temporary file for a while (Ray's C++ core prints its retries there)."""

    def __enter__(self) -> Callable[[], str]:
        sys.stderr.flush()
        self._file = tempfile.TemporaryFile()
        self._saved = os.dup(2)
        os.dup2(self._file.fileno(), 2)
        return self.text

    def text(self) -> str:
        self._file.seek(0)
        return self._file.read().decode(errors="replace")

    def __exit__(self, *exc: Any) -> None:
        sys.stderr.flush()
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._file.close()


def _ray_failure(address: str | None, exc: Exception, said: str) -> str:
    """One message for a failed ``ray.init``, naming the cause Ray printed (token, version) when it did."""
    where = f"RAY_ADDRESS={address}" if address else "--backend ray (a local Ray)"
    text = f"{said}\n{exc}"
    if "InvalidAuthToken" in text or "Unauthenticated" in text:
        return (f"{where}: the cluster requires its authentication token: set RAY_AUTH_MODE=token and put "
                f"the cluster's token in ~/.ray/auth_token (copy it from the head node) or in RAY_AUTH_TOKEN; "
                f"see docs/batch.md")
    version = re.search(r"[Vv]ersion mismatch[^\n]*", text)
    if version:
        return (f"{where}: Ray versions differ ({version.group(0).strip()}); install the cluster's Ray "
                f"version here (this machine has ray {_ray_version()})")
    if address and "Failed to get cluster ID" in said:
        return (f"{where}: something answers there, but not a Ray head (its GCS); check the port "
                f"(`ray status` on the head prints the address)")
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"{where}: cannot start or reach Ray: {first}"


def _ray_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ray")
    except PackageNotFoundError:
        return "?"


def make_executor(backend: str = "process", workers: int | None = None) -> cf.Executor:
    """A process pool (``workers`` processes; in-process for 1) or a Ray executor."""
    if backend == "ray":
        return RayExecutor(num_cpus=workers)
    if backend != "process":
        raise BatchError(f"--backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    workers = workers or default_workers()
    if workers == 1:
        return InlineExecutor()
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(_start_method()),
                                  initializer=_start_worker, initargs=(os.getpid(), language()))
    for _worker in range(workers):  # start every worker now: a spawned one's imports (~2 s) overlap the caller's work
        pool.submit(int)
    return pool


def _start_method() -> str:
    """How pool workers start: forked when that is safe, so they inherit the imported model (~2 CPU s each).

    A fork copies only the calling thread, so it is safe only in a process
    with one thread (this one, before the pool's own threads start); anywhere
    else (macOS, Windows, a threaded host such as a test runner) workers are
    spawned, as ``import mesa`` sets by default. Results are the same either way.
    """
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform == "linux" \
            and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _start_worker(parent: int, language_code: str) -> None:
    """Pool-worker initializer: leave with the parent, and say things in the caller's language (a spawned
    worker starts in English; a run's failure is read by people)."""
    _exit_with_parent(parent)
    if language_code != language():
        from game import i18n

        i18n.use(language_code)


def _exit_with_parent(parent: int) -> None:
    """Pool-worker initializer: leave when the batch process dies (SIGKILL leaves workers orphaned)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _capacity(executor: cf.Executor, workers: int | None) -> int:
    if isinstance(executor, RayExecutor):
        return executor.workers
    if isinstance(executor, InlineExecutor):
        return 1
    return getattr(executor, "_max_workers", None) or workers or default_workers()


def default_batch_size(n_runs: int, workers: int) -> int:
    """Runs per task: about four tasks per worker, at most 10 runs (a few seconds) per task."""
    return max(1, min(10, math.ceil(n_runs / (workers * 4)))) if n_runs else 1


def _chunks(todo: Sequence[int], batch_size: int, workers: int) -> Iterator[list[int]]:
    """Tasks of at most ``batch_size`` runs, shrinking to one run near the end (guided scheduling).

    Equal chunks leave one worker idle while the other finishes its last
    chunk (up to ``batch_size`` runs); shrinking ones let both finish within a run.
    """
    i = 0
    while i < len(todo):
        n = max(1, min(batch_size, math.ceil((len(todo) - i) / (2 * workers))))
        yield list(todo[i:i + n])
        i += n


# ===========================================================================
# the output folder


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    _atomic_write(path, lambda p: frame.to_parquet(p, index=False))


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    _atomic_write(path, lambda p: frame.to_csv(p, index=False, float_format="%.12g"))


def _write_json(path: Path, data: dict) -> None:
    _atomic_write(path, lambda p: p.write_text(json.dumps(data, indent=2, default=_native) + "\n"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def scenario_files(path: str | Path) -> list[Path]:
    """The scenario file and every file it ``extends``, in that order."""
    chain: list[Path] = []
    current: Path | None = Path(path)
    while current is not None and current.resolve() not in chain and current.is_file():
        chain.append(current.resolve())
        with current.open("rb") as fh:
            parent = tomllib.load(fh).get("extends")
        if not isinstance(parent, str):
            break
        nxt = scenario_path(parent)
        if not nxt.is_absolute() and nxt.parent == Path("."):
            nxt = current.parent / nxt
        current = nxt
    return chain


def plan_hash(sweep: Sweep, table: pd.DataFrame) -> str:
    """What makes two batches the same: scenario contents, months, outputs and every run's inputs."""
    body = {
        "scenario_sha256": [_sha256(p) for p in scenario_files(sweep.scenario)],
        "months": sweep.months, "scale": sweep.scale, "metrics": list(sweep.metrics),
        "monthly": sweep.monthly, "columns": list(table.columns),
        "runs": [[_native(v) for v in row] for row in table.itertuples(index=False)],
    }
    return hashlib.sha256(json.dumps(body, default=_native).encode()).hexdigest()


def _git(*args: str) -> str | None:
    root = Path(__file__).resolve().parent.parent  # the checkout; an installed wheel has no .git: no commit
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def provenance() -> dict[str, Any]:
    """Package version, git commit, Python, platform and library versions, for the manifest."""
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {
        "package": "silicon-curtain", "version": version("silicon-curtain"),
        "git_commit": commit, "git_dirty": bool(status) if status is not None else None,
        "python": platform.python_version(), "platform": platform.platform(),
        "libraries": {n: version(n) for n in ("mesa", "numpy", "pandas", "pyarrow", "scipy")},
    }


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


MANIFEST_KEYS = {"status": str, "runs": int, "plan_hash": str, "sweep": dict, "factors": list, "sessions": list}
"""Keys of manifest.json this program reads, and their JSON types (checked on reading)."""


def read_manifest(out: str | Path) -> dict[str, Any]:
    path = Path(out) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BatchError(f"{out}: no {MANIFEST} here (not a batch output folder)") from None
    except (OSError, ValueError, RecursionError) as exc:  # unreadable, not UTF-8, not JSON, too deep
        raise BatchError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise BatchError(f"{path}: expected a JSON object (a batch's manifest), got {type(data).__name__}")
    _check_keys(data, MANIFEST_KEYS, path, "")
    _check_keys(data["sweep"], {"metrics": list, "monthly": bool, "design": str}, path, "sweep.")
    if not all(isinstance(f, dict) and isinstance(f.get("key"), str) for f in data["factors"]):
        raise BatchError(f"{path}:factors: expected a list of objects with a key, got {data['factors']!r:.60}")
    if not all(isinstance(s, dict) and _is_number(s.get("seconds")) for s in data["sessions"]):
        raise BatchError(f"{path}:sessions: expected a list of objects with seconds, got {data['sessions']!r:.60}")
    return data


def _check_keys(data: dict, kinds: Mapping[str, type], path: Path, prefix: str) -> None:
    for key, kind in kinds.items():
        if key not in data:
            raise BatchError(f"{path}:{prefix}{key}: missing (expected {_JSON_NAMES[kind]}); is this a batch's "
                             f"manifest?")
        if not isinstance(data[key], kind) or (kind is not bool and isinstance(data[key], bool)):
            raise BatchError(f"{path}:{prefix}{key}: expected {_JSON_NAMES[kind]}, got {data[key]!r:.60}")


_JSON_NAMES = {str: "a string", int: "a whole number", dict: "an object", list: "a list", bool: "true or false"}


def read_table(path: Path) -> pd.DataFrame:
    """A Parquet table of a batch folder, or BatchError saying it is missing or damaged."""
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise BatchError(f"{path}: missing; this batch folder is incomplete (run the batch again into a "
                         f"new --out folder)") from None
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a damaged file have no common base
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BatchError(f"{path}: cannot be read ({first:.120}); the file is damaged (run the batch "
                         f"again into a new --out folder)") from None


def _done_runs(out: Path) -> set[int]:
    """Run ids saved in parts; unreadable parts (never from this runner) are set aside, not trusted."""
    import pyarrow.parquet as pq

    done: set[int] = set()
    for tmp in itertools.chain(out.glob(".*.tmp"), (out / PARTS).glob(".*.tmp")):
        tmp.unlink(missing_ok=True)
    for part in sorted((out / PARTS).glob("part-*.parquet")):
        try:
            ids = pq.read_table(part, columns=["run_id"]).column("run_id").to_numpy()
        except Exception:  # noqa: BLE001 - any unreadable file: redo its runs
            warnings.warn(f"{part}: unreadable, its runs will be redone", stacklevel=2)
            part.rename(part.with_suffix(".unreadable"))
            continue
        done.update(int(i) for i in np.unique(ids))
    return done


def _entries(out: Path) -> list[Path]:
    """What the folder holds, leaving out the lock and what a batch killed while starting left behind."""
    entries = [p for p in out.iterdir() if p.name != LOCK] if out.is_dir() else []
    return [] if _start_leftovers(out, entries) else entries


def _start_leftovers(out: Path, entries: list[Path]) -> bool:
    """Whether ``entries`` are only what a batch writes before its manifest (killed while starting)."""
    if not entries or (out / MANIFEST).exists():
        return False
    start = {SWEEP_COPY, RUNS}
    return all(p.name in start or (p.name.startswith(".") and p.name.endswith(".tmp"))
               or (p.name == PARTS and p.is_dir() and not any(p.iterdir())) for p in entries)


def _clear_start_leftovers(out: Path) -> None:
    """Remove a killed start's files (under the lock): the batch starts again from nothing."""
    entries = [p for p in out.iterdir() if p.name != LOCK] if out.is_dir() else []
    if _start_leftovers(out, entries):
        for p in entries:
            shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)


def _claim(out: Path, resume: bool) -> int | None:
    """Lock the folder for this batch (released when the process ends, however it ends).

    Returns the lock's file descriptor, or None where file locks are not available.
    """
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out {out}: is a file; expected a folder for the batch's results")
    if _entries(out) and not (out / MANIFEST).is_file():
        if resume:
            raise BatchError(f"--out {out}: nothing to resume here (no {MANIFEST}); choose a new or empty "
                             f"--out folder")
        raise BatchError(f"--out {out}: folder is not empty; choose a new or empty --out folder "
                         f"(nothing was changed)")
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        out.mkdir(parents=True, exist_ok=True)
        return None
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BatchError(f"--out {out}: cannot write there: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise BatchError(f"--out {out}: another batch is running in this folder (pid {holder}); wait for it "
                         f"to finish or stop it, then --resume") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor drops the flock


def _prepare(out: Path, sweep: Sweep, table: pd.DataFrame, phash: str, resume: bool) -> tuple[dict, set[int]]:
    """Start a new output folder, or check an existing one on ``resume``; return (manifest, done).

    The manifest is written last: until it exists the folder holds nothing a
    resume could use, and a batch killed before it starts again from nothing.
    """
    _clear_start_leftovers(out)
    nonempty = bool(_entries(out))
    if nonempty:
        has_manifest = (out / MANIFEST).is_file()
        if not resume:
            if has_manifest:
                m = read_manifest(out)
                state = ("is complete" if m.get("status") == "complete"
                         else f"has {len(_done_runs(out))} of {m.get('runs')} runs done")
                raise BatchError(f"--out {out}: folder is not empty: it holds a batch that {state}; add "
                                 f"--resume to finish it, or choose a new --out folder (nothing was changed)")
            raise BatchError(f"--out {out}: folder is not empty; choose a new or empty --out folder "
                             f"(nothing was changed)")
        if not has_manifest:
            raise BatchError(f"--out {out}: nothing to resume here (no {MANIFEST}); choose a new or empty "
                             f"--out folder")
        manifest = read_manifest(out)
        if manifest.get("plan_hash") != phash:
            raise BatchError(_mismatch(out, manifest, sweep))
        current = provenance()
        if manifest.get("git_commit") != current["git_commit"] or manifest.get("version") != current["version"]:
            warning = _("{out} was started with version {old} (commit {old_commit}), now {new} (commit "
                        "{new_commit}); results may mix code versions").format(
                out=out, old=manifest.get("version"), old_commit=str(manifest.get("git_commit"))[:12],
                new=current["version"], new_commit=str(current["git_commit"])[:12])
            print(f"silicon-curtain: warning: {warning}", file=sys.stderr)
        if manifest.get("status") == "complete" and (out / RESULTS).is_file():
            return manifest, set(range(len(table)))
        return manifest, _done_runs(out)

    out.mkdir(parents=True, exist_ok=True)
    (out / PARTS).mkdir(exist_ok=True)
    shutil.copyfile(sweep.path, out / SWEEP_COPY)
    _write_parquet(out / RUNS, table)
    files = scenario_files(sweep.scenario)
    manifest = {
        "format": 1,
        "status": "running",
        **provenance(),
        "sweep": {"file": sweep.path, "sha256": _sha256(Path(sweep.path)), "name": sweep.name,
                  "title": sweep.title, "description": sweep.description, "design": sweep.design,
                  "samples": sweep.samples, "seeds": sweep.seeds, "root_seed": sweep.root_seed,
                  "common_random_numbers": sweep.common_random_numbers, "months": sweep.months,
                  "scale": sweep.scale, "metrics": list(sweep.metrics), "monthly": sweep.monthly},
        "factors": [f.describe() for f in sweep.factors],
        "report": dict(sweep.report),
        "scenario": {"file": sweep.scenario, "files": {str(p): _sha256(p) for p in files}},
        "runs": int(len(table)),
        "points": int(table["point"].nunique()) if len(table) else 0,
        "plan_hash": phash,
        "started": _now(), "finished": None, "wall_seconds": 0.0,
        "sessions": [],
    }
    _write_json(out / MANIFEST, manifest)
    return manifest, set()


def _mismatch(out: Path, manifest: dict, sweep: Sweep) -> str:
    """Say what differs between the folder's batch and this sweep."""
    changed = []
    if manifest.get("sweep", {}).get("sha256") != _sha256(Path(sweep.path)):
        changed.append(f"the sweep file ({sweep.path})")
    old = manifest.get("scenario")
    old = old.get("files") if isinstance(old, dict) else None
    now = {str(p): _sha256(p) for p in scenario_files(sweep.scenario)}
    if not isinstance(old, dict) or sorted(map(str, old.values())) != sorted(now.values()):
        changed.append("the scenario files (" + ", ".join(Path(p).name for p in now) + ")")
    what = " and ".join(changed) or "the plan of runs"
    return (f"--resume {out}: this folder holds a different batch: {what} changed since it started; "
            f"resuming would mix two experiments. Choose a new --out folder")


def _finish(out: Path, table: pd.DataFrame, sweep: Sweep, csv: bool) -> pd.DataFrame:
    """Merge the parts into results.parquet (sorted by run and month), then drop the parts."""
    parts = sorted((out / PARTS).glob("part-*.parquet")) if (out / PARTS).is_dir() else []
    if read_manifest(out).get("status") == "complete" and (out / RESULTS).is_file():
        parts = []  # killed while the parts were removed: the merged results are whole
    if parts:
        frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        frame = (frame.drop_duplicates(["run_id", "month"])
                 .sort_values(["run_id", "month"], kind="stable").reset_index(drop=True))
        missing = set(table["run_id"].tolist()) - set(frame["run_id"].unique().tolist())
        if missing:
            raise BatchError(f"{out}: {len(missing)} runs have no results (e.g. run {min(missing)}); "
                             f"finish them with --resume")
        _write_parquet(out / RESULTS, frame)
    else:
        frame = read_table(out / RESULTS)
    if csv:
        _write_csv(out / "results.csv", frame)
        _write_csv(out / "runs.csv", table)
    return frame


def _execute(out: Path, table: pd.DataFrame, sweep: Sweep, todo: list[int], executor: cf.Executor,
             capacity: int, batch_size: int, progress: bool) -> None:
    """Submit chunks (a few per worker in flight), save each finished chunk as an atomic part."""
    from tqdm import tqdm

    inputs = run_inputs(table, sweep)
    seeds = table["seed"].tolist()
    scenario = load_raw(sweep.scenario)
    chunks = _chunks(todo, batch_size, capacity)
    in_flight: dict[cf.Future, list[int]] = {}
    bar = tqdm(total=len(table), initial=len(table) - len(todo), unit="run", desc=sweep.name,
               disable=not progress, dynamic_ncols=True, smoothing=0.05, file=sys.stderr)
    try:
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < 2 * capacity:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                task = Task(scenario=scenario, months=sweep.months, scale=sweep.scale,
                            metrics=sweep.metrics, monthly=sweep.monthly,
                            runs=tuple((i, int(seeds[i]), tuple(inputs[i].items())) for i in chunk))
                in_flight[executor.submit(run_task, task)] = chunk
            if not in_flight:
                break
            finished, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: in_flight[f][0]):
                chunk = in_flight.pop(fut)
                try:
                    frame = fut.result()
                except RunFailed as exc:
                    cause = getattr(exc, "cause", exc)  # Ray wraps the worker's exception
                    raise BatchError(f"{RunFailed.__str__(cause)}; the runs finished so far are saved in {out}: "
                                     f"reproduce it with silicon-curtain run, fix, then --resume") from None
                except cf.process.BrokenProcessPool:
                    raise _worker_died(out) from None
                except Exception as exc:  # noqa: BLE001 - a backend failure (e.g. a lost Ray node)
                    first_line = (str(exc).strip().splitlines() or [""])[0]
                    raise BatchError(f"runs {chunk[0]}-{chunk[-1]} failed ({type(exc).__name__}: {first_line}); "
                                     f"the runs finished so far are saved in {out}: "
                                     f"finish with --resume") from None
                _write_parquet(out / PARTS / f"part-{chunk[0]:07d}-{chunk[-1]:07d}.parquet", frame)
                bar.update(len(chunk))
    except cf.process.BrokenProcessPool:  # submit refuses once a worker has died (pools start workers early)
        raise _worker_died(out) from None
    except BaseException:
        for fut in in_flight:
            fut.cancel()
        raise
    finally:
        bar.close()


def _worker_died(out: Path) -> BatchError:
    return BatchError(f"a worker process died (out of memory?); the runs finished so far are saved in {out}: "
                      f"finish with --resume")


# ===========================================================================
# the entry points


def run_batch(sweep: str | Path | Sweep, out: str | Path, *, executor: cf.Executor | None = None,
              workers: int | None = None, backend: str = "process", resume: bool = False,
              csv: bool | None = None, batch_size: int | None = None, progress: bool | None = None) -> Path:
    """Run (or, with ``resume``, finish) a sweep into the folder ``out``; return ``out``.

    ``executor`` is any ``concurrent.futures.Executor`` (its workers import
    this module); without one, ``backend`` and ``workers`` make one (and shut
    it down). Identical results with any executor, workers or batch size.
    """
    sweep = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
    out = Path(out)
    table = plan_runs(sweep)
    created = not out.exists()
    lock = _claim(out, resume)
    try:
        return _run_locked(sweep, out, table, executor=executor, workers=workers, backend=backend,
                           resume=resume, csv=csv, batch_size=batch_size, progress=progress)
    except Exception:
        if created and not (out / MANIFEST).exists():  # failed before anything was saved (e.g. no Ray)
            _remove_unstarted(out)
        raise
    finally:
        _release(lock)


def _remove_unstarted(out: Path) -> None:
    """Remove a folder this batch made and left with nothing but its lock: a retry starts clean."""
    _clear_start_leftovers(out)
    if [p.name for p in out.iterdir()] in ([], [LOCK]):
        shutil.rmtree(out, ignore_errors=True)


def _run_locked(sweep: Sweep, out: Path, table: pd.DataFrame, *, executor: cf.Executor | None,
                workers: int | None, backend: str, resume: bool, csv: bool | None, batch_size: int | None,
                progress: bool | None) -> Path:
    owns = executor is None
    if owns and not resume and not _entries(out) and len(table):
        # a new batch runs every run: its workers start while the plan is hashed and written
        executor = _own_executor(backend, workers, len(table), batch_size)
    try:
        _, done = _prepare(out, sweep, table, plan_hash(sweep, table), resume)
        todo = [i for i in range(len(table)) if i not in done]
        if todo:
            if executor is None:
                executor = _own_executor(backend, workers, len(todo), batch_size)
            progress = sys.stderr.isatty() if progress is None else progress
            _run_todo(out, table, sweep, todo, len(done), executor, workers, backend, batch_size, progress)
    except BaseException:
        if owns and executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        raise
    closing = _close(executor) if owns and executor is not None else None
    try:
        _finish(out, table, sweep, sweep.csv if csv is None else csv)
        manifest = read_manifest(out)
        if manifest.get("status") != "complete":
            manifest["status"], manifest["finished"] = "complete", _now()
            _write_json(out / MANIFEST, manifest)
        shutil.rmtree(out / PARTS, ignore_errors=True)
    finally:
        if closing is not None:
            closing.join()
    return out


def _own_executor(backend: str, workers: int | None, runs: int, batch_size: int | None) -> cf.Executor:
    """The executor a batch makes for itself: no more processes than tasks."""
    if backend == "process":
        workers = min(workers or default_workers(), math.ceil(runs / (batch_size or 1)))
    executor = make_executor(backend, workers)
    for note in getattr(executor, "notes", ()):
        print(f"silicon-curtain: note: {note}", file=sys.stderr)
    return executor


def _run_todo(out: Path, table: pd.DataFrame, sweep: Sweep, todo: list[int], before: int, executor: cf.Executor,
              workers: int | None, backend: str, batch_size: int | None, progress: bool) -> None:
    """Run the missing runs; record the session in the manifest even when interrupted."""
    started, t0 = _now(), time.perf_counter()
    capacity = workers
    try:
        capacity = _capacity(executor, workers)
        size = batch_size or default_batch_size(len(todo), capacity)
        _execute(out, table, sweep, todo, executor, capacity, size, progress)
    finally:  # how long, how many saved
        manifest = read_manifest(out)
        manifest["sessions"].append({"started": started, "finished": _now(), "backend": backend,
                                     **({"ray": executor.describe()} if isinstance(executor, RayExecutor) else {}),
                                     "workers": capacity, "runs_before": before,
                                     "runs_after": len(_done_runs(out)) if (out / PARTS).is_dir() else 0,
                                     "seconds": round(time.perf_counter() - t0, 3)})
        manifest["wall_seconds"] = round(sum(s["seconds"] for s in manifest["sessions"]), 3)
        _write_json(out / MANIFEST, manifest)


def _close(executor: cf.Executor) -> threading.Thread | None:
    """Shut a process pool down in a thread (its workers take a moment to exit, time the merge can use)."""
    if isinstance(executor, cf.ProcessPoolExecutor):
        closing = threading.Thread(target=executor.shutdown, name="batch-pool-shutdown")
        closing.start()
        return closing
    executor.shutdown(wait=True)  # in-process or Ray: here
    return None


def load_results(out: str | Path, *, inputs: bool = True) -> pd.DataFrame:
    """A finished batch's results, one row per run × month (or per run), with its inputs joined."""
    out = Path(out)
    manifest = read_manifest(out)
    if manifest.get("status") != "complete" or not (out / RESULTS).is_file():
        raise BatchError(f"{out}: the batch is not finished; finish it with "
                         f"silicon-curtain batch {manifest.get('sweep', {}).get('file', 'SWEEP')} "
                         f"--out {out} --resume")
    results = read_table(out / RESULTS)
    if not inputs:
        return results
    runs = read_table(out / RUNS)
    return runs.merge(results, on="run_id", how="right", validate="one_to_many")


def load_runs(out: str | Path) -> pd.DataFrame:
    """The run table: each run's point, replicate, seed and inputs."""
    return read_table(Path(out) / RUNS)


def run_sweep(sweep: str | Path | Sweep, out: str | Path | None = None, **kwargs: Any) -> pd.DataFrame:
    """Run a sweep and return its results joined with each run's inputs, as a DataFrame.

    Without ``out`` the batch runs in a temporary folder that is removed
    afterwards; keyword arguments are those of :func:`run_batch`.
    """
    if out is not None:
        return load_results(run_batch(sweep, out, **kwargs))
    with tempfile.TemporaryDirectory(prefix="silicon-curtain-") as tmp:
        return load_results(run_batch(sweep, Path(tmp) / "batch", **kwargs))
