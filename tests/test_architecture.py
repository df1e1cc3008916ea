"""The dependency direction: agents never imports pygame or game, only game/ui imports pygame; imports resolve here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_agents_resolves_to_this_repository():
    import agents
    import game

    assert Path(agents.__file__).resolve().parent == ROOT / "agents"
    assert Path(game.__file__).resolve().parent == ROOT / "game"


def test_running_the_model_imports_neither_pygame_nor_game():
    code = ("import sys; from agents.model import ComputeModel; m = ComputeModel(seed=0); m.step(); "
            "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('pygame', 'pygame_gui', 'game')); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_headless_cli_commands_do_not_import_pygame():
    code = ("import sys; from game.cli import main; main(['run', 'no_controls', '--months', '1', '--quiet']); "
            "sys.exit(1 if 'pygame' in sys.modules else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_agents_source_never_mentions_pygame_or_game_imports():
    for path in (ROOT / "agents").glob("*.py"):
        text = path.read_text()
        assert "import pygame" not in text and "from game" not in text and "import game" not in text, path


def test_only_game_ui_imports_pygame():
    for path in (ROOT / "game").rglob("*.py"):
        if path.is_relative_to(ROOT / "game" / "ui"):
            continue
        text = path.read_text()
        assert "import pygame" not in text and "from pygame" not in text, path


def test_readme_metrics_table_matches_the_reporters():
    from agents.metrics import markdown_table

    assert markdown_table() in (ROOT / "README.md").read_text()


def test_readme_quick_start_and_ci_use_the_same_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make play" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
