"""The main screen in Japanese (issue #15): it draws Japanese, its labels fit, its tooltips wrap; English as before."""

import html
import re

import pygame
import pytest
from pygame_gui.elements import UIButton

from game import i18n
from game.session import GameSession
from game.ui.app import App, Settings
from game.ui.panels.levers import lever_tooltip
from game.ui.scene import tooltip_width, wrap_tooltip
from game.ui.scenes import MainScene
from game.ui.style import Text

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")



@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))


@pytest.fixture
def drawn(monkeypatch):
    """Every string the game draws itself (Text.render), in order."""
    said: list[str] = []
    render = Text.render

    def record(self, text, *args, **kwargs):
        said.append(text)
        return render(self, text, *args, **kwargs)

    monkeypatch.setattr(Text, "render", record)
    return said


def window(language: str, scale: float = 1.0) -> App:
    i18n.use(language)
    pygame.display.init()
    pygame.font.init()
    app = App(size=(1280, 720), settings=Settings(ui_scale=scale), persist_settings=False)
    app.autoplay = True  # no event cards over the screen
    return app


def main_screen(app: App, months: int = 6, **role) -> MainScene:
    session = GameSession("diffusion_rule_2025", seed=1, **role)
    for _ in range(months):
        if session.pending_event is not None:
            session.choose(len(session.pending_event.choices) - 1)
        session.advance_month()
    scene = MainScene(app, session)
    app.reset(scene)
    app.apply_ops()
    app.pump(3)
    return scene


def buttons(app: App) -> list[UIButton]:
    return [w for w in app.top.widgets if isinstance(w, UIButton) and w.alive()]


def test_the_main_screen_draws_and_labels_in_japanese(home, drawn):
    app = window("ja")
    try:
        scene = main_screen(app)
        scene.mouse = tuple(int(c) for c in scene.world.country_px["IND"])
        app.pump(2)
        text = "\n".join(drawn)
        for word in ("得点", "なぜ起きたか", "ティア1", "米国製チップの輸出", "陣営別の計算資源", "ニュース", "2025年",
                     "導入済みの計算資源"):
            assert word in text, word
        assert not any(line.startswith(("Score ", "Why it happened", "Compute by bloc")) for line in drawn)
        labels = [b.text for b in buttons(app)]
        for word in ("メニュー", "一時停止" if not app.sim.paused else "再生", "地図：ティア", "用語集", "チップ", "国",
                     "今すぐ適用", "リセット"):
            assert word in labels, (word, labels)
        scene.cursor = 2
        app.pump(2)
        assert "ここから分岐" in [b.text for b in buttons(app)]
        assert any(JAPANESE.search(s) and "表示中" in s for s in drawn)  # looking back
    finally:
        app.close()
        pygame.display.quit()


TIER2 = {"role": "tier2_government", "country": "IND"}


@pytest.mark.parametrize("scale, role", [(1.0, {}), (1.25, {}), (1.0, TIER2), (1.25, TIER2),
                                         (1.25, {"role": "tier3_government"})])
def test_japanese_button_labels_fit_their_buttons(home, scale, role):
    app = window("ja", scale)
    try:
        scene = main_screen(app, months=3, **role)
        tabs = list(scene.tabs)
        for tab in tabs:  # every tab of the panel, and the buttons shown while looking back
            scene.set_tab(tab)
            scene.cursor = 1 if tab == tabs[-1] else None
            app.pump(2)
            for b in buttons(app):
                width = b.font.size(b.text)[0]
                assert width <= b.rect.w - 2, (tab, b.text, width, b.rect.w)
            assert any(JAPANESE.search(b.text) for b in buttons(app)), tab
    finally:
        app.close()
        pygame.display.quit()


def test_english_labels_and_tooltips_are_as_before(home, drawn):
    app = window("en")
    try:
        scene = main_screen(app)
        labels = [b.text for b in buttons(app)]
        for word in ("Menu", "Step", "1x", "Map: Tier", "Charts 1/2", "Save", "Glossary", "Chips", "Tier 2 rule",
                     "Enforcement", "Country", "Apply now", "Announce +4 mo", "Reset"):
            assert word in labels, (word, labels)
        assert not any(JAPANESE.search(s) for s in labels + drawn)
        assert "Why it happened" in drawn and any(s.startswith("Score ") for s in drawn)
        assert scene.mapview.legend_width() == app.u(170)  # English keeps its legend's width
        assert scene.tooltip_text("Save this month (Ctrl+S)") == "Save this month (Ctrl+S)"
        scene.set_tab("Tier 2 rule")
        app.pump(2)
        label = next(w for w, name in scene._widget_lever.items() if name == "lpp_limit_h100e"
                     and isinstance(w, UIButton) and w.text not in "-+")
        assert label.tool_tip_text == lever_tooltip("lpp_limit_h100e")  # not re-wrapped
        assert label.tool_tip_text.startswith("<b>Licence-free allowance (LPP)</b><br>")
        assert scene.looking_back_text(scene.session.views[2]) == f"Looking back at the end of {scene.session.scenario.date(1)}"
    finally:
        app.close()
        pygame.display.quit()


def _lines(markup: str) -> list[str]:
    """The text of each line of pre-wrapped tooltip markup, as pygame_gui shows it."""
    return [html.unescape(re.sub(r"<[^<>]*>", "", line)) for line in re.split(r"<br>", markup)]


@pytest.mark.parametrize("scale", [1.0, 1.25])
def test_japanese_tooltips_are_wrapped_to_the_tooltip_and_pygame_gui_breaks_no_line_again(home, scale):
    app = window("ja", scale)
    try:
        scene = main_screen(app)
        width = tooltip_width(app.manager)
        assert width == int(340 * app.settings.ui_scale) - 18  # the theme's rect_width less its edges
        tips = {b.tool_tip_text for b in buttons(app) if b.tool_tip_text}
        scene.set_tab("Tier 2 rule")
        app.pump(2)
        tips |= {b.tool_tip_text for b in buttons(app) if b.tool_tip_text}
        long = [t for t in tips if len(t) > 60]
        assert len(long) >= 10 and all(JAPANESE.search(t) for t in long)
        for markup in long:
            tip = app.manager.create_tool_tip(markup, (0, 0), (0, 0), None, None)
            try:
                rows = tip.text_block.text_box_layout.layout_rows
                shown = ["".join(getattr(item, "text", "") or "" for item in row.items) for row in rows]
                assert len(rows) == len(_lines(markup)), (shown, markup)  # no line split again (with a dash)
                assert all(row.width <= width for row in rows), [(r.width, s) for r, s in zip(rows, shown)]
                assert not any(s.endswith("-") and JAPANESE.search(s) for s in shown), shown
            finally:
                tip.kill()
    finally:
        app.close()
        pygame.display.quit()


def test_wrapping_a_tooltip_keeps_its_text_and_markup_and_escapes_the_rest():
    pygame.font.init()
    i18n.use("ja")
    text = Text(1.0, japanese=True)
    source = ("<b>許可不要枠（LPP）</b><br>荷受人1者・1暦年あたりの許可不要枠（2690万TPP）。下げると密輸業者は"
              "より多くのペーパーカンパニーを必要とする。<br><i>入力：0 < x & x > 1。--set では lpp_limit_h100e。</i>")
    wrapped = wrap_tooltip(source, text, 200)
    assert wrapped.startswith("<b>許可不要枠（LPP）</b><br>") and wrapped.endswith("</i>")
    assert "&lt; x &amp; x &gt; 1" in wrapped and "<i>" in wrapped
    lines = _lines(wrapped)
    assert len(lines) > 4
    plain = ("許可不要枠（LPP）荷受人1者・1暦年あたりの許可不要枠（2690万TPP）。下げると密輸業者はより多くのペーパーカンパニー"
             "を必要とする。入力：0 < x & x > 1。--set では lpp_limit_h100e。")
    assert "".join(lines).replace(" ", "") == plain.replace(" ", "")  # nothing lost or added, only breaks
    for i, line in enumerate(lines):
        assert text.width(line, 13, bold=i == 0) <= 200, line  # the first paragraph is bold
        assert not line.startswith(("。", "、", "）")), line  # kinsoku: no closing mark starts a line
    assert wrap_tooltip("短い", text, 200) == "短い"
    assert _lines(wrap_tooltip("one two three four five six seven eight", text, 60)) == [
        "one two", "three four", "five six", "seven", "eight"]  # a space at a break goes
