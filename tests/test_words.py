"""One place says levers and numbers to people: no code names, no raw floats (issue #11)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.model import ComputeModel
from agents.regime import LEVERS
from agents.words import describe_levers, format_lever, human, lever_expects, lever_label

RAW = re.compile(r"_|e\+|\bNone\b|\bTrue\b|\bFalse\b")


def values(name):
    spec = LEVERS[name]
    if spec.kind == "choice":
        return list(spec.choices)
    if spec.kind == "bool":
        return [True, False]
    if spec.kind == "floats":
        return [[1e5, 2.5e5]]
    return [spec.default] + [v for v in (spec.lo, spec.hi) if v is not None]


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_every_lever_and_value_reads_as_words(name):
    assert not RAW.search(lever_label(name)), lever_label(name)
    for v in values(name):
        assert not RAW.search(format_lever(name, v)), (name, v, format_lever(name, v))
    assert not RAW.search(lever_expects(name))


def test_the_examples_people_asked_for():
    assert format_lever("enforcement_budget_usd", 3.74e8) == "$374M a year"
    assert format_lever("lpp_limit_h100e", 500) == "500 H100e per buyer a year"
    assert format_lever("variant_policy", "licence_fee") == "licence with a fee"
    assert format_lever("country_cap_h100e", 1e7) == "10M H100e"
    assert human(1e26) == "1e26" and lever_expects("location_verification") == "on or off"
    assert describe_levers({"lpp_limit_h100e": 500, "hbm_controls": False}) == (
        "Licence-free allowance (LPP) 500 H100e per buyer a year; HBM controls off")


def test_the_models_news_names_levers_in_words():
    m = ComputeModel(scenario="diffusion_rule_2025", seed=1)
    for _ in range(5):
        m.step()
    texts = [e.text for e in m.events if e.kind in ("announced", "levers")]
    assert texts and all(not RAW.search(t) for t in texts), texts
    assert any("Tier 2 caps (Diffusion Rule) on" in t for t in texts)


NAMES = {  # countries, chips, companies, sources and report markers: names, not terms to explain
    "US", "USA", "UAE", "T2", "T3", "A100", "A800", "H100", "H20", "H200", "H800", "B200", "NVIDIA", "G42",
    "AP", "FT", "FR", "RAND",
}


def test_every_acronym_a_player_meets_is_in_the_glossary():
    import dataclasses

    from agents.scenario import available_scenarios, load_scenario
    from game.session import _ROLE_TEXT
    from game.ui.texts import GLOSSARY

    texts = [t for s in LEVERS.values() for t in (s.cost, s.short, s.label, s.doc)]
    texts += [t + " " + s for t, s in _ROLE_TEXT.values()]
    texts += [d for _, d in GLOSSARY]
    for name in available_scenarios():
        meta = load_scenario(name).meta
        texts += [" ".join(v) if isinstance(v, (list, tuple)) else str(v)
                  for v in (getattr(meta, f.name) for f in dataclasses.fields(meta))]
    terms = " / ".join(k for k, _ in GLOSSARY)
    used = {re.sub(r"(?<=[A-Z])\d{4}$", "", w) for t in texts for w in re.findall(r"\b[A-Z][A-Z0-9]{1,}\b", t)}
    missing = sorted(w for w in used - NAMES if w and not re.search(rf"\b{w}\b", terms))
    assert not missing, f"explain in the glossary: {missing}"


def test_one_formatter_serves_every_place_a_number_is_shown():
    from agents.words import format_value, table_number

    assert format_value("USD/year", 3.74e8) == "$374M a year"  # the game, news, handout
    assert format_value("USD/year", 3.74e8, style="short") == "$374M"  # the debrief's table
    assert format_value("months", 14.0) == "14 months"
    assert format_value("months", 27.34, style="short") == "27.3 mo"
    assert format_value("months", 12.5, style="bare") == "12.5"  # a CLI column or chart axis names the unit
    assert format_value("share", 0.7126, digits=1) == "71.3%" and format_value("share", 0.5) == "50%"
    assert format_value("H100e", 1_530_000, digits=2, style="bare") == "1.53M"
    assert format_value("H100e", float("nan")) == "n/a" and format_value("count", 1234.0) == "1,234"
    assert table_number(0.1 + 0.2) == "0.3" and table_number(191e6) == "1.91e+08" and table_number(12.0) == "12"


@given(st.floats(min_value=-1e30, max_value=1e30, allow_nan=False).filter(lambda v: v == 0 or abs(v) >= 1e-3))
def test_a_number_shown_in_a_field_reads_back_as_the_same_value(v):
    from agents.words import entry_text, parse_entry

    assert parse_entry(entry_text(v)) == pytest.approx(v, rel=5e-4, abs=1e-9)


def test_every_choice_of_every_choice_lever_has_words():
    for name, spec in LEVERS.items():
        if spec.kind == "choice":
            assert set(spec.choice_words) == set(spec.choices), name
    assert human(9.98) == "10" and human(0.5) == "0.5"  # never '1e+01'
