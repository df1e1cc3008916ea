"""Scenario files: load TOML, resolve ``extends``, apply overrides, validate.

Owns the typed, frozen configuration every run starts from. A scenario file
is TOML with the tables ``[meta]``, ``[world]``, ``[policy]``,
``[countries.<ISO3>]``, ``[chips.<ID>]``, ``[clouds.<ID>]`` and
``[schedule.<ID>]``. A file may name a parent with a top-level
``extends = "name"``; tables merge key by key, so a variant states only
what changes.

Every problem is reported as ``file:dotted.key: expected …, got …`` and all
problems of a file are reported together, in the language installed in
``agents.lang`` (the file, the key and the value as they are). Imports only
the standard library, ``agents.lang`` and ``agents.regime`` (for the lever
table).
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import difflib
import functools
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

from agents.checks import (Bool, Integer, ListOf, Nullable, Number, OneOf, Problems, Spec, Table, Text, is_number,
                           join, unknown)
from agents.commands import COUNTRY_POLICIES
from agents.lang import N_, _
from agents.regime import LEVERS, Regime, lever_error
from agents.uncertainty import Uncertainty, read_uncertainties


def library_dir(package_dir: Path, name: str) -> Path:
    """A folder of shipped files (scenarios, lessons, sweeps, assets) for the package at ``package_dir``.

    An installed wheel carries it inside the package (``agents/scenarios``: see pyproject.toml); a
    checkout, installed editable or not at all, has it at the top of the repository (``scenarios/``).
    """
    packaged = package_dir / name
    return packaged if packaged.is_dir() else package_dir.parent / name


SCENARIO_DIR = library_dir(Path(__file__).resolve().parent, "scenarios")
"""Where named scenarios live: ``scenarios/`` in the repository, ``agents/scenarios/`` once installed."""

COMMAND_KINDS = ("set", "rescind", "set_tier", "g2g", "deal")


class ScenarioError(ValueError):
    """A scenario (or override) is invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_REQUIRED: Any = object()


def _num(lo: float | None = None, hi: float | None = None, unit: str = "", default: Any = _REQUIRED) -> Any:
    meta = {"min": lo, "max": hi, "unit": unit}
    return field(metadata=meta) if default is _REQUIRED else field(default=default, metadata=meta)


@dataclass(frozen=True, kw_only=True)
class Meta:
    """Who the scenario is for and where its numbers come from."""

    title: str
    description: str
    start: str
    months: int = _num(1, 600, N_("months"))
    context: str = ""
    objectives: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class World:
    """Uncertain parameters of the world (not policy). Units in the names."""

    tpp_per_h100e: float = _num(1, 1e6, "TPP")
    price_perf_doubling_years: float = _num(0.5, 20, N_("years"))
    frontier_compute_growth: float = _num(1.01, 100, N_("x per year"))
    service_life_months: float = _num(6, 240, N_("months"))
    vendor_capacity_dies_per_month: float = _num(0, 1e9, N_("H100-size dies/month"))
    vendor_capacity_growth_per_year: float = _num(0.5, 10, N_("x per year"))
    price_adjustment_per_month: float = _num(0.001, 1, N_("share of the log supply gap closed a month"))
    vendor_stock_months: float = _num(0, 12, N_("months of orders vendors keep in stock"))
    product_overlap_months: int = _num(0, 120, N_("months a chip is still made after its successor ships"))
    home_steer_max: float = _num(0, 10, N_("x price: most a Tier 3 government adds to imported chips"))
    foreign_domestic_risk: float = _num(0, 10, N_("x price: compliance risk of Tier 3 chips abroad"))
    power_cost_share: float = _num(0, 1, N_("share of a chip's lifetime cost that is electricity"))
    frontier_lab_share: float = _num(0.01, 1, N_("share of a country's lab spending by its leading lab"))
    choice_sharpness: float = _num(0, 50, "")
    dc_power_headroom: float = _num(1, 10, N_("x installed power at start"))
    dc_power_growth_per_year: float = _num(1, 10, N_("x per year"))
    anticipation_months: float = _num(0, 36, N_("months of demand"))
    rush_intensity: float = _num(0, 1, N_("share of affected buyers"))
    rush_max_extra_months: float = _num(0, 36, N_("months of budget a buyer can add in one month"))
    utilisation: float = _num(0, 1, "")
    inference_weight: float = _num(0, 1, N_("share of value from memory bandwidth"))
    training_run_months: int = _num(1, 36, N_("months"))
    open_weights_lag_months: float = _num(0, 60, N_("months"))
    weights_leak_lag_months: float = _num(1, 600, N_("months (mean time before closed weights leak)"))
    open_weights_gap_months: float = _num(0, 120, N_("months behind the best lab at which a lab publishes"))
    algorithmic_progress_per_year: float = _num(1, 100, N_("x per year, effective compute from better algorithms"))
    remote_access_share: float = _num(0, 1, N_("share of Tier 2 cloud compute rentable to Tier 3 customers"))
    rental_margin: float = _num(0, 10, N_("cloud rent over the chips' cost per month of service life"))
    kyc_effectiveness: float = _num(0, 1, N_("share of Tier 3 renters know-your-customer rules turn away"))
    # grey market and smuggling
    grey_premium_max: float = _num(0, 10, N_("x list price"))
    smuggler_networks: int = _num(0, 100000, N_("networks at scale 1"))
    smuggler_capacity_h100e_per_month: float = _num(0, 1e7, N_("H100e/month per network"))
    smuggler_cost_share: float = _num(0, 10, N_("x list price: relabelling, freight, intermediaries"))
    smuggler_margin_scale_share: float = _num(0.001, 10, N_("x list price: margin at which a network runs at 76%"))
    smuggler_max_shells: int = _num(1, 100000, N_("shell companies per network"))
    shell_cost_usd_per_year: float = _num(0, 1e10, N_("USD/year"))
    fine_multiple: float = _num(0, 100, N_("x shipment value"))
    detect_hazard: float = _num(0, 10, N_("per shipment at baseline"))
    detect_budget_ref_usd: float = _num(1, 1e12, N_("USD/year"))
    enforcement_elasticity: float = _num(0, 5, "")
    location_verification_mult: float = _num(0, 100, "")
    detect_size_exponent: float = _num(0, 3, "")
    detect_size_ref_h100e: float = _num(1, 1e9, "H100e")
    shell_exposure: float = _num(0, 10, N_("extra detection hazard per shell company used"))
    network_close_probability: float = _num(0, 1, "")
    network_exit_months: int = _num(1, 120, N_("months without profit before a network gives up"))
    entry_rate_per_month: float = _num(0, 1000, N_("networks a month per unit of margin share"))
    diversion_premium_floor: float = _num(0, 10, N_("x list price"))
    diversion_max_share: float = _num(0, 1, "")
    # domestic chips
    domestic_wafers_per_month: float = _num(0, 1e8, N_("wafers/month"))
    domestic_wafer_growth_per_usd: float = _num(0, 1, N_("wafers/month per USD/year"))
    domestic_capacity_lag_months: int = _num(0, 60, N_("months"))
    domestic_yield_start: float = _num(0, 1, "")
    domestic_yield_max: float = _num(0, 1, "")
    domestic_yield_learning_chips: float = _num(1, 1e12, N_("chips to close half the yield gap"))
    tsmc_die_bank_dies: float = _num(0, 1e10, N_("dies"))
    domestic_packaging_chips_per_month: float = _num(0, 1e9, N_("chips/month at today's domestic capacity"))
    hbm_stockpile_stacks: float = _num(0, 1e11, N_("HBM stacks"))
    hbm_export_stacks_per_month: float = _num(0, 1e10, N_("stacks/month suppliers can ship before a ban"))
    hbm_stockpile_months: float = _num(0, 60, N_("months of HBM need bought ahead of a ban"))
    hbm_domestic_stacks_per_month: float = _num(0, 1e10, N_("stacks/month"))
    hbm_domestic_growth_per_year: float = _num(0.5, 10, N_("x per year"))
    hbm_stacks_per_chip: float = _num(1, 64, N_("stacks/chip"))
    subsidy_usd_per_year: float = _num(0, 1e13, N_("USD/year"))
    subsidy_response: float = _num(0, 10, N_("USD subsidy per USD denied"))
    # states
    goodwill_loss_per_denied_share: float = _num(0, 1, N_("per month"))
    goodwill_recovery_per_month: float = _num(0, 1, "")
    downgrade_goodwill_loss: float = _num(0, 1, "")
    g2g_seek_probability: float = _num(0, 1, N_("per month"))
    g2g_min_goodwill: float = _num(0, 1, "")
    tier3_chip_trust_loss: float = _num(0, 5, N_("cooperation lost per share of imports that are Tier 3 chips"))


@dataclass(frozen=True, kw_only=True)
class Country:
    """A country (or a rest-of-tier aggregate) at the scenario's start."""

    name: str
    tier: int = _num(1, 3, "")
    stock_h100e: float = _num(0, 1e10, "H100e")
    spend_usd_per_year: float = _num(0, 1e13, N_("USD/year"))
    spend_growth_per_year: float = _num(0.1, 10, N_("x per year"))
    labs: int = _num(1, 10000, N_("labs at scale 1"))
    lat: float = _num(-90, 90, N_("degrees"))
    lon: float = _num(-180, 180, N_("degrees"))
    goodwill: float = _num(0, 1, "")
    cooperation: float = _num(0, 1, "")
    transit_hub: bool = False
    nveu_share: float = _num(0, 1, N_("share of spend through a national VEU"))
    open_weights_propensity: float = _num(0, 1, N_("how readily its labs publish open weights (0 never, 1 always)"))
    aggregate: bool = False


@dataclass(frozen=True, kw_only=True)
class Chip:
    """An accelerator type. ``designer`` is ``us`` or ``domestic``."""

    name: str
    tpp: float = _num(0, 1e7, "TPP")
    die_mm2: float = _num(1, 1e5, "mm^2")
    watts: float = _num(1, 1e5, "W")
    memory_bw_tbs: float = _num(0.01, 100, "TB/s")
    price_usd: float = _num(1, 1e8, "USD")
    first_month: int = _num(-600, 600, N_("months from the start"))
    designer: Literal["us", "domestic"] = "us"
    export_variant: bool = False
    power_penalty: float = _num(1, 10, N_("x energy per FLOP"))
    chips_per_wafer: float = _num(0, 1000, N_("good-die chips per wafer at full yield"))
    bank_dies_per_chip: float = _num(0, 16, N_("dies from the foundry die bank per chip (0: not made from it)"),
                                     default=0.0)
    initial_share_us: float = _num(0, 1, N_("share of non-Tier-3 starting stock"))
    initial_share_adversary: float = _num(0, 1, N_("share of Tier 3 starting stock"))


@dataclass(frozen=True, kw_only=True)
class Cloud:
    """A hyperscaler: a US firm that may be a universal VEU and build abroad."""

    name: str
    hq: str
    spend_usd_per_year: float = _num(0, 1e13, N_("USD/year"))
    spend_growth_per_year: float = _num(0.1, 10, N_("x per year"))
    uveu: bool = True
    sites: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ScheduledCommand:
    """A policy command the scenario issues at ``month`` (see agents.commands)."""

    month: int = _num(0, 600, "")
    command: Literal["set", "rescind", "set_tier", "g2g", "deal", "country_policy"] = "set"
    effective_month: int | None = _num(0, 600, "", default=None)
    levers: Mapping[str, Any] = field(default_factory=dict)
    policies: Mapping[str, Any] = field(default_factory=dict)
    """For ``country_policy``: the government's own policies (agents.commands.COUNTRY_POLICIES)."""
    country: str = ""
    tier: int = _num(0, 3, "", default=0)
    h100e_per_year: float = _num(0, 1e9, N_("H100e/year"), default=0.0)
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A fully resolved, validated scenario."""

    name: str
    path: str
    meta: Meta
    world: World
    policy: Regime
    countries: Mapping[str, Country]
    chips: Mapping[str, Chip]
    clouds: Mapping[str, Cloud]
    schedule: Mapping[str, ScheduledCommand]
    uncertainties: Mapping[str, Uncertainty] = field(default_factory=dict)
    """The declared ranges of its estimated parameters (``[uncertainties]``, see ``agents.uncertainty``)."""

    @property
    def start_year(self) -> int:
        return int(self.meta.start[:4])

    @property
    def start_month(self) -> int:
        return int(self.meta.start[5:7])

    def date(self, month: int) -> str:
        """Calendar label YYYY-MM of model month ``month`` (0 = start)."""
        m = self.start_year * 12 + self.start_month - 1 + month
        return f"{m // 12:04d}-{m % 12 + 1:02d}"


# --------------------------------------------------------------------------
# reading files


def names_a_file(text: str) -> bool:
    """Whether a scenario reference is a path (``my/file.toml``) rather than a shipped scenario's name."""
    return text.endswith(".toml") or "/" in text or "\\" in text


def scenario_path(name_or_path: str | Path) -> Path:
    """A scenario name (``diffusion_rule_2025``) or a path to a TOML file."""
    text = str(name_or_path)
    if names_a_file(text):
        return Path(text)
    return SCENARIO_DIR / f"{text}.toml"


def inside(path: Path, *folders: Path) -> bool:
    """Whether ``path`` (links and ``..`` resolved) lies in one of ``folders`` or below it."""
    target = Path(path).resolve()
    return any(target.is_relative_to(Path(f).resolve()) for f in folders)


def _extends_path(parent: str, child: Path, label: str) -> Path:
    """What ``extends`` names: a shipped scenario by name, or a file in the child's folder (or below it).

    A path is read relative to the child file's folder, never the working folder, and must stay in
    that folder or in the shipped scenarios.
    """
    if not names_a_file(parent):
        return SCENARIO_DIR / f"{parent}.toml"
    path = child.parent / parent
    if not inside(path, child.parent, SCENARIO_DIR):
        raise ScenarioError([_("{file}:extends: expected a scenario name or a .toml file in the file's folder "
                               "({folder}), got {value}").format(file=label, folder=child.parent, value=repr(parent))])
    return path


def available_scenarios() -> list[str]:
    """Names of the shipped scenarios (files starting with _ are bases)."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml") if not p.stem.startswith("_"))


@functools.lru_cache(maxsize=128)
def _parsed_toml(path: Path, mtime_ns: int, size: int) -> dict:
    """A TOML file's tables, parsed once per version of the file (read-only: ``_merge`` copies)."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _read_toml(path: Path, label: str) -> dict:
    """A scenario file's tables; a batch that builds thousands of models parses each file once."""
    if not path.is_file():
        names = ", ".join(available_scenarios())
        raise ScenarioError([_("{file}: no such scenario file (known scenarios: {names})").format(file=label,
                                                                                                 names=names)])
    try:
        st = path.stat()
        return _parsed_toml(path.resolve(), st.st_mtime_ns, st.st_size)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ScenarioError([f"{label}: {toml_problem(exc)}"]) from None
    except OSError as exc:
        raise ScenarioError([_("{file}: cannot be read: {problem}").format(file=label, problem=exc.strerror)]) from None


def toml_problem(exc: Exception) -> str:
    """What is wrong with a TOML file that cannot be parsed, in the words of ``file: …`` messages.

    ``tomllib`` raises TOMLDecodeError for bad syntax, UnicodeDecodeError for bytes
    that are not UTF-8 and RecursionError for arrays or tables nested thousands deep.
    """
    if isinstance(exc, UnicodeDecodeError):
        return _("not valid TOML: expected UTF-8 text, got byte {byte} at offset {offset}").format(
            byte=f"0x{exc.object[exc.start]:02x}", offset=exc.start)
    if isinstance(exc, RecursionError):
        return _("not valid TOML: expected arrays or tables nested at most a few hundred deep")
    return _("not valid TOML: {problem}").format(problem=exc)


def _merge(base: dict, child: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_raw(name_or_path: str | Path) -> tuple[dict, str]:
    """Read a scenario file and its ``extends`` chain into one merged dict."""
    path = scenario_path(name_or_path)
    chain: list[Path] = []
    data: dict = {}
    layers: list[dict] = []
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in chain:
            cycle = " -> ".join(p.stem for p in chain + [resolved])
            raise ScenarioError([_("{file}:extends: cycle in extends chain ({cycle})").format(file=path, cycle=cycle)])
        chain.append(resolved)
        label = str(current)
        layer = _read_toml(current, label)
        layers.append(layer)
        parent = layer.get("extends")
        if parent is None:
            current = None
        elif not isinstance(parent, str):
            raise ScenarioError([_("{file}:extends: expected a scenario name, got {value}").format(
                file=label, value=repr(parent))])
        else:
            parent_path = _extends_path(parent, current, label)
            if not parent_path.is_file():
                raise ScenarioError([_("{file}:extends: no scenario named {name} ({path})").format(
                    file=label, name=repr(parent), path=parent_path)])
            current = parent_path
    for layer in reversed(layers):
        data = _merge(data, layer)
    data.pop("extends", None)
    return data, str(path)


# --------------------------------------------------------------------------
# overrides (--set key=value)


def parse_value(text: str) -> Any:
    """A --set value: TOML syntax (numbers, true/false, "strings", [lists]) or a bare word."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text


def override_path(raw: dict, key: str) -> list[str]:
    """Resolve an override key to a path in the raw scenario.

    Dotted keys (``schedule.diffusion_rule.effective_month``) are taken as
    they are; a bare key is looked up among the levers (``[policy]``) and
    the world parameters (``[world]``).
    """
    if "." in key:
        return key.split(".")
    if key in LEVERS:
        return ["policy", key]
    if key in {f.name for f in dataclasses.fields(World)}:
        return ["world", key]
    if key in {f.name for f in dataclasses.fields(Meta)}:
        return ["meta", key]
    names = [*LEVERS, *(f.name for f in dataclasses.fields(World))]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    if close:
        text = _("--set {key}: unknown key (did you mean {name}? expected a lever such as lpp_limit_h100e, "
                 "a [world] parameter, or a dotted path like countries.JPN.tier)")
    else:
        text = _("--set {key}: unknown key (expected a lever such as lpp_limit_h100e, a [world] parameter, "
                 "or a dotted path like countries.JPN.tier)")
    raise ScenarioError([text.format(key=key, name=repr(close[0]) if close else "")])


def apply_overrides(raw: dict, overrides: Mapping[str, Any]) -> dict:
    """Return ``raw`` with each override applied at its path."""
    out = copy.deepcopy(raw)
    for key, value in overrides.items():
        path = override_path(out, key)
        node = out
        for part in path[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                raise ScenarioError([_("--set {key}: no table {name} in this scenario").format(key=key,
                                                                                              name=repr(part))])
            node = nxt
        if path[0] in ("policy", "world", "meta") and len(path) == 2:
            known = LEVERS if path[0] == "policy" else {
                f.name for f in dataclasses.fields(World if path[0] == "world" else Meta)}
            if path[-1] not in known:
                raise ScenarioError([f"--set {key}: {unknown(path[-1], known)}"])
        elif path[-1] not in node and not (len(path) == 3 and path[-1] in _entry_fields(path[0])):
            raise ScenarioError([_("--set {key}: no key {name} at {table}").format(
                key=key, name=repr(path[-1]), table=".".join(path[:-1]))])
        node[path[-1]] = value
    return out


def _entry_fields(table: str) -> set[str]:
    """Keys an entry of ``[table.<id>]`` may have, whether or not the file spells them out."""
    cls = {"countries": Country, "chips": Chip, "clouds": Cloud, "schedule": ScheduledCommand}.get(table)
    return {f.name for f in dataclasses.fields(cls)} if cls else set()


# --------------------------------------------------------------------------
# validation into dataclasses


def _spec(tp: Any, meta: Mapping) -> Spec:
    """The check for a dataclass field: its type hint and its ``_num`` range and unit."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return Nullable(_spec(options[0], meta))
    if origin is Literal:
        return OneOf(typing.get_args(tp))
    if origin is tuple:
        return ListOf(Text(), as_tuple=True)
    if origin in (Mapping, collections.abc.Mapping, dict) or tp is Mapping:
        return Table()
    lo, hi, unit = meta.get("min"), meta.get("max"), meta.get("unit", "")
    if tp is bool:
        return Bool()
    if tp is int:
        return Integer(lo, hi, unit, whole_floats=True)
    if tp is float:
        return Number(lo, hi, unit)
    return Text()


@functools.cache
def _specs(cls: type) -> dict[str, tuple[Spec, bool]]:
    """Each field of ``cls``: its check, and whether a file must give it."""
    hints = typing.get_type_hints(cls)
    return {f.name: (_spec(hints[f.name], f.metadata),
                     f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
            for f in dataclasses.fields(cls)}


def _build(cls: type, data: Any, at: str, p: Problems) -> Any:
    """Build dataclass ``cls`` from a TOML table, recording every problem."""
    if not isinstance(data, dict):
        p.expected(at, N_("a table"), data)
        return None
    specs = _specs(cls)
    p.keys(data, at, specs)
    kwargs: dict[str, Any] = {}
    before = len(p)
    for name, (spec, required) in specs.items():
        if name in data:
            value = p.check(join(at, name), data[name], spec)
            kwargs[name] = types.MappingProxyType(dict(value)) if isinstance(spec, Table) and value is not None else value
        elif required:
            p.missing(join(at, name), spec.what)
    if len(p) > before:  # reported; keep the bad value out of cross-checks
        return None
    return cls(**kwargs)


def _build_regime(data: Any, at: str, p: Problems) -> Regime | None:
    if not isinstance(data, dict):
        p.expected(at, N_("a table"), data)
        return None
    values = {}
    for key, value in data.items():
        problem = lever_error(key, value)
        if problem:
            p.add(join(at, key), problem)
        else:
            values[key] = LEVERS[key].coerce(value)
    for key in LEVERS:
        if key not in data:
            p.missing(join(at, key), LEVERS[key].expected())
    if p:
        return None
    return Regime(**values)


def _validate_schedule(entries: Mapping[str, ScheduledCommand], countries: Mapping[str, Country],
                       months: int, where: str, p: Problems) -> None:
    for name, cmd in entries.items():
        at = join(where, name)
        if cmd.command == "set":
            if not cmd.levers:
                p.missing(join(at, "levers"), N_("at least one lever to set"))
            for key, value in cmd.levers.items():
                problem = lever_error(key, value)
                if problem:
                    p.add(join(at, f"levers.{key}"), problem)
            if cmd.effective_month is not None and cmd.effective_month < cmd.month:
                p.expected(join(at, "effective_month"), _("a month >= month ({month})").format(month=cmd.month),
                           cmd.effective_month)
        if cmd.command in ("set_tier", "g2g", "deal", "country_policy") and cmd.country not in countries:
            p.expected(join(at, "country"), N_("a country of this scenario"), cmd.country)
        if cmd.command == "country_policy":
            _validate_policies(cmd, countries, at, p)
        if cmd.command == "set_tier" and cmd.tier not in (1, 2, 3):
            p.expected(join(at, "tier"), N_("1, 2 or 3"), cmd.tier)
        if cmd.command == "set_tier" and cmd.country == "USA":
            p.expected(join(at, "country"), N_("a country other than USA (the United States sets the tiers; "
                                               "it has none)"), cmd.country)
        if cmd.command == "deal" and not cmd.h100e_per_year > 0:
            p.expected(join(at, "h100e_per_year"), N_("a number > 0"), cmd.h100e_per_year)


def _validate_policies(entry: ScheduledCommand, countries: Mapping[str, Country], at: str, p: Problems) -> None:
    """A scheduled country_policy: known policies, in range, for the government's starting tier."""
    if not entry.policies:
        p.missing(join(at, "policies"), N_("at least one policy to set"))
    tier = countries[entry.country].tier if entry.country in countries else None
    for name, value in entry.policies.items():
        key = join(at, f"policies.{name}")
        if name not in COUNTRY_POLICIES:
            p.add(key, unknown(name, COUNTRY_POLICIES, noun="policy"))
            continue
        wanted, spec = COUNTRY_POLICIES[name].tier, COUNTRY_POLICIES[name].spec
        if not spec.check(value)[0]:
            p.expected(key, spec.what, value)
        if tier is not None and tier != wanted:
            p.expected(key, _("a policy of a Tier {tier} government ({country} starts in Tier {tier})").format(
                tier=tier, country=entry.country), name)


def _table(raw: dict, key: str, cls: type, p: Problems) -> dict:
    section = raw.get(key, {})
    if not isinstance(section, dict):
        p.expected(key, N_("a table of tables"), section)
        return {}
    out = {}
    for name, body in section.items():
        built = _build(cls, body, join(key, name), p)
        if built is not None:
            out[name] = built
    return out


TABLES = ("meta", "world", "policy", "countries", "chips", "clouds", "schedule", "uncertainties")


def build_scenario(raw: dict, name: str, file: str, overridden: bool = False) -> Scenario:
    """Validate a merged raw scenario dict into a frozen :class:`Scenario`.

    With ``overridden`` (``--set`` values, a sweep's point) a parameter may
    lie outside its declared range: exploring past it is allowed.
    """
    p = Problems(file)
    p.keys(raw, "", TABLES)
    meta = _build(Meta, raw.get("meta"), "meta", p)
    if meta is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(meta.start)):
        p.expected("meta.start", N_("a month YYYY-MM"), meta.start)
    world = _build(World, raw.get("world"), "world", p)
    policy = _build_regime(raw.get("policy"), "policy", p)
    countries = _table(raw, "countries", Country, p)
    chips = _table(raw, "chips", Chip, p)
    clouds = _table(raw, "clouds", Cloud, p)
    schedule = _table(raw, "schedule", ScheduledCommand, p)
    if not countries:
        p.missing("countries", N_("at least one [countries.<ISO3>] table"))
    if not chips:
        p.missing("chips", N_("at least one [chips.<ID>] table"))
    if "USA" not in countries:
        p.missing("countries.USA", N_("the United States, which sets the regime"))
    share = Number(0, 1, "share")
    for cid, cloud in clouds.items():
        if cloud.hq not in countries:
            p.expected(f"clouds.{cid}.hq", N_("a country of this scenario"), cloud.hq)
        for site, value in cloud.sites.items():
            if site not in countries:
                p.unknown(f"clouds.{cid}.sites.{site}", site, countries, noun="country")
            else:
                p.check(f"clouds.{cid}.sites.{site}", value, share)
        total = sum(v for v in cloud.sites.values() if is_number(v))
        if total > 1:
            p.expected(f"clouds.{cid}.sites", N_("shares summing to at most 1"), dict(cloud.sites))
    if meta is not None:
        _validate_schedule(schedule, countries, meta.months, "schedule", p)
    if chips and not any(c.designer == "domestic" for c in chips.values()):
        p.missing("chips", N_("at least one chip with designer = 'domestic'"))
    p.raise_if_any(ScenarioError)
    scenario = Scenario(name=name, path=file, meta=meta, world=world, policy=policy,
                        countries=types.MappingProxyType(countries), chips=types.MappingProxyType(chips),
                        clouds=types.MappingProxyType(clouds), schedule=types.MappingProxyType(schedule))
    declared = read_uncertainties(raw.get("uncertainties"), scenario, p, check_values=not overridden)
    p.raise_if_any(ScenarioError)
    return dataclasses.replace(scenario, uncertainties=types.MappingProxyType(declared))


def load_scenario(name_or_path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load, merge, override and validate a scenario by name or path."""
    raw, file = load_raw(name_or_path)
    if overrides:
        raw = apply_overrides(raw, overrides)
    return build_scenario(raw, Path(file).stem, file, overridden=bool(overrides))
