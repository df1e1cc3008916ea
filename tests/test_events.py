"""Pressure events: raised by the model's numbers, answered with orders, logged, saved and replayed."""

import dataclasses
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pygame
import pytest

from agents import commands as cmd
from game import events as ev
from game.session import ROLE_IDS, GameSession, SaveError, branch_of, make_role, role_problem
from support import flows, with_metrics

SCENARIO = "diffusion_rule_2025"


def play(seed=1, role="bis_enforcement", country=None, months=30, answer=0, overrides=None):
    """A game answering every event with option ``answer`` (None: let each pass)."""
    s = GameSession(SCENARIO, seed=seed, role=role, country=country, overrides=overrides)
    for _ in range(months):
        if s.pending_event is not None and answer is not None:
            assert s.choose(min(answer, len(s.pending_event.choices) - 1)).ok
        s.advance_month()
    return s


@lru_cache(maxsize=None)
def views(role="us_commerce", country=None, months=14):
    s = GameSession(SCENARIO, seed=1, role=role, country=country)
    for _ in range(months):
        s.advance_month()
    return tuple(s.views), s.role




# ---------------------------------------------------------------------------
# triggers: the numbers, never the date


def test_a_breakthrough_fires_on_a_record_jump_in_domestic_output_whatever_the_month():
    vs, role = views()
    best = max(v.metrics["domestic_output_adversary"] for v in vs[:-1])
    quiet = with_metrics(vs[-1], domestic_output_adversary=best * 1.05)
    jump = with_metrics(vs[-1], domestic_output_adversary=best * 1.3)
    assert ev.domestic_breakthrough(ev.Moment(vs[:-1] + (quiet,), role)) is None
    cause = ev.domestic_breakthrough(ev.Moment(vs[:-1] + (jump,), role))
    assert cause is not None and "30% above its best month so far" in cause.text
    for month in (3, 40, 70):  # the same numbers in another month (and date) fire the same way
        moved = dataclasses.replace(jump, month=month, date="2029-05")
        assert ev.domestic_breakthrough(ev.Moment(vs[:-1] + (moved,), role)) == cause


def test_a_seizure_at_a_hub_through_which_much_was_smuggled_exposes_a_ring():
    vs, role = views()
    now = flows(vs[-1], "SGP", flow_seized_h100e=0.0, flow_smuggled_h100e=5000.0, imports_h100e=10000.0)
    now = dataclasses.replace(now, flow_seized_h100e=np.zeros(len(now.codes)))
    assert ev.smuggling_ring(ev.Moment(vs[:-1] + (now,), role)) is None  # nothing seized: nothing exposed
    seized = flows(now, "SGP", flow_seized_h100e=450.0)
    cause = ev.smuggling_ring(ev.Moment(vs[:-1] + (seized,), role))
    assert cause.country == "SGP" and "Singapore seized 450 H100e" in cause.text
    assert "50% of what it imported" in cause.text
    little = flows(seized, "SGP", flow_smuggled_h100e=500.0)  # a seizure with little smuggling behind it
    assert ev.smuggling_ring(ev.Moment(vs[:-1] + (little,), role)) is None


def test_a_tier2_governments_cap_event_moves_earlier_with_a_smaller_cap():
    def first(overrides):
        s = play(role="tier2_government", country="IND", months=14, answer=None, overrides=overrides)
        return next(a.event.month for a in s.events if a.event.id == "cap_binding")

    published = first(None)
    smaller = first({"country_cap_h100e": 20000.0})
    assert smaller < published  # the cap, not the calendar, decides when it comes


def test_an_event_is_offered_only_to_the_roles_it_names_and_needs_an_order_to_decide():
    vs, role = views()
    jump = with_metrics(vs[-1], domestic_output_adversary=1e9)
    m = ev.Moment(vs[:-1] + (jump,), make_role("bis_enforcement"))
    assert ev.raise_event(ev.BY_ID["domestic_breakthrough"], m) is None  # enforcement has no such options
    raised = ev.raise_event(ev.BY_ID["domestic_breakthrough"], ev.Moment(vs[:-1] + (jump,), role))
    assert [c.label for c in raised.choices] == ["Issue the Huawei guidance", "Licence export variants for a fee",
                                                 "Do nothing"]
    both_done = dataclasses.replace(jump, levers=MappingProxyType({**jump.levers, "huawei_guidance": True,
                                                                  "variant_policy": "licence_fee"}))
    assert ev.raise_event(ev.BY_ID["domestic_breakthrough"], ev.Moment(vs[:-1] + (both_done,), role)) is None


# ---------------------------------------------------------------------------
# the session: raise, choose, pass, save, replay, branch


def test_the_same_seed_and_choices_give_the_same_events():
    a, b = play(answer=0), play(answer=0)
    assert [x.as_dict() for x in a.events] == [x.as_dict() for x in b.events]
    assert [x.event for x in a.events] == [x.event for x in b.events]  # causes and orders too
    assert len(a.events) >= 2


def test_choosing_an_option_submits_its_order_and_the_answer_goes_into_the_news_and_the_save():
    s = GameSession(SCENARIO, seed=1, role="bis_enforcement")
    while s.pending_event is None:
        s.advance_month()
    event = s.pending_event
    assert s.news[-1].kind == "event" and s.news[-1].why == event.cause
    assert not s.choose(7).ok and s.pending_event is event  # no such option: still open
    assert s.choose(0).ok and s.pending_event is None
    assert s.queued() == list(event.choices[0].commands)
    assert s.news[-1].origin == "you" and event.choices[0].label in s.news[-1].text
    assert not s.choose(0).ok  # nothing open any more
    data = s.to_save()
    assert data["events"] == [{"month": event.month, "id": event.id, "choice": 0}]
    assert data["commands"][-1]["month"] == event.month


def test_an_unanswered_event_passes_when_the_month_advances():
    s = GameSession(SCENARIO, seed=1, role="bis_enforcement")
    while s.pending_event is None:
        s.advance_month()
    event = s.pending_event
    s.advance_month()
    assert s.events[-1].event == event and s.events[-1].choice is None and s.commands == []
    assert any(n.text == f"{event.title}: no answer; it passed" for n in s.news)


def test_an_option_the_role_or_lesson_would_refuse_is_unavailable_with_the_reason():
    s = GameSession(SCENARIO, seed=1, role="bis_enforcement")
    while s.pending_event is None:
        s.advance_month()
    from game.session import LessonRules

    s.lesson = LessonRules("Budget only", ("location_verification",), 3, 24)
    levers = [i for i, c in enumerate(s.pending_event.choices) if c.commands]
    assert all("keeps" in s.option_problem(i) for i in levers)
    result = s.choose(levers[0])
    assert not result.ok and "keeps" in result.reason and s.pending_event is not None and s.commands == []


def test_save_and_load_replays_the_events_and_their_answers():
    s = play(answer=1, months=30)
    data = s.to_save()
    loaded = GameSession.from_save(data)
    assert loaded.load_warning == ""
    assert [x.as_dict() for x in loaded.events] == data["events"]
    assert [n.text for n in loaded.news] == [n.text for n in s.news]
    old = {k: v for k, v in data.items() if k != "events"}  # a save from before events: still loads
    assert GameSession.from_save(old).load_warning == ""
    other = dict(data, events=[dict(data["events"][0], id="vendor_lobbying")] + data["events"][1:])
    assert "other events" in GameSession.from_save(other).load_warning
    with pytest.raises(SaveError, match=r"events\[0\]\.choice"):
        GameSession.from_save(dict(data, events=[dict(data["events"][0], choice="yes")]))


def test_a_save_with_an_event_waiting_asks_it_again_on_load():
    s = GameSession(SCENARIO, seed=1, role="bis_enforcement")
    while s.pending_event is None:
        s.advance_month()
    loaded = GameSession.from_save(s.to_save())
    assert loaded.pending_event == s.pending_event and loaded.load_warning == ""


def test_a_branch_keeps_the_events_before_it_and_asks_the_one_at_it_again():
    s = play(answer=0, months=30)
    at = s.events[1].event.month
    b = branch_of(s.to_save(), at)
    assert [x.as_dict() for x in b.events] == [x.as_dict() for x in s.events[:1]]
    assert b.pending_event == s.events[1].event and b.load_warning == ""


# ---------------------------------------------------------------------------
# the table


def _contexts():
    """(kind, role, option) for every option of every event, for the roles this game has."""
    for kind in ev.KINDS:
        for role_id, options in kind.options.items():
            if role_id in ROLE_IDS:
                for option in options:
                    yield kind, role_id, option


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_every_option_of_every_event_is_an_order_its_role_may_give(role_id):
    country = "IND" if role_id == "tier2_government" else None
    vs, role = views(role_id, country)
    m = ev.Moment(vs, role)
    built = 0
    for kind, rid, option in _contexts():
        if rid != role_id:
            continue
        assert 2 <= len(kind.options[rid]) <= 3, kind.id
        for hub in ("IND", "MYS", "ARE"):
            commands = option.build(m, hub if country is None else country)
            for c in commands or ():
                assert role_problem(role, c) is None, (kind.id, option.label)
                assert cmd.validate(c, {code: i for i, code in enumerate(vs[-1].codes)}, vs[-1].month).ok
                built += 1
    assert built > 0


def test_tier3_options_are_orders_a_tier3_government_may_give():
    role = make_role("tier3_government", "CHN")
    vs, _ = views()
    built = 0
    for kind in ev.KINDS:
        for option in kind.options.get("tier3_government", ()):
            for c in option.build(ev.Moment(vs, role), "") or ():  # Tier 3 causes name no country: its own
                assert role_problem(role, c) is None and c.country == "CHN", (kind.id, option.label)
                assert cmd.validate(c, {code: i for i, code in enumerate(vs[-1].codes)}, vs[-1].month).ok
                built += 1
    assert built >= 5


@pytest.mark.parametrize("role,country", [("us_commerce", None), ("bis_enforcement", None),
                                          ("tier2_government", "IND"), ("tier3_government", "CHN")])
def test_a_whole_game_has_several_events_but_not_one_every_month(role, country):
    s = play(seed=1, role=role, country=country, months=72, answer=None)
    months = [a.event.month for a in s.events]
    assert 3 <= len(months) <= 12, months
    assert all(b - a >= ev.GAP_MONTHS for a, b in zip(months, months[1:]))


# ---------------------------------------------------------------------------
# the card


@pytest.fixture
def app(tmp_path, monkeypatch):
    from game.ui.app import App, Settings

    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    pygame.display.init()
    pygame.font.init()
    yield lambda scale=1.0, size=(1280, 720): App(size=size, settings=Settings(ui_scale=scale, width=size[0],
                                                                              height=size[1]),
                                                 persist_settings=False)
    pygame.display.quit()


def key(app, k, frames=2):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0))
    app.pump(frames)


def waiting(role="bis_enforcement"):
    s = GameSession(SCENARIO, seed=1, role=role)
    while s.pending_event is None:
        s.advance_month()
    return s


def test_the_card_opens_pauses_the_clock_and_keys_choose(app):
    from game.ui.scenes import EventScene, MainScene

    a = app()
    s = waiting()
    main = MainScene(a, s)
    a.reset(main)
    a.sim.set_speed(2)
    a.pump(3)
    assert isinstance(a.top, EventScene) and a.sim.paused
    key(a, pygame.K_ESCAPE)  # no way round it
    assert isinstance(a.top, EventScene) and s.pending_event is not None
    key(a, pygame.K_2)
    assert a.top is main and s.events[-1].choice == 1 and a.sim.speed == 2
    assert s.queued() == list(s.events[-1].event.choices[1].commands)


def test_key_1_chooses_the_first_option_and_the_card_does_not_come_back(app):
    from game.ui.scenes import EventScene, MainScene

    a = app()
    s = waiting()
    main = MainScene(a, s)
    a.reset(main)
    a.pump(3)
    assert isinstance(a.top, EventScene)
    key(a, pygame.K_1, frames=5)
    assert a.top is main and s.events[-1].choice == 0


@pytest.mark.parametrize("scale,size", [(1.0, (1280, 720)), (1.25, (1280, 720)), (1.5, (1600, 900))])
def test_the_card_fits_the_screen_at_every_scale(app, scale, size):
    from game.ui.scenes import EventScene, MainScene

    a = app(scale, size)
    a.reset(MainScene(a, waiting("us_commerce")))
    a.pump(3)
    card = a.top
    assert isinstance(card, EventScene)
    screen = pygame.Rect((0, 0), size)
    assert screen.contains(card.card)
    buttons = [w.rect for w in card.widgets]
    texts = [r for r, _, _ in card.rows]
    assert all(card.card.contains(r) for r in buttons + texts)
    assert not any(x.colliderect(y) for i, x in enumerate(buttons + texts) for y in (buttons + texts)[i + 1:])


def test_an_event_raised_as_a_class_turn_ends_waits_for_the_teams_next_turn(app, tmp_path):
    from game.classroom import HotSeat, load_lesson, new_class
    from game.ui.scenes.classroom import ClassScene, TurnScene

    lesson = tmp_path / "three.toml"  # seed 1: the first Commerce event comes in month 3, the round's end
    lesson.write_text('[lesson]\ntitle = "Three"\nscenario = "diffusion_rule_2025"\nseed = 1\nrounds = 2\n'
                      'months_per_round = 3\nopen_levers = ["lpp_limit_h100e"]\n\n'
                      '[teams.red]\nname = "Red"\nrole = "us_commerce"\n')
    new_class(load_lesson(lesson), tmp_path / "class")
    seat = HotSeat(tmp_path / "class")
    a = app()
    scene = ClassScene(a, seat)
    a.reset(scene)
    a.pump(2)
    key(a, pygame.K_RETURN)
    assert isinstance(a.top, TurnScene)
    for _ in range(3):
        key(a, pygame.K_n, frames=3)
    assert a.top is scene and seat.month_of(seat.teams[0]) == 3
    again = seat.load(seat.teams[0])
    assert again.pending_event is not None and again.pending_event.month == 3 and again.events == []
