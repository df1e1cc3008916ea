"""Writing files so that nothing is half-written and others can read them: the one atomic writer.

Every file the game, the CLI, batches and class tools write goes through
:func:`atomic_write`: a temporary file in the same folder, flushed to disk,
given ordinary permissions (``mkstemp`` makes 0600, which others on a shared
drive cannot open), then renamed over the target. Imports the standard
library only.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, flushed to disk, then renamed."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
