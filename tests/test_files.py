"""The one atomic writer: never half a file, never through a link or over a device, no leftovers."""

import os
import stat
import subprocess
import sys

import pytest

from game.files import NotAFileError, atomic_write, write_text


def test_a_write_replaces_a_regular_file_whole_with_ordinary_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo"])
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, kind):
    real = tmp_path / "real.txt"
    real.write_text("keep")
    target = tmp_path / "target"
    if kind == "symlink":
        target.symlink_to(real)
    elif kind == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    with pytest.raises(NotAFileError, match="expected a regular file"):
        write_text(target, "new")
    assert real.read_text() == "keep"
    assert (target.is_symlink() if kind == "symlink" else target.exists())
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "save.json"
    target.write_text("old")

    def fail(p):
        p.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["save.json"]


def test_temporaries_of_killed_writers_are_cleaned_by_the_next_write(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".save.json.{dead_pid}-abc123.tmp"
    stale.write_text("left by a kill")
    live = tmp_path / f".save.json.{os.getpid()}-def456.tmp"  # a writer still running: kept
    live.write_text("in progress")
    other = tmp_path / f".other.json.{dead_pid}-xyz.tmp"  # another file's: not ours to touch
    other.write_text("x")
    write_text(tmp_path / "save.json", "{}")
    assert not stale.exists() and live.exists() and other.exists()
