"""Japanese news, events, score and roles (issue #15), and a game that is the same game in either language.

The news, the pressure events and the score's words are said in the language chosen when they happen;
nothing the model or the session decides reads them, so the metrics, command logs and saves are the same
in English and Japanese, and a save made in one language replays exactly in the other.
"""

import dataclasses
import re
from functools import lru_cache

import pytest

from agents import commands as cmd
from agents.lang import _
from game import events as ev
from game import i18n
from game.score import GOALS, score
from game.session import ROLE_IDS, GameSession, make_role
from support import flows, with_metrics

JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
"""Kana or kanji: the text is Japanese."""
SCENARIO = "diffusion_rule_2025"
COUNTRY = {"tier2_government": "IND", "tier3_government": "CHN"}



def japanese(text: str) -> bool:
    """Japanese words with no placeholder left unfilled."""
    return bool(JA.search(text)) and "{" not in text and "}" not in text


def play(language: str, months: int = 14, seed: int = 1, role: str = "us_commerce") -> GameSession:
    """A game in ``language``: an order in month 0 and every event answered with its first option."""
    i18n.use(language)
    s = GameSession(SCENARIO, seed=seed, role=role, country=COUNTRY.get(role))
    if role == "us_commerce":
        assert s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 6e8})).ok
    for _month in range(months):
        if s.pending_event is not None:
            assert s.choose(0).ok
        s.advance_month()
    return s


@lru_cache(maxsize=None)
def views(months: int = 10):
    """Views of the scenario as scheduled (English; the numbers are the same in any language)."""
    i18n.use("en")
    s = GameSession(SCENARIO, seed=1)
    for _month in range(months):
        s.advance_month()
    return tuple(s.views)


# ---------------------------------------------------------------------------
# the news


def test_months_of_the_diffusion_rule_in_japanese_give_japanese_news_with_japanese_country_names():
    s = play("ja")
    kinds = {n.kind for n in s.news}
    assert {"announced", "in_force", "networks_entered", "you", "event", "event_answer"} <= kinds, kinds
    for n in s.news:
        assert japanese(n.text), (n.kind, n.text)
        assert not n.why or japanese(n.why), (n.kind, n.why)
        assert re.fullmatch(r"\d{4}-\d{2}", n.date)  # data stays ISO; the UI says it with month_text
    about = [n for n in s.news if n.country and n.origin == "model"]
    assert about, "no news about a country"
    for n in about:
        english, name = s._names[n.country], s.country_name(n.country)
        assert JA.search(name) and name in n.text and english not in n.text, n.text
    announced = next(n.text for n in s.news if n.kind == "announced")
    assert "2025年5月" in announced  # dates in the Japanese form
    assert any("密輸" in n.text for n in s.news)  # the glossary's terms
    assert s.country_name("CHN") == "中国" and s.country_name("USA") == "米国"


def test_model_news_counts_and_english_stay_as_they_were():
    i18n.use("en")
    s = GameSession(SCENARIO, seed=1)
    for _month in range(6):
        s.advance_month()
    texts = [n.text for n in s.news]
    assert "Announced for 2025-05: Tier 2 caps (Diffusion Rule) on; Model-weight controls on" in texts
    assert "3 new smuggling networks (grey premium 60%)" in texts
    assert "1 new smuggling network (grey premium 43%)" in texts  # the singular, by ngettext
    assert "Enforcement seizes 1 shipment (1.4k H100e) in transit hubs" in texts


def test_news_already_written_stays_in_its_language_and_new_news_follows_the_choice():
    s = play("ja", months=4)
    written = list(s.news)
    i18n.use("en")
    for _month in range(4):
        s.advance_month()
    assert s.news[:len(written)] == written and all(japanese(n.text) for n in written)
    later = [n.text for n in s.news[len(written):]]
    assert later and not any(JA.search(t) for t in later), later


def test_session_messages_speak_japanese():
    i18n.use("ja")
    s = GameSession(SCENARIO, seed=1, role="bis_enforcement")
    order = cmd.SetLevers(levers={"enforcement_budget_usd": 6e8})
    for text in (s.order_confirmation(order), s.describe(cmd.SetTier(country="SGP", tier=3)),
                 s.describe(cmd.BilateralDeal(country="ARE", h100e_per_year=1e5)),
                 s.refusal_text(s.problem(cmd.SetTier(country="SGP", tier=3))),
                 s.refusal_text(s.problem(cmd.SetLevers(levers={"tier2_caps": False}))),
                 s.option_problem(0)):
        assert japanese(text), text
    assert "シンガポール" in s.describe(cmd.SetTier(country="SGP", tier=3))
    assert "2025年1月" in s.order_confirmation(order)


# ---------------------------------------------------------------------------
# pressure events


def _raised(kind: ev.EventKind, role_id: str) -> ev.RaisedEvent | None:
    """``kind`` put to ``role_id`` now, whatever its trigger says (its cause is a fixed sentence)."""
    country = COUNTRY.get(role_id, "SGP")
    forced = dataclasses.replace(kind, trigger=lambda m: ev.Cause(_("Do nothing"), country))
    return ev.raise_event(forced, ev.Moment(views(), make_role(role_id, COUNTRY.get(role_id))))


def test_every_event_kind_title_and_option_reads_in_japanese():
    vs = views()
    i18n.use("ja")
    raised = set()
    for kind in ev.KINDS:
        assert japanese(kind.title_text), kind.id
        for role_id, options in kind.options.items():
            for o in options:
                assert japanese(_(o.label)) and japanese(_(o.consequence)), (kind.id, o.label)
            event = _raised(kind, role_id)
            if event is None:  # every order it offers is already in force in these views
                continue
            raised.add(kind.id)
            assert event.title == kind.title_text and japanese(event.title)
            offered = [o for o in options if o.build(ev.Moment(vs, make_role(role_id, COUNTRY.get(role_id))),
                                                     COUNTRY.get(role_id, "SGP")) is not None]
            assert [c.label for c in event.choices] == [_(o.label) for o in offered]
            assert all(japanese(c.label) and japanese(c.consequence) for c in event.choices)
    assert raised == {k.id for k in ev.KINDS}  # every kind, put to at least one role




def test_event_causes_read_in_japanese_with_their_numbers():
    vs = views()
    us = make_role("us_commerce")
    i18n.use("ja")
    best = max(v.metrics["domestic_output_adversary"] for v in vs[:-1])
    ring = flows(vs[-1], "SGP", flow_seized_h100e=450.0, flow_smuggled_h100e=5000.0, imports_h100e=10000.0)
    spike = with_metrics(vs[-1], seizures_cum=vs[-2].metrics["seizures_cum"] + 4)
    lobby = with_metrics(vs[-1], us_vendor_revenue_cum=vs[-2].metrics["us_vendor_revenue_cum"]
                  + 0.5 * (vs[-2].metrics["us_vendor_revenue_cum"] - vs[-3].metrics["us_vendor_revenue_cum"]))
    jump = with_metrics(vs[-1], domestic_output_adversary=best * 1.3)
    causes = {
        "ring": ev.smuggling_ring(ev.Moment(vs[:-1] + (ring,), us)),
        "breakthrough": ev.domestic_breakthrough(ev.Moment(vs[:-1] + (jump,), us)),
        "spike": ev.seizure_spike(ev.Moment(vs[:-1] + (spike,), us)),
        "lobbying": ev.vendor_lobbying(ev.Moment(vs[:-1] + (lobby,), us)),
    }
    for name, cause in causes.items():
        assert cause is not None and japanese(cause.text), (name, cause)
    assert "シンガポールの税関" in causes["ring"].text and "450 H100e" in causes["ring"].text
    assert "輸入量の50%" in causes["ring"].text
    assert "30%" in causes["breakthrough"].text and "4件" in causes["spike"].text
    assert "50%" in causes["lobbying"].text and "ドル" in causes["lobbying"].text


# ---------------------------------------------------------------------------
# the score and the roles


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_score_goals_and_roles_read_in_japanese(role_id):
    vs = views()
    i18n.use("ja")
    role = make_role(role_id, COUNTRY.get(role_id))
    for text in (role.title, role.summary, role.short, role.label):
        assert japanese(text), text
    for g in GOALS[role_id]:
        assert japanese(g.label) and japanese(g.doc), g.key
    sc = score(role_id, vs[-1], vs[0], None, vs[-2], COUNTRY.get(role_id))
    for g in sc.goals:
        assert japanese(g.label) and japanese(g.detail) and japanese(g.doc), (g.key, g.detail)
    i18n.use("en")
    assert [g.label for g in sc.goals] == [g.name for g in GOALS[role_id]]  # English: the keys themselves
    assert role.title == role.name and not JA.search(role.summary)


# ---------------------------------------------------------------------------
# the same game in either language


def _decisions(s: GameSession) -> dict:
    """Everything the model and the session decided (no words): metrics, the command log, the save."""
    save = {k: v for k, v in s.to_save().items() if k != "saved_at"}
    return {"metrics": s.metrics_rows(), "log": list(s.model.command_log), "save": save,
            "events": [(n.month, n.kind, n.country) for n in s.news], "answers": [a.as_dict() for a in s.events]}


def test_the_same_seed_and_orders_give_the_same_game_in_english_and_japanese():
    en, ja = play("en", months=24), play("ja", months=24)
    assert ja.events and ja.model.command_log  # events were raised and answered, orders were given
    assert _decisions(en) == _decisions(ja)
    assert [n.text for n in en.news] != [n.text for n in ja.news]  # only the words differ


def test_a_save_made_in_japanese_replays_exactly_in_english_and_back():
    made = play("ja", months=18)
    data = made.to_save()
    i18n.use("en")
    loaded = GameSession.from_save(data)
    assert loaded.load_warning == ""
    assert loaded.metrics_rows() == made.metrics_rows()
    assert [a.as_dict() for a in loaded.events] == data["events"]
    assert not any(JA.search(n.text) for n in loaded.news)  # replayed in the language of the replay
    i18n.use("ja")
    again = GameSession.from_save(loaded.to_save())
    assert again.load_warning == "" and again.metrics_rows() == made.metrics_rows()
