"""The band the charts draw: which columns a game's ensemble runs, and the App's one runner.

Owns :class:`Bands` (the App's :class:`game.background.BandRunner`, the
request for the game on screen, renewed when its policy changes, and the
words that go with the band) and :func:`chart_band` (a chart's quantiles
by series). Imports the game package; the chart modules only inside
functions (they import this).
"""

from __future__ import annotations

from typing import Any

from agents.lang import N_, _
from game.background import BandRunner
from game.ensemble import SAMPLES, Band, EnsembleRequest, request_for
from game.intervals import BAND

BAND_TEXT = N_("{lo}-{hi}% of {k} sampled worlds under your current policy")
FINAL_BAND_TEXT = N_("{lo}-{hi}% of {k} sampled worlds under your final policy")
COMPUTING = N_("band: computing...")
"""The words on a band (catalogue keys: said through ``_``)."""


def band_keys(role_id: str) -> tuple[str, ...]:
    """The columns the main screen's charts and the role's debrief draw as the player's own lines."""
    from game.ui.charts import CHARTS
    from game.ui.scenes.debrief import CHARTS_BY_ROLE

    specs = CHARTS + tuple(CHARTS_BY_ROLE[role_id])
    return tuple(dict.fromkeys(s.key for spec in specs for s in spec.series if not s.baseline))


def chart_band(spec: Any, band: Band | None) -> dict[str, Any]:
    """(low, median, high) by series key for a chart's own lines, smoothed as the chart smooths them."""
    if band is None:
        return {}
    out = {}
    for s in spec.series:
        q = None if s.baseline else band.quantiles(s.key, spec.smooth)
        if q is not None:
            out[s.key] = q
    return out


class Bands:
    """The band of the game on screen: asked for each frame, run in the background, never waited for.

    Off (``enabled`` False: tests of other screens, scripted play) it asks for nothing and draws nothing.
    """

    def __init__(self, enabled: bool = False, samples: int = SAMPLES, runner: BandRunner | None = None):
        self.enabled = enabled
        self.samples = samples
        self.runner = runner or BandRunner()
        self._session: Any = None
        self._version = -1
        self._request: EnsembleRequest | None = None

    def start(self) -> None:
        """Start the worker now (its ~2 s of imports overlap the menus; a start in a frame costs ~17 ms)."""
        if self.enabled:
            self.runner.start()

    def follow(self, session: Any) -> None:
        """The game on screen now (each frame): its request, rebuilt only when its orders change."""
        if not self.enabled:
            return
        if session is not self._session or session.policy_version != self._version:
            self._session, self._version = session, session.policy_version
            self._request = request_for(session, band_keys(session.role.id), self.samples)
        self.runner.want(self._request, session.month)

    def poll(self) -> bool:
        """Once a frame, never waiting: True when a new band arrived."""
        return self.enabled and self.runner.poll()

    def of(self, session: Any) -> Band | None:
        """``session``'s band under its current orders, or None (not run yet, stale, or off)."""
        if not self.enabled or session is not self._session or session.policy_version != self._version:
            return None
        return self.runner.current

    def note(self, session: Any, final: bool = False) -> str:
        """What the shading is, or that it is coming; empty when there is none to come."""
        band = self.of(session)
        if band is not None:
            return _(FINAL_BAND_TEXT if final else BAND_TEXT).format(lo=f"{BAND[0] * 100:.0f}",
                                                                     hi=f"{BAND[1] * 100:.0f}", k=band.samples)
        if self.enabled and self.runner.computing and session is self._session:
            return _(COMPUTING)
        return ""

    def label(self, session: Any) -> str:
        """The band's legend entry on a chart ("10-90%, 8 worlds"), or empty without a band."""
        band = self.of(session)
        if band is None:
            return ""
        return _("{lo}-{hi}%, {k} worlds").format(lo=f"{BAND[0] * 100:.0f}", hi=f"{BAND[1] * 100:.0f}", k=band.samples)

    def wait(self, session: Any, timeout: float = 120.0) -> Band | None:
        """Block until ``session``'s band is in (screenshots and tests only: never in a frame)."""
        self.follow(session)
        self.runner.wait(timeout)
        return self.of(session)

    def close(self) -> None:
        self.runner.close()
