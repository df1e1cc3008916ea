"""A plain (not editable) install works from any folder: the wheel carries scenarios, lessons, sweeps, map, theme.

Builds the wheel from a copy of the sources, installs it (no dependencies, no index) into a fresh
virtual environment whose dependencies come from this interpreter's site-packages (a ``.pth`` file),
and runs the installed command from an empty folder. About 20 s; no network when this environment
can build the wheel itself (setuptools >= 68 with bdist_wheel), else pip's build isolation fetches
setuptools from the configured index and the test is skipped if it cannot.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "agents", "game", "scenarios", "lessons", "sweeps", "assets")
SHIPPED = ("agents/scenarios/_world.toml", "agents/scenarios/diffusion_rule_2025.toml",
           "game/lessons/diffusion_and_stockpiling.toml", "game/lessons/diffusion_and_stockpiling.md",
           "game/sweeps/enforcement.toml", "game/assets/world_110m.json", "game/ui/theme.json",
           "game/locale/ja.po", "game/locale/glossary.toml")


def _can_build_without_isolation() -> bool:
    try:
        version = tuple(int(x) for x in importlib.metadata.version("setuptools").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return version >= (68, 0) and (version >= (70, 1) or importlib.util.find_spec("wheel") is not None)


def _run(args: list, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(the installed venv's bin folder, an empty folder to work in, the environment to run with)."""
    tmp = tmp_path_factory.mktemp("package")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(path, src / name)
    wheels = tmp / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, src]
    if _can_build_without_isolation():
        build.insert(5, "--no-build-isolation")
    done = _run(build, tmp)
    if done.returncode != 0:
        text = done.stdout + done.stderr
        if "--no-build-isolation" not in build and ("satisfies the requirement setuptools" in text
                                                     or "No matching distribution found for setuptools" in text):
            pytest.skip("cannot build the wheel: no setuptools>=68 here and none from the package index")
        pytest.fail(f"pip wheel failed:\n{text}")
    (wheel,) = wheels.glob("silicon_curtain-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [f for f in SHIPPED if f not in names], sorted(names)

    venv = tmp / "venv"
    done = _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp)
    assert done.returncode == 0, done.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp).stdout.strip())
    # The dependencies (and pip) come from this interpreter's site-packages, after the venv's own.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_silicon_curtain_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    done = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel], tmp)
    assert done.returncode == 0, done.stdout + done.stderr

    work = tmp / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", SILICON_CURTAIN_HOME=str(tmp / "home"),
               PYTHONDONTWRITEBYTECODE="1")
    done = _run([python, "-c", "import agents, game; print(agents.__file__); print(game.__file__)"], work, env)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.split():
        assert Path(line).resolve().is_relative_to(venv.resolve()), f"imported from outside the install: {line}"
    return bin_dir, work, env


def _command(installed, *args: str) -> subprocess.CompletedProcess:
    bin_dir, work, env = installed
    exe = bin_dir / ("silicon-curtain.exe" if os.name == "nt" else "silicon-curtain")
    return _run([exe, *args], work, env)


def test_installed_wheel_works_from_any_folder(installed):
    """One test (the install is built once even under pytest -n): scenarios, run, class new, a sweep, play."""
    bin_dir, work, env = installed
    done = _command(installed, "scenarios")
    assert done.returncode == 0, done.stderr
    for name in ("no_controls", "diffusion_rule_2025", "rescission_2025"):
        assert name in done.stdout

    done = _command(installed, "--lang", "ja", "levers")
    assert done.returncode == 0, done.stderr
    assert "ティア2規則" in done.stdout

    done = _command(installed, "run", "diffusion_rule_2025", "--months", "3", "--out", "x.csv", "--quiet")
    assert done.returncode == 0, done.stderr
    rows = (work / "x.csv").read_text().splitlines()
    assert len(rows) == 1 + 4 and rows[0].startswith("month,")

    done = _command(installed, "class", "new", "diffusion_and_stockpiling", "--out", "cls")
    assert done.returncode == 0, done.stderr
    assert (work / "cls" / "teacher_guide.md").read_text().strip()
    assert sorted(p.name for p in (work / "cls" / "teams").iterdir()) == ["beijing.json", "doves.json", "gulf.json",
                                                                            "hawks.json"]

    code = "from game.batch import load_sweep; s = load_sweep('enforcement'); print(s.name, s.scenario)"
    done = _run([bin_dir / "python", "-c", code], work, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("enforcement ") and "site-packages" in done.stdout

    done = _command(installed, "play", "diffusion_rule_2025", "--autoplay", "2", "--screenshot", "f.png")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (work / "f.png").stat().st_size > 10_000


def test_every_package_folder_is_in_pyproject():
    """pyproject.toml lists the packages by hand (to map the data folders into them): none forgotten."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in ("agents", "game")
             for p in (ROOT / top).rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
