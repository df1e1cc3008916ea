"""A whole Japanese game, every role and tab: nothing a player reads is left in English (issue #15).

Records what the game draws (``Text.render``), every button's label and every
tooltip while each role plays a few months, visits every tab of its panel,
hovers a country and answers an event card; then looks for English words.
Names that stay as they are in Japanese reporting (H100e, TPP, NVIDIA, HBM,
country codes) and code names a player types (``lpp_limit_h100e``, ``--set``)
are allowed.
"""

import re

import pygame
import pygame_gui.core.ui_element as ui_element
import pytest
from pygame_gui.elements import UIButton

from game import i18n
from game.session import GameSession
from game.ui.app import App, Settings
from game.ui.scenes import MainScene
from game.ui.style import Text

KEPT = set("""H100e TPP MacTOPS NVIDIA Huawei SMIC HUMAIN HBM VEU UVEU NVEU LPP BIS USD Ascend SXM Rubin
              Esc Tab Enter Space Shift Ctrl Home End PgUp PgDn Silicon Curtain FLOP""".split())
"""Words a Japanese text keeps as they are: units, companies, acronyms, chip names, keys."""
CODE = re.compile(r"<[^>]+>|\S*[_/\\]\S*|--\w[\w-]*|\S+\.(?:json|toml|csv|md|png)\b")
"""Markup, code names (lpp_limit_h100e), paths and flags: typed by a player, never translated."""


def english_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'-]{2,}", CODE.sub(" ", text))
    return [w for w in words if w not in KEPT and not re.fullmatch(r"[A-Z0-9]{2,6}s?", w)]


@pytest.fixture
def shown(monkeypatch, tmp_path):
    """Every string drawn, put on a button or given as a tooltip."""
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path))
    said: set[str] = set()
    render, init, tip = Text.render, UIButton.__init__, ui_element.UIElement.set_tooltip

    def record_render(self, text, *args, **kwargs):
        said.add(text)
        return render(self, text, *args, **kwargs)

    def record_button(self, rect, text, *args, **kwargs):
        said.update(t for t in (text, kwargs.get("tool_tip_text")) if t)
        init(self, rect, text, *args, **kwargs)

    def record_tip(self, text, *args, **kwargs):
        said.add(text or "")
        return tip(self, text, *args, **kwargs)

    monkeypatch.setattr(Text, "render", record_render)
    monkeypatch.setattr(UIButton, "__init__", record_button)
    monkeypatch.setattr(ui_element.UIElement, "set_tooltip", record_tip)
    yield said
    i18n.use("en")


ROLES = [{}, {"role": "bis_enforcement"}, {"role": "tier2_government", "country": "ARE"},
         {"role": "tier3_government"}]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.get("role", "us_commerce"))
def test_a_japanese_game_shows_no_english_words(shown, role):
    i18n.use("ja")
    pygame.display.init()
    pygame.font.init()
    app = App(size=(1280, 720), settings=Settings(), persist_settings=False)
    try:
        session = GameSession("diffusion_rule_2025", seed=1, **role)
        while session.month < 10 and session.pending_event is None:
            session.advance_month()
        scene = MainScene(app, session)
        app.reset(scene)
        app.apply_ops()
        app.pump(4)                                        # the event card, if one was raised
        if session.pending_event is not None:
            app.top.choose(len(session.pending_event.choices) - 1)
            app.pump(2)
        scene.mouse = tuple(int(c) for c in scene.world.country_px["SGP"])
        for tab in list(scene.tabs):
            scene.set_tab(tab)
            app.pump(2)
        for mode in range(4):
            scene.map_mode = mode
            app.pump(1)
    finally:
        app.close()
        pygame.display.quit()
    assert len(shown) > 80
    left = sorted(s for s in shown if english_words(s))
    assert not left, left[:10]


def test_the_english_word_finder_sees_english_and_lets_names_and_code_pass():
    assert english_words("Tier 2 cap reached") == ["Tier", "cap", "reached"]
    assert not english_words("ティア2の国別上限（5万 H100e）、NVIDIA、CHN、--set lpp_limit_h100e、saves/a.json")
