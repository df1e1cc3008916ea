"""One game: the model, the player's role and commands, the months seen, saves and replays.

Owns :class:`GameSession` (a ComputeModel, the role, every MonthView since
month 0, the player's command log with the month each command was
submitted, the news with its explanations, the pressure events put to the player and
the answers, the score), the roles and what
each may order, the baseline runs the score and the debrief compare with,
and the versioned save file (write atomically; load by rebuilding the model
and replaying the commands month by month, which is exact because the model
is deterministic for a seed). Imports the ``agents`` package, numpy, pandas
and the standard library; never pygame (the UI in ``game.ui`` reads this).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from agents import commands as cmd
from agents.checks import Invalid, Number, OneOf, Problem, expected, join, missing
from agents.checks import unknown as unknown_key
from agents.lang import N_, _, language, ngettext
from agents.model import SCALE_RANGE, ComputeModel, seed_problem
from agents.regime import LEVERS
from agents.scenario import SCENARIO_DIR, Scenario, ScenarioError, inside, load_scenario, names_a_file
from agents.view import MonthView, month_view
from agents.words import format_lever, human, lever_expects, lever_label, month_text, policy_text
from game.events import RaisedEvent, next_event
from game.files import write_json
from game.score import GOALS, Score, score, weights_problem

SAVE_FORMAT = "silicon-curtain-save"
SAVE_VERSION = 1
"""The save-file version this game writes and reads (older and newer are refused, with a reason)."""

NO_CONTROLS = "no_controls"
PUBLISHED_RULE = "diffusion_rule_2025"
EFFECT_WINDOW_MONTHS = 12
"""How long after a decision the debrief looks for what followed."""


# ---------------------------------------------------------------------------
# where files go


def game_home() -> Path:
    """Folder for saves, exports and settings: ``$SILICON_CURTAIN_HOME`` or ``~/.silicon-curtain``."""
    env = os.environ.get("SILICON_CURTAIN_HOME")
    return Path(env) if env else Path.home() / ".silicon-curtain"


def saves_dir() -> Path:
    return game_home() / "saves"


# ---------------------------------------------------------------------------
# roles


ENFORCEMENT_LEVERS = ("enforcement_budget_usd", "location_verification", "transit_cooperation_boost")


@dataclass(frozen=True)
class Role:
    """Who the player is: which levers and commands the UI offers, and which goals score.

    ``name`` and ``brief`` are English (catalogue keys); :attr:`title`, :attr:`summary`, :attr:`label` and
    :attr:`short` say them in the language chosen when they are read.
    """

    id: str
    name: str
    brief: str
    levers: tuple[str, ...]
    commands: tuple[str, ...]
    country: str | None = None

    @property
    def title(self) -> str:
        return _(self.name)

    @property
    def summary(self) -> str:
        return _(self.brief)

    @property
    def label(self) -> str:
        return _("{role} ({country})").format(role=self.title, country=self.country) if self.country else self.title

    @property
    def short(self) -> str:
        """A name short enough for a button."""
        short = _ROLE_SHORT.get(self.id)
        return _(short) if short else self.title

    @property
    def policies(self) -> tuple[str, ...]:
        """The government's own policies this role sets (``country_policy``), in the registry's order."""
        tier = GOVERNMENT_TIER.get(self.id)
        return tuple(name for name, spec in cmd.COUNTRY_POLICIES.items() if spec.tier == tier)


ROLE_IDS = ("us_commerce", "bis_enforcement", "tier2_government", "tier3_government")
ROLE_ALIASES = {"us": "us_commerce", "commerce": "us_commerce", "enforcement": "bis_enforcement",
                "bis": "bis_enforcement", "tier2": "tier2_government", "tier3": "tier3_government",
                "china": "tier3_government"}
GOVERNMENT_TIER = {"tier2_government": 2, "tier3_government": 3}
"""The tier of the country a government role governs."""
"""Short names people type for the roles (``--role us``)."""


def role_id(name: str) -> str:
    """The role's id from its id or a short name; unknown names are returned as given (and refused later)."""
    return ROLE_ALIASES.get(name, name)

_ROLE_SHORT = {"us_commerce": N_("US Commerce"), "bis_enforcement": N_("Enforcement"),
               "tier2_government": N_("Tier 2 government"), "tier3_government": N_("Tier 3 government")}
"""Role names short enough for a button (English: translated when shown)."""

_ROLE_TEXT = {
    "us_commerce": (N_("US Commerce Department"),
                    N_("You write the export rules: every lever of the regime, tiers, security agreements "
                    "and bilateral deals. Keep Tier 3's compute and the frontier gap in your favour "
                    "without ruining US chip vendors or Tier 2 goodwill.")),
    "bis_enforcement": (N_("Export enforcement office"),
                        N_("You cannot change the rules, only how hard they are enforced: the enforcement "
                        "budget, chip location verification and diplomacy with transit countries. Cut "
                        "smuggling and seize shipments without overspending.")),
    "tier2_government": (N_("Tier 2 government"),
                         N_("You govern a Tier 2 country under US rules you do not write. You may ask the US "
                         "for a security agreement, which doubles your cap if the US trusts your transit "
                         "controls. Set your transit enforcement, whether to admit Tier 3 chips and US "
                         "cloud sites. Grow your compute and stay a trusted partner.")),
    "tier3_government": (N_("Tier 3 government"),
                         N_("You govern a country the US denies its best chips (China by default). Fund your "
                         "chip industry, steer your buyers to home chips, decide whether US export variants "
                         "pass your customs and whether your chips are sold abroad. Grow your compute, "
                         "depend less on imports and close the gap, at a cost you can bear.")),
}


def make_role(role_id: str, country: str | None = None, scenario: Scenario | None = None) -> Role:
    """Build a role; ``tier2_government`` needs a Tier 2 country of the scenario."""
    role_id = ROLE_ALIASES.get(role_id, role_id)
    if role_id not in _ROLE_TEXT:
        names = ", ".join(f"{r} ({', '.join(a for a, v in ROLE_ALIASES.items() if v == r)})" for r in ROLE_IDS)
        raise ValueError(f"role: expected one of {names}, got {role_id!r}")
    title, summary = _ROLE_TEXT[role_id]
    if role_id == "us_commerce":
        return Role(role_id, title, summary, tuple(LEVERS), ("set", "rescind", "set_tier", "g2g", "deal"))
    if role_id == "bis_enforcement":
        return Role(role_id, title, summary, ENFORCEMENT_LEVERS, ("set",))
    tier = GOVERNMENT_TIER[role_id]
    if country is None and scenario is not None:
        country = default_government(scenario, tier)
    if country is None:
        raise ValueError(f"{role_id} needs a country (--country ISO3, a Tier {tier} country of the scenario)")
    if scenario is not None:
        codes = tier_countries(scenario, tier)
        if country not in codes:
            raise ValueError(f"country: expected a Tier {tier} country of {scenario.name} "
                             f"({', '.join(codes)}), got {country!r}")
    commands = ("g2g", "country_policy") if tier == 2 else ("country_policy",)
    return Role(role_id, title, summary, (), commands, country)


def tier_countries(scenario: Scenario, tier: int) -> list[str]:
    """Countries in ``tier`` at the start, aggregates last."""
    codes = [c for c, v in scenario.countries.items() if v.tier == tier]
    return sorted(codes, key=lambda c: (c.startswith("ROW"), c))


def default_government(scenario: Scenario, tier: int) -> str:
    """The country a government role plays when none is named: India in Tier 2, China in Tier 3, if there."""
    codes = tier_countries(scenario, tier)
    if not codes:
        raise ValueError(f"{scenario.name} has no Tier {tier} country to govern")
    preferred = {2: "IND", 3: "CHN"}[tier]
    return preferred if preferred in codes else codes[0]


def role_problem(role: Role, command: cmd.Command) -> str | None:
    """Why ``role`` may not give ``command`` (None if it may)."""
    kind = getattr(command, "kind", None)
    if kind not in role.commands:
        cannot = _CANNOT.get(kind, N_("as the {role} you cannot give that order"))
        return _(cannot).format(role=role.title)
    if isinstance(command, cmd.SetLevers):
        others = [k for k in command.levers if k not in role.levers]
        if others:
            return _("as the {role} you cannot change {levers}").format(role=role.title, levers=", ".join(others))
    if isinstance(command, cmd.G2GAgreement) and role.country is not None and command.country != role.country:
        return _("you may only ask for an agreement for your own country ({country})").format(country=role.country)
    if isinstance(command, cmd.CountryPolicy) and command.country != role.country:
        return _("you may only set your own country's policies ({country})").format(country=role.country)
    return None


_CANNOT = {
    "set": N_("as the {role} you cannot change levers"),
    "rescind": N_("as the {role} you cannot rescind the rule"),
    "set_tier": N_("as the {role} you cannot change tiers"),
    "g2g": N_("as the {role} you cannot sign security agreements"),
    "deal": N_("as the {role} you cannot make bilateral deals"),
    "country_policy": N_("as the {role} you cannot set another government's policies"),
}
"""Why a role may not give a kind of order (English: translated when said)."""


def prepare(role: Role, command: cmd.Command) -> cmd.Command:
    """A Tier 2 government asks for an agreement as a state (the US answers, in the model)."""
    if role.country is not None and isinstance(command, cmd.G2GAgreement):
        return dataclasses.replace(command, source=f"state:{role.country}")
    return command


# ---------------------------------------------------------------------------
# formatting (shared by the news, the debrief and the UI)


def describe(command: cmd.Command, scenario: Scenario | None = None, names: Mapping[str, str] | None = None) -> str:
    """A command in words, e.g. 'Enforcement budget $400.0M USD/year, location verification on'."""
    names = names or {}
    if isinstance(command, cmd.SetLevers):
        parts = [_("{label} {value}").format(label=lever_label(k),
                                             value=format_lever(k, v) if lever_error_free(k, v) else repr(v))
                 for k, v in command.levers.items()]
        text = _("; ").join(parts)
        if command.effective_month is not None and scenario is not None:
            text = _("{order} (from {date})").format(order=text,
                                                     date=month_text(scenario.date(command.effective_month)))
        return text
    if isinstance(command, cmd.Rescind):
        return _("Rescind the Tier 2 regime")
    code = getattr(command, "country", "")
    country = _(names[code]) if code in names else code
    if isinstance(command, cmd.SetTier):
        return _("Move {country} to Tier {tier}").format(country=country, tier=command.tier)
    if isinstance(command, cmd.G2GAgreement):
        if command.source.startswith("state:"):
            return _("{country} asks the US for a security agreement").format(country=country)
        return _("Security agreement with {country}").format(country=country)
    if isinstance(command, cmd.BilateralDeal):
        return _("Bilateral deal: {country} may import {amount} H100e a year").format(
            country=country, amount=human(command.h100e_per_year))
    if isinstance(command, cmd.CountryPolicy):
        return _("{country}'s own policy: {policies}").format(country=country, policies=_("; ").join(
            policy_text(name, value) for name, value in command.policies.items()))
    return repr(command)


def lever_error_free(name: str, value: Any) -> bool:
    from agents.regime import lever_error

    return lever_error(name, value) is None


# ---------------------------------------------------------------------------
# news: the model's events with their causes, and what the game observes in the metrics


WHY = {
    "announced": N_("A rule announced before it binds gives buyers time to race it: expect stockpiling "
                 "and a smuggling rush until it takes effect."),
    "in_force": N_("Tier 2 orders are now screened: the licence-free allowance first, then validated end "
                "users, deals and the country cap."),
    "levers": N_("The new rules apply to every order from now on."),
    "rescinded": N_("Without the Tier 2 regime caps no longer bind: compute flows to Tier 2, and "
                 "smugglers no longer need to split their orders."),
    "cap_reached": N_("Its licensed imports hit the cap: buyers there turn to validated end users, domestic "
                   "chips or the grey market, and goodwill towards the US falls."),
    "networks_entered": N_("Denied demand raises the grey-market premium; when smuggling pays, new networks "
                        "open in transit hubs."),
    "networks_exited": N_("Smuggling stops paying when the premium falls or enforcement, shell costs and the "
                       "risk of seizure eat the margin: networks that earn nothing for months close."),
    "weights_leaked": N_("Closed weights leak now and then (theft, insiders); weight controls hold models above "
                      "the threshold to a security standard, so what leaks stays below it."),
    "caps_renewed": N_("The rule's caps are cumulative over a period (2025-27 as published); when it ends they "
                    "start again, and licences flow until the new caps bind."),
    "g2g_sought": N_("A binding cap makes a security agreement worth asking for: it multiplies the cap."),
    "g2g_signed": N_("The agreement multiplies the country's cap and improves its goodwill."),
    "g2g_refused": N_("The US signs only with countries that cooperate against transshipment; low goodwill "
                   "lowers cooperation."),
    "deal_signed": N_("A bilateral deal lets the country import outside its cap, and improves goodwill."),
    "tier_changed": N_("A downgrade cuts a country off and costs goodwill and cooperation; an upgrade opens "
                    "its market."),
    "variant_redesigned": N_("Vendors design chips to sit just under a threshold: the line moves the "
                          "product, not the demand."),
}
"""Why each kind of model event happens (English: the news says it in the language of the moment)."""


@dataclass(frozen=True)
class NewsItem:
    """One line of the news log: what happened in ``month`` (the month simulated), and why.

    ``text`` and ``why`` are in the language chosen when it happened (news already written stays as it is);
    ``date`` is the ISO month ("2025-01": show it with ``agents.words.month_text``).
    """

    month: int
    date: str
    kind: str
    text: str
    why: str = ""
    country: str = ""
    origin: str = "model"  # model (an event), game (observed in the metrics), event (a decision put to you), you


@dataclass
class _Watch:
    """What the observations have already reported (so each says something new)."""

    last: dict[str, int] = field(default_factory=dict)
    domestic_level: int = 0
    gap_bucket: int | None = None
    goodwill_level: int = 0
    smuggled_recent: list[float] = field(default_factory=list)


DOMESTIC_STEPS = (2, 3, 5, 10, 20, 50)
GOODWILL_STEPS = (0.6, 0.5, 0.4, 0.3, 0.2, 0.1)


def observe(prev: MonthView, now: MonthView, start: MonthView, watch: _Watch) -> list[NewsItem]:
    """What the metrics of the month just simulated show (rate-limited, deterministic)."""
    a, b = prev.metrics, now.metrics
    month = prev.month
    date = prev.date
    out: list[NewsItem] = []

    def say(kind: str, text: str, why: str, every: int = 6) -> None:
        if month - watch.last.get(kind, -10**6) >= every:
            watch.last[kind] = month
            out.append(NewsItem(month, date, kind, text, why, origin="game"))

    d_stock = b["stockpiled_cum"] - a["stockpiled_cum"]
    if d_stock > 1.0:
        say("stockpiling", _("Buyers race an announced rule: {amount} H100e bought ahead this month").format(
            amount=human(d_stock)),
            _("A restriction is announced but not yet in force: buyers pull future orders forward into "
              "stockpiles."))
    d_smug = b["smuggled_cum"] - a["smuggled_cum"]
    recent = watch.smuggled_recent
    if d_smug > 1.0 and not any(x > 0 for x in recent):
        say("smuggling", _("Smuggled chips reach Tier 3: {amount} H100e this month").format(amount=human(d_smug)),
            _("Controlled chips are denied to Tier 3, so its buyers pay a grey-market premium (now {premium}) that "
              "makes smuggling pay.").format(premium=f"{b['grey_premium']:.0%}"), every=1)
    elif recent and d_smug > 1.5 * max(recent) and d_smug > 1000:
        say("smuggling_surge", _("Smuggling surges: {amount} H100e this month").format(amount=human(d_smug)),
            _("More networks ({networks}) are shipping at a grey premium of {premium}.").format(
                networks=b["smuggling_networks"], premium=f"{b['grey_premium']:.0%}"))
    recent.append(d_smug)
    del recent[:-6]
    d_seize = b["seizures_cum"] - a["seizures_cum"]
    if d_seize > 0:
        say("seizures", ngettext("Enforcement seizes {n} shipment ({amount} H100e) in transit hubs",
                                 "Enforcement seizes {n} shipments ({amount} H100e) in transit hubs",
                                 int(d_seize)).format(n=d_seize, amount=human(b["seized_cum"] - a["seized_cum"])),
            _("Detection rises with the enforcement budget (square root), location verification and the hub's "
              "cooperation."))
    base = start.metrics["domestic_output_adversary"]
    out_now = b["domestic_output_adversary"]
    while (watch.domestic_level < len(DOMESTIC_STEPS) and base > 0
           and out_now >= DOMESTIC_STEPS[watch.domestic_level] * base):
        k = DOMESTIC_STEPS[watch.domestic_level]
        watch.domestic_level += 1
        out.append(NewsItem(month, date, "domestic",
                            _("Tier 3 makes {times}x as many domestic chips as at the start ({amount} H100e a "
                              "month)").format(times=k, amount=human(out_now)),
                            _("Denied imports raise Tier 3's chip subsidies; after a lag, capacity and yield "
                              "grow."), origin="game"))
    gap = b["frontier_gap_months"]
    bucket = int(math.floor(gap / 6))
    if watch.gap_bucket is None:
        watch.gap_bucket = int(math.floor(start.metrics["frontier_gap_months"] / 6))
    if bucket != watch.gap_bucket:
        wider = bucket > watch.gap_bucket
        watch.gap_bucket = bucket
        say("gap", (_("The US frontier lead widens to {months} months") if wider
                    else _("The US frontier lead narrows to {months} months")).format(months=f"{gap:.0f}"),
            _("The lead is measured in months of frontier growth: compute Tier 3 cannot buy it must smuggle, "
              "stockpile or build — or train on open weights."), every=1)
    g = b["goodwill_swing"]
    while watch.goodwill_level < len(GOODWILL_STEPS) and g < GOODWILL_STEPS[watch.goodwill_level]:
        watch.goodwill_level += 1
        out.append(NewsItem(month, date, "goodwill",
                            _("Tier 2 goodwill towards the US falls to {goodwill}").format(goodwill=f"{g:.2f}"),
                            _("Denied orders sour Tier 2 governments; less goodwill means less cooperation "
                              "against transshipment."), origin="game"))
    return out


# ---------------------------------------------------------------------------
# baselines


@dataclass(frozen=True)
class Baseline:
    """A run without the player: its key, its English name (files) and its MonthViews from month 0;
    :attr:`label` says the name in the chosen language."""

    key: str
    name: str
    views: tuple[MonthView, ...]

    @property
    def label(self) -> str:
        return _(self.name)


@lru_cache(maxsize=16)
def _run_baseline(scenario_ref: str, seed: int, overrides: tuple, scale: float, months: int) -> tuple[MonthView, ...]:
    sc = load_scenario(scenario_ref, dict(overrides))
    model = ComputeModel(scenario=sc, seed=seed, scale=scale)
    views = [month_view(model)]
    for _month in range(months):
        model.step()
        views.append(month_view(model))
    return tuple(views)


def _world_overrides(overrides: Mapping[str, Any]) -> tuple:
    """Overrides a baseline of another scenario keeps: not levers, not schedule entries."""
    return tuple(sorted((k, _freeze(v)) for k, v in overrides.items()
                        if k not in LEVERS and not k.startswith(("schedule.", "policy."))))


def _freeze(v: Any) -> Any:
    return tuple(_freeze(x) for x in v) if isinstance(v, (list, tuple)) else v


# ---------------------------------------------------------------------------
# lessons (classroom runs): the constraints a team's save carries


@dataclass(frozen=True)
class LessonRules:
    """A lesson's constraints, carried in a team's save (``"lesson"``) and honoured by the session.

    Attributes:
        title: the lesson's title.
        open_levers: the levers the lesson opens (empty: every lever of the role).
        rounds: how many rounds the lesson has.
        months_per_round: months in a round; the game pauses at each round's end
            and ends after the last round.
    """

    title: str
    open_levers: tuple[str, ...]
    rounds: int
    months_per_round: int

    @property
    def last_month(self) -> int:
        return self.rounds * self.months_per_round

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "open_levers": list(self.open_levers), "rounds": self.rounds,
                "months_per_round": self.months_per_round}


LESSON_RULE_KEYS = ("title", "open_levers", "rounds", "months_per_round")


def parse_lesson_rules(raw: Any, file: str) -> LessonRules:
    """A save's ``"lesson"`` table, validated; a problem raises SaveError naming the key."""
    if not isinstance(raw, dict):
        raise SaveError(file, "lesson", expected("a table of title, open_levers, rounds, months_per_round", raw))
    unknown = sorted(set(raw) - set(LESSON_RULE_KEYS))
    if unknown:
        raise SaveError(file, f"lesson.{unknown[0]}", unknown_key(unknown[0], LESSON_RULE_KEYS))
    title = raw.get("title", "")
    if not isinstance(title, str):
        raise SaveError(file, "lesson.title", expected("a string", title))
    levers = raw.get("open_levers", [])
    if not isinstance(levers, list) or not all(isinstance(x, str) for x in levers):
        raise SaveError(file, "lesson.open_levers", expected("a list of lever names", levers))
    for i, name in enumerate(levers):
        if name not in LEVERS:
            raise SaveError(file, f"lesson.open_levers[{i}]", unknown_key(name, LEVERS, noun="lever"))
    for key in ("rounds", "months_per_round"):
        v = raw.get(key)
        if not _is_int(v) or v < 1:
            raise SaveError(file, f"lesson.{key}", expected("a whole number >= 1", v))
    return LessonRules(title, tuple(levers), int(raw["rounds"]), int(raw["months_per_round"]))


# ---------------------------------------------------------------------------
# the session


@dataclass(frozen=True)
class BranchPoint:
    """Where a what-if branch came from: the parent's save file (None if it was never saved) and the month."""

    parent: Path | None
    at: int


@dataclass(frozen=True)
class PlayerCommand:
    """A command the player gave, and the month it was submitted (applied at that month's policy phase)."""

    month: int
    command: cmd.Command


@dataclass(frozen=True)
class EventAnswer:
    """A pressure event and the option chosen (an index into its choices), or None: it passed unanswered."""

    event: RaisedEvent
    choice: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.event.month, "id": self.event.id, "choice": self.choice}


@dataclass(frozen=True)
class DecisionEffect:
    """A decision, and what followed in the months after it against the scenario as scheduled."""

    month: int
    date: str
    text: str
    effects: tuple[str, ...]
    events: tuple[str, ...]


class GameSession:
    """A game in progress.

    Args:
        scenario: a scenario name or a path to a TOML file.
        seed: the model's seed (the same seed replays the same world).
        role: one of :data:`ROLE_IDS`.
        country: the player's country for ``tier2_government``.
        overrides: scenario keys, as for ``silicon-curtain run --set``.
        scale: agents multiplier (see ``ComputeModel``).
    """

    def __init__(self, scenario: str | Path = "diffusion_rule_2025", *, seed: int = 0, role: str = "us_commerce",
                 country: str | None = None, overrides: Mapping[str, Any] | None = None, scale: float = 1.0):
        self.scenario_ref = str(scenario)
        self.overrides = dict(overrides or {})
        self.scenario = load_scenario(self.scenario_ref, self.overrides)
        self.seed = int(seed)
        self.scale = float(scale)
        self.role = make_role(role, country, self.scenario)
        self.model = ComputeModel(scenario=self.scenario, seed=self.seed, scale=self.scale)
        if self.role.country:  # the player, not the model's bot, decides for this government
            self.model.player_countries.add(self.role.country)
        self.views: list[MonthView] = [month_view(self.model)]
        self.commands: list[PlayerCommand] = []
        self.policy_version = 0
        """Bumped by every accepted order (an event's answer included): the band of sampled worlds is renewed."""
        self.news: list[NewsItem] = []
        self.events: list[EventAnswer] = []
        """Every pressure event answered or let pass, in the order raised (not the open one)."""
        self.pending_event: RaisedEvent | None = None
        """The event put to the player this month, until it is answered or the month advances."""
        self.load_warning = ""
        self.lesson: LessonRules | None = None
        """A classroom lesson's constraints (open levers, rounds), or None."""
        self.team: dict[str, Any] | None = None
        """The classroom team (``{"id", "name"}``) whose save this is, or None."""
        self.file: Path | None = None
        """The save file this game was loaded from: saving writes back to it."""
        self.branch_point: BranchPoint | None = None
        """The game this one was branched from, and the month (the save's ``"branch"``), or None."""
        self._watch = _Watch()
        self._scores: dict[tuple[int, str], Score] = {}
        self._baselines: dict[str, Baseline] | None = None
        self._names = dict(zip(self.views[0].codes, self.views[0].names))

    # ---- reading --------------------------------------------------------
    @property
    def month(self) -> int:
        return self.model.month

    @property
    def horizon(self) -> int:
        return self.scenario.meta.months

    @property
    def end_month(self) -> int:
        """The game's last month: the lesson's last round, or the scenario's end."""
        if self.lesson is None:
            return self.horizon
        return min(self.horizon, self.lesson.last_month)

    @property
    def finished(self) -> bool:
        return self.month >= self.end_month

    @property
    def levers(self) -> tuple[str, ...]:
        """Levers the player may change: the role's, narrowed to the lesson's open levers."""
        if self.lesson is None or not self.lesson.open_levers:
            return self.role.levers
        return tuple(name for name in self.role.levers if name in self.lesson.open_levers)

    @property
    def round(self) -> int:
        """The lesson round being played (1-based; the last round once finished), 0 without a lesson."""
        if self.lesson is None:
            return 0
        return min(self.lesson.rounds, self.month // self.lesson.months_per_round + 1)

    @property
    def at_round_end(self) -> bool:
        """Whether a lesson round has just ended (the game pauses here)."""
        return self.lesson is not None and self.month > 0 and self.month % self.lesson.months_per_round == 0

    @property
    def view(self) -> MonthView:
        return self.views[-1]

    @property
    def prev_view(self) -> MonthView:
        return self.views[-2] if len(self.views) > 1 else self.views[-1]

    def country_name(self, code: str) -> str:
        """A country's name in the chosen language (its code if the scenario has no such country)."""
        return _(self._names[code]) if code in self._names else code

    def queued(self) -> list[cmd.Command]:
        """Player commands submitted this month, applied at the start of the next step."""
        return [p.command for p in self.commands if p.month == self.month]

    def metrics_rows(self) -> list[dict[str, Any]]:
        """The metrics the player saw, one dict per month from month 0."""
        return [dict(v.metrics) for v in self.views]

    # ---- baselines and score --------------------------------------------
    @property
    def baselines(self) -> dict[str, Baseline]:
        """``no_controls``, ``scheduled`` (this scenario without the player) and ``published``, same seed."""
        if self._baselines is None:
            world = _world_overrides(self.overrides)
            own = tuple(sorted((k, _freeze(v)) for k, v in self.overrides.items()))
            runs = {"no_controls": (N_("No controls"), NO_CONTROLS, world),
                    "scheduled": (N_("As scheduled (no player)"), self.scenario_ref, own),
                    "published": (N_("The published rule"), PUBLISHED_RULE, world)}
            out = {}
            for key, (label, ref, ov) in runs.items():
                try:
                    views = _run_baseline(ref, self.seed, ov, self.scale, self.horizon)
                except ScenarioError:
                    views = _run_baseline(ref, self.seed, (), self.scale, self.horizon)
                out[key] = Baseline(key, label, views)
            self._baselines = out
        return self._baselines

    def baseline_view(self, key: str, month: int) -> MonthView | None:
        views = self.baselines[key].views
        return views[month] if 0 <= month < len(views) else None

    def score_at(self, month: int | None = None) -> Score:
        """The score at ``month`` (default: now), from the views the player saw."""
        m = self.month if month is None else month
        key = (m, language())  # the goals' details are in words: one score per language read
        if key not in self._scores:
            self._scores[key] = score(self.role.id, self.views[m], self.views[0],
                                    self.baseline_view("no_controls", m), self.baseline_view("scheduled", m),
                                    self.role.country, self.weights)
        return self._scores[key]

    @property
    def score(self) -> Score:
        return self.score_at()

    def baseline_score(self, key: str, month: int | None = None) -> Score:
        """What a baseline run scores under the player's goals (for the debrief)."""
        return self.score_of(self.baselines[key].views, self.month if month is None else month)

    def score_of(self, views: Sequence[MonthView], month: int) -> Score:
        """What another run of this world (a baseline, a branch) scores under the player's goals and weights
        at ``month`` (its last month if it stopped earlier), so the debrief compares like with like."""
        m = min(month, len(views) - 1)
        return score(self.role.id, views[m], views[0], self.baseline_view("no_controls", m),
                     self.baseline_view("scheduled", m), self.role.country, self.weights)

    @property
    def weights(self) -> Mapping[str, float] | None:
        """A classroom team's own points per goal (its lesson's team goals), or None for the role's."""
        return (self.team or {}).get("weights")

    # ---- writing ---------------------------------------------------------
    def submit(self, command: cmd.Command) -> cmd.CommandResult:
        """Check the role, then the model; a refused command says why and is not recorded."""
        problem = self.problem(command)
        if problem:
            return cmd.CommandResult(False, problem)
        command = prepare(self.role, command)
        earlier = self._queued_policy(command)
        if earlier is not None:  # one order per government a month: the later values win
            command = dataclasses.replace(command, policies={**earlier.command.policies, **command.policies})
        result = self.model.submit(command)
        if result.ok:
            if earlier is not None:
                self.commands.remove(earlier)
                self.model.withdraw(earlier.command)
            self.commands.append(PlayerCommand(self.month, command))
            self.policy_version += 1
        return result

    def _queued_policy(self, command: cmd.Command) -> "PlayerCommand | None":
        """This month's earlier ``country_policy`` order for the same government, which ``command`` joins.

        Clicking + five times is one order for the month, not five: the log,
        the save and the news say what was decided.
        """
        if not isinstance(command, cmd.CountryPolicy):
            return None
        return next((p for p in self.commands if p.month == self.month and isinstance(p.command, cmd.CountryPolicy)
                     and p.command.country == command.country and p.command.source == command.source), None)

    def problem(self, command: cmd.Command) -> str | None:
        """Why :meth:`submit` would refuse ``command`` now (the game, the role, the lesson, the model), or None."""
        if self.finished:
            if self.lesson is not None and self.end_month < self.horizon:
                return _("the lesson's last round is over: no more orders")
            return _("the game is over: no more orders")
        problem = role_problem(self.role, command) or self._lesson_problem(command)
        if problem:
            return problem
        command = prepare(self.role, command)
        problem = self._session_problem(command)
        if problem:
            return problem
        result = self.model.check(command)
        return None if result.ok else result.reason

    def _lesson_problem(self, command: cmd.Command) -> str | None:
        """Why the lesson forbids ``command`` (a lever it keeps closed, a date after its last round), or None."""
        if self.lesson is None or not isinstance(command, cmd.SetLevers):
            return None
        closed = [k for k in command.levers if k not in self.levers]
        if not closed:
            eff = command.effective_month
            if eff is not None and eff >= self.end_month:
                return _("the lesson ends at {end}: announce for {last} at the latest").format(
                    end=month_text(self.scenario.date(self.end_month)),
                    last=month_text(self.scenario.date(self.end_month - 1)))
            return None
        opened = _(", ").join(lever_label(k) for k in self.levers) or _("none for your role")
        return _("the lesson \"{lesson}\" keeps {levers} closed (open levers: {open})").format(
            lesson=_(self.lesson.title), levers=_(", ").join(lever_label(k) for k in closed), open=opened)

    def _session_problem(self, command: cmd.Command) -> str | None:
        if isinstance(command, cmd.G2GAgreement) and self.role.country is not None:
            i = self.view.codes.index(command.country)
            if self.view.g2g[i]:
                return _("you already have a security agreement")
            if any(isinstance(c, cmd.G2GAgreement) for c in self.queued()):
                return _("you have already asked this month; the US answers next month")
        return None

    def advance_month(self) -> MonthView:
        """Simulate one month (queued commands apply first) and record its view and news."""
        if self.finished:
            raise RuntimeError(f"the scenario ends at month {self.horizon}")
        prev = self.view
        if self.pending_event is not None:
            self._answer(None)  # an event not answered this month passes ("no answer"): nothing ever blocks
        applied = [p for p in self.commands if p.month == self.month]
        self.model.step()
        view = month_view(self.model)
        self.views.append(view)
        date = prev.date
        for p in applied:
            self.news.append(NewsItem(prev.month, date, "you",
                                      _("Your order: {order}").format(order=self.describe(p.command)),
                                      _("Orders apply at the start of the month after you give them."),
                                      origin="you"))
        for e in view.events:
            self.news.append(NewsItem(e.month, self.scenario.date(e.month), e.kind, e.text,
                                      _(WHY.get(e.kind, "")), e.country))
        self.news.extend(observe(prev, view, self.views[0], self._watch))
        self._raise_event()
        return view

    # ---- pressure events -------------------------------------------------
    def _raise_event(self) -> None:
        """Put the event the new month calls for (if any) to the player: it waits for :meth:`choose`."""
        if self.month >= self.horizon:
            return  # the horizon, not a lesson's end, so a replay (which has no lesson yet) raises the same
        event = next_event(self.views, self.role, [(a.event.month, a.event.id) for a in self.events])
        if event is None:
            return
        self.pending_event = event
        m = event.month - 1
        self.news.append(NewsItem(m, self.scenario.date(m), "event",
                                  _("{event}: your decision").format(event=event.title),
                                  event.cause, event.country, origin="event"))

    def option_problem(self, index: int) -> str | None:
        """Why option ``index`` of the open event cannot be chosen now (its order would be refused), or None."""
        event = self.pending_event
        if event is None:
            return _("no event is waiting for an answer")
        if not 0 <= index < len(event.choices):
            return _("expected an option from 1 to {last}, got {option}").format(last=len(event.choices),
                                                                                  option=index + 1)
        return next((p for p in map(self.problem, event.choices[index].commands) if p), None)

    def choose(self, index: int) -> cmd.CommandResult:
        """Answer the open event with option ``index`` (from 0): its orders go through :meth:`submit`."""
        problem = self.option_problem(index)
        if problem:
            return cmd.CommandResult(False, problem)
        for command in self.pending_event.choices[index].commands:
            result = self.submit(command)
            if not result.ok:  # checked just above: only a model that changed its mind gets here
                return result
        self._answer(index)
        return cmd.CommandResult(True)

    def _answer(self, index: int | None) -> None:
        """Record the answer to the open event (None: it passed unanswered) and say so in the news."""
        event = self.pending_event
        self.pending_event = None
        self.events.append(EventAnswer(event, index))
        m = event.month - 1
        text = (_("{event}: you chose \"{option}\"").format(event=event.title, option=event.choices[index].label)
                if index is not None else _("{event}: no answer; it passed").format(event=event.title))
        why = event.choices[index].consequence if index is not None else event.cause
        self.news.append(NewsItem(m, self.scenario.date(m), "event_answer", text, why, event.country,
                                  origin="you"))

    def describe(self, command: cmd.Command) -> str:
        return describe(command, self.scenario, self._names)

    @staticmethod
    def refusal_text(reason: str) -> str:
        """A refusal as a player reads it: the lever's name and what it takes in words, not its code name."""
        name, _sep, rest = reason.partition(": ")
        if name in LEVERS and ", got " in rest:
            return _("Refused: {lever} takes {expects}; you gave {value}").format(
                lever=lever_label(name), expects=lever_expects(name), value=rest.rsplit(", got ", 1)[1])
        return _("Refused: {reason}").format(reason=reason)

    def order_confirmation(self, command: cmd.Command) -> str:
        """What the player is told when an order is accepted: what, and from when, said once."""
        effective = getattr(command, "effective_month", None)
        if effective is not None and effective > self.month:
            what = describe(dataclasses.replace(command, effective_month=None), self.scenario, self._names)
            return _("Announced: {order}, in force from {date}. Buyers hear of it at the start of {now} (next "
                     "step).").format(order=what, date=month_text(self.scenario.date(effective)),
                                      now=month_text(self.scenario.date(self.month)))
        return _("Ordered: {order}. Applies at the start of {now} (next step).").format(
            order=self.describe(command), now=month_text(self.scenario.date(self.month)))

    # ---- debrief ---------------------------------------------------------
    def decision_effects(self, window: int = EFFECT_WINDOW_MONTHS) -> list[DecisionEffect]:
        """Each decision, and how the next ``window`` months differed from the scenario as scheduled.

        The difference is (player change over the window) minus (baseline change
        over the same months), so earlier decisions do not count twice; when
        decisions are closer than the window their effects overlap, and the
        text says so.
        """
        out = []
        base = self.baselines["scheduled"].views
        months = sorted({p.month for p in self.commands})
        for i, m in enumerate(months):
            cmds = [p.command for p in self.commands if p.month == m]
            end = min(m + 1 + window, self.month)
            effects: list[str] = []
            if end > m + 1:
                effects = _compare(self.views[m], self.views[end], base[m], base[min(end, len(base) - 1)],
                                   self._effect_series(self.views[m]))
                if i + 1 < len(months) and months[i + 1] < end:
                    effects.append(_("(overlaps with your next decision in {date})").format(
                        date=month_text(self.scenario.date(months[i + 1]))))
            else:
                effects = [_("(too recent to tell)")]
            events = tuple(_("{date}: {news}").format(date=month_text(n.date), news=n.text) for n in self.news
                           if n.origin == "model" and m <= n.month < end and n.kind != "levers")[:4]
            out.append(DecisionEffect(m, self.scenario.date(m), _("; ").join(self.describe(c) for c in cmds),
                                      tuple(effects), events))
        return out

    def _effect_series(self, start: MonthView) -> list[tuple[str, str, Any]]:
        """(label, unit, view -> value) the debrief compares; a government's own country first.

        Tier 2 and Tier 3 totals count the countries in each tier when the
        decision was taken, so moving a country between tiers is not
        mistaken for its bloc's compute falling.
        """
        items = [(_(label), unit, (lambda v, k=key: v.metrics[k])) for key, label, unit in EFFECT_METRICS
                 if key not in BLOC_EFFECTS]
        for tier, label, unit, attr, how in BLOC_EFFECTS.values():
            members = [i for i, t in enumerate(start.tier) if int(t) == tier]
            if members:
                reduce = np.sum if how == "sum" else np.mean
                items.append((_(label), unit, lambda v, f=attr, rows=members, r=reduce:
                              float(r(np.asarray(getattr(v, f), dtype=float)[rows]))))
        c = self.role.country
        if c is not None:
            name = self.country_name(c)

            def own(field):
                return lambda v: float(getattr(v, field)[v.codes.index(c)])

            mine = [(_("{country}'s compute").format(country=name), "H100e", own("compute_h100e")),
                    (_("{country}'s imports this month").format(country=name), "H100e", own("imports_h100e"))]
            if self.role.id == "tier3_government":
                mine.append((_("{country}'s home-designed chips").format(country=name), "H100e",
                             own("domestic_h100e")))
            else:
                mine += [(_("{country}'s goodwill").format(country=name), "0-1", own("goodwill")),
                         (_("{country}'s cooperation").format(country=name), "0-1", own("cooperation"))]
            items = mine + items
        return items

    # ---- saving ----------------------------------------------------------
    def to_save(self) -> dict[str, Any]:
        m = self.view.metrics
        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "scenario": self.scenario_ref,
            "seed": self.seed,
            "overrides": self.overrides,
            "scale": self.scale,
            "role": self.role.id,
            "country": self.role.country,
            "month": self.month,
            "commands": [json.loads(cmd.to_json(p.command, p.month)) for p in self.commands],
            "events": [a.as_dict() for a in self.events],
            "check": {k: m[k] for k in CHECK_KEYS},
            "title": self.scenario.meta.title,
            "date": self.view.date,
            "saved_at": _dt.datetime.now().isoformat(timespec="seconds"),
            **({"lesson": self.lesson.as_dict()} if self.lesson is not None else {}),
            **({"team": dict(self.team)} if self.team is not None else {}),
            **({"branch": {"from": None if self.branch_point.parent is None else str(self.branch_point.parent),
                           "at": self.branch_point.at}} if self.branch_point is not None else {}),
        }

    def branch_at(self, at: int) -> "GameSession":
        """This game as it stood at month ``at``, with the orders given before it: a what-if to play on.

        The branch is a new game (saving it writes a new file, never this game's); it remembers this
        game's file as its parent (save this game first, or the branch cannot name it).
        """
        out = branch_of(self.to_save(), at)
        out.branch_point = BranchPoint(self.file, at)
        return out

    def save(self, path: str | Path | None = None) -> Path:
        """Write a save file atomically (a temporary file renamed into place); returns its path.

        Without ``path``, a game loaded from a file is written back to that file
        (a classroom team hands in the file it was given); a new game gets a new
        file in the saves folder.
        """
        if path is not None:
            target = Path(path)
        elif self.file is not None:
            target = self.file
        else:
            target = self.default_save_path()
        data = self.to_save()
        data["scenario"] = scenario_for_save(self.scenario_ref, target)
        if self.branch_point is not None and self.branch_point.parent is not None:
            data["branch"]["from"] = parent_for_save(self.branch_point.parent, target)
        write_json_atomic(target, data)
        return target

    def default_save_path(self) -> Path:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{Path(self.scenario_ref).stem}-{self.role.id}-{self.view.date}-{stamp}"
        folder = saves_dir()
        path = folder / f"{name}.json"
        n = 2
        while path.exists():
            path = folder / f"{name}-{n}.json"
            n += 1
        return path

    @classmethod
    def load(cls, path: str | Path) -> "GameSession":
        """Rebuild a game from a save file; any problem raises :class:`SaveError` (nothing is written)."""
        data = read_save(path)
        session = cls.from_save(data, str(path))
        session.file = Path(path)
        return session

    @classmethod
    def from_save(cls, data: Mapping[str, Any], file: str = "<save>") -> "GameSession":
        h = check_header(data, file)
        if file != "<save>":  # a save file names its scenario by name or inside its own folder
            h["scenario"] = scenario_in_save(h["scenario"], file)
        try:
            session = cls(h["scenario"], seed=h["seed"], role=h["role"], country=h["country"],
                          overrides=h["overrides"], scale=h["scale"])
        except ScenarioError as exc:
            raise SaveError(file, "scenario", exc.problems[0]) from None
        except ValueError as exc:
            raise SaveError(file, "role", str(exc)) from None
        if h["month"] > session.horizon:
            raise SaveError(file, "month", expected(f"a whole number between 0 and {session.horizon} (the "
                                                    f"scenario's length)", h["month"]))
        commands = _parse_commands(data["commands"], h["month"], file)
        saved_events = _parse_events(data["events"], h["month"], file) if "events" in data else None
        answers = {e["month"]: e for e in saved_events or []}
        pending = list(commands)
        for month in range(h["month"] + 1):
            event = session.pending_event
            saved = answers.get(month)
            if event is not None and saved is not None and saved["id"] == event.id and saved["choice"] is not None:
                if saved["choice"] < len(event.choices):
                    session._answer(saved["choice"])  # its orders are in the command log, replayed next
            while pending and pending[0][1] == month:
                i, _month, command = pending.pop(0)
                result = session.submit(command)
                if not result.ok:
                    raise SaveError(file, f"commands[{i}]", _("refused at month {month}: {reason}").format(
                        month=month, reason=result.reason))
            if month < h["month"]:
                session.advance_month()
        session.lesson, session.team = h["lesson"], h["team"]  # after the replay: an old save still loads
        if h["branch"] is not None:
            session.branch_point = BranchPoint(parent_in_save(h["branch"]["from"], file), h["branch"]["at"])
        session._scores.clear()  # scored again with the team's own weights
        check = data.get("check")
        warnings = []
        if isinstance(check, dict):
            m = session.view.metrics
            differ = [k for k in CHECK_KEYS if k in check and not _same(check[k], m[k])]
            if differ:
                warnings.append(_("replaying the commands gives different numbers than when it was saved "
                                  "({metrics}): the model has changed since").format(metrics=", ".join(differ)))
        if saved_events is not None:
            replayed = [a.as_dict() for a in session.events]
            if replayed != saved_events:
                warnings.append(_("replaying the game raises other events, or takes other answers, than when it "
                                  "was saved: the model or the events have changed since"))
        if warnings:
            session.load_warning = f"{file}: " + _("; ").join(warnings)
        return session


def branch(path: str | Path, at: int) -> "GameSession":
    """A what-if branch of a save: the same game on the same seed at month ``at``, with only the orders
    given before ``at`` (orders announced before it for later months stay: they were given).

    Play it on and save it as a new file; it replays exactly, like any save.
    """
    return branch_of(read_save(path), at, str(path))


def branch_of(data: Mapping[str, Any], at: int, file: str = "<save>") -> "GameSession":
    """:func:`branch` of save data (a file's, or a game's own ``to_save()``)."""
    h = check_header(data, file)
    if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at <= h["month"]:
        raise SaveError(file, "month", f"a branch starts at a month the save has reached: expected a "
                                       f"whole number from 0 to {h['month']}, got {at!r}")
    kept = [c for c in data["commands"] if isinstance(c, dict) and _is_int(c.get("month")) and c["month"] < at]
    # the check is of the save's month, not the branch's; the parent's own parent is not the branch's
    trimmed = {k: v for k, v in data.items() if k not in ("check", "branch")}
    if isinstance(data.get("events"), list):  # the events before the branch; the one at ``at`` is asked again
        trimmed["events"] = [e for e in data["events"] if isinstance(e, dict) and _is_int(e.get("month"))
                             and e["month"] < at]
    session = GameSession.from_save({**trimmed, "month": at, "commands": kept}, file)
    session.branch_point = BranchPoint(None if file == "<save>" else Path(file), at)
    return session


CHECK_KEYS = ("compute_adversary", "smuggled_cum", "us_vendor_revenue_cum", "frontier_gap_months")


def _same(a: Any, b: Any) -> bool:
    try:
        return float(a) == float(b) or abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def _compare(p0: MonthView, p1: MonthView, b0: MonthView, b1: MonthView,
             series: Sequence[tuple[str, str, Any]]) -> list[str]:
    """The biggest differences between the player's change and the baseline's, in words."""
    rows = []
    for label, unit, value in series:
        dp = value(p1) - value(p0)
        db = value(b1) - value(b0)
        diff = dp - db
        scale_ = max(abs(db), abs(value(b1)) * 0.05, 1e-9)
        rel = diff / scale_
        if abs(rel) < 0.05:
            continue
        rows.append((abs(rel), label, diff, unit))
    rows.sort(reverse=True)
    out = []
    for _rel, label, diff, unit in rows[:3]:
        if abs(diff) < {"0-1": 0.005, "months": 0.05}.get(unit, 0.5):
            continue  # too small to read as anything but zero
        sign = "+" if diff > 0 else "-"
        if unit == "USD":
            val = sign + _("${amount}").format(amount=human(abs(diff)))
        elif unit == "months":
            val = _("{sign}{n} months").format(sign=sign, n=f"{abs(diff):.1f}")
        elif unit == "0-1":
            val = f"{sign}{abs(diff):.2f}"
        else:
            val = f"{sign}{human(abs(diff))} {unit}"
        out.append(_("{label} {value}").format(label=label, value=val))
    return out or [_("no clear difference from the scenario as scheduled")]


BLOC_EFFECTS = {
    "compute_adversary": (3, N_("Tier 3 compute"), "H100e", "compute_h100e", "sum"),
    "compute_swing": (2, N_("Tier 2 compute"), "H100e", "compute_h100e", "sum"),
    "goodwill_swing": (2, N_("Tier 2 goodwill"), "0-1", "goodwill", "mean"),
}
"""Bloc effects measured on the countries in the bloc when the decision was taken: (tier, label, unit,
per-country view field, how to combine)."""

EFFECT_METRICS = (
    ("compute_adversary", N_("Tier 3 compute"), "H100e"),
    ("smuggled_cum", N_("smuggled"), "H100e"),
    ("seized_cum", N_("seized"), "H100e"),
    ("stockpiled_cum", N_("stockpiled"), "H100e"),
    ("domestic_output_adversary", N_("Tier 3 domestic output"), "H100e/month"),
    ("us_vendor_revenue_cum", N_("US vendor revenue"), "USD"),
    ("compute_swing", N_("Tier 2 compute"), "H100e"),
    ("goodwill_swing", N_("Tier 2 goodwill"), "0-1"),
    ("frontier_gap_months", N_("US lead"), "months"),
)
"""The metrics the debrief compares: (metric, English label (translated when said), unit)."""


# ---------------------------------------------------------------------------
# save files


class SaveError(Exception):
    """A save file cannot be loaded: names the file, the key and what was expected."""

    def __init__(self, file: str, key: str, message: str):
        self.file, self.key, self.message = str(file), key, message
        super().__init__(str(Problem(self.file, key, message)))


def scenario_for_save(ref: str, save_file: str | Path) -> str:
    """How a save at ``save_file`` names its scenario: a shipped one by name, another by a path from the save's folder.

    A scenario file outside the save's folder is written as it was given; loading the save then refuses
    it (:func:`scenario_in_save`): put the scenario file next to the save.
    """
    if not names_a_file(ref):
        return ref
    path = Path(ref).resolve()
    if path.parent == SCENARIO_DIR.resolve():
        return path.stem
    folder = Path(save_file).resolve().parent
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else ref


def scenario_in_save(ref: str, file: str) -> str:
    """The scenario a save file names: a shipped scenario's name, or a .toml file in the save's folder."""
    if not names_a_file(ref):
        return ref
    folder = Path(file).parent
    path = folder / ref
    if not inside(path, folder, SCENARIO_DIR):
        raise SaveError(file, "scenario", f"expected a shipped scenario name or a .toml file in the save's folder "
                                          f"({folder}), got {ref!r}")
    return str(path)


def parent_for_save(parent: Path, save_file: str | Path) -> str:
    """How a branch's save names its parent: a path from the branch's folder when the parent is inside it,
    else the parent's full path."""
    path = Path(parent).resolve()
    folder = Path(save_file).resolve().parent
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)


def parent_in_save(ref: str | None, file: str) -> Path | None:
    """The parent file a save's ``branch.from`` names, read from the save's own folder."""
    if ref is None:
        return None
    return Path(ref) if file == "<save>" else Path(file).parent / ref


def parse_branch(raw: Any, month: int, file: str) -> dict[str, Any]:
    """A save's ``"branch"`` table (``from``: the parent save, ``at``: the month), validated."""
    if not isinstance(raw, dict):
        raise SaveError(file, "branch", expected("a table with from (the parent save) and at (a month)", raw))
    unknown = sorted(set(raw) - {"from", "at"})
    if unknown:
        raise SaveError(file, f"branch.{unknown[0]}", unknown_key(unknown[0], ("from", "at")))
    parent = raw.get("from")
    if parent is not None and not (isinstance(parent, str) and parent.lower().endswith(".json")
                                   and parent.strip() == parent):
        raise SaveError(file, "branch.from", expected("the parent's save file (.json) or null", parent))
    at = raw.get("at")
    if not _is_int(at) or not 0 <= at <= month:
        raise SaveError(file, "branch.at", expected(f"a whole number from 0 to {month} (the save's month)", at))
    return {"from": parent, "at": int(at)}


def read_save(path: str | Path) -> dict:
    """Read and parse a save file (JSON object), or raise SaveError saying what is wrong."""
    p = Path(path)
    if p.is_dir():
        raise SaveError(str(p), "", _("is a folder; expected a save file (.json)"))
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SaveError(str(p), "", _("no such file")) from None
    except UnicodeDecodeError:
        raise SaveError(str(p), "", _("not a save file (not UTF-8 text)")) from None
    except OSError as exc:
        raise SaveError(str(p), "", _("cannot be read: {reason}").format(reason=exc.strerror)) from None
    if not text.strip():
        raise SaveError(str(p), "", _("is empty; expected a save file (the save may have been interrupted)"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SaveError(str(p), "", _("not valid JSON at line {line}, column {column} ({problem}); the file is "
                                      "truncated or corrupt").format(line=exc.lineno, column=exc.colno,
                                                                     problem=exc.msg)) from None
    except (ValueError, RecursionError) as exc:  # a number too long to convert, or nesting thousands deep
        raise SaveError(str(p), "", _("not a save file ({problem})").format(problem=json_problem(exc))) from None
    if not isinstance(data, dict):
        raise SaveError(str(p), "", f"expected a JSON object, got {type(data).__name__}")
    return data


def check_header(data: Mapping[str, Any], file: str) -> dict[str, Any]:
    """Validate everything but the commands; returns the header with defaults filled in."""
    fmt = data.get("format")
    if fmt != SAVE_FORMAT:
        raise SaveError(file, "format", expected(repr(SAVE_FORMAT), fmt) + ": not a Silicon Curtain save")
    version = data.get("version")
    if not _is_int(version) or version < 1:
        raise SaveError(file, "version", expected("a whole number >= 1", version))
    if version > SAVE_VERSION:
        raise SaveError(file, "version", _("this save was written by a newer version of the game (save version "
                                           "{version}; this game reads version {reads}): update the game").format(
            version=version, reads=SAVE_VERSION))
    for key, what in (("scenario", "a scenario name"), ("seed", "a whole number"),
                      ("role", OneOf(ROLE_IDS).what), ("month", "a whole number >= 0"), ("commands", "a list")):
        if key not in data:
            raise SaveError(file, key, missing(what))
    scenario = data["scenario"]
    if not isinstance(scenario, str) or not scenario:
        raise SaveError(file, "scenario", expected("a scenario name", scenario))
    if not _is_int(data["seed"]):
        raise SaveError(file, "seed", expected("a whole number", data["seed"]))
    if seed_problem(data["seed"]):
        raise SaveError(file, "seed", seed_problem(data["seed"]))
    overrides = data.get("overrides", {})
    if not isinstance(overrides, dict) or not all(isinstance(k, str) for k in overrides):
        raise SaveError(file, "overrides", expected("a table of KEY: value", overrides))
    for key, value in overrides.items():
        if not _plain_value(value):
            raise SaveError(file, f"overrides.{key}", expected("a number, string, true/false or a list of them "
                                                               "(as for --set)", value))
    scale = data.get("scale", 1.0)
    lo, hi = SCALE_RANGE
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not lo <= scale <= hi:
        raise SaveError(file, "scale", expected(Number(lo, hi).what, scale))
    role = data["role"]
    if role not in ROLE_IDS:
        raise SaveError(file, "role", expected(OneOf(ROLE_IDS).what, role))
    country = data.get("country")
    if country is not None and not isinstance(country, str):
        raise SaveError(file, "country", expected("a country code or null", country))
    month = data["month"]
    if not _is_int(month) or month < 0:
        raise SaveError(file, "month", expected("a whole number >= 0", month))
    if not isinstance(data["commands"], list):
        raise SaveError(file, "commands", expected("a list", data["commands"]))
    lesson = parse_lesson_rules(data["lesson"], file) if "lesson" in data else None
    team = data.get("team")
    if team is not None and not (isinstance(team, dict) and all(isinstance(team.get(k), str) for k in ("id", "name"))):
        raise SaveError(file, "team", expected("a table with id and name", team))
    weights = team.get("weights") if team is not None else None
    if weights is not None and weights_problem(role, weights):
        raise SaveError(file, "team.weights", weights_problem(role, weights))
    branch = parse_branch(data["branch"], int(month), file) if data.get("branch") is not None else None
    return {"scenario": scenario, "seed": int(data["seed"]), "overrides": overrides, "scale": float(scale),
            "role": role, "country": country, "month": int(month), "lesson": lesson, "branch": branch,
            "team": ({"id": team["id"], "name": team["name"], **({"weights": dict(weights)} if weights else {})}
                     if team is not None else None)}


def _parse_commands(items: Sequence[Any], month: int, file: str) -> list[tuple[int, int, cmd.Command]]:
    out = []
    last = 0
    for i, item in enumerate(items):
        key = f"commands[{i}]"
        if not isinstance(item, dict):
            raise SaveError(file, key, expected("an object with month and kind", item))
        m = item.get("month")
        if not _is_int(m) or not 0 <= m <= month:
            raise SaveError(file, f"{key}.month", expected(f"a whole number between 0 and {month}", m))
        if m < last:
            raise SaveError(file, f"{key}.month", f"commands must be in month order ({m} after {last})")
        last = m
        try:
            command = cmd.from_dict(item)
        except Invalid as exc:
            sub, text = exc.problems[0]
            raise SaveError(file, join(key, sub) if sub else key, text) from None
        except (ValueError, TypeError) as exc:
            raise SaveError(file, key, str(exc)) from None
        out.append((i, int(m), command))
    return out


def _parse_events(items: Any, month: int, file: str) -> list[dict[str, Any]]:
    """A save's ``"events"``: each ``{"month", "id", "choice"}`` (choice: an option from 0, or null)."""
    if not isinstance(items, list):
        raise SaveError(file, "events", expected("a list", items))
    out = []
    last = 0
    for i, item in enumerate(items):
        key = f"events[{i}]"
        if not isinstance(item, dict):
            raise SaveError(file, key, expected("an object with month, id and choice", item))
        m, kind, choice = item.get("month"), item.get("id"), item.get("choice")
        if not _is_int(m) or not last <= m <= month:
            raise SaveError(file, f"{key}.month", expected(f"a whole number from {last} to {month}, in order", m))
        if not isinstance(kind, str):
            raise SaveError(file, f"{key}.id", expected("an event id", kind))
        if choice is not None and not (_is_int(choice) and choice >= 0):
            raise SaveError(file, f"{key}.choice", expected("an option number from 0, or null (no answer)", choice))
        last = m + 1  # one event a month
        out.append({"month": m, "id": kind, "choice": choice})
    return out


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _plain_value(v: Any) -> bool:
    """A value ``--set`` can give: a number, string or true/false, or a list of them (no tables)."""
    if isinstance(v, list):
        return all(_plain_value(x) for x in v)
    return isinstance(v, (bool, int, float, str))


def json_problem(exc: Exception) -> str:
    """Why JSON text that the json module refused beyond its syntax errors cannot be read."""
    if isinstance(exc, RecursionError):
        return "expected JSON nested at most a few hundred deep"
    return f"expected numbers of at most 4300 digits ({exc})" if "digits" in str(exc) else str(exc)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON through a temporary file in the same folder, renamed over ``path`` (see ``game.files``)."""
    path = Path(path)
    if path.is_dir():
        raise OSError(f"{path} is a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, data)


@dataclass(frozen=True)
class SaveInfo:
    """A save file as the load screen lists it: a summary, or why it cannot be loaded."""

    path: Path
    ok: bool
    summary: str


def list_saves(folder: Path | None = None) -> list[SaveInfo]:
    """Save files in ``folder`` (newest first), each checked without replaying it."""
    folder = folder or saves_dir()
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            data = read_save(p)
            h = check_header(data, p.name)
            role = _(_ROLE_TEXT[h["role"]][0])
            if h["country"]:
                role = _("{role} ({country})").format(role=role, country=h["country"])
            title = _(data["title"]) if isinstance(data.get("title"), str) else h["scenario"]
            date = (month_text(data["date"]) if isinstance(data.get("date"), str)
                    else _("month {month}").format(month=h["month"]))
            out.append(SaveInfo(p, True, _("{title} - {role} - {date} (month {month}), seed {seed}").format(
                title=title, role=role, date=date, month=h["month"], seed=h["seed"])))
        except SaveError as exc:
            out.append(SaveInfo(p, False, _("cannot load: {problem}").format(
                problem=f"{exc.key + ': ' if exc.key else ''}{exc.message}")))
    return out


# ---------------------------------------------------------------------------
# replay


def replay(save: str | Path | Mapping[str, Any]):
    """Replay a save's command log headless: one row per month the player saw (metrics and score).

    Returns a pandas DataFrame with the metric columns (``agents.metrics.COLUMNS``)
    followed by ``score`` and ``goal_<key>`` (points per goal).
    """
    import pandas as pd

    from agents.metrics import COLUMNS

    if isinstance(save, Mapping):
        session = GameSession.from_save(save)
    else:
        session = GameSession.load(save)
    rows = []
    for m, v in enumerate(session.views):
        row = {c: v.metrics[c] for c in COLUMNS}
        row.update(session.score_at(m).as_row())
        rows.append(row)
    goal_cols = [f"goal_{g.key}" for g in GOALS[session.role.id]]
    return pd.DataFrame(rows, columns=[*COLUMNS, "score", *goal_cols])
