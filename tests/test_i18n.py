"""Languages: which one is chosen, catalogues that cover what the code says, terms used consistently."""

import re
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game import i18n, messages
from game.cli import main

@pytest.mark.parametrize("explicit, env, expected", [
    ("ja", {"SILICON_CURTAIN_LANG": "en", "LANG": "en_US.UTF-8"}, "ja"),
    (None, {"SILICON_CURTAIN_LANG": "ja", "LANG": "en_US.UTF-8"}, "ja"),
    (None, {"LANG": "ja_JP.UTF-8"}, "ja"),
    (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
    (None, {"LANG": "fr_FR.UTF-8"}, "en"),   # a system locale the game does not speak: English
    (None, {}, "en"),
    ("ja-JP", {}, "ja"),
])
def test_the_language_comes_from_the_flag_then_the_variable_then_the_locale(explicit, env, expected):
    assert i18n.resolve(explicit, env) == expected


def test_a_language_asked_for_by_name_that_the_game_does_not_speak_is_an_error(capsys):
    with pytest.raises(ValueError, match="expected one of en, ja, got 'fr'"):
        i18n.resolve("fr", {})
    assert main(["--lang", "fr", "levers"]) == 2
    assert "--lang: expected one of en, ja" in capsys.readouterr().err


def test_every_message_has_its_japanese_and_the_catalogue_has_nothing_stale():
    missing, stale = messages.gaps("ja")
    assert not missing, f"game/locale/ja.po lacks {len(missing)}: {missing[:5]} (python -m game.messages adds them)"
    assert not stale, f"game/locale/ja.po has entries nothing says: {stale[:5]} (python -m game.messages drops them)"


def test_the_japanese_catalogue_uses_the_glossary_terms():
    glossary = tomllib.loads((i18n.LOCALE_DIR / "glossary.toml").read_text(encoding="utf-8"))["ja"]
    for english, japanese in i18n.messages("ja").items():
        # file names and commands in backticks, and code keys (countries.*.goodwill), are not prose
        prose = re.sub(r"`[^`]*`|[\w*]+(?:[._][\w*]+)+", "", english).lower()
        for term, fixed in glossary.items():
            if japanese and term in prose:
                assert fixed in japanese, f"{english!r} says {term!r}: its Japanese should use {fixed!r}"


def test_levers_speak_japanese_when_asked(capsys, monkeypatch):
    assert main(["--lang", "ja", "levers"]) == 0
    out = capsys.readouterr().out
    assert "ティア2規則" in out and "検証済みエンドユーザー" in out and "chip_controls" in out
    monkeypatch.setenv("SILICON_CURTAIN_LANG", "ja")
    assert main(["levers", "--role", "enforcement"]) == 0
    assert "執行予算" in capsys.readouterr().out
    monkeypatch.delenv("SILICON_CURTAIN_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert main(["levers"]) == 0
    assert "Enforcement budget" in capsys.readouterr().out


def test_japanese_table_columns_line_up_in_a_terminal(capsys):
    import re

    from agents.words import text_columns as _columns

    assert main(["--lang", "ja", "levers"]) == 0
    lines = capsys.readouterr().out.split("\n\n")[0].splitlines()   # the levers' table
    w0, w1 = (len(seg) for seg in lines[1].split("  ")[:2])
    for line in lines[2:]:
        first, second, third = re.split(r"  +", line)[:3]
        start = line.index(third, len(first) + len(second))
        assert _columns(line[:start]) == w0 + w1 + 4, line   # wide characters count twice


PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:![rs])?(?::[^{}]*)?\}")


def test_every_translation_keeps_the_english_placeholders():
    for english, japanese in i18n.messages("ja").items():
        if japanese:
            assert sorted(PLACEHOLDER.findall(japanese)) == sorted(PLACEHOLDER.findall(english)), english[:80]


def test_translated_markdown_keeps_its_headings_and_table_columns():
    for english, japanese in i18n.messages("ja").items():
        if not japanese:
            continue
        if english.startswith("#"):
            assert japanese.startswith("#" * (len(english) - len(english.lstrip("#")))), english[:60]
        rows_en = [r.count("|") for r in english.splitlines() if r.startswith("|")]
        rows_ja = [r.count("|") for r in japanese.splitlines() if r.startswith("|")]
        assert rows_en == rows_ja, english[:60]


def test_code_marks_whole_messages_never_formatted_ones():
    """gettext looks up the text as written: an f-string or a positional {} cannot be translated or reordered."""
    root = i18n.LOCALE_DIR.parent.parent
    bad = []
    for folder in ("agents", "game"):
        for path in (root / folder).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\b(?:N?_|ngettext)\(\s*f['\"]", line) or re.search(r"\b_\(\s*['\"][^'\"]*\{\}", line):
                    bad.append(f"{path.relative_to(root)}:{n}")
    assert not bad, bad[:10]


def test_japanese_numbers_group_by_myriads_and_months_read_as_japanese_dates():
    from agents import words

    i18n.use("ja")
    assert [words.human(v) for v in (5e4, 1.2e6, 3.74e8, 1.5e9, 2e12)] == ["5万", "120万", "3.7億", "15億", "2兆"]
    assert words.format_value("USD/year", 374e6) == "3.7億ドル/年"
    assert words.format_value("months", 14) == "14か月"
    assert words.month_text("2025-01") == "2025年1月"
    i18n.use("en")
    assert words.format_value("USD/year", 374e6) == "$374M a year" and words.month_text("2025-01") == "2025-01"


@given(st.text(alphabet=st.sampled_from(list("ティア2の国は、上限（5万）に達すると「許可」。ab cH100e.")), max_size=60))
def test_line_break_units_rebuild_the_text_and_respect_the_japanese_line_rules(paragraph):
    from game.ui.style import _NO_LINE_END, _NO_LINE_START, break_units

    units = break_units(paragraph)
    assert "".join(units) == paragraph
    for i, unit in enumerate(units):
        if i > 0:
            assert unit[0] not in _NO_LINE_START or units[i - 1][-1] in _NO_LINE_END or unit[0] == " "
        if i < len(units) - 1:
            assert unit.rstrip()[-1:] not in _NO_LINE_END or not unit.rstrip()


def test_japanese_text_wraps_inside_its_width_and_loses_nothing():
    import pygame

    from game.ui.style import Text

    pygame.font.init()
    text = Text(1.0, japanese=True)
    paragraph = "ティア2の国は国別上限（5万H100e）に達すると、それ以上の許可を拒否される。密輸業者はペーパーカンパニーで注文を分ける。"
    lines = text.wrap(paragraph, 14, 180)
    assert len(lines) > 2 and "".join(lines) == paragraph
    assert all(text.width(line, 14) <= 180 for line in lines)
    assert not any(line[0] in "、。）」" for line in lines)


def test_remembered_wraps_are_the_same_and_a_caller_cannot_spoil_them():
    import pygame

    from game.ui.style import Text

    pygame.font.init()
    text = Text(1.0, japanese=True)
    paragraph = "密輸業者はペーパーカンパニーで注文を分ける。" * 3
    first = text.wrap(paragraph, 14, 160)
    first[-1] = "spoilt"                                     # block() shortens its last line in place
    assert text.wrap(paragraph, 14, 160)[-1] != "spoilt"
    assert text.wrap(paragraph, 14, 160) == Text(1.0, japanese=True).wrap(paragraph, 14, 160)
    assert text.fit(paragraph, 14, 100).endswith("…") and text.width(paragraph, 14) > 100
