"""The band's worker: one spawned process that runs ensembles while the game draws frames.

Owns :class:`BandRunner`: the latest request wanted and its generation
(bumped when the request changes: an order, an answered event, another
game), the debounce (a second of wall time, or until the month advances,
so five clicks on + are one job), one job in flight at a time (a newer
request waits for it and its stale result is dropped), ``poll`` (never
waits: it reads a finished result if there is one and sends the next job)
and ``close`` (no process outlives the game). A failed worker is reported
once and the game goes on without a band. The worker is spawned, never
forked: a fork of a process running pygame (SDL, its threads) is unsafe.
Imports the standard library and ``game.ensemble``; never pygame.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from typing import Any, Callable

from game.ensemble import Band, EnsembleRequest

log = logging.getLogger(__name__)

DEBOUNCE_S = 1.0
"""Wall seconds a changed policy waits before its ensemble starts (unless the month advances first)."""


def serve(conn: Any, parent: int) -> None:
    """The worker's loop: (generation, request) in, (generation, band or None, error text) out; None ends it."""
    from game.batch import _exit_with_parent
    from game.ensemble import run_ensemble

    _exit_with_parent(parent)  # an orphan (the game killed) leaves at once
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        gen, request = job
        try:
            conn.send((gen, run_ensemble(request), ""))
        except Exception as exc:  # noqa: BLE001 - reported to the game, which goes on without a band
            conn.send((gen, None, f"{type(exc).__name__}: {exc}"))


class BandRunner:
    """Ensembles for the game, run in one background process, newest request only.

    Args:
        debounce: wall seconds a changed request waits (the first request starts at once).
        clock: wall time in seconds (tests pass a fake one).
        target: the worker's loop (tests pass a failing one; it must be importable: the worker is spawned).
    """

    def __init__(self, debounce: float = DEBOUNCE_S, clock: Callable[[], float] = time.monotonic,
                 target: Callable = serve):
        self.debounce = debounce
        self.clock = clock
        self.target = target
        self.generation = 0
        """Bumped by every new request: a result of an older one is never shown."""
        self.band: Band | None = None
        self.band_generation = -1
        self.failed = ""
        """Why the worker failed (logged once); empty while it works."""
        self._wanted: EnsembleRequest | None = None
        self._due = 0.0
        self._month: int | None = None
        self._sent = 0
        self._busy: int | None = None
        self._proc: Any = None
        self._conn: Any = None

    # ---- what the game reads ------------------------------------------------
    @property
    def current(self) -> Band | None:
        """The band of the latest request, or None while it runs (a stale band is never returned)."""
        return self.band if self.band_generation == self.generation else None

    @property
    def computing(self) -> bool:
        """Whether the latest request's band is still to come."""
        return not self.failed and self._wanted is not None and self.current is None

    # ---- what the game tells it -----------------------------------------------
    def want(self, request: EnsembleRequest, month: int) -> None:
        """The band the game would show now; a new request supersedes the last (not before ``debounce``)."""
        if request == self._wanted:
            self._advance(month)
            return
        first = self._wanted is None
        self._wanted = request
        self.generation += 1
        self._due = self.clock() + (0.0 if first else self.debounce)
        self._month = month

    def _advance(self, month: int) -> None:
        if self._month is not None and month != self._month:
            self._due = min(self._due, self.clock())  # the month moved on: the order applies, start now
            self._month = month

    def poll(self) -> bool:
        """Once a frame: take a finished result, start the next job when due. Never waits; True when the
        band shown changed."""
        changed = False
        if self._busy is not None:
            changed = self._receive()
        if (self._busy is None and not self.failed and self._wanted is not None and self._sent < self.generation
                and self.clock() >= self._due):
            self._send()
        return changed

    def _receive(self) -> bool:
        try:
            if not self._conn.poll():
                if not self._proc.is_alive():
                    self._fail(f"the band's worker stopped (exit code {self._proc.exitcode})")
                return False
            gen, band, error = self._conn.recv()
        except (EOFError, OSError) as exc:
            self._fail(f"the band's worker stopped ({exc or type(exc).__name__})")
            return False
        self._busy = None
        if error:
            self._fail(error)
            return False
        if gen != self.generation:
            return False  # superseded while it ran
        self.band, self.band_generation = band, gen
        return True

    def _send(self) -> None:
        if not self.start():
            return
        try:
            self._conn.send((self.generation, self._wanted))
        except (OSError, ValueError) as exc:
            self._fail(f"the band's worker stopped ({exc})")
            return
        self._busy = self._sent = self.generation

    def start(self) -> bool:
        """Start the worker if it is not running (before the first frame: a start costs ~17 ms); False if it
        cannot run."""
        if self.failed:
            return False
        if self._proc is not None:
            return True
        try:
            self._spawn()
        except Exception as exc:  # noqa: BLE001 - no process: the game goes on without a band
            self._fail(f"the band's worker could not start ({exc})")
            return False
        return True

    def _spawn(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs SDL
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=self.target, args=(child, os.getpid()), name="silicon-curtain-bands",
                                 daemon=True)
        self._proc.start()
        child.close()

    def _fail(self, why: str) -> None:
        if not self.failed:
            log.warning("no uncertainty band: %s", why)
        self.failed = why
        self._busy = None
        self.close()

    # ---- for scripts and tests ------------------------------------------------
    def wait(self, timeout: float = 60.0) -> Band | None:
        """Block until the latest request's band is in (screenshots and tests only: never in a frame)."""
        end = time.monotonic() + timeout
        self._due = min(self._due, self.clock())
        while self.computing and time.monotonic() < end:
            self.poll()
            time.sleep(0.02)
        return self.current

    def close(self) -> None:
        """Stop the worker (a job in flight is abandoned): the game quits without waiting for it."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        self._busy = None
        if proc is None:
            return
        try:
            conn.send(None)
        except (OSError, EOFError, ValueError):
            pass
        proc.join(0.2)
        if proc.is_alive():
            proc.terminate()
            proc.join(1.0)
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)
        conn.close()
