"""What-if branches side by side: a branch's save names its parent, a game finds its family, the debrief
and `silicon-curtain branches` show every member beside the baselines (short 12-month games)."""

import json
import shutil

import pygame
import pytest

from agents import commands as cmd
from game.branches import family
from game.cli import main
from game.runs import compare_runs
from game.session import CHECK_KEYS, GameSession, SaveError, branch

SHORT = {"meta.months": 12}


def _play(session, months):
    for _ in range(months):
        session.advance_month()
    return session


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    """original.json (10 months), and two branches of it in the same folder: at month 4 and at month 2."""
    folder = tmp_path_factory.mktemp("saves")
    s = GameSession("diffusion_rule_2025", seed=2, overrides=SHORT)
    s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 4e8}))
    original = _play(s, 10).save(folder / "original.json")
    assert main(["branch", str(original), "--at", "4", "--out", str(folder / "at4.json")]) == 0
    at4 = GameSession.load(folder / "at4.json")
    at4.submit(cmd.SetLevers(levers={"location_verification": True, "enforcement_budget_usd": 9e8}))
    _play(at4, 5).save()
    at2 = GameSession.load(original).branch_at(2)
    at2.submit(cmd.Rescind())
    _play(at2, 6).save(folder / "at2.json")
    return folder


def _copy(games, tmp_path, *names):
    for name in names:
        shutil.copy(games / name, tmp_path / name)
    return tmp_path


def test_a_branch_save_names_its_parent_and_month(games, tmp_path):
    assert json.loads((games / "at4.json").read_text())["branch"] == {"from": "original.json", "at": 4}
    assert json.loads((games / "at2.json").read_text())["branch"] == {"from": "original.json", "at": 2}
    assert "branch" not in json.loads((games / "original.json").read_text())  # a save without one still loads
    assert GameSession.load(games / "original.json").branch_point is None
    loaded = GameSession.load(games / "at4.json")
    assert loaded.branch_point.parent == games / "original.json" and loaded.branch_point.at == 4
    elsewhere = branch(games / "original.json", 3).save(tmp_path / "sub" / "x.json")
    assert json.loads(elsewhere.read_text())["branch"]["from"] == str((games / "original.json").resolve())
    unsaved = GameSession("diffusion_rule_2025", seed=2, overrides=SHORT)
    assert _play(unsaved, 3).branch_at(1).to_save()["branch"] == {"from": None, "at": 1}


def test_a_game_finds_its_parent_and_sibling_branches_and_each_replays_exactly(games):
    fam = family(GameSession.load(games / "at4.json"))
    assert [m.label for m in fam.members] == ["Original", "Branch from 2025-03"]
    assert [m.path.name for m in fam.members] == ["original.json", "at2.json"]
    assert fam.notes == () and fam.lineage == "a branch from 2025-05 of original.json"
    for member in fam.members:
        check = json.loads(member.path.read_text())["check"]
        assert {k: member.views[-1].metrics[k] for k in CHECK_KEYS} == check
    children = family(GameSession.load(games / "original.json"))
    assert [m.label for m in children.members] == ["Branch from 2025-03", "Branch from 2025-05"]
    assert [m.month for m in children.members] == [8, 9] and children.lineage == ""


def test_a_missing_parent_or_a_broken_sibling_is_a_note_not_a_crash(games, tmp_path):
    folder = _copy(games, tmp_path, "at4.json", "at2.json")
    bad = json.loads((folder / "at2.json").read_text())
    bad["commands"][-1]["kind"] = "invade"
    (folder / "at2.json").write_text(json.dumps(bad))
    fam = family(GameSession.load(folder / "at4.json"))
    assert fam.members == ()
    assert len(fam.notes) == 2
    assert fam.notes[0].startswith("Not shown: the game this one branched from") and "no such file" in fam.notes[0]
    assert fam.notes[1].startswith("Not shown: at2.json") and "commands[1].kind" in fam.notes[1]


def test_a_branch_of_another_world_and_too_many_branches_are_left_out_with_notes(games, tmp_path):
    folder = _copy(games, tmp_path, "original.json", "at4.json", "at2.json")
    other = json.loads((folder / "at2.json").read_text())
    (folder / "seed9.json").write_text(json.dumps({**other, "seed": 9, "check": {}}))
    fam = family(GameSession.load(folder / "original.json"), limit=1)
    assert [m.path.name for m in fam.members] == ["at2.json"]
    assert fam.notes == ("2 more branches not shown (at most 1).",)  # at4.json and seed9.json, unread
    fam = family(GameSession.load(folder / "original.json"))
    assert any("seed9.json" in n and "another seed" in n for n in fam.notes), fam.notes


def test_the_debrief_shows_two_branches_beside_the_baselines(games, tmp_path, monkeypatch):
    from game.ui.app import App, Settings
    from game.ui.scenes import DebriefScene
    from game.ui.scenes.debrief import CHARTS_BY_ROLE, with_branches

    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    session = GameSession.load(games / "original.json")
    pygame.display.init()
    pygame.font.init()
    try:
        app = App(size=(1280, 720), settings=Settings(), persist_settings=False)
        scene = DebriefScene(app, session)
        app.reset(scene)
        app.pump(2)
        assert len(scene.family.members) == 2
        assert scene.export_printable(tmp_path / "print.png").exists()
    finally:
        pygame.display.quit()
    runs = compare_runs(session, scene.family)
    assert [(r.label, r.kind, r.month) for r in runs] == [
        ("You", "you", 10), ("Branch from 2025-03", "branch", 8), ("Branch from 2025-05", "branch", 9),
        ("No controls", "baseline", 10), ("As scheduled (no player)", "baseline", 10),
        ("The published rule", "baseline", 10)]
    assert runs[1].score == session.score_of(scene.family.members[0].views, 8)
    assert runs[2].metrics["compute_adversary"] == scene.family.members[1].views[-1].metrics["compute_adversary"]
    spec = with_branches(CHARTS_BY_ROLE["us_commerce"][0], runs)
    branch_lines = [s for s in spec.series if s.solid]
    assert [s.baseline for s in branch_lines] == ["branch1", "branch2"]
    assert len({s.colour for s in spec.series}) == len(spec.series)  # every line its own colour


def test_cli_branches_prints_a_column_per_run_and_writes_csv(games, tmp_path, capsys):
    out = tmp_path / "family.csv"
    assert main(["branches", str(games / "at4.json"), "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    header = text.splitlines()[1]
    for label in ("You", "Original", "Branch from 2025-03", "No controls", "As scheduled (no player)"):
        assert label in header
    assert "a branch from 2025-05 of original.json" in text.splitlines()[0]
    assert any(line.startswith("Score") for line in text.splitlines())
    rows = out.read_text().splitlines()
    assert rows[0].startswith("run,kind,month,date,score,goal_") and len(rows) == 1 + 6  # you, 2 branches, 3 baselines
    assert rows[2].startswith("Original,branch,10,")


def test_cli_branches_of_a_bad_branch_header_is_one_line(games, tmp_path, capsys):
    bad = json.loads((games / "at4.json").read_text())
    bad["branch"] = {"from": "original.json", "at": "may"}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert main(["branches", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.json:branch.at: expected a whole number from 0 to 9" in err[0]
    with pytest.raises(SaveError, match="branch.at"):
        GameSession.load(tmp_path / "bad.json")
