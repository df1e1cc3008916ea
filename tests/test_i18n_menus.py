"""The screens around the game in Japanese (issue #15): title, picker, briefing, pause menu, settings, load,
glossary, debrief and the class screen draw Japanese at 1280x720 with every button's label inside its button;
the settings screen switches the language by keyboard and by click, at once, and keeps it; English stays
as it was. Headless (SDL's dummy driver), driven by posted keys and clicks as the other UI tests are."""

import re

import pygame
import pytest

from agents import lang
from game import i18n, messages
from game.classroom import HotSeat, load_lesson, new_class
from game.session import GameSession
from game.ui.app import App, Settings
from game.ui.scenes import (BriefingScene, DebriefScene, GlossaryScene, LoadScene, MainScene, PauseScene,
                            PickerScene, SettingsScene, TitleScene)
from game.ui.scenes.classroom import ClassScene, TurnMenu
from game.ui.scenes.menus import flat, label_room
from support import button, buttons, click, key

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MY_FILES = ("game/ui/scenes/menus.py", "game/ui/scenes/debrief.py", "game/ui/scenes/classroom.py",
            "game/ui/texts.py")



@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def make_app(language: str, persist: bool = False) -> App:
    i18n.use(language)
    pygame.display.init()
    pygame.font.init()
    return App(size=(1280, 720), settings=Settings(language=language), persist_settings=persist)


@pytest.fixture
def app(home):
    a = make_app("ja")
    yield a
    pygame.display.quit()


@pytest.fixture
def english(home):
    a = make_app("en", persist=True)
    yield a
    pygame.display.quit()


def start(app, scene, frames=2):
    app.reset(scene)
    app.pump(frames)
    return scene






def family(button) -> str:
    """The family of the font a button draws its label in (``Noto Sans JP`` has the Japanese glyphs)."""
    return next(v.name for v in vars(button.font).values() if isinstance(v, pygame.font.Font))


def drawn_text(app, monkeypatch) -> list[str]:
    """Every string the top scenes draw themselves in one frame (the widgets' labels come on top)."""
    seen: list[str] = []
    render = app.text.render
    monkeypatch.setattr(app.text, "render", lambda text, *a, **k: seen.append(text) or render(text, *a, **k))
    app.draw(app.screen)
    monkeypatch.undo()
    return seen


def assert_japanese_and_fits(app, monkeypatch, drawn: bool = True) -> None:
    scene = type(app.top).__name__
    labels = [b.text for b in buttons(app)]
    texts = drawn_text(app, monkeypatch) if drawn else []
    assert any(JAPANESE.search(t) for t in labels + texts), (scene, labels, texts[:10])
    for b in buttons(app):
        assert b.font.size(b.text)[0] <= label_room(b), (scene, b.text, b.rect.w)
        assert not JAPANESE.search(b.text) or family(b) == "Noto Sans JP", (scene, b.text, family(b))


def played(months=3, **kw) -> GameSession:
    s = GameSession("diffusion_rule_2025", seed=1, **kw)
    for _ in range(months):
        s.advance_month()
    return s


# ---------------------------------------------------------------------------
# every screen, in Japanese, at 1280x720


def test_the_title_and_the_glossary_speak_japanese(app, monkeypatch):
    start(app, TitleScene(app))
    assert [b.text for b in buttons(app)] == ["新しいゲーム", "ゲームを読み込む", "設定", "用語集", "終了"]
    assert_japanese_and_fits(app, monkeypatch)
    glossary = start(app, GlossaryScene(app))
    assert_japanese_and_fits(app, monkeypatch)
    assert glossary.scroll.surface is not None and button(app, "戻る")


def test_the_picker_speaks_japanese_for_every_role(app, monkeypatch):
    picker = start(app, PickerScene(app))
    for role in ("us_commerce", "bis_enforcement", "tier2_government", "tier3_government"):
        picker.pick_role(role)
        app.pump(1)
        assert_japanese_and_fits(app, monkeypatch)
    assert "2025年1月" in picker._summary()  # months as a Japanese reader writes them


@pytest.mark.parametrize("role", ["us_commerce", "tier2_government"])
def test_the_briefing_speaks_japanese(app, monkeypatch, role):
    session = GameSession("diffusion_rule_2025", seed=1, role=role,
                          **({"country": "IND"} if role == "tier2_government" else {}))
    brief = start(app, BriefingScene(app, session), frames=1)  # before it runs the baselines
    assert_japanese_and_fits(app, monkeypatch)
    assert brief.body.rect.bottom <= brief.begin_button.rect.top


def test_the_pause_menu_settings_and_load_screens_speak_japanese(app, monkeypatch, home):
    session = played(2)
    start(app, MainScene(app, session))
    app.push(PauseScene(app, app.top))
    app.pump(2)
    assert "ゲームを保存" in [b.text for b in buttons(app)]
    assert_japanese_and_fits(app, monkeypatch)
    start(app, SettingsScene(app))
    assert_japanese_and_fits(app, monkeypatch)
    session.save(home / "saves" / "a-save-with-a-rather-long-name-to-see-how-the-row-fits-the-button.json")
    (home / "saves" / "broken.json").write_text('{"format": "silicon-curtain-save", "version": 99}')
    start(app, LoadScene(app))
    assert_japanese_and_fits(app, monkeypatch)


def test_the_debrief_speaks_japanese(app, monkeypatch):
    start(app, DebriefScene(app, played(4)))
    assert_japanese_and_fits(app, monkeypatch)
    assert "振り返り" in drawn_text(app, monkeypatch)


def test_the_class_screen_and_the_turn_menu_speak_japanese(app, monkeypatch, tmp_path):
    folder = tmp_path / "class"
    new_class(load_lesson("smuggling_and_enforcement"), folder)
    scene = start(app, ClassScene(app, HotSeat(folder)))
    assert_japanese_and_fits(app, monkeypatch)
    assert any(t.startswith("手番を開始") for t in (b.text for b in buttons(app)))
    seat = scene.seat
    session = seat.load(seat.current)
    from game.ui.scenes.classroom import TurnScene

    turn = TurnScene(app, session, seat, seat.current, scene.target)
    start(app, turn)
    app.push(TurnMenu(app, turn))
    app.pump(2)
    labels = [b.text for b in buttons(app)]
    assert "この手番を放棄" in labels and "ゲームを読み込む" not in labels  # the turn menu still filters by key
    assert_japanese_and_fits(app, monkeypatch)


# ---------------------------------------------------------------------------
# choosing the language on the settings screen


def test_choosing_japanese_on_the_settings_screen_by_keyboard_switches_at_once_and_is_kept(english):
    app = english
    start(app, TitleScene(app))
    key(app, pygame.K_s)
    assert isinstance(app.top, SettingsScene)
    for _ in range(len(app.top.focus_ring)):
        key(app, pygame.K_TAB, frames=1)
        if app.top.focused_widget().text == "日本語":
            break
    key(app, pygame.K_RETURN)
    assert lang.language() == "ja" and app.japanese and app.text.japanese
    assert app.settings.language == "ja" and Settings.load().language == "ja"
    assert isinstance(app.top, SettingsScene) and "戻る" in [b.text for b in buttons(app)]
    assert app.top.focused_widget().text == "日本語"  # the focus stays on the choice just made
    key(app, pygame.K_ESCAPE)
    assert isinstance(app.top, TitleScene) and "新しいゲーム" in [b.text for b in buttons(app)]


def test_choosing_a_language_on_the_settings_screen_by_click_and_back(english):
    app = english
    start(app, SettingsScene(app))
    assert button(app, "English").is_selected
    click(app, button(app, "日本語"))
    assert lang.language() == "ja" and Settings.load().language == "ja"
    assert button(app, "日本語").is_selected and button(app, "戻る")
    click(app, button(app, "English"))
    assert lang.language() == "en" and app.settings.language == "en" and Settings.load().language == "en"
    assert button(app, "Back") and not app.japanese


# ---------------------------------------------------------------------------
# English as it was


def test_english_labels_are_unchanged(english):
    app = english
    start(app, TitleScene(app))
    assert [b.text for b in buttons(app)] == ["New game", "Load game", "Settings", "Glossary", "Quit"]
    start(app, MainScene(app, played(1)))
    app.push(PauseScene(app, app.top))
    app.pump(2)
    assert [b.text for b in buttons(app)] == ["Resume", "Save game", "Load game", "Settings", "Glossary",
                                              "What if? Branch from a month", "End game: debrief", "Quit to title"]
    settings = start(app, SettingsScene(app))
    assert [label for label, _y in settings.rows] == ["UI scale", "Palette", "Window", "Language"]
    assert "150% need a bigger window than this one (1280x720)" in settings.unavailable()
    assert [b.text for b in buttons(app)][3:] == ["Standard", "Colour-blind safe", "1280x720", "1600x900",
                                                  "1920x1080", "English", "日本語", "Back"]
    assert family(button(app, "日本語")) == "Noto Sans JP"  # its own name in its own script, never boxes
    assert family(button(app, "Back")) == "Noto Sans"
    picker = start(app, PickerScene(app))
    assert picker._summary() == ("Three tiers, Tier 2 caps and licence-free allowances from May 2025. "
                                 "2025-01 to 2031-01 (72 months).")
    assert "Continue to briefing" in [b.text for b in buttons(app)]


def test_one_line_text_keeps_english_spaces_and_drops_them_between_japanese():
    assert flat("In January 2025 the\noutgoing  administration") == "In January 2025 the outgoing administration"
    assert flat("2025年1月、米国の\n退任する政権は") == "2025年1月、米国の退任する政権は"
    assert flat("AI拡散規則\nH100") == "AI拡散規則 H100"


def test_my_japanese_messages_keep_their_placeholders():
    checked = 0
    for m in messages.read("ja"):
        if not m.id or not isinstance(m.id, str) or not any(loc[0] in MY_FILES for loc in m.locations):
            continue
        assert m.string, f"untranslated: {m.id!r}"
        assert sorted(re.findall(r"\{\w+\}", m.id)) == sorted(re.findall(r"\{\w+\}", m.string)), m.id
        checked += 1
    assert checked > 200
