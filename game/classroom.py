"""Classroom runs: lessons, teams, their saves, and the debrief that compares them.

Owns the lesson file (TOML: the scenario, seed, rounds, open levers and
teams), preparing a class folder (one starting save per team, the
teacher's guide and a student handout), checking handed-in saves team by
team, and the debrief: one offline HTML page (and PNGs) with every team's
key metrics on the same axes, the baselines, each team's decisions on a
timeline with what followed, the scores and the discussion questions.
A team's run is its save: the same command log the game replays. No pygame;
matplotlib (Agg) draws the figures. The handout, the guide and the debrief
speak the chosen language (``agents.lang``: lesson and scenario texts are
catalogue keys, the guide is translated paragraph by paragraph); the class
folder's files (class.json, saves) stay English, so any language reads them.
"""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from agents.checks import Integer, ListOf, Nullable, OneOf, Problems, Text, Where, expected
from agents.lang import N_, _, language
from agents.regime import LEVERS
from agents.scenario import ScenarioError, inside, library_dir, load_scenario, toml_problem
from agents.words import format_value, lever_label, month_text, text_columns
from game.score import GOALS, goal_weights, weights_problem
from game.session import (GOVERNMENT_TIER, ROLE_IDS, GameSession, LessonRules, SaveError, check_header,
                          default_government, make_role, read_save, role_id, tier_countries,
                          write_json_atomic)
from game.files import write_bytes, write_text
from game.messages import translate_paragraphs

LESSON_DIR = library_dir(Path(__file__).resolve().parent, "lessons")
TEAM_ID = re.compile(r"[a-z0-9_]{1,32}")
"""A team's id: it names the team's save file (``teams/<id>.json``), so never a path."""
CLASS_FILE = "class.json"
TEAMS_DIR = "teams"

CHART_METRICS = (
    ("compute_adversary", N_("Tier 3 compute"), "H100e"),
    ("smuggled_cum", N_("Smuggled into Tier 3 (cumulative)"), "H100e"),
    ("stockpile_adversary", N_("Tier 3 stockpile"), "H100e"),
    ("compute_swing", N_("Tier 2 compute"), "H100e"),
    ("us_vendor_revenue_cum", N_("US vendor revenue (cumulative)"), "USD"),
    ("frontier_gap_months", N_("US frontier lead"), "months"),
)
"""The debrief's charts: metric, title (English, the catalogue key: said with ``_()``), unit."""


class LessonError(ValueError):
    """A lesson file is invalid; ``problems`` lists every problem as ``file:key: expected …, got …``."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    role: str
    country: str | None = None
    goal: str = ""
    weights: tuple[tuple[str, float], ...] = ()
    """The team's own points per goal (e.g. hawks care less for revenue); empty: the role's."""


@dataclass(frozen=True)
class Lesson:
    """A validated lesson: what every team plays, and how the class is split."""

    path: str
    title: str
    scenario: str
    seed: int
    rounds: int
    months_per_round: int
    open_levers: tuple[str, ...]
    teams: tuple[Team, ...]
    guide: str = ""
    questions: tuple[str, ...] = ()
    minutes: int = 90

    @property
    def months(self) -> int:
        return self.rounds * self.months_per_round


# --------------------------------------------------------------------------
# lesson files


def lesson_path(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text:
        return Path(text)
    return LESSON_DIR / f"{text}.toml"


def load_lesson(name_or_path: str | Path) -> Lesson:
    """Read and validate a lesson; every problem is reported at once."""
    path = lesson_path(name_or_path)
    f = str(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise LessonError([_("{file}: no such lesson file").format(file=f)]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise LessonError([f"{f}: {toml_problem(exc)}"]) from None
    except OSError as exc:
        raise LessonError([f"{f}: cannot be read: {exc.strerror}"]) from None
    p = Problems(f)
    p.keys(raw, "", ("lesson", "teams"))
    body = raw.get("lesson")
    if not isinstance(body, dict):
        if "lesson" in raw:
            p.expected("lesson", "a [lesson] table", body)
        else:
            p.missing("lesson", "a [lesson] table")
        p.raise_if_any(LessonError)
    known = ("title", "scenario", "seed", "rounds", "months_per_round", "open_levers", "guide", "questions",
             "minutes")
    p.keys(body, "lesson", known)
    title = p.get(body, "lesson", "title", Text())
    scenario_name = p.get(body, "lesson", "scenario", Text(what="a scenario name"))
    seed = p.get(body, "lesson", "seed", Integer(0))
    rounds = p.get(body, "lesson", "rounds", Integer(1, 24))
    months_per_round = p.get(body, "lesson", "months_per_round", Integer(1, 120, "months"))
    minutes = p.get(body, "lesson", "minutes", Integer(10, 600, "minutes"), 90)
    guide = p.get(body, "lesson", "guide", Text(), "")
    questions = p.get(body, "lesson", "questions", ListOf(Text()), [])
    open_levers = p.get(body, "lesson", "open_levers", ListOf(Text(), what_="a list of lever names"), [])
    for i, name in enumerate(open_levers):
        if name not in LEVERS:
            p.unknown(f"lesson.open_levers[{i}]", name, LEVERS, noun="lever")
    scenario = None
    if isinstance(scenario_name, str):
        try:
            scenario = load_scenario(scenario_name)
        except ScenarioError as exc:
            p.add("lesson.scenario", exc.problems[0])
    if scenario is not None and isinstance(rounds, int) and isinstance(months_per_round, int):
        if rounds * months_per_round > scenario.meta.months:
            p.add("lesson.rounds", f"expected rounds x months_per_round <= {scenario.meta.months} "
                                   f"(the scenario's length), got {rounds} x {months_per_round}")
    if guide and not (inside(path.parent / guide, path.parent) and (path.parent / guide).is_file()):
        p.expected("lesson.guide", f"a file in the lesson's folder ({path.parent})", guide)
    teams = _teams(raw.get("teams"), scenario, p)
    p.raise_if_any(LessonError)
    return Lesson(path=f, title=title, scenario=scenario_name, seed=seed, rounds=rounds,
                  months_per_round=months_per_round, open_levers=tuple(open_levers), teams=teams,
                  guide=guide, questions=tuple(questions) or tuple(scenario.meta.questions), minutes=minutes)


TEAM_ID_WHAT = "an id of lower-case letters, digits or _ (it names a file)"


def _teams(raw: Any, scenario: Any, p: Problems) -> tuple[Team, ...]:
    if not isinstance(raw, dict) or not raw:
        if raw is None:
            p.missing("teams", "at least one [teams.<id>] table")
        else:
            p.expected("teams", "at least one [teams.<id>] table", raw)
        return ()
    out = []
    for tid, body in raw.items():
        at = f"teams.{tid}"
        if not TEAM_ID.fullmatch(tid):
            p.expected(at, TEAM_ID_WHAT, tid)
        if not isinstance(body, dict):
            p.expected(at, "a table", body)
            continue
        p.keys(body, at, ("name", "role", "country", "goal", "weights"))
        name = p.get(body, at, "name", Text())
        role = p.get(body, at, "role", Text(), "us_commerce")
        role = role_id(role) if isinstance(role, str) else role
        country = p.get(body, at, "country", Text(), "") or None
        goal = p.get(body, at, "goal", Text(), "")
        if isinstance(role, str) and role not in ROLE_IDS:
            p.expected(f"{at}.role", OneOf(ROLE_IDS).what, role)
        elif role in GOVERNMENT_TIER and scenario is not None:
            tier = GOVERNMENT_TIER[role]
            codes = tier_countries(scenario, tier)
            if country is None and tier == 3 and codes:
                country = default_government(scenario, tier)  # China, as in the game
            if country not in codes:
                p.expected(f"{at}.country", f"a Tier {tier} country of {scenario.name} (e.g. {', '.join(codes[:5])})",
                           country)
        weights = body.get("weights")
        if weights is not None and isinstance(role, str) and role in ROLE_IDS and weights_problem(role, weights):
            p.add(f"{at}.weights", weights_problem(role, weights))
            weights = None
        if isinstance(name, str) and isinstance(role, str):
            out.append(Team(tid, name, role, country, goal if isinstance(goal, str) else "",
                            tuple((weights or {}).items())))
    return tuple(out)


# --------------------------------------------------------------------------
# preparing a class


def new_class(lesson: Lesson, out: Path) -> list[Path]:
    """A class folder: class.json, one starting save per team, the teacher's guide, a handout."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder so nobody's saves are overwritten")
    (out / TEAMS_DIR).mkdir(parents=True, exist_ok=True)
    written = []
    info = {"format": "silicon-curtain-class", "version": 1, "lesson": lesson.path, "title": lesson.title,
            "scenario": lesson.scenario, "seed": lesson.seed, "rounds": lesson.rounds,
            "months_per_round": lesson.months_per_round, "open_levers": list(lesson.open_levers),
            "questions": list(lesson.questions),
            "teams": [{"id": t.id, "name": t.name, "role": t.role, "country": t.country, "goal": t.goal,
                       **({"weights": dict(t.weights)} if t.weights else {})} for t in lesson.teams]}
    write_json_atomic(out / CLASS_FILE, info)
    written.append(out / CLASS_FILE)
    for team in lesson.teams:
        session = GameSession(lesson.scenario, seed=lesson.seed, role=team.role, country=team.country)
        data = session.to_save()
        data["team"] = {"id": team.id, "name": team.name, **({"weights": dict(team.weights)} if team.weights else {})}
        data["lesson"] = lesson_rules(lesson).as_dict()
        path = out / TEAMS_DIR / f"{team.id}.json"
        write_json_atomic(path, data)
        written.append(path)
    if lesson.guide:
        guide = Path(lesson.path).parent / lesson.guide
        if language() == "en":
            shutil.copyfile(guide, out / "teacher_guide.md")  # the guide as written, byte for byte
        else:
            write_text(out / "teacher_guide.md", translate_paragraphs(guide.read_text(encoding="utf-8")) + "\n")
        written.append(out / "teacher_guide.md")
    write_text(out / "handout.md", handout(lesson))
    written.append(out / "handout.md")
    return written


def lesson_rules(lesson: Lesson | Mapping[str, Any]) -> LessonRules:
    """The constraints a team's save carries, from a lesson or a class folder's class.json."""
    if isinstance(lesson, Lesson):
        return LessonRules(lesson.title, lesson.open_levers, lesson.rounds, lesson.months_per_round)
    return LessonRules(str(lesson.get("title", "")), tuple(lesson.get("open_levers") or ()),
                       int(lesson["rounds"]), int(lesson["months_per_round"]))


def handout(lesson: Lesson) -> str:
    """What each team is told: the scenario, its role and goal, the rounds, how to hand in (in the chosen
    language: the lesson's and scenario's texts are catalogue keys)."""
    sc = load_scenario(lesson.scenario)
    lines = [f"# {markdown_text(_(lesson.title))}", "",
             _("Scenario: **{title}** (seed {seed}).").format(title=_(sc.meta.title), seed=lesson.seed), "",
             " ".join(translate_paragraphs(sc.meta.context).split()), "",
             _("You play {rounds} rounds of {months} months ({start} to {end}).").format(
                 rounds=lesson.rounds, months=lesson.months_per_round, start=month_text(sc.date(0)),
                 end=month_text(sc.date(lesson.months))), ""]
    if lesson.open_levers:
        lines += [_("Levers open in this lesson: {levers}.").format(
            levers=_(", ").join(lever_label(x) for x in lesson.open_levers)), ""]
    lines += ["## " + _("Teams"), ""]
    for t in lesson.teams:
        role = _(make_role(t.role, t.country).label)
        lines.append(_("- **{name}** — {role}. {goal}").format(
            name=markdown_text(_(t.name)), role=role, goal=markdown_text(_(t.goal))).rstrip())
        if t.weights:
            points = goal_weights(t.role, dict(t.weights))
            lines.append("  " + _("Scored on: {goals} points.").format(
                goals=_(", ").join(f"{_(g.label)} {points[g.key]:.0f}" for g in GOALS[t.role])))
    lines += ["", "## " + _("How to play and hand in"), "",
              _("Open your team's file in the game (`silicon-curtain play --load teams/<your team>.json`), "
                "play the round, and save (Ctrl+S or the Save button: it writes back to the same file). "
                "The game pauses at the end of each round and stops after the last one; only the lesson's "
                "open levers can be changed. Hand the file back to your teacher."), "",
              _("Or play in turns on one computer: `silicon-curtain class play <class folder>`."), ""]
    return "\n".join(lines)


def read_class(folder: Path) -> dict:
    path = folder / CLASS_FILE
    try:
        data = read_save(path)
    except SaveError as exc:
        raise LessonError([f"{path}: {exc.message} (is this a class folder made by `silicon-curtain class new`?)"])
    if data.get("format") != "silicon-curtain-class":
        raise LessonError([f"{path}:format: {expected(repr('silicon-curtain-class'), data.get('format'))}"])
    problem = class_problem(data)
    if problem:
        raise LessonError([f"{path}:{problem}"])
    _check_team_ids(data, path)
    return data


_CLASS_KEYS = (("title", Text()), ("scenario", Text(what="a scenario name")), ("seed", Integer()),
               ("rounds", Integer(1)), ("months_per_round", Integer(1)))
_TEAM_KEYS = (("id", Text(what=TEAM_ID_WHAT)), ("name", Text()), ("role", Text(what="a role id")))


def class_problem(data: Mapping[str, Any]) -> str | None:
    """``key: expected …, got …`` for the first key of a class.json that this program cannot use, or None."""
    p = Problems()
    for key, spec in _CLASS_KEYS:
        p.get(data, "", key, spec)
    p.get(data, "", "open_levers", ListOf(Text(), what_="a list of lever names"), [])
    p.get(data, "", "questions", ListOf(Text(), what_="a list of questions (text)"), [])
    teams = p.get(data, "", "teams", Where("a list of teams", lambda v: isinstance(v, list)))
    for i, t in enumerate(teams or []):
        if not isinstance(t, dict):
            p.expected(f"teams[{i}]", "an object with id, name and role", t)
            continue
        for key, spec in _TEAM_KEYS:
            p.get(t, f"teams[{i}]", key, spec)
        for key in ("country", "goal"):
            p.get(t, f"teams[{i}]", key, Nullable(Text()), None)
        if t.get("weights") is not None and isinstance(t.get("role"), str) and t["role"] in GOALS:
            problem = weights_problem(t["role"], t["weights"])
            if problem:
                p.add(f"teams[{i}].weights", problem)
    return p.messages()[0] if p else None


def _check_team_ids(info: Mapping[str, Any], path: Path) -> None:
    """Team ids name save files: checked again on read (the same rule as in a lesson), never a path."""
    teams = info.get("teams")
    for i, team in enumerate(teams if isinstance(teams, list) else []):
        tid = team.get("id") if isinstance(team, dict) else None
        if isinstance(team, dict) and not (isinstance(tid, str) and TEAM_ID.fullmatch(tid)):
            raise LessonError([f"{path}:teams[{i}].id: {expected(TEAM_ID_WHAT, tid)}"])


# --------------------------------------------------------------------------
# hot-seat: the teams take turns on one computer


class HotSeat:
    """Whose turn it is in a class folder played on one computer, round by round.

    Every team starts from the same month 0 (its own save in ``teams/``); in
    each round every team in turn plays ``months_per_round`` months from its
    own branch. The state is the teams' save files themselves (the next team is
    the first, in class order, whose save is furthest behind), so a class can
    stop and resume at any time. No pygame.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.info = read_class(self.folder)
        self.rules = lesson_rules(self.info)
        self.teams = tuple(Team(t["id"], t["name"], t["role"], t.get("country"), t.get("goal", ""),
                                tuple((t.get("weights") or {}).items()))
                           for t in self.info["teams"])
        if not self.teams:
            raise LessonError([f"{self.folder / CLASS_FILE}:teams: expected at least one team"])

    @property
    def title(self) -> str:
        return self.rules.title

    @property
    def last_month(self) -> int:
        return self.rules.last_month

    def path(self, team: Team) -> Path:
        return self.folder / TEAMS_DIR / f"{team.id}.json"

    def month_of(self, team: Team) -> int:
        """The month a team's save has reached (read from its header, without replaying it)."""
        path = self.path(team)
        data = read_save(path)
        return check_header(data, str(path))["month"]

    def months(self) -> dict[str, int]:
        return {t.id: self.month_of(t) for t in self.teams}

    @property
    def current(self) -> Team | None:
        """The team whose turn it is, or None when every team has played the last round."""
        months = self.months()
        behind = min(months.values())
        if behind >= self.last_month:
            return None
        return next(t for t in self.teams if months[t.id] == behind)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def round(self) -> int:
        """The round being played (1-based); ``rounds`` once the class has finished."""
        behind = min(self.months().values())
        return min(self.rules.rounds, behind // self.rules.months_per_round + 1)

    def target_month(self, team: Team) -> int:
        """The month at which this team's turn ends: the end of the round its save is in."""
        m = self.rules.months_per_round
        return min(self.last_month, (self.month_of(team) // m + 1) * m)

    def load(self, team: Team) -> GameSession:
        """The team's game, from its save, with the lesson's constraints (also for older class folders).

        A save of another scenario, seed or role (not this class's branch) raises SaveError.
        """
        path = self.path(team)
        data = read_save(path)
        mismatch = _mismatch(data, self.info, team)
        if mismatch:
            raise SaveError(str(path), "", mismatch)
        session = GameSession.from_save(data, str(path))
        session.file = path
        if session.lesson is None:
            session.lesson = self.rules
        if session.team is None:
            session.team = {"id": team.id, "name": team.name}
        return session

    def end_turn(self, session: GameSession) -> Path:
        """Write the team's game back to its own save file (atomically)."""
        team_id = (session.team or {}).get("id")
        team = next((t for t in self.teams if t.id == team_id), None)
        if team is None:
            raise ValueError(f"not a team of this class: {team_id!r}")
        return session.save(self.path(team))


# --------------------------------------------------------------------------
# handed-in saves


@dataclass
class TeamResult:
    """One team's handed-in run, or why it could not be used."""

    team: Team
    file: Path
    session: GameSession | None = None
    problem: str = ""
    warnings: list[str] = field(default_factory=list)


def collect_teams(folder: Path, info: dict) -> list[TeamResult]:
    """Load each team's save; a missing, corrupt or mismatched save is reported, the rest go on."""
    out = []
    for t in info["teams"]:
        team = Team(t["id"], t["name"], t["role"], t.get("country"), t.get("goal", ""))
        path = folder / TEAMS_DIR / f"{team.id}.json"
        result = TeamResult(team, path)
        out.append(result)
        if not path.exists():
            result.problem = _("no save handed in")
            continue
        try:
            data = read_save(path)
            mismatch = _mismatch(data, info, team)
            if mismatch:
                result.problem = mismatch
                continue
            result.session = GameSession.from_save(data, str(path))
        except SaveError as exc:
            result.problem = str(exc)
            continue
        if result.session.load_warning:
            result.warnings.append(result.session.load_warning)
        result.warnings += _out_of_lesson(result.session, info)
    return out


def _mismatch(data: Mapping[str, Any], info: Mapping[str, Any], team: Team) -> str:
    if data.get("scenario") != info["scenario"]:
        return _("scenario: expected {expected}, got {got} (another lesson's save?)").format(
            expected=repr(info["scenario"]), got=repr(data.get("scenario")))
    if data.get("seed") != info["seed"]:
        return _("seed: expected {expected}, got {got} (another class's save?)").format(
            expected=info["seed"], got=repr(data.get("seed")))
    if data.get("role") != team.role:
        return _("role: expected {expected}, got {got} (another team's save?)").format(
            expected=repr(team.role), got=repr(data.get("role")))
    return ""


def _out_of_lesson(session: GameSession, info: Mapping[str, Any]) -> list[str]:
    """Orders outside what the lesson opened, or past its last round."""
    notes = []
    open_levers = set(info.get("open_levers") or [])
    last = info["rounds"] * info["months_per_round"]
    for p in session.commands:
        levers = set(getattr(p.command, "levers", {}) or {})
        if open_levers and levers - open_levers:
            notes.append(_("{date}: used levers the lesson kept closed ({levers})").format(
                date=month_text(session.scenario.date(p.month)),
                levers=_(", ").join(sorted(lever_label(x) for x in levers - open_levers))))
    if session.month > last:
        notes.append(_("played to {date}, past the lesson's last round ({last})").format(
            date=month_text(session.view.date), last=month_text(session.scenario.date(last))))
    return notes


# --------------------------------------------------------------------------
# the debrief


def build_report(folder: Path, out: Path, band_samples: int | None = None) -> tuple[Path, list[TeamResult]]:
    """Write ``out/index.html`` (one offline page) and ``out/*.png``; returns the page and the teams.

    ``band_samples`` worlds (default as in the game; 0 for none) drawn from the declared ranges replay
    each team's orders, so every team's line has its 10-90% band: a gap between teams inside the bands
    may be what nobody knows about the world rather than what the teams did.
    """
    from game.ensemble import SAMPLES

    info = read_class(folder)
    teams = collect_teams(folder, info)
    out.mkdir(parents=True, exist_ok=True)
    good = [t for t in teams if t.session is not None]
    played = [t for t in good if t.session.month > 0]  # a team that has not played has no line yet
    months = max([t.session.month for t in good], default=0)
    baselines = good[0].session.baselines if good else {}
    samples = SAMPLES if band_samples is None else band_samples
    bands = team_bands(played, [metric[0] for metric in CHART_METRICS], samples) if samples > 0 else {}
    charts = []
    for key, label, unit in CHART_METRICS:
        png = _chart(key, _(label), unit, played, baselines, months, bands)
        name = f"{key}.png"
        write_bytes(out / name, png)
        charts.append((label, name, png))
    page = _html(info, teams, charts, months, samples if bands else 0)
    write_text(out / "index.html", page)
    return out / "index.html", teams


def team_bands(teams: list[TeamResult], keys: list[str], samples: int) -> dict[str, Any]:
    """Each team's :class:`game.ensemble.Band` up to the month it reached: ``samples`` worlds replaying its
    orders (teams run side by side in worker processes, as a batch does)."""
    import dataclasses

    from game.batch import default_workers, make_executor
    from game.ensemble import request_for, run_ensemble

    requests = {t.team.id: dataclasses.replace(request_for(t.session, keys, samples), horizon=t.session.month)
                for t in teams}
    if not requests:
        return {}
    with make_executor("process", min(len(requests), default_workers())) as pool:
        futures = {team: pool.submit(run_ensemble, request) for team, request in requests.items()}
        return {team: future.result() for team, future in futures.items()}


COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def _chart(key: str, label: str, unit: str, teams: list[TeamResult], baselines: Mapping, months: int,
           bands: Mapping[str, Any] | None = None) -> bytes:
    """One metric, every team and both baselines on the same axes: dates below, units in words; each
    team's band of sampled worlds shaded in its colour behind its line. In the chosen language, with a
    font that has its glyphs (and Japanese team names' glyphs in English)."""
    from game.fonts import figure_fonts

    with figure_fonts():
        return _draw_chart(key, label, unit, teams, baselines, months, bands)


def _draw_chart(key: str, label: str, unit: str, teams: list[TeamResult], baselines: Mapping, months: int,
                bands: Mapping[str, Any] | None) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    def dates(views):
        return [_month_start(v.date) for v in views]

    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    values = []
    shaded = ""
    for b, style, how in (("no_controls", ":", _("{baseline} (grey, dotted)")),
                          ("scheduled", "--", _("{baseline} (grey, dashed)"))):
        if b in baselines:
            views = baselines[b].views[: months + 1]
            ys = [v.metrics[key] for v in views]
            values += ys
            ax.plot(dates(views), ys, style, color="#777777", linewidth=1.5,
                    label=_plain(how.format(baseline=_(baselines[b].label))))
    for i, t in enumerate(teams):
        views = t.session.views
        ys = [v.metrics[key] for v in views]
        values += ys
        colour = COLOURS[i % len(COLOURS)]
        band = (bands or {}).get(t.team.id)
        q = band.quantiles(key) if band is not None else None
        if q is not None:
            n = min(len(views), q.shape[1])
            ax.fill_between(dates(views[:n]), q[0][:n], q[2][:n], color=colour, alpha=0.15, linewidth=0)
            shaded = _("10-90% of {n} sampled worlds (shaded, each team's colour)").format(n=band.samples)
            values += list(q[0][:n]) + list(q[2][:n])
        ax.plot(dates(views), ys, color=colour, linewidth=2.2, label=_plain(_(t.team.name)))
    ax.set_title(_plain(label), fontsize=13)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, pos: month_text(mdates.num2date(x).strftime("%Y-%m"))))
    if text_columns(month_text("2025-01")) > len("2025-01"):  # wider dates (2025年1月): fewer ticks, never touching
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: _axis_number(v, unit)))
    ylabel = {"USD": N_("US dollars"), "months": N_("months")}.get(unit, unit)
    ax.set_ylabel(_(ylabel))
    if not any(values):
        ax.set_ylim(0, 1)  # nothing has happened yet: no axis of -0.04 to 0.04
        ax.text(0.5, 0.5, _("nothing yet"), transform=ax.transAxes, ha="center", color="#777777")
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if shaded:
        from matplotlib.patches import Patch

        handles.append(Patch(color="#777777", alpha=0.25, linewidth=0))
        labels.append(shaded)
    if handles:
        ax.legend(handles, labels, fontsize=9, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _plain(text: str) -> str:
    """A name as matplotlib shows it literally: ``$`` would start mathtext, a leading ``_`` hides it."""
    text = text.replace("$", r"\$")
    return "\u200b" + text if text.startswith("_") else text


def markdown_text(text: str) -> str:
    """Text from a lesson file, shown as itself in Markdown: no HTML, links, emphasis or headings."""
    import html

    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_\[\]~|])", r"\\\1", text)


def _month_start(date: str):
    import datetime as dt

    year, month = date.split("-")
    return dt.date(int(year), int(month), 1)


def _axis_number(v: float, unit: str) -> str:
    """'$120B', '2.5M', '14': the game's own formatter, without units (the axis names them)."""
    return format_value(unit, v, style="bare")


STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}"
         "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;"
         "text-align:left;vertical-align:top}.charts{display:grid;grid-template-columns:1fr 1fr;gap:1rem}"
         ".charts img{width:100%}.problem{color:#b00}.warn{color:#a60}")


def _html(info: Mapping[str, Any], teams: list[TeamResult], charts: list, months: int, samples: int = 0) -> str:
    """The debrief page in the chosen language (``<html lang>``); Japanese text brings its own font."""
    e = html.escape
    facts = {"scenario": e(info["scenario"]), "seed": int(info["seed"]), "rounds": int(info["rounds"]),
             "months": int(info["months_per_round"]), "samples": samples}
    intro = (_("Scenario <b>{scenario}</b>, seed {seed}, {rounds} rounds of {months} months. Coloured lines: "
               "the teams. Grey lines: the same seed with no controls (dotted) and as the scenario schedules it "
               "with no player (dashed). Shaded, in each team's colour: where 8 in 10 of {samples} worlds drawn "
               "from the declared ranges of the estimated parameters went under that team's orders (the same "
               "seed). Where two teams' bands overlap, the gap between their lines may be what nobody knows "
               "about the world, not what the teams did.") if samples else
             _("Scenario <b>{scenario}</b>, seed {seed}, {rounds} rounds of {months} months. Coloured lines: "
               "the teams. Grey lines: the same seed with no controls (dotted) and as the scenario schedules it "
               "with no player (dashed)."))
    title = _(info["title"])
    page_title = _("{title} — debrief").format(title=title)
    parts = [
        f"<!doctype html><html lang='{language()}'><head><meta charset='utf-8'>",
        f"<title>{e(page_title)}</title>",
        "<style>{style}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{intro.format(**facts)}</p>",
    ]
    problems = [t for t in teams if t.problem]
    if problems:
        parts.append("<h2>" + e(_("Saves that could not be used")) + "</h2><ul>")
        parts += [f"<li class='problem'><b>{e(_(t.team.name))}</b> ({e(str(t.file))}): {e(t.problem)}</li>"
                  for t in problems]
        parts.append("</ul>")
    head = "".join(f"<th>{e(h)}</th>" for h in (_("team"), _("role"), _("month"), _("score"), _("goals")))
    parts.append("<h2>" + e(_("Scores")) + f"</h2><table><tr>{head}</tr>")
    for t in teams:
        if t.session is None:
            continue
        row = (f"<tr><td>{e(_(t.team.name))}</td><td>{e(_(t.session.role.label))}</td>"
               f"<td>{e(month_text(t.session.view.date))}</td>")
        if t.session.month == 0:
            parts.append(row + "<td><i>" + e(_("not played yet")) + "</i></td><td></td></tr>")
            continue
        s = t.session.score
        goals = _("; ").join(f"{e(_(g.label))} {g.value * g.weight:.0f}/{g.weight:.0f}" for g in s.goals)
        parts.append(row + f"<td><b>{s.total:.0f}</b></td><td>{goals}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>" + e(_("Key metrics, all teams on the same axes")) + "</h2><div class='charts'>")
    for label, name, png in charts:
        data = base64.b64encode(png).decode("ascii")
        parts.append(f"<figure><img alt='{e(_(label))}' src='data:image/png;base64,{data}'>"
                     f"<figcaption>{e(_(label))}</figcaption></figure>")
    parts.append("</div><h2>" + e(_("Decisions and what followed")) + "</h2>")
    for t in teams:
        if t.session is None:
            continue
        parts.append(f"<h3>{e(_(t.team.name))}</h3>")
        if t.team.goal:
            parts.append("<p><i>" + e(_("Goal: {goal}").format(goal=_(t.team.goal))) + "</i></p>")
        parts += [f"<p class='warn'>{e(w)}</p>" for w in t.warnings]
        effects = t.session.decision_effects()
        if not effects:
            parts.append("<p>" + e(_("No decisions: the team let the scenario run as scheduled.")) + "</p>")
            continue
        head = "".join(f"<th>{e(h)}</th>" for h in (
            _("when"), _("decision"), _("over the next 12 months, against the scenario as scheduled"),
            _("what happened")))
        parts.append(f"<table><tr>{head}</tr>")
        for d in effects:
            effect = _("; ").join(d.effects)
            parts.append(f"<tr><td>{e(month_text(d.date))}</td><td>{e(d.text)}</td>"
                         f"<td>{e(effect)}</td><td>{'<br>'.join(e(x) for x in d.events)}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>" + e(_("Questions for discussion")) + "</h2><ol>")
    parts += [f"<li>{e(_(q))}</li>" for q in info.get("questions", [])]
    parts.append("</ol></body></html>")
    page = "\n".join(parts)
    return page.replace("<style>{style}</style>", f"<style>{_page_style(page)}</style>", 1)


def _page_style(page: str) -> str:
    """The page's CSS; a page with Japanese text embeds the part of Noto Sans JP it uses, for its
    Japanese characters only (so it reads the same on a computer without a Japanese font)."""
    from game.fonts import WEB_FAMILY, web_font_css

    font = web_font_css(html.unescape(re.sub(r"<[^>]*>", "", page)))
    if not font:
        return STYLE
    return font + STYLE.replace("font-family:", f"font-family:'{WEB_FAMILY}',", 1)
