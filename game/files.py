"""Writing files so that nothing is half-written and others can read them: the one atomic writer.

Every file the game, the CLI, batches and class tools write goes through
:func:`atomic_write`: a temporary file in the same folder, flushed to disk,
given ordinary permissions (``mkstemp`` makes 0600, which others on a shared
drive cannot open), then renamed over the target. Imports the standard
library and ``agents.lang`` (a refused target is said in the reader's language) only.
"""

from __future__ import annotations

import functools
import glob
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable

from agents.lang import N_, _


class NotAFileError(OSError):
    """The target exists and is not a regular file (a link, folder or device): never replaced."""


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, flushed to disk, then renamed.

    Refuses a target that is a symbolic link, folder or device (a rename
    would replace the link itself, or a device node when run as root), and
    removes temporary files left by writers of the same name that were killed.
    """
    path = Path(path)
    check_target(path)
    try:
        remove_leftovers(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _about(exc, path) from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask())
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk names the file being written, not its temporary name
            raise _about(exc, path) from exc
        raise


def check_target(path: Path) -> None:
    """Raise :class:`NotAFileError` unless ``path`` is absent or a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = (N_("a symbolic link") if stat.S_ISLNK(mode) else N_("a folder") if stat.S_ISDIR(mode)
                else N_("a device or other special file"))
        raise NotAFileError(_("{path}: expected a regular file to write, found {kind}; remove it or choose another "
                              "name").format(path=path, kind=_(kind)))


def remove_leftovers(path: Path) -> None:
    """Delete ``.NAME.PID-*.tmp`` files next to ``path`` whose writing process no longer runs (killed)."""
    for tmp in Path(path).parent.glob(f".{glob.escape(path.name)}.*-*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            tmp.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _about(exc: OSError, path: Path) -> OSError:
    """The same error (same errno, so the same subclass), naming ``path``."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda p: p.write_bytes(data))


def write_json(path: Path, data: Any) -> None:
    atomic_write(path, lambda p: p.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n",
                                             encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def umask() -> int:
    """The process's umask (read once: setting it is the only way to read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
