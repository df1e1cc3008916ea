"""The class materials and reports in Japanese: handout, teacher's guide, debrief page and its figures."""

import gettext
import re

import pytest

from agents import lang
from game import i18n
from game.classroom import LESSON_DIR, build_report, handout, load_lesson, new_class
from game.messages import paragraphs
from support import play

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")



class WithGuide(gettext.NullTranslations):
    """The Japanese catalogue plus a translation of the guide's first paragraph (whoever translates the
    guides, the writing must go through the catalogue paragraph by paragraph)."""

    def __init__(self, extra: dict[str, str]):
        super().__init__()
        self.extra = extra
        self.add_fallback(i18n.catalogue("ja"))

    def gettext(self, message):
        return self.extra.get(message) or super().gettext(message)


def test_class_new_in_japanese_writes_a_japanese_handout_and_guide(tmp_path):
    lesson = load_lesson("diffusion_and_stockpiling")
    source = (LESSON_DIR / lesson.guide).read_text(encoding="utf-8")
    first = paragraphs(source)[0]
    i18n.use("ja")
    lang.install(WithGuide({first: "# 教師用の手引き：AI拡散規則と備蓄競争"}), "ja")
    new_class(lesson, tmp_path / "class")
    text = (tmp_path / "class" / "handout.md").read_text(encoding="utf-8")
    for heading in ("## チーム", "## 遊び方と提出"):
        assert heading in text
    assert "シナリオ：**" in text and "2025年1月～2029年1月" in text  # dates as people read them
    assert "`silicon-curtain play --load teams/<your team>.json --lang ja`" in text  # commands as typed, in Japanese
    guide = (tmp_path / "class" / "teacher_guide.md").read_text(encoding="utf-8")
    assert guide.startswith("# 教師用の手引き：AI拡散規則と備蓄競争\n\n")
    assert paragraphs(guide) == [lang._(p) for p in paragraphs(source)]  # every paragraph, in order


def test_the_english_handout_and_guide_are_as_before(tmp_path):
    lesson = load_lesson("diffusion_and_stockpiling")
    text = handout(lesson)
    assert text.startswith("# The Diffusion Rule and the race to stockpile\n\nScenario: **")
    assert "You play 4 rounds of 12 months (2025-01 to 2029-01)." in text
    assert "## Teams" in text and "## How to play and hand in" in text and not JAPANESE.search(text)
    assert "  Scored on: " in text and text.rstrip().endswith("`silicon-curtain class play <class folder>`.")



LESSON = """
[lesson]
title = "Test lesson"
scenario = "diffusion_rule_2025"
seed = 3
rounds = 2
months_per_round = 2
open_levers = ["enforcement_budget_usd"]
questions = ["Who smuggled more?"]

[teams.red]
name = "赤チーム"
role = "us_commerce"
goal = "Keep Tier 3 compute down."

[teams.blue]
name = "Blue"
role = "us_commerce"
"""


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """Two teams, one with a Japanese name, that have played two months (made in English)."""
    tmp = tmp_path_factory.mktemp("class")
    (tmp / "lesson.toml").write_text(LESSON, encoding="utf-8")
    folder = tmp / "class"
    new_class(load_lesson(tmp / "lesson.toml"), folder)
    play(folder / "teams" / "red.json", {"enforcement_budget_usd": 8e8}, 2)
    play(folder / "teams" / "blue.json", None, 2)
    return folder


@pytest.mark.filterwarnings("error:Glyph:UserWarning")  # a glyph matplotlib's font lacks would be a box
def test_the_class_report_in_japanese_has_japanese_headings_figures_and_its_own_font(played, tmp_path):
    i18n.use("ja")
    page, teams = build_report(played, tmp_path / "debrief", band_samples=0)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html><html lang='ja'>")
    for heading in ("<h2>得点</h2>", "<h2>決定とその後</h2>", "<h2>議論のための問い</h2>",
                    "<th>チーム</th>", "ティア3の計算資源"):
        assert heading in text
    assert "2025年3月" in text  # the month each team reached
    assert "@font-face{font-family:'Silicon Curtain Noto Sans JP'" in text  # readable without a Japanese font
    assert text.count("data:image/png;base64,") == 6 and [t.problem for t in teams] == ["", ""]
    assert "赤チーム" in text and "Keep Tier 3 compute down." in text  # untranslated lesson text: as written


@pytest.mark.filterwarnings("error:Glyph:UserWarning")
def test_an_english_report_draws_a_japanese_team_name_and_is_otherwise_english(played):
    from game.classroom import _chart, _html, collect_teams, read_class

    info = read_class(played)
    teams = collect_teams(played, info)
    png = _chart("compute_adversary", "Tier 3 compute", "H100e", teams, teams[0].session.baselines, 2)
    text = _html(info, teams, [("Tier 3 compute", "compute_adversary.png", png)], 2)
    assert text.startswith("<!doctype html><html lang='en'>") and "<h2>Scores</h2>" in text
    assert "Questions for discussion" in text and "2025-03" in text
    assert not JAPANESE.search(text.replace("赤チーム", ""))  # only the team's own name is Japanese
    assert "font-family:'Silicon Curtain Noto Sans JP',system-ui,sans-serif" in text  # for its characters only
    assert "unicode-range:U+2E80-FFFF" in text


def test_the_batch_report_and_compare_figure_speak_japanese(tmp_path):
    """The summary's headings and a figure's title through the catalogue; metric names stay as columns."""
    from game import report

    i18n.use("ja")
    assert report._metric_title("frontier_gap_months") == "frontier_gap_months（か月）"
    assert report._of_top(74) == " （74件中上位15件）"
    i18n.use("en")
    assert report._metric_title("frontier_gap_months") == "frontier_gap_months (months)"
    assert report._of_top(74) == " (largest 15 of 74)"


def test_generated_calibration_page_is_english_whatever_the_language():
    import pandas as pd

    from game import study

    table = pd.DataFrame([{"target": "T", "unit": "H100e", "held_out": True, "fitted_by": "", "model_mean": 1.5e6,
                           "band_low": 1e6, "band_high": 2e6, "sourced": "~1M", "low": 1e6, "high": 2e6,
                           "inside": True, "verdict": "inside", "source": "S", "note": ""}])
    english = study.calibration_markdown(table, [1, 2, 3])
    i18n.use("ja")
    assert study.calibration_markdown(table, [1, 2, 3]) == english and "1.5M" in english
    assert lang.language() == "ja"  # and the reader's language is back
