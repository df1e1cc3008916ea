"""The command line in Japanese (issue #15): tables, help, errors and the run summary speak the chosen
language, files and English stay as they were, and ``--lang`` on ``play`` and ``class`` wins."""

import json
import re
import string

import pytest

from agents import lang
from agents.scenario import available_scenarios
from game import i18n
from game.cli import main

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
OWN_FILES = ("game/cli.py", "game/play_cli.py", "game/class_cli.py", "game/study_cli.py", "game/batch_cli.py",
             "game/tournament_cli.py", "game/files.py", "game/runs.py", "game/branches.py", "agents/checks.py",
             "agents/scenario.py", "agents/uncertainty.py")


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch, tmp_path):
    """No saved settings of the person running the tests; English again after each test."""
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    yield
    i18n.use("en")


@pytest.fixture
def japanese(monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_LANG", "ja")


def _bad_scenario(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('extends = "diffusion_rule_2025"\n[world]\ndetect_hazard = "high"\n', encoding="utf-8")
    return path


def test_scenarios_list_every_scenario_under_japanese_headings(japanese, capsys):
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["シナリオ", "説明", "期間"]
    listed = [line.split()[0] for line in lines[2:] if line.strip()]
    assert listed == available_scenarios()
    assert all("2025年1月〜" in line and "か月）" in line for line in lines[2:] if line.strip())


def test_levers_say_what_each_takes_and_the_government_policies_in_japanese(japanese, capsys):
    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    assert "政府の政策（country_policy 命令" in out
    assert "true/false のどちらか" in out and "0以上1,000,000以下の数値（TPP）" in out
    assert "USD/年" in out and "true or false" not in out and "a number between" not in out
    assert main(["levers", "--role", "tier3"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "レバー0個、政策4個" in first and "country_policy" in first


def test_a_bad_scenario_file_is_reported_in_japanese_naming_its_file_and_key(japanese, tmp_path, capsys):
    path = _bad_scenario(tmp_path)
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    line = captured.out.strip()
    assert line.startswith(f"{path}:world.detect_hazard: ")
    assert "0以上10以下の数値" in line and "'high'" in line and JAPANESE.search(line)
    assert "1ファイル中1ファイルが無効" in captured.err
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("silicon-curtain: エラー: ") and f"{path}:world.detect_hazard:" in err
    assert main(["run", "diffusion_rule_2025", "--set", "lpp_limit_h100=5"]) == 2
    err = capsys.readouterr().err
    assert "--set lpp_limit_h100: 不明なキー（'lpp_limit_h100e' の誤りでは？" in err


def test_english_output_is_unchanged(tmp_path, capsys):
    path = _bad_scenario(tmp_path)
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.strip() == (f"{path}:world.detect_hazard: expected a number between 0 and 10 "
                                               f"per shipment at baseline, got 'high'")
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["scenario", "description", "period"]
    assert "2025-01 to 2031-01 (72 months)" in out and not JAPANESE.search(out.split("\n", 2)[2][:200])
    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    assert "true or false" in out and "a number between 0 and 1,000,000 TPP" in out
    assert "Government policies (country_policy orders" in out
    with pytest.raises(SystemExit):
        main(["run", "diffusion_rule_2025", "--months", "0"])
    assert "expected a whole number of months from 1 to 600, got '0'" in capsys.readouterr().err


def test_help_and_argparse_type_errors_speak_japanese(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "ja", "run", "--help"])
    out = capsys.readouterr().out
    assert "乱数シード（既定 0）" in out and "--seed SEED" in out
    with pytest.raises(SystemExit):
        main(["play", "--size", "big", "--lang", "ja"])
    assert "1280x720 のような 幅x高さ が必要（指定値: 'big'）" in capsys.readouterr().err


def test_the_run_summary_is_in_japanese_and_its_csv_in_english(japanese, tmp_path, capsys):
    out = tmp_path / "run.csv"
    assert main(["run", "diffusion_rule_2025", "--months", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "シード 0、2025年1月〜2025年2月（1か月）" in text
    assert text.splitlines()[1].split() == ["指標", "値", "単位"] and "比率" in text
    assert f"{out} に2行を書き出した" in text
    header = out.read_text().splitlines()[0]
    assert header.startswith("month,compute_us,") and ",2025-02" in out.read_text()
    assert not JAPANESE.search(out.read_text())


def test_play_lang_must_be_a_language_the_game_speaks(capsys):
    assert main(["play", "nope_scenario", "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "expected one of en, ja, got 'fr'" in err
    assert main(["--lang", "ja", "class", "report", "nowhere", "--out", "x", "--lang", "de"]) == 2
    assert "--lang: expected one of en, ja, got 'de'" in capsys.readouterr().err


def test_a_commands_lang_wins_over_the_top_level_one(capsys):
    assert main(["--lang", "en", "play", "nope_scenario", "--lang", "ja"]) == 2
    assert "シナリオファイルが見つからない" in capsys.readouterr().err
    assert main(["--lang", "ja", "play", "nope_scenario", "--lang", "en"]) == 2
    assert "no such scenario file" in capsys.readouterr().err
    assert lang.language() == "en"


def test_class_new_with_lang_ja_chooses_japanese(tmp_path, capsys):
    out = tmp_path / "class"
    assert main(["class", "new", "diffusion_and_stockpiling", "--out", str(out), "--lang", "ja"]) == 0
    assert i18n.current() == "ja" and lang.language() == "ja"
    text = capsys.readouterr().out
    assert "4チーム、12か月のラウンドを4回" in text and f"  書き出し: {out / 'class.json'}" in text
    assert json.loads((out / "class.json").read_text())  # the class file is still JSON for programs
    assert main(["--lang", "ja", "class", "report", str(tmp_path / "none"), "--out", "x", "--lang", "en"]) == 2
    assert "no such class folder" in capsys.readouterr().err


def test_play_takes_the_language_saved_on_the_settings_screen_before_the_variable(monkeypatch, tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text(json.dumps({"language": "ja"}), encoding="utf-8")
    monkeypatch.setenv("SILICON_CURTAIN_LANG", "en")
    assert i18n.resolve(None, {"SILICON_CURTAIN_LANG": "en"}, saved="ja") == "ja"
    assert main(["play", "nope_scenario"]) == 2            # saved ja beats $SILICON_CURTAIN_LANG=en
    assert "シナリオファイルが見つからない" in capsys.readouterr().err
    assert main(["play", "nope_scenario", "--lang", "en"]) == 2   # an explicit --lang beats the settings
    assert "no such scenario file" in capsys.readouterr().err
    assert main(["run", "nope_scenario"]) == 2             # only play reads the settings
    assert "no such scenario file" in capsys.readouterr().err
    (home / "settings.json").write_text(json.dumps({"language": "xx"}), encoding="utf-8")
    assert main(["play", "nope_scenario"]) == 2            # a value the game does not speak is no choice
    assert "no such scenario file" in capsys.readouterr().err


def test_every_japanese_message_of_the_cli_keeps_its_placeholders():
    from babel.messages.pofile import read_po

    with open(i18n.LOCALE_DIR / "ja.po", "rb") as fh:
        catalogue = read_po(fh, locale="ja")
    fields = string.Formatter()
    checked = 0
    for message in catalogue:
        if not message.id or not any(loc in OWN_FILES for loc, _line in message.locations):
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = {f for f in (x[1] for x in fields.parse(ids[-1])) if f is not None}
        for text in texts:
            assert text, f"{message.id!r} has no Japanese"
            assert {f for f in (x[1] for x in fields.parse(text)) if f is not None} == wanted, message.id
            assert text.count("%%") == ids[0].count("%%"), message.id   # argparse help keeps its escapes
        checked += 1
    assert checked > 300


def test_branches_speak_japanese_and_their_csv_stays_english(tmp_path, capsys):
    from game.session import GameSession

    s = GameSession("diffusion_rule_2025", seed=2, overrides={"meta.months": 4})
    for _month in range(3):
        s.advance_month()
    original = s.save(tmp_path / "original.json")
    assert main(["branch", str(original), "--at", "1", "--out", str(tmp_path / "at1.json")]) == 0
    capsys.readouterr()
    csv = tmp_path / "family.csv"
    assert main(["--lang", "ja", "branches", str(original), "--csv", str(csv)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "シード 2。" in lines[0] and "2025年4月時点（3か月目）" in lines[0]
    assert "あなた" in lines[1] and "2025年2月からの分岐" in lines[1]
    assert lines[3].startswith("月 ") and lines[4].startswith("得点 ")
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("run,kind,month,date,score,goal_")
    assert rows[1].startswith("You,you,3,2025-04,") and rows[2].startswith("Branch from 2025-02,branch,1,2025-02,")
