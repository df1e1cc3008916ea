"""One place says levers and numbers to people: no code names, no raw floats (issue #11)."""

import re

import pytest

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
    assert format_lever("enforcement_budget_usd", 3.74e8) == "$374.0M a year"
    assert format_lever("lpp_limit_h100e", 500) == "500 H100e per buyer a year"
    assert format_lever("variant_policy", "licence_fee") == "licence with a fee"
    assert format_lever("country_cap_h100e", 1e7) == "10.0M H100e"
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
    from game.ui.texts import COSTS, GLOSSARY, SHORT_LABEL
    from agents.words import LEVER_LABELS

    texts = list(COSTS.values()) + list(SHORT_LABEL.values()) + list(LEVER_LABELS.values())
    texts += [s.doc for s in LEVERS.values()] + [t + " " + s for t, s in _ROLE_TEXT.values()]
    texts += [d for _, d in GLOSSARY]
    for name in available_scenarios():
        meta = load_scenario(name).meta
        texts += [" ".join(v) if isinstance(v, (list, tuple)) else str(v)
                  for v in (getattr(meta, f.name) for f in dataclasses.fields(meta))]
    terms = " / ".join(k for k, _ in GLOSSARY)
    used = {re.sub(r"(?<=[A-Z])\d{4}$", "", w) for t in texts for w in re.findall(r"\b[A-Z][A-Z0-9]{1,}\b", t)}
    missing = sorted(w for w in used - NAMES if w and not re.search(rf"\b{w}\b", terms))
    assert not missing, f"explain in the glossary: {missing}"
