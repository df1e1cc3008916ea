"""Languages: which one is chosen, catalogues that cover what the code says, terms used consistently."""

import tomllib

import pytest

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
        for term, fixed in glossary.items():
            if term in english.lower():
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

    from game.cli import _columns

    assert main(["--lang", "ja", "levers"]) == 0
    lines = capsys.readouterr().out.split("\n\n")[0].splitlines()   # the levers' table
    w0, w1 = (len(seg) for seg in lines[1].split("  ")[:2])
    for line in lines[2:]:
        first, second, third = re.split(r"  +", line)[:3]
        start = line.index(third, len(first) + len(second))
        assert _columns(line[:start]) == w0 + w1 + 4, line   # wide characters count twice
