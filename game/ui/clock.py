"""The simulation clock: real time in, whole months out, at a capped rate.

Owns the speed (paused, 1x, 2x, 4x = 1, 2, 4 months a second), single
steps, and ``alpha`` for tweening between the last two months. At most one
month is due per frame and a backlog is dropped, never caught up (no
"death spiral" when a month takes longer than a frame). Pure Python: no
pygame, so tests drive it directly.
"""

from __future__ import annotations

SPEEDS = (0.0, 1.0, 2.0, 4.0)
"""Months per second for speed 0 (paused), 1, 2 and 3."""


class SimClock:
    def __init__(self, speed: int = 0):
        self.speed = speed
        self._last_speed = 1
        self._acc = 0.0
        self._step = False
        self._since = 1e9  # seconds since the last month was simulated

    @property
    def paused(self) -> bool:
        return self.speed == 0

    @property
    def rate(self) -> float:
        return SPEEDS[self.speed]

    def set_speed(self, speed: int) -> None:
        if not 0 <= speed < len(SPEEDS):
            raise ValueError(f"speed must be 0 to {len(SPEEDS) - 1}, got {speed}")
        if speed:
            self._last_speed = speed
        self.speed = speed

    def toggle(self) -> None:
        """Pause, or resume at the last speed."""
        self.set_speed(0 if self.speed else self._last_speed)

    def step(self) -> None:
        """Ask for exactly one month at the next frame (and pause)."""
        self.set_speed(0)
        self._step = True

    def months_due(self, dt: float) -> int:
        """Months to simulate this frame: 0 or 1."""
        self._since += dt
        if self._step:
            self._step = False
            self._acc = 0.0
            self._since = 0.0
            return 1
        if self.paused:
            return 0
        self._acc += dt * self.rate
        if self._acc >= 1.0:
            self._acc = min(self._acc - 1.0, 1.0)  # drop any backlog beyond the next month
            self._since = 0.0
            return 1
        return 0

    @property
    def alpha(self) -> float:
        """How far (0 to 1) the view has tweened from the last month to the newest."""
        return min(1.0, self._since * max(self.rate, 1.0))
